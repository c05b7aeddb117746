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
// Particles that belong to no entity are left unchanged. Prolong panics
// when prev or next has another entity count than b's grouping.
func (b *Binding) Prolong(f *particles.Frame, prev, next *Entities, dt float64, workers int) {
	k := b.Grouping.Len()
	if prev.Len() != k || next.Len() != k {
		panic("grouping: Prolong: entity state length differs from the grouping")
	}
	parallelFor(k, workers, func(lo, hi int) {
		for e := lo; e < hi; e++ {
			prolongOne(b.Members(e), f, prev, next, e, dt)
		}
	})
	f.Time = next.Time
}

func prolongOne(idx []int32, f *particles.Frame, prev, next *Entities, e int, dt float64) {
	deform := prev.Grad[e].Add(next.Grad[e]).Scale(dt / 2).Exp()
	c, c2 := prev.Centre[e], next.Centre[e]
	v2, l2, w2 := next.Vel[e], next.Grad[e], next.Omega[e]
	for _, i := range idx {
		r := deform.MulVec(r3.Sub(f.Pos[i], c))
		f.Pos[i] = r3.Add(c2, r)
		f.Vel[i] = r3.Add(v2, l2.MulVec(r))
		f.Omega[i] = w2
	}
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
