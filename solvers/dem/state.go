package dem

import (
	"cmp"
	"slices"

	"gonum.org/v1/gonum/spatial/r3"
)

// state holds the particles of a run in structure-of-arrays form: one
// slice per quantity, index i in each describing the same particle.
// Vector quantities are slices of r3.Vec, three contiguous float64s,
// which keeps the x, y and z of a particle in one cache line for the
// random access of the pair loop.
//
// Particles are only appended (with increasing ids) or removed with the
// order of the survivors kept, so ids always increase with the index.
// The neighbour history merge relies on that order.
type state struct {
	id       []int64
	pos      []r3.Vec  // m
	vel      []r3.Vec  // m/s
	omega    []r3.Vec  // rad/s
	force    []r3.Vec  // N
	torque   []r3.Vec  // N m
	radius   []float64 // m
	mass     []float64 // kg
	invMass  []float64 // 1/kg
	invInert []float64 // inverse moment of inertia 1/(2/5 m r^2), 1/(kg m^2)
	material []int32

	nextID int64
}

func (s *state) len() int { return len(s.id) }

// add appends one particle with a new id at rest in rotation.
func (s *state) add(pos, vel r3.Vec, radius, mass float64, material int32) {
	s.id = append(s.id, s.nextID)
	s.nextID++
	s.pos = append(s.pos, pos)
	s.vel = append(s.vel, vel)
	s.omega = append(s.omega, r3.Vec{})
	s.force = append(s.force, r3.Vec{})
	s.torque = append(s.torque, r3.Vec{})
	s.radius = append(s.radius, radius)
	s.mass = append(s.mass, mass)
	s.invMass = append(s.invMass, 1/mass)
	s.invInert = append(s.invInert, 1/(0.4*mass*radius*radius))
	s.material = append(s.material, material)
}

// compact removes the particles with remove[i] set, keeping the order of
// the others. It returns the number removed.
func (s *state) compact(remove []bool) int {
	k := 0
	for i := range s.id {
		if remove[i] {
			continue
		}
		if k != i {
			s.id[k] = s.id[i]
			s.pos[k] = s.pos[i]
			s.vel[k] = s.vel[i]
			s.omega[k] = s.omega[i]
			s.force[k] = s.force[i]
			s.torque[k] = s.torque[i]
			s.radius[k] = s.radius[i]
			s.mass[k] = s.mass[i]
			s.invMass[k] = s.invMass[i]
			s.invInert[k] = s.invInert[i]
			s.material[k] = s.material[i]
		}
		k++
	}
	removed := len(s.id) - k
	s.id = s.id[:k]
	s.pos = s.pos[:k]
	s.vel = s.vel[:k]
	s.omega = s.omega[:k]
	s.force = s.force[:k]
	s.torque = s.torque[:k]
	s.radius = s.radius[:k]
	s.mass = s.mass[:k]
	s.invMass = s.invMass[:k]
	s.invInert = s.invInert[:k]
	s.material = s.material[:k]
	return removed
}

// sortSpatially reorders particles [first, len) along a Morton (Z-order)
// curve over cells of the given size (m), keeping their ids in place, so
// that particles close in space are close in memory. Random sequential
// addition places particles in random order, and the pair loop would
// otherwise fetch every partner from a distant cache line.
func (s *state) sortSpatially(first int, cell float64) {
	n := s.len() - first
	if n < 2 || !(cell > 0) {
		return
	}
	lo := s.pos[first]
	for _, p := range s.pos[first:] {
		lo = r3.Vec{X: min(lo.X, p.X), Y: min(lo.Y, p.Y), Z: min(lo.Z, p.Z)}
	}
	keys := make([]uint64, n)
	order := make([]int, n)
	for k := range n {
		p := s.pos[first+k]
		keys[k] = morton(uint64((p.X-lo.X)/cell), uint64((p.Y-lo.Y)/cell), uint64((p.Z-lo.Z)/cell))
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(keys[a], keys[b]) })

	permute(s.pos[first:], order)
	permute(s.vel[first:], order)
	permute(s.omega[first:], order)
	permute(s.force[first:], order)
	permute(s.torque[first:], order)
	permute(s.radius[first:], order)
	permute(s.mass[first:], order)
	permute(s.invMass[first:], order)
	permute(s.invInert[first:], order)
	permute(s.material[first:], order)
}

// permute sets x[k] = old x[order[k]].
func permute[T any](x []T, order []int) {
	old := slices.Clone(x)
	for k, o := range order {
		x[k] = old[o]
	}
}

// morton interleaves the low 21 bits of x, y and z.
func morton(x, y, z uint64) uint64 {
	return spread(x) | spread(y)<<1 | spread(z)<<2
}

// spread moves bit i of the low 21 bits of v to bit 3i.
func spread(v uint64) uint64 {
	v &= 0x1fffff
	v = (v | v<<32) & 0x1f00000000ffff
	v = (v | v<<16) & 0x1f0000ff0000ff
	v = (v | v<<8) & 0x100f00f00f00f00f
	v = (v | v<<4) & 0x10c30c30c30c30c3
	v = (v | v<<2) & 0x1249249249249249
	return v
}
