package grouping

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/particles"
)

// pinvTol is the relative eigenvalue cut-off of the pseudo-inverses in the
// least-squares fits: directions in which the member cloud is thinner than
// about 1e-6 of its extent are treated as missing.
const pinvTol = 1e-12

// Entities is the state of the coarse entities of a grouping at one
// instant, in structure-of-arrays form: entity k's state is the k-th entry
// of every slice.
type Entities struct {
	Time float64 // simulated time, s

	Count      []int32   // members present in the frame
	Mass       []float64 // total member mass, kg
	Centre     []r3.Vec  // centre of mass, m
	Vel        []r3.Vec  // velocity of the centre of mass, m/s
	Omega      []r3.Vec  // angular velocity from the angular momentum about Centre, rad/s
	Grad       []Mat3    // affine velocity gradient L, 1/s
	Shape      []Sym3    // mass-weighted covariance of member centres about Centre, m^2
	MeanRadius []float64 // mass-weighted mean member radius, m

	// Materials is the number of materials. MaterialMix holds the mass
	// fraction of each material per entity, entity k's fractions being
	// MaterialMix[k*Materials:(k+1)*Materials].
	Materials   int
	MaterialMix []float64
}

// Len returns the number of entities.
func (e *Entities) Len() int { return len(e.Mass) }

// resize sets the number of entities to k, reusing storage.
func (e *Entities) resize(k, materials int) {
	e.Count = resize(e.Count, k)
	e.Mass = resize(e.Mass, k)
	e.Centre = resize(e.Centre, k)
	e.Vel = resize(e.Vel, k)
	e.Omega = resize(e.Omega, k)
	e.Grad = resize(e.Grad, k)
	e.Shape = resize(e.Shape, k)
	e.MeanRadius = resize(e.MeanRadius, k)
	e.Materials = materials
	e.MaterialMix = resize(e.MaterialMix, k*materials)
}

// Clone returns a deep copy of e.
func (e *Entities) Clone() *Entities {
	c := &Entities{Time: e.Time, Materials: e.Materials}
	c.resize(e.Len(), e.Materials)
	copy(c.Count, e.Count)
	copy(c.Mass, e.Mass)
	copy(c.Centre, e.Centre)
	copy(c.Vel, e.Vel)
	copy(c.Omega, e.Omega)
	copy(c.Grad, e.Grad)
	copy(c.Shape, e.Shape)
	copy(c.MeanRadius, e.MeanRadius)
	copy(c.MaterialMix, e.MaterialMix)
	return c
}

// Momentum returns the total linear momentum of the entities, kg m/s.
func (e *Entities) Momentum() r3.Vec {
	var p r3.Vec
	for k, m := range e.Mass {
		p = r3.Add(p, r3.Scale(m, e.Vel[k]))
	}
	return p
}

// TotalMass returns the total mass of the entities, kg.
func (e *Entities) TotalMass() float64 {
	var m float64
	for _, x := range e.Mass {
		m += x
	}
	return m
}

// Restrict computes the state of every entity of b from the particles of
// f and stores it in dst, which it resizes. Restriction conserves mass and
// linear momentum to rounding error: each entity's mass is the sum of its
// members' masses and its velocity is their momentum divided by that mass.
//
// materials is the number of materials of the case; zero means one more
// than the largest material index in f. An entity whose members are all
// absent from f gets zero mass and zero state.
//
// Restrict returns an error when f's ids differ from those b was made for,
// or when a member has a non-positive or non-finite mass or a material
// index outside [0, materials).
func (b *Binding) Restrict(f *particles.Frame, materials int, dst *Entities) error {
	if !b.Matches(f) {
		return fmt.Errorf("grouping: frame at step %d has other particle ids than the binding; bind the frame again", f.Step)
	}
	if materials == 0 {
		for _, m := range f.Material {
			materials = max(materials, int(m)+1)
		}
	}
	k := b.Grouping.Len()
	dst.resize(k, materials)
	dst.Time = f.Time

	errs := make([]error, k)
	parallelFor(k, 0, func(lo, hi int) {
		for e := lo; e < hi; e++ {
			errs[e] = restrictOne(b.Members(e), f, dst, e)
		}
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// restrictOne computes the state of entity e from its members idx in f.
func restrictOne(idx []int32, f *particles.Frame, dst *Entities, e int) error {
	mix := dst.MaterialMix[e*dst.Materials : (e+1)*dst.Materials]
	clear(mix)
	dst.Count[e] = int32(len(idx))

	// Mass, centre of mass, momentum, radius and material mix.
	var mass, rad float64
	var mx, p r3.Vec
	for _, i := range idx {
		m := f.Mass[i]
		if !(m > 0) || math.IsInf(m, 0) {
			return fmt.Errorf("grouping: particle %d at step %d has mass %g kg; masses must be positive and finite", f.ID[i], f.Step, m)
		}
		mass += m
		mx = r3.Add(mx, r3.Scale(m, f.Pos[i]))
		p = r3.Add(p, r3.Scale(m, f.Vel[i]))
		rad += m * f.Radius[i]
		mat := int(f.Material[i])
		if mat < 0 || mat >= len(mix) {
			return fmt.Errorf("grouping: particle %d at step %d has material %d, outside the %d materials; pass the case's material count", f.ID[i], f.Step, mat, len(mix))
		}
		mix[mat] += m
	}
	if mass == 0 {
		dst.Mass[e], dst.Centre[e], dst.Vel[e], dst.Omega[e] = 0, r3.Vec{}, r3.Vec{}, r3.Vec{}
		dst.Grad[e], dst.Shape[e], dst.MeanRadius[e] = Mat3{}, Sym3{}, 0
		return nil
	}
	c := r3.Scale(1/mass, mx)
	v := r3.Scale(1/mass, p)
	for j := range mix {
		mix[j] /= mass
	}

	// Second moments about the centre: shape, velocity-position cross
	// moment, angular momentum and inertia including member spin.
	var shape Sym3
	var cross Mat3
	var h r3.Vec
	var spinInertia float64
	for _, i := range idx {
		m := f.Mass[i]
		r := r3.Sub(f.Pos[i], c)
		u := r3.Sub(f.Vel[i], v)
		shape.addOuter(m, r)
		cross.addOuter(m, u, r)
		is := 0.4 * m * f.Radius[i] * f.Radius[i] // solid sphere, kg m^2
		h = r3.Add(h, r3.Add(r3.Scale(m, r3.Cross(r, u)), r3.Scale(is, f.Omega[i])))
		spinInertia += is
	}

	dst.Mass[e] = mass
	dst.Centre[e] = c
	dst.Vel[e] = v
	dst.MeanRadius[e] = rad / mass
	dst.Shape[e] = scaleSym(shape, 1/mass)

	// Least-squares velocity gradient: L = (sum m u rᵀ)(sum m r rᵀ)⁺.
	dst.Grad[e] = cross.Mul(shape.Inverse(pinvTol))

	// Angular velocity ω = I⁻¹ H with I = sum m (|r|² 1 - r rᵀ) plus the
	// members' own spin inertia, which keeps I invertible.
	inertia := Sym3{-shape[0], -shape[1], -shape[2], -shape[3], -shape[4], -shape[5]}
	tr := shape.Trace() + spinInertia
	inertia[0] += tr
	inertia[3] += tr
	inertia[5] += tr
	dst.Omega[e] = inertia.Inverse(pinvTol).MulVec(h)
	return nil
}

func scaleSym(s Sym3, f float64) Sym3 {
	for i := range s {
		s[i] *= f
	}
	return s
}

func resize[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	t := make([]T, n)
	copy(t, s)
	return t
}
