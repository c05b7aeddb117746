package cases

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/spatial/r3"
)

// Observable kinds of a fluid case.
const (
	// FluidObsForce is the force of the fluid on an obstacle, N in 3D
	// and N/m per unit depth in 2D, with drag and lift coefficients when
	// a reference speed and length (2D) or area (3D) are given.
	FluidObsForce = "force"
	// FluidObsPressureDifference is the gauge pressure at From minus that
	// at To, Pa.
	FluidObsPressureDifference = "pressure_difference"
	// FluidObsProfile is the velocity at Samples points evenly spaced on
	// the segment from From to To, both ends included, m/s.
	FluidObsProfile = "profile"
)

var fluidObservableKeys = map[string][]string{
	FluidObsForce:              {"obstacle", "reference_speed", "reference_length", "reference_area"},
	FluidObsPressureDifference: {"from", "to"},
	FluidObsProfile:            {"from", "to", "samples"},
}

// FluidObservable is a named quantity of a fluid case recorded at every
// output frame.
type FluidObservable struct {
	Name string
	Type string // FluidObsForce, FluidObsPressureDifference or FluidObsProfile

	// Obstacle is the index into Fluid.Obstacles of the body a force
	// observable acts on.
	Obstacle int
	// ReferenceSpeed (m/s) and ReferenceLength (m, 2D) or ReferenceArea
	// (m^2, 3D) scale the force to the coefficients 2 F / (rho U^2 L) or
	// 2 F / (rho U^2 A). They are zero when the file gives none.
	ReferenceSpeed  float64
	ReferenceLength float64
	ReferenceArea   float64

	From, To r3.Vec // ends of a pressure difference or profile, m
	Samples  int    // points of a profile, at least 2
}

// fluidObservables reads the top-level observables list of a fluid case.
//
//	observables:
//	  - {name: cylinder, type: force, obstacle: cylinder, reference_speed: 0.2, reference_length: 0.1}
//	  - {name: dp, type: pressure_difference, from: [0.15, 0.2, 0], to: [0.25, 0.2, 0]}
//	  - {name: wake, type: profile, from: [0.3, 0, 0], to: [0.3, 0.41, 0], samples: 42}
func (d *decoder) fluidObservables(top *mapping, f *Fluid) {
	seen := map[string]bool{}
	for i, n := range top.seq("observables") {
		path := indexPath("observables", i)
		om := d.mapping(n, path, nil)
		if om == nil {
			continue
		}
		var o FluidObservable
		o.Name, o.Type = d.observableNameType(om, path, seen, FluidObsForce, FluidObsPressureDifference, FluidObsProfile)
		if o.Type == "" {
			continue
		}
		om.allow("a fluid "+o.Type+" observable", append([]string{"name", "type"}, fluidObservableKeys[o.Type]...)...)
		switch o.Type {
		case FluidObsForce:
			d.forceObservable(om, f, &o)
		case FluidObsPressureDifference:
			o.From, o.To = f.gridPoint(om, "from"), f.gridPoint(om, "to")
		case FluidObsProfile:
			o.From, o.To = f.gridPoint(om, "from"), f.gridPoint(om, "to")
			o.Samples = int(om.integer("samples", 0, 2, 1<<20, true))
		}
		f.Observables = append(f.Observables, o)
	}
}

// forceObservable reads the keys of a force observable.
func (d *decoder) forceObservable(om *mapping, f *Fluid, o *FluidObservable) {
	o.Obstacle = -1
	name := om.str("obstacle", "", true)
	for k, n := range f.ObstacleNames {
		if n == name {
			o.Obstacle = k
		}
	}
	if name != "" && o.Obstacle < 0 {
		msg := "no fluid obstacle is named %q; name one with fluid.obstacles[i].name"
		if len(f.ObstacleNames) > 0 {
			msg = fmt.Sprintf("no fluid obstacle is named %%q; the obstacles are: %v%s", f.ObstacleNames, didYouMean(name, f.ObstacleNames))
		}
		d.errAt(om.lookup("obstacle"), joinPath(om.path, "obstacle"), msg, name)
	}

	o.ReferenceSpeed = om.opt("reference_speed", 0, positive("the reference speed (m/s)"))
	is2D := f.Nodes[2] == 1
	if is2D {
		o.ReferenceLength = om.opt("reference_length", 0, positive("the reference length (m)"))
		if om.has("reference_area") {
			d.errAt(om.keyNodes["reference_area"], joinPath(om.path, "reference_area"),
				"a 2D grid gives forces per unit depth: use reference_length (m) instead of reference_area")
		}
	} else {
		o.ReferenceArea = om.opt("reference_area", 0, positive("the reference area (m^2)"))
		if om.has("reference_length") {
			d.errAt(om.keyNodes["reference_length"], joinPath(om.path, "reference_length"),
				"a 3D grid gives forces in N: use reference_area (m^2) instead of reference_length")
		}
	}
	scale := "reference_length"
	if !is2D {
		scale = "reference_area"
	}
	if om.has("reference_speed") != om.has(scale) {
		d.errAt(om.at, om.path, "force coefficients need both reference_speed and %s; give both or neither", scale)
	}
}

// gridPoint reads a point under key that must lie in the fluid's box,
// which extends half a spacing beyond the outer nodes to the walls.
func (f *Fluid) gridPoint(om *mapping, key string) r3.Vec {
	p := om.vector(key, r3.Vec{}, true)
	n := om.lookup(key)
	if n == nil || f.Spacing <= 0 {
		return p
	}
	lo, hi := f.box()
	coords := [3]float64{p.X, p.Y, p.Z}
	for a := 0; a < 3; a++ {
		if a == 2 && f.Nodes[2] == 1 {
			continue
		}
		const slack = 1e-9 // relative to the spacing, for points typed on the walls
		if coords[a] < lo[a]-slack*f.Spacing || coords[a] > hi[a]+slack*f.Spacing {
			om.d.errAt(n, joinPath(om.path, key), "%s lies outside the fluid grid: %c must be in [%s, %s] m",
				formatVec(p), "xyz"[a], formatFloat(lo[a]), formatFloat(hi[a]))
			return p
		}
	}
	return p
}

// box returns the corners of the fluid's box, m: half a spacing beyond
// the outer nodes, where walls and open faces lie.
func (f *Fluid) box() (lo, hi [3]float64) {
	origin := [3]float64{f.Origin.X, f.Origin.Y, f.Origin.Z}
	for a := 0; a < 3; a++ {
		lo[a] = origin[a] - f.Spacing/2
		hi[a] = origin[a] + (float64(f.Nodes[a])-0.5)*f.Spacing
	}
	return lo, hi
}

// fluidObstacles reads fluid.obstacles: solid boxes and cylinders, each
// with an optional name that force observables refer to. The default name
// is the type followed by the index, such as cylinder0.
func (d *decoder) fluidObstacles(fm *mapping, f *Fluid) {
	seen := map[string]bool{}
	for i, n := range fm.seq("obstacles") {
		path := indexPath(joinPath(fm.path, "obstacles"), i)
		rm := d.mapping(n, path, nil)
		if rm == nil {
			continue
		}
		r := Region{Type: rm.choice("type", "", true, RegionBox, RegionCylinder)}
		name := rm.str("name", fmt.Sprintf("%s%d", r.Type, i), false)
		if seen[name] {
			d.errAt(rm.lookup("name"), joinPath(path, "name"), "obstacle name %q is used twice", name)
		}
		seen[name] = true
		switch r.Type {
		case RegionBox:
			rm.allow("a box obstacle", "name", "type", "min", "max")
			r.Min, r.Max = rm.vector("min", r3.Vec{}, true), rm.vector("max", r3.Vec{}, true)
			d.ordered(rm, "min", "max", r.Min, r.Max)
		case RegionCylinder:
			rm.allow("a cylinder obstacle", "name", "type", "base", "axis", "radius", "length")
			r.Base = rm.vector("base", r3.Vec{}, true)
			r.Axis = rm.direction("axis", r3.Vec{Z: 1}, true)
			r.Radius = rm.req("radius", positive("a cylinder radius (m)"))
			r.Length = rm.req("length", positive("a cylinder length (m)"))
		}
		f.Obstacles = append(f.Obstacles, r)
		f.ObstacleNames = append(f.ObstacleNames, name)
	}
}

// Face profiles of a velocity face.
const (
	ProfileUniform = "uniform" // Velocity everywhere on the face
	// ProfileParabolic is Velocity times 4 s (H - s) / H^2 along each
	// non-periodic axis of the face, with s the distance from the edge of
	// the grid's box and H the box's width. Solid obstacles on the face do
	// not narrow the profile. In 2D Velocity is the peak speed, 1.5 times
	// the mean. In 3D (a duct) it is the peak and the mean is 4/9 of it.
	ProfileParabolic = "parabolic"
)

// parabolicWeight returns the factor of a parabolic profile at p on face
// k (an index of FluidFaceNames): the product over the face's tangential,
// non-periodic axes of 4 s (H - s) / H^2, zero outside the box.
func (f *Fluid) parabolicWeight(k int, p r3.Vec) float64 {
	lo, hi := f.box()
	coords := [3]float64{p.X, p.Y, p.Z}
	w := 1.0
	for a := 0; a < 3; a++ {
		if a == k/2 || f.Faces[2*a].Type == FacePeriodic || (a == 2 && f.Nodes[2] == 1) {
			continue
		}
		h := hi[a] - lo[a]
		s := coords[a] - lo[a]
		w *= math.Max(0, 4*s*(h-s)/(h*h))
	}
	return w
}

// FaceVelocity returns the inflow velocity in m/s at the point p, m, of
// velocity face k (an index of FluidFaceNames), following its profile.
func (f *Fluid) FaceVelocity(k int, p r3.Vec) r3.Vec {
	face := f.Faces[k]
	if face.Profile != ProfileParabolic {
		return face.Velocity
	}
	return r3.Scale(f.parabolicWeight(k, p), face.Velocity)
}
