package cases

import (
	"fmt"
	"math"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"gonum.org/v1/gonum/spatial/r3"
)

// Fluid is the fluid section of a case: a lattice Boltzmann run on a
// structured grid. A case with a fluid section needs no materials,
// particles, domain or solver section. Its geometry walls, when present,
// are solid obstacles for the fluid (their material is optional), and
// Obstacles adds solid boxes and cylinders.
type Fluid struct {
	Origin  r3.Vec  // position of node (0, 0, 0), m
	Spacing float64 // node spacing dx, m
	Nodes   [3]int  // nodes along x, y and z; Nodes[2] == 1 is a 2D grid

	Collision string // FluidBGK or FluidTRT

	// TimeStep is the lattice time step dt, s. time_step: auto in the
	// file resolves it to the step at which CharacteristicSpeed has the
	// lattice Mach number MaxMach: dt = MaxMach c_s dx / speed with
	// c_s = 1/sqrt(3).
	TimeStep       float64
	Duration       float64 // simulated time, s
	OutputInterval float64 // time between frames, s; 0 writes only the first and last frame

	Viscosity        float64 // kinematic viscosity, m^2/s
	Density          float64 // reference density, kg/m^3
	BodyAcceleration r3.Vec  // uniform body force per unit mass, m/s^2
	InitialVelocity  r3.Vec  // uniform velocity of the fluid at time 0, m/s

	// Faces are the boundary conditions on the x-, x+, y-, y+, z- and z+
	// faces of the grid's box, in that order (FluidFaceNames). A face the
	// file leaves out is a stationary wall.
	Faces [6]FluidFace

	// CharacteristicSpeed is the largest flow speed expected, m/s. The
	// file's default is the largest face velocity.
	CharacteristicSpeed float64
	// MaxMach is the largest lattice Mach number accepted, default 0.3.
	MaxMach float64
	// MaxMachSet is whether the case file gives max_mach: a case that
	// states its limit accepts Mach numbers above 0.1 without a warning.
	MaxMachSet bool

	// SteadyTolerance, when positive, stops the run once no velocity
	// component changes by more than this fraction of the largest speed
	// over SteadyInterval (s).
	SteadyTolerance float64
	SteadyInterval  float64 // s

	// Obstacles are solid regions inside the grid: the inside of each
	// box or cylinder is solid. A cylinder whose ends lie beyond a 2D
	// grid is a circle in it.
	Obstacles []Region
	// ObstacleNames are the names of Obstacles, in the same order.
	ObstacleNames []string

	// Observables are the quantities recorded at every output frame,
	// from the top-level observables list of the case file.
	Observables []FluidObservable
}

// Collision operators of a fluid case.
const (
	FluidBGK = "bgk"
	FluidTRT = "trt"
)

// Face types of a fluid case.
const (
	FaceWall     = "wall"     // no-slip wall; a tangential Velocity makes a moving lid
	FacePeriodic = "periodic" // joined to the opposite face, which must also be periodic
	FaceVelocity = "velocity" // inlet at Velocity
	FacePressure = "pressure" // outlet at gauge Pressure
)

// FluidFaceNames are the keys of fluid.faces, in the order of Fluid.Faces.
var FluidFaceNames = [6]string{"x-", "x+", "y-", "y+", "z-", "z+"}

// FluidFace is the boundary condition on one face of the fluid grid.
type FluidFace struct {
	Type     string  // FaceWall, FacePeriodic, FaceVelocity or FacePressure
	Velocity r3.Vec  // wall or inlet velocity, m/s; the peak velocity of a parabolic inlet
	Pressure float64 // outlet gauge pressure, Pa
	Profile  string  // velocity face: ProfileUniform (default) or ProfileParabolic
}

// fluidCSqrt is the lattice speed of sound c_s = 1/sqrt(3) in lattice
// units of the D2Q9 and D3Q19 lattices.
var fluidCSqrt = 1 / math.Sqrt(3)

// fluid reads the fluid section, or returns nil when the case has none.
//
//	fluid:
//	  grid: {origin: [0, 0, 0], spacing: 7.8e-4, nodes: [129, 129, 1]}
//	  collision: trt
//	  time_step: auto
//	  duration: 100
//	  output_interval: 10
//	  viscosity: 1.0e-5
//	  density: 1000
//	  initial_velocity: [0, 0, 0]
//	  faces:
//	    y+: {type: wall, velocity: [0.01, 0, 0]}
//	  characteristic_speed: 0.01
//	  max_mach: 0.3
//	  steady: {tolerance: 1e-7, interval: 1.0}
//	  obstacles:
//	    - {name: cylinder, type: cylinder, base: [0.2, 0.2, -1], axis: [0, 0, 1], radius: 0.05, length: 2}
func (d *decoder) fluid(top *mapping) *Fluid {
	fm := top.child("fluid", false)
	if fm == nil {
		return nil
	}
	fm.allow("the fluid section", "grid", "collision", "time_step", "duration", "output_interval", "viscosity",
		"density", "body_acceleration", "initial_velocity", "faces", "characteristic_speed", "max_mach", "steady", "obstacles")
	f := &Fluid{
		Collision:        fm.choice("collision", FluidTRT, false, FluidBGK, FluidTRT),
		Duration:         fm.req("duration", positive("the duration (s)")),
		Viscosity:        fm.req("viscosity", positive("the kinematic viscosity (m^2/s)")),
		Density:          fm.req("density", positive("the density (kg/m^3)")),
		BodyAcceleration: fm.vector("body_acceleration", r3.Vec{}, false),
		InitialVelocity:  fm.vector("initial_velocity", r3.Vec{}, false),
		MaxMach: fm.opt("max_mach", 0.3, rule{func(v float64) bool { return v > 0 && v < 1 },
			"the largest lattice Mach number must be in (0, 1); below 0.1 compressibility errors stay under about 1 percent"}),
	}
	f.MaxMachSet = fm.has("max_mach")
	d.fluidGrid(fm, f)

	interval := nonNegative("the output interval (s; 0 writes the first and last frame only)")
	if f.Duration > 0 {
		interval = rule{func(v float64) bool { return v >= 0 && v <= f.Duration },
			fmt.Sprintf("the output interval (s) must be in [0, duration] = [0, %s]", formatFloat(f.Duration))}
	}
	f.OutputInterval = fm.opt("output_interval", 0, interval)
	d.fluidFaces(fm, f)

	f.CharacteristicSpeed = fm.opt("characteristic_speed", f.fastestFace(), positive("the characteristic speed (m/s)"))
	if sm := fm.child("steady", false); sm != nil {
		sm.allow("the steady section", "tolerance", "interval")
		f.SteadyTolerance = sm.req("tolerance", rule{func(v float64) bool { return v > 0 && v < 1 },
			"the steadiness tolerance (relative velocity change) must be in (0, 1)"})
		f.SteadyInterval = sm.req("interval", positive("the steadiness check interval (s)"))
	}
	d.fluidObstacles(fm, f)
	d.fluidTimeStep(fm, f)
	d.fluidObservables(top, f)
	return f
}

// fluidGrid reads fluid.grid.
func (d *decoder) fluidGrid(fm *mapping, f *Fluid) {
	gm := fm.child("grid", true)
	if gm == nil {
		return
	}
	gm.allow("the fluid grid", "origin", "spacing", "nodes")
	f.Origin = gm.vector("origin", r3.Vec{}, false)
	f.Spacing = gm.req("spacing", positive("the node spacing (m)"))

	n := gm.lookup("nodes")
	if n == nil {
		if !gm.has("nodes") {
			gm.missing("nodes", "expected the node counts [nx, ny, nz], nz = 1 for a 2D grid")
		}
		return
	}
	path := joinPath(gm.path, "nodes")
	items := d.seq(n, path)
	if items == nil {
		return
	}
	if len(items) != 3 {
		d.errAt(n, path, "expected the node counts [nx, ny, nz] of 3 numbers, got %d", len(items))
		return
	}

	for k, item := range items {
		ip := indexPath(path, k)
		v, shown, ok := d.number(item, ip)
		if !ok {
			continue
		}
		switch {
		case v != math.Trunc(v):
			d.errAt(item, ip, "%s is not a whole number of nodes; round() makes an expression whole", shown)
		case k == 2 && v == 1:
			f.Nodes[k] = 1
		case v < 3 || v > 1<<20:
			d.errAt(item, ip, "%s is out of range: a grid needs at least 3 nodes along %c (nz = 1 for a 2D grid) and at most %d",
				shown, "xyz"[k], 1<<20)
		default:
			f.Nodes[k] = int(v)
		}
	}
}

var fluidFaceKeys = map[string][]string{
	FaceWall:     {"type", "velocity"},
	FacePeriodic: {"type"},
	FaceVelocity: {"type", "velocity", "profile"},
	FacePressure: {"type", "pressure"},
}

// fluidFaces reads fluid.faces; faces left out are stationary walls.
func (d *decoder) fluidFaces(fm *mapping, f *Fluid) {
	for k := range f.Faces {
		f.Faces[k].Type = FaceWall
	}
	sm := fm.child("faces", false)
	if sm == nil {
		return
	}
	sm.allow("the fluid faces", FluidFaceNames[:]...)
	for k, name := range FluidFaceNames {
		if !sm.has(name) {
			continue
		}
		if f.Nodes[2] == 1 && k >= 4 {
			d.errAt(sm.keyNodes[name], joinPath(sm.path, name), "a 2D grid (nodes[2] = 1) has no z faces; remove %s", name)
			continue
		}
		m := sm.child(name, false)
		if m == nil {
			continue
		}
		face := FluidFace{Type: m.choice("type", FaceWall, true, FaceWall, FacePeriodic, FaceVelocity, FacePressure)}
		m.allow("a "+face.Type+" face", fluidFaceKeys[face.Type]...)
		switch face.Type {
		case FaceWall:
			face.Velocity = m.vector("velocity", r3.Vec{}, false)
			normal := [3]float64{face.Velocity.X, face.Velocity.Y, face.Velocity.Z}[k/2]
			if normal != 0 {
				d.errAt(m.lookup("velocity"), joinPath(m.path, "velocity"), "%s moves the wall through itself: a wall may only move along it, so the %c component must be 0",
					formatVec(face.Velocity), "xyz"[k/2])
			}
		case FaceVelocity:
			face.Velocity = m.vector("velocity", r3.Vec{}, true)
			face.Profile = m.choice("profile", ProfileUniform, false, ProfileUniform, ProfileParabolic)
		case FacePressure:
			face.Pressure = m.req("pressure", rule{func(float64) bool { return true }, ""})
		}
		f.Faces[k] = face
	}
	for a := 0; a < 3; a++ {
		lo, hi := f.Faces[2*a].Type == FacePeriodic, f.Faces[2*a+1].Type == FacePeriodic
		if lo != hi {
			d.errAt(sm.at, sm.path, "%s and %s: periodic faces come in opposite pairs, make both periodic or neither",
				FluidFaceNames[2*a], FluidFaceNames[2*a+1])
		}
	}
}

// fastestFace returns the largest face speed, m/s.
func (f *Fluid) fastestFace() float64 {
	var speed float64
	for _, face := range f.Faces {
		if face.Type == FaceWall || face.Type == FaceVelocity {
			speed = math.Max(speed, r3.Norm(face.Velocity))
		}
	}
	return speed
}

// fluidTimeStep reads fluid.time_step, a number in s or auto.
func (d *decoder) fluidTimeStep(fm *mapping, f *Fluid) {
	n := fm.lookup("time_step")
	if n != nil && !strings.EqualFold(scalarText(d.resolve(n)), "auto") {
		f.TimeStep = fm.req("time_step", positive("the time step (s; or auto)"))
		return
	}
	if fm.has("time_step") && n == nil {
		return
	}
	if f.CharacteristicSpeed <= 0 {
		at := ast.Node(fm.at)
		if n != nil {
			at = n
		}
		d.errAt(at, joinPath(fm.path, "time_step"), "time_step auto needs a flow speed: set characteristic_speed (m/s), "+
			"a face velocity, or a time step in s")
		return
	}
	f.TimeStep = f.MaxMach * fluidCSqrt * f.Spacing / f.CharacteristicSpeed
}

// fluidDomain returns the box of the fluid grid, from the first node to
// the last, for cases without a domain section.
func (f *Fluid) fluidDomain() Domain {
	max := f.Origin
	max.X += float64(f.Nodes[0]-1) * f.Spacing
	max.Y += float64(f.Nodes[1]-1) * f.Spacing
	max.Z += float64(f.Nodes[2]-1) * f.Spacing
	dom := Domain{Min: f.Origin, Max: max}
	for a := range 3 {
		dom.Periodic[a] = f.Faces[2*a].Type == FacePeriodic
	}
	return dom
}
