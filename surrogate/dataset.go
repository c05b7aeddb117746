package surrogate

import (
	"fmt"
	"math"
)

// EntityFrame is the coarse state of N entities at one instant, in SI
// units, as plain row-major arrays. It is what the grouping package
// restricts particle frames to.
type EntityFrame struct {
	Pos      []float64 // N×3 centres of mass, m
	Grad     []float64 // N×9 affine velocity gradients, row-major, 1/s
	Shape    []float64 // N×6 shape covariances, upper triangle xx xy xz yy yz zz (as grouping.Sym3), m²
	Radius   []float64 // N mean member radii, m
	Material []float64 // N×Materials mass fractions of each material, summing to 1 per entity
	Design   []float64 // values of Features.Design in their order and units, the same for every entity

	// Senders and Receivers list the directed neighbour pairs (entity
	// graph). Nil means: build them by a radius search over Pos with the
	// featurizer's connectivity radius.
	Senders, Receivers []int32

	Walls []WallEdge // entity-wall contacts within the connectivity radius
}

// WallEdge is the nearest point of a wall as seen from one entity.
type WallEdge struct {
	Entity  int32
	ToWall  [3]float64 // vector from the entity centre to the nearest wall point, m
	Normal  [3]float64 // unit wall normal, pointing into the domain
	WallVel [3]float64 // velocity of the wall at that point, m/s
}

// N returns the number of entities of f.
func (f *EntityFrame) N() int { return len(f.Radius) }

// Sequence is a trajectory of the same N entities sampled every Dt.
//
// Velocities and targets follow from positions by finite differences, so
// that semi-implicit Euler with the target accelerations reproduces the
// positions exactly (Sanchez-Gonzalez et al. 2020):
//
//	v_t = (x_t - x_{t-1}) / Dt
//	a_t = (x_{t+1} - 2·x_t + x_{t-1}) / Dt²
//	ΔB_t = B_{t+1} - B_t   (affine gradient change over one step)
//
// A step t is usable as a training target when History ≤ t < len(Frames)-1.
type Sequence struct {
	Name   string
	Dt     float64 // coarse time step, s
	Frames []EntityFrame
}

// Validate reports the first inconsistency of s: sizes, non-finite values
// or a non-positive time step.
func (s *Sequence) Validate(materials int) error {
	if !(s.Dt > 0) || math.IsInf(s.Dt, 0) {
		return fmt.Errorf("surrogate: sequence %q: time step %g s, want a positive finite value", s.Name, s.Dt)
	}
	if len(s.Frames) == 0 {
		return fmt.Errorf("surrogate: sequence %q has no frames", s.Name)
	}
	n := s.Frames[0].N()
	for t := range s.Frames {
		f := &s.Frames[t]
		for _, c := range []struct {
			name  string
			v     []float64
			width int
		}{{"Pos", f.Pos, 3}, {"Grad", f.Grad, 9}, {"Shape", f.Shape, 6}, {"Radius", f.Radius, 1}, {"Material", f.Material, materials}} {
			if len(c.v) != n*c.width {
				return fmt.Errorf("surrogate: sequence %q frame %d: %s has %d values, want %d×%d", s.Name, t, c.name, len(c.v), n, c.width)
			}
			for i, x := range c.v {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return fmt.Errorf("surrogate: sequence %q frame %d: %s[%d] is %g", s.Name, t, c.name, i, x)
				}
			}
		}
		if len(f.Senders) != len(f.Receivers) {
			return fmt.Errorf("surrogate: sequence %q frame %d: %d senders but %d receivers", s.Name, t, len(f.Senders), len(f.Receivers))
		}
		for i := range f.Senders {
			if f.Senders[i] < 0 || int(f.Senders[i]) >= n || f.Receivers[i] < 0 || int(f.Receivers[i]) >= n {
				return fmt.Errorf("surrogate: sequence %q frame %d: pair %d joins %d and %d, outside [0, %d)", s.Name, t, i, f.Senders[i], f.Receivers[i], n)
			}
		}
		for i, w := range f.Walls {
			if w.Entity < 0 || int(w.Entity) >= n {
				return fmt.Errorf("surrogate: sequence %q frame %d: wall edge %d names entity %d, outside [0, %d)", s.Name, t, i, w.Entity, n)
			}
		}
	}
	return nil
}

// velocity writes the finite-difference velocity of entity i at frame t.
func (s *Sequence) velocity(t, i int, v []float64) {
	a, b := s.Frames[t-1].Pos, s.Frames[t].Pos
	for d := 0; d < 3; d++ {
		v[d] = (b[3*i+d] - a[3*i+d]) / s.Dt
	}
}

// Target writes the N×3 acceleration (m/s²) and N×9 gradient change
// (1/s) of step t, which needs 1 ≤ t < len(Frames)-1.
func (s *Sequence) Target(t int, acc, dgrad []float64) {
	p0, p1, p2 := s.Frames[t-1].Pos, s.Frames[t].Pos, s.Frames[t+1].Pos
	for i := range acc {
		acc[i] = (p2[i] - 2*p1[i] + p0[i]) / (s.Dt * s.Dt)
	}
	g1, g2 := s.Frames[t].Grad, s.Frames[t+1].Grad
	for i := range dgrad {
		dgrad[i] = g2[i] - g1[i]
	}
}
