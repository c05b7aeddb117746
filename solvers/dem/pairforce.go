package dem

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/spatial/r3"
)

// computeRows resolves the contacts of the pairs in rows [lo, hi), sums
// each row's forces on its first member in list order, adds each pair's
// share for the second member to that member's sum or stores it in onJ,
// and updates the history. Without scatter, [lo, hi) is one chunk of the
// split the list was built for, and the call writes only to the sums of
// its own rows, to onJ and to its pairs, so chunks can run in parallel.
// With scatter set, which needs rows [0, N) in one call, every share
// goes straight into accForce and accTorque.
//
// The contact law is written out here instead of calling law.resolve,
// which the compiler does not inline, so that the call, its contact and
// result structs and its model switches stay out of the loop. The
// arithmetic is the same operation for operation, so the forces are bit
// for bit those of law.resolve. TestPairKernelMatchesResolve checks that
// on random contacts of every model.
func (p *pairs) computeRows(l *law, s *state, dt float64, lo, hi int, fault *overlapFault, scatter bool) {
	if scatter == p.buffered {
		panic(fmt.Sprintf("dem: pair forces with scatter %v on a list built with buffered shares %v; the chunk count changed without a rebuild", scatter, p.buffered))
	}
	if scatter {
		clear(p.accForce)
		clear(p.accTorque)
	} else {
		clear(p.accForce[lo:hi])
		clear(p.accTorque[lo:hi])
	}
	box := p.nl.Box

	// Slicing every per-particle and every per-pair array to one length
	// lets the compiler drop all but one bounds check of each group.
	n := len(s.pos)
	pos, vel, omega := s.pos, s.vel[:n], s.omega[:n]
	radius, mass, material := s.radius[:n], s.mass[:n], s.material[:n]
	nb := p.nl.Neighbors
	touching, shear := p.touching[:len(nb)], p.shear[:len(nb)]
	accForce, accTorque := p.accForce[:n], p.accTorque[:n]
	slot := p.slot
	if !scatter {
		slot = slot[:len(nb)]
	}
	start := p.nl.Start[:n+1]
	hertz := l.normal == normalHertz
	rolling := l.rolling
	for i := lo; i < hi; i++ {
		pi, ri, mi := pos[i], radius[i], mass[i]
		vi, wi, mati := vel[i], omega[i], material[i]
		var fi, ti r3.Vec
		for k, kEnd := int(start[i]), int(start[i+1]); k < kEnd; k++ {
			j := nb[k]

			// Separation and overlap.
			d := r3.Sub(pi, pos[j])
			if p.periodic {
				d = box.MinImage(d)
			}
			rj := radius[j]
			sum := ri + rj
			dist2 := d.X*d.X + d.Y*d.Y + d.Z*d.Z
			if dist2 >= sum*sum {
				if touching[k] {
					p.separate(k, scatter)
				}
				continue
			}
			dist := math.Sqrt(dist2)
			delta := sum - dist
			var n r3.Vec
			if dist > 0 {
				n = r3.Scale(1/dist, d)
			} else {
				n = r3.Vec{Z: 1}
			}
			if delta > MaxOverlapFraction*min(ri, rj) && fault.pair < 0 {
				*fault = overlapFault{pair: k, i: i, j: int(j), overlap: delta, fraction: delta / min(ri, rj)}
			}

			// Effective properties and the relative velocity at the
			// contact point, -armI n from i and +armJ n from j.
			mj := mass[j]
			rStar := ri * rj / sum
			mStar := mi * mj / (mi + mj)
			armI := ri - delta/2
			armJ := rj - delta/2
			wj := omega[j]
			vRel := r3.Sub(vi, vel[j])
			spin := r3.Add(r3.Scale(armI, wi), r3.Scale(armJ, wj))
			vc := r3.Sub(vRel, r3.Cross(spin, n))
			vn := r3.Dot(vc, n)
			vt := r3.Sub(vc, r3.Scale(vn, n))

			// Normal part: spring and dashpot, clipped at zero.
			pc := l.pair(mati, material[j])
			root := 1.0 // the linear model's stiffnesses are constants
			if hertz {
				root = math.Sqrt(rStar * delta)
			}
			kn := pc.knScale * root
			gammaN := pc.dampScale * math.Sqrt(pc.snScale*root*mStar)
			fn := max(0, kn*delta-gammaN*vn)

			// Tangential part: the history spring is advanced, rotated
			// into the current contact plane and Coulomb limited.
			kt := pc.ktScale * root
			sh := r3.Add(shear[k], r3.Scale(dt, vt))
			sh = r3.Sub(sh, r3.Scale(r3.Dot(sh, n), n))
			limit := pc.mu * math.Abs(fn)
			var ft r3.Vec
			if spring2 := kt * kt * r3.Dot(sh, sh); spring2 > limit*limit {
				sh = r3.Scale(limit/math.Sqrt(spring2), sh)
				ft = r3.Scale(-kt, sh)
			} else {
				ft = r3.Sub(r3.Scale(-kt, sh), r3.Scale(gammaN*pc.dampingT, vt))
			}
			shear[k] = sh

			// Forces and torques. The tangential force acts at the
			// contact point.
			nxft := r3.Cross(n, ft)
			force := r3.Add(r3.Scale(fn, n), ft)
			torqueI := r3.Scale(-armI, nxft)
			torqueJ := r3.Scale(-armJ, nxft)

			// Rolling resistance: equal and opposite torques.
			var m r3.Vec
			switch rolling {
			case rollingConstantTorque:
				wRel := r3.Sub(wi, wj)
				if w := norm(wRel); w != 0 && pc.muR != 0 {
					m = r3.Scale(-pc.muR*rStar*kn*delta/w, wRel)
					m = r3.Sub(m, r3.Scale(r3.Dot(m, n), n))
				}
			case rollingEPSD:
				ii, ij := mi*ri*ri, mj*rj*rj
				inertia := 1.4 * ii * ij / (ii + ij)
				m = l.rollingTorque(pc, kn, delta, fn, rStar, inertia, n, r3.Sub(wi, wj), dt, &p.roll[k])
			}
			if rolling != rollingNone {
				torqueI = r3.Add(torqueI, m)
				torqueJ = r3.Sub(torqueJ, m)
			}

			// Sums: i's share now, j's share straight into its sum or,
			// for a particle with shares from two chunks, into the buffer.
			fi = r3.Add(fi, force)
			ti = r3.Add(ti, torqueI)
			if scatter || slot[k] < 0 {
				accForce[j] = r3.Sub(accForce[j], force)
				accTorque[j] = r3.Add(accTorque[j], torqueJ)
			} else {
				p.onJ[slot[k]] = forceTorque{force: r3.Scale(-1, force), torque: torqueJ}
			}
			touching[k] = true
		}
		// Rows run in ascending order, so every direct share for particle
		// i is already in its sum, and adding the row completes it. A
		// particle with buffered shares gets its row sum alone.
		if scatter || p.jStart[i] == p.jStart[i+1] {
			accForce[i] = r3.Add(accForce[i], fi)
			accTorque[i] = r3.Add(accTorque[i], ti)
		} else {
			accForce[i], accTorque[i] = fi, ti
		}
	}
}

// separate clears the history and, unless the shares are scattered, the
// buffered share of pair k, whose particles no longer touch.
func (p *pairs) separate(k int, scatter bool) {
	p.touching[k] = false
	if !scatter && p.slot[k] >= 0 {
		p.onJ[p.slot[k]] = forceTorque{}
	}
	p.shear[k] = r3.Vec{}
	if p.epsd {
		p.roll[k] = r3.Vec{}
	}
}
