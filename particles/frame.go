package particles

import (
	"fmt"

	"gonum.org/v1/gonum/spatial/r3"
)

// NoEntity marks a particle that belongs to no coarse entity.
const NoEntity int32 = -1

// Frame is the state of a particle system at one instant.
//
// Entity is nil for an ungrouped frame. Otherwise it has one entry per
// particle, the index of the coarse entity the particle belongs to or
// NoEntity.
type Frame struct {
	Step int64   // solver step count since the start of the run
	Time float64 // simulated time, s

	ID       []int64   // particle ids, unique within a run
	Pos      []r3.Vec  // centre positions, m
	Vel      []r3.Vec  // translational velocities, m/s
	Omega    []r3.Vec  // angular velocities, rad/s
	Radius   []float64 // radii, m
	Mass     []float64 // masses, kg
	Material []int32   // indices into the case's material list
	Entity   []int32   // coarse entity index per particle, or nil

	// OutletCount and OutletMass are cumulative since the start of the
	// run: how many particles, and how much mass in kg, left the domain
	// through each outlet of the case, in the case's outlet order.
	OutletCount []int64
	OutletMass  []float64
}

// Len returns the number of particles in f.
func (f *Frame) Len() int { return len(f.ID) }

// Validate reports an error when the per-particle slices of f differ in
// length, naming the first slice that disagrees with ID.
func (f *Frame) Validate() error {
	n := len(f.ID)
	check := func(name string, m int) error {
		if m != n {
			return fmt.Errorf("particles: frame at step %d: %s has %d entries, want %d (one per id)", f.Step, name, m, n)
		}
		return nil
	}
	for _, c := range []struct {
		name string
		m    int
	}{
		{"Pos", len(f.Pos)}, {"Vel", len(f.Vel)}, {"Omega", len(f.Omega)},
		{"Radius", len(f.Radius)}, {"Mass", len(f.Mass)}, {"Material", len(f.Material)},
	} {
		if err := check(c.name, c.m); err != nil {
			return err
		}
	}
	if f.Entity != nil {
		return check("Entity", len(f.Entity))
	}
	return nil
}

// Resize sets the length of every per-particle slice of f to n, reusing
// the backing arrays when their capacity allows. Entity is resized only
// when it is non-nil. Contents beyond the old length are unspecified.
func (f *Frame) Resize(n int) {
	f.ID = resize(f.ID, n)
	f.Pos = resize(f.Pos, n)
	f.Vel = resize(f.Vel, n)
	f.Omega = resize(f.Omega, n)
	f.Radius = resize(f.Radius, n)
	f.Mass = resize(f.Mass, n)
	f.Material = resize(f.Material, n)
	if f.Entity != nil {
		f.Entity = resize(f.Entity, n)
	}
}

// Clone returns a deep copy of f.
func (f *Frame) Clone() *Frame {
	g := &Frame{
		Step:     f.Step,
		Time:     f.Time,
		ID:       append([]int64(nil), f.ID...),
		Pos:      append([]r3.Vec(nil), f.Pos...),
		Vel:      append([]r3.Vec(nil), f.Vel...),
		Omega:    append([]r3.Vec(nil), f.Omega...),
		Radius:   append([]float64(nil), f.Radius...),
		Mass:     append([]float64(nil), f.Mass...),
		Material: append([]int32(nil), f.Material...),
	}
	if f.Entity != nil {
		g.Entity = append([]int32(nil), f.Entity...)
	}
	g.OutletCount = append([]int64(nil), f.OutletCount...)
	g.OutletMass = append([]float64(nil), f.OutletMass...)
	return g
}

func resize[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	t := make([]T, n)
	copy(t, s)
	return t
}
