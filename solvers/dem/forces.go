package dem

import (
	"fmt"

	"gonum.org/v1/gonum/spatial/r3"
)

// wallFault records the first particle of a chunk whose wall overlap
// exceeds the blow-up limit.
type wallFault struct {
	i        int // particle index, or -1
	fraction float64
}

// stepEnd selects what computeForces applies after the forces.
type stepEnd int

const (
	// forcesOnly computes the forces of the initial state.
	forcesOnly stepEnd = iota
	// endStep applies the second half kick and checks that the state is
	// finite.
	endStep
	// endStepAndDrift also applies the first half kick and the drift of
	// the next step and records the displacements in run.moved.
	endStepAndDrift
)

// computeForces sets s.force and s.torque to the contact forces and
// torques plus gravity at the current positions and half-step velocities.
// What it then applies to each particle, right after its forces while
// its state is in registers, is set by end.
//
// Phase one resolves every listed pair, rows in parallel, summing each
// row on its first member. The second member's share goes straight into
// its sum, unless that particle receives shares from two chunks, whose
// shares are buffered. Phase two adds the buffered shares in a fixed
// order, the wall contacts and gravity, particles in parallel. Neither
// phase writes anything another chunk reads, and a single chunk adds the
// shares in the same order without the buffer, so the result is the same
// for any number of workers.
func (r *run) computeForces(end stepEnd) error {
	s := &r.s
	n := s.len()
	chunks := r.pool.chunks(n)
	t := r.time()

	// Phase one: pair contacts.
	r.faults = resizeZero(r.faults, chunks)
	for k := range r.faults {
		r.faults[k].pair = -1
	}
	scatter := chunks == 1
	r.pool.run(n, func(ch, lo, hi int) {
		r.pairs.computeRows(r.law, s, r.dt, lo, hi, &r.faults[ch], scatter)
	})
	for _, f := range r.faults {
		if f.pair >= 0 {
			i := f.i
			if s.radius[f.j] < s.radius[f.i] {
				i = f.j
			}
			return &BlowUpError{Step: r.step, Time: t, ParticleID: s.id[i], Quantity: "overlap",
				Value: fmt.Sprintf("%.4g m with particle %d, %.0f %% of the smaller radius (limit %.0f %%)", f.overlap, s.id[f.i+f.j-i], 100*f.fraction, 100*MaxOverlapFraction)}
		}
	}

	// Phase two: per-particle sums, walls and gravity.
	r.walls.prepare(chunks)
	r.wallWorst = resizeZero(r.wallWorst, chunks)
	r.bad = resizeZero(r.bad, chunks)
	if end == endStepAndDrift {
		r.moved = resizeZero(r.moved, chunks)
	}
	ref := r.pairs.nl.Reference()
	g := r.gravity
	h := r.dt / 2
	r.pool.run(n, func(ch, lo, hi int) {
		fault := wallFault{i: -1}
		cursor := 0
		if lo < n {
			cursor = r.walls.historyFrom(s.id[lo])
		}
		bad, moved := -1, 0.0
		for i := lo; i < hi; i++ {
			var f, tq r3.Vec
			if scatter {
				f, tq = r.pairs.accForce[i], r.pairs.accTorque[i]
			} else {
				f, tq = r.pairs.sumParticle(i)
			}
			if r.walls.mayTouch(i) {
				worst := r.walls.computeParticle(r.law, s, i, ch, t, r.dt, &cursor, &f, &tq)
				if worst > MaxOverlapFraction && fault.i < 0 {
					fault = wallFault{i: i, fraction: worst}
				}
			}
			f = r3.Add(f, r3.Scale(s.mass[i], g))
			s.force[i], s.torque[i] = f, tq
			if end == forcesOnly || bad >= 0 {
				continue
			}

			// The end of the step, and ahead the start of the next,
			// while the particle's state is in registers.
			hm, hi := h*s.invMass[i], h*s.invInert[i]
			v, w := kick(s.vel[i], f, hm), kick(s.omega[i], tq, hi)
			if !finite(s.pos[i], v, w) {
				s.vel[i], s.omega[i] = v, w
				bad = i
				continue
			}
			if end == endStepAndDrift {
				v, w = kick(v, f, hm), kick(w, tq, hi)
				p := r3.Add(s.pos[i], r3.Scale(r.dt, v))
				d := r3.Sub(p, ref[i])
				if r.periodic {
					p, d = r.wrapDisplaced(p, ref[i])
				}
				s.pos[i] = p
				moved = max(moved, d.X*d.X+d.Y*d.Y+d.Z*d.Z)
			}
			s.vel[i], s.omega[i] = v, w
		}
		r.wallWorst[ch] = fault
		r.bad[ch] = bad
		if end == endStepAndDrift {
			r.moved[ch] = moved
		}
	})
	r.walls.commit(chunks)
	for _, f := range r.wallWorst {
		if f.i >= 0 {
			return &BlowUpError{Step: r.step, Time: t, ParticleID: s.id[f.i], Quantity: "wall overlap",
				Value: fmt.Sprintf("%.4g m, %.0f %% of its radius (limit %.0f %%)", f.fraction*s.radius[f.i], 100*f.fraction, 100*MaxOverlapFraction)}
		}
	}
	for _, i := range r.bad {
		if i >= 0 {
			return r.nonFiniteError(i)
		}
	}
	return nil
}
