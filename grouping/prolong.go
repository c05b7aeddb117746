package grouping

import (
	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/particles"
)

// Prolong moves the members of every entity over a step of dt seconds and
// writes their new positions, velocities and angular velocities into f.
// The entities go from state prev, which must describe f (restricted from
// it or prolonged into it), to state next.
//
// Each member keeps its offset from the centre, carried by the entity's
// deformation over the step:
//
//	x_i' = c' + F (x_i - c),   F = exp(dt (L + L')/2),
//	v_i' = v' + L' (x_i' - c'),
//	ω_i' = ω',
//
// where c, L are prev's centre and gradient and c', v', L', ω' are next's.
// The exponential, rather than the first-order 1 + L dt, makes a pure
// rotation (antisymmetric L) move the members rigidly: F is then a
// rotation matrix to rounding error, so a rigid clump stays rigid over
// any number of steps. Because the members' mass-weighted offsets sum to
// zero, the prolonged particles have centre of mass c' and momentum
// M v' to rounding error. Member velocity fluctuations about the affine
// field and member spins relative to the entity are not kept.
//
// A member farther than b.Reach (when positive) from its entity's centre
// is translated with the entity, x_i' = c' + (x_i - c), v_i' = v'.
//
// Particles that belong to no entity are left unchanged. Prolong panics
// when prev or next has another entity count than b's grouping, or f
// another particle count than b.
func (b *Binding) Prolong(f *particles.Frame, prev, next *Entities, dt float64, workers int) {
	k := b.Grouping.Len()
	if prev.Len() != k || next.Len() != k {
		panic("grouping: Prolong: entity state length differs from the grouping")
	}
	if f.Len() != len(b.Entity) {
		panic("grouping: Prolong: frame length differs from the binding")
	}

	// Per-entity motion first, then one pass over the particles in frame
	// order, which streams the particle arrays instead of gathering them.
	steps := make([]entityStep, k)
	parallelFor(k, workers, func(lo, hi int) {
		for e := lo; e < hi; e++ {
			steps[e] = entityStep{
				deform: prev.Grad[e].Add(next.Grad[e]).Scale(dt / 2).Exp(),
				centre: prev.Centre[e], next: next.Centre[e],
				vel: next.Vel[e], grad: next.Grad[e], omega: next.Omega[e],
			}
		}
	})
	parallelFor(f.Len(), workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			e := b.Entity[i]
			if e < 0 {
				continue
			}
			s := &steps[e]
			r := r3.Sub(f.Pos[i], s.centre)
			if b.Reach > 0 && r3.Norm2(r) > b.Reach*b.Reach {
				f.Pos[i] = r3.Add(s.next, r)
				f.Vel[i] = s.vel
				f.Omega[i] = s.omega
				continue
			}
			r = s.deform.MulVec(r)
			f.Pos[i] = r3.Add(s.next, r)
			f.Vel[i] = r3.Add(s.vel, s.grad.MulVec(r))
			f.Omega[i] = s.omega
		}
	})
	f.Time = next.Time
}

// entityStep is one entity's motion over a prolongation step.
type entityStep struct {
	deform       Mat3   // exp(dt (L + L')/2)
	centre, next r3.Vec // centre of mass before and after, m
	vel          r3.Vec // velocity after, m/s
	grad         Mat3   // velocity gradient after, 1/s
	omega        r3.Vec // angular velocity after, rad/s
}

// Advance returns the state of e after dt seconds of free motion: each
// centre moves with its velocity, the shape is carried by the deformation
// exp(L dt), and velocity, gradient and angular velocity are unchanged.
// It is the state a cheating surrogate with zero accelerations would
// predict, useful as next in Prolong for tests and benchmarks.
func (e *Entities) Advance(dt float64) *Entities {
	n := e.Clone()
	n.Time = e.Time + dt
	for k := range n.Mass {
		n.Centre[k] = r3.Add(e.Centre[k], r3.Scale(dt, e.Vel[k]))
		f := e.Grad[k].Scale(dt).Exp()
		s := f.Mul(e.Shape[k].Mat()).Mul(f.T())
		n.Shape[k] = Sym3{s[0], s[1], s[2], s[4], s[5], s[8]}
	}
	return n
}
