package lbm

import (
	"fmt"
	"log/slog"
	"math"

	"github.com/neusim/neusim/mesh"
	"gonum.org/v1/gonum/spatial/r3"
)

// Collision selects the collision operator.
type Collision uint8

const (
	// BGK is the single-relaxation-time operator of Bhatnagar, Gross &
	// Krook (1954) as used for lattice Boltzmann by Qian et al. (1992).
	BGK Collision = iota
	// TRT is the two-relaxation-time operator of Ginzburg (2005, Adv.
	// Water Resour. 28:1171) with the magic parameter Lambda = 1/4, which
	// makes halfway bounce-back walls sit at the same place for every
	// viscosity and keeps the scheme stable close to tau = 1/2.
	TRT
)

func (c Collision) String() string {
	switch c {
	case BGK:
		return "BGK"
	case TRT:
		return "TRT"
	}
	return fmt.Sprintf("Collision(%d)", uint8(c))
}

// FaceKind is the boundary condition on one face of the grid's box.
type FaceKind uint8

const (
	// Wall is a no-slip wall halfway between the last node row and the
	// next, by halfway bounce-back. A wall with a Velocity tangential to
	// it is a moving lid (Ladd 1994, J. Fluid Mech. 271:285).
	Wall FaceKind = iota
	// Periodic joins the face to the opposite face, which must also be
	// periodic.
	Periodic
	// Velocity is an inlet with the prescribed Velocity, imposed halfway
	// outside the last node row by bounce-back with Ladd's momentum term,
	// as for a moving wall but with the node's own density.
	Velocity
	// Pressure is an outlet at the prescribed Pressure, imposed halfway
	// outside the last node row by the non-equilibrium extrapolation
	// method (Guo, Zheng & Shi 2002, Chinese Physics 11:366) applied to a
	// ghost node one spacing outside.
	Pressure
)

func (k FaceKind) String() string {
	switch k {
	case Wall:
		return "wall"
	case Periodic:
		return "periodic"
	case Velocity:
		return "velocity"
	case Pressure:
		return "pressure"
	}
	return fmt.Sprintf("FaceKind(%d)", uint8(k))
}

// Face indices into Config.Faces.
const (
	XMin = iota
	XMax
	YMin
	YMax
	ZMin
	ZMax
)

var faceNames = [6]string{"x-", "x+", "y-", "y+", "z-", "z+"}

// Face is the boundary condition on one face of the grid's box. The zero
// value is a stationary no-slip wall.
type Face struct {
	Kind FaceKind
	// Velocity is the wall velocity of a moving Wall or the inflow
	// velocity of a Velocity face, m/s. A wall velocity must be tangential
	// to the face.
	Velocity r3.Vec
	// Profile, when set on a Velocity face, replaces Velocity by a
	// velocity in m/s that varies over the face, such as a parabolic
	// inflow. It is evaluated once per boundary link, at the point p in m
	// where the link crosses the face.
	Profile func(p r3.Vec) r3.Vec
	// Pressure is the gauge pressure of a Pressure face, Pa, relative to
	// the reference pressure at which the fluid has density Config.Density.
	Pressure float64
}

// Config is a lattice Boltzmann run in SI units. The lattice spacing is
// the grid spacing dx and the time step is TimeStep; everything else is
// converted to lattice units with them. Zero values of the optional fields
// pick the default stated on each field.
type Config struct {
	// Grid holds the nodes (one fluid cell each, spacing dx in m) and the
	// solid mask. A grid with one node along z runs the 2D D2Q9 lattice,
	// other grids the D3Q19 lattice. Links from a fluid node to a solid
	// node are stationary halfway bounce-back walls.
	Grid *mesh.Grid

	Collision Collision // BGK (default) or TRT

	TimeStep       float64 // dt, s
	Duration       float64 // simulated time, s; the run takes round(Duration/TimeStep) steps
	OutputInterval float64 // time between frames, s; 0 sends only the first and last frame

	Viscosity float64 // kinematic viscosity nu, m^2/s
	Density   float64 // reference density rho_0, kg/m^3

	// BodyAcceleration is a uniform body force per unit mass, m/s^2, such
	// as gravity or G/rho for a pressure gradient G in Pa/m. It enters by
	// Guo's forcing (Guo, Zheng & Shi 2002, Phys. Rev. E 65:046308).
	BodyAcceleration r3.Vec

	// Faces are the boundary conditions on the x-, x+, y-, y+, z- and z+
	// faces of the grid, indexed by XMin ... ZMax. On a 2D grid the z
	// faces are ignored and treated as periodic.
	Faces [6]Face

	// Initial returns the velocity in m/s and gauge pressure in Pa at a
	// node position p in m at time 0. Nil starts from rest at the
	// reference pressure. Nodes start at equilibrium plus the
	// non-equilibrium part of the initial velocity gradient, which keeps
	// the start-up transient of a smooth initial field small.
	Initial func(p r3.Vec) (u r3.Vec, pressure float64)

	// CharacteristicSpeed is the largest flow speed expected, m/s, used
	// with the face velocities and the initial field to check the Mach
	// number before the run. Set it for flows driven by BodyAcceleration
	// or pressure.
	CharacteristicSpeed float64

	// MaxMach is the largest lattice Mach number u dt / dx / c_s accepted
	// before the run, default 0.3. Compressibility errors grow as Mach^2:
	// below 0.1 they are under about 1 percent.
	MaxMach float64
	// WarnMach is the lattice Mach number above which New logs a
	// warning, default 0.1. A case that sets max_mach raises it to that
	// limit, because the case has accepted the larger error.
	WarnMach float64

	// SteadyTolerance, when positive, stops the run early once the flow is
	// steady: when the largest change of any velocity component over
	// SteadyInterval, divided by the largest speed, is below it. The last
	// frame is sent at the step where the run stopped.
	SteadyTolerance float64
	// SteadyInterval is the time between steadiness checks, s; 0 means
	// every 100 steps.
	SteadyInterval float64

	// Workers is the number of goroutines sharing each step, default
	// runtime.GOMAXPROCS(0). Results are bit-for-bit the same for any
	// number of workers.
	Workers int

	// Logger receives warnings about parameters close to their limits and
	// the start and end of the run. Nil discards them.
	Logger *slog.Logger
}

// Units converts between lattice units (dx = dt = 1, rho_0 = 1) and SI.
type Units struct {
	Dx  float64 // lattice spacing, m
	Dt  float64 // time step, s
	Rho float64 // reference density, kg/m^3
}

// Speed returns the SI speed in m/s of a lattice speed.
func (u Units) Speed(lattice float64) float64 { return lattice * u.Dx / u.Dt }

// LatticeSpeed returns the lattice speed of an SI speed in m/s.
func (u Units) LatticeSpeed(si float64) float64 { return si * u.Dt / u.Dx }

// LatticeViscosity returns the lattice kinematic viscosity of nu in m^2/s.
func (u Units) LatticeViscosity(nu float64) float64 { return nu * u.Dt / (u.Dx * u.Dx) }

// LatticeAcceleration returns the lattice acceleration of a in m/s^2.
func (u Units) LatticeAcceleration(a float64) float64 { return a * u.Dt * u.Dt / u.Dx }

// Pressure returns the gauge pressure in Pa of a lattice density rho,
// p = c_s^2 (rho - 1) in lattice units.
func (u Units) Pressure(rho float64) float64 {
	return csSq * (rho - 1) * u.Rho * (u.Dx / u.Dt) * (u.Dx / u.Dt)
}

// LatticeDensity returns the lattice density at gauge pressure p in Pa.
func (u Units) LatticeDensity(p float64) float64 {
	return 1 + p/(csSq*u.Rho*(u.Dx/u.Dt)*(u.Dx/u.Dt))
}

// Tau returns the BGK relaxation time in time steps for viscosity nu in
// m^2/s: tau = 1/2 + nu_lattice / c_s^2.
func (u Units) Tau(nu float64) float64 { return 0.5 + u.LatticeViscosity(nu)/csSq }

// defaultMaxMach is the default of Config.MaxMach.
const defaultMaxMach = 0.3

// nearTau is the relaxation time below which the BGK operator is warned
// about: with tau - 1/2 under 0.01 the lattice viscosity is below 0.0033,
// and BGK runs tend to oscillate or diverge unless the flow is very slow.
const nearTau = 0.51

// maxDensityDeviation is the largest relative density change a boundary
// pressure may impose. The lattice Boltzmann method models pressure by
// density, p = c_s^2 (rho - rho_0), so larger changes mean compressibility
// errors of the same size.
const maxDensityDeviation = 0.1

func (c *Config) units() Units {
	return Units{Dx: c.Grid.Spacing, Dt: c.TimeStep, Rho: c.Density}
}

func positive(name string, v float64, unit, fix string) error {
	if !(v > 0) || math.IsInf(v, 1) {
		return fmt.Errorf("lbm: %s = %g %s: must be positive and finite; %s", name, v, unit, fix)
	}
	return nil
}

// Validate checks the configuration as New does, so that a case loader
// can report problems before a run. It returns the first problem found,
// naming the field, its value and how to fix it, and logs warnings about
// values close to their limits to c.Logger.
func (c *Config) Validate() error { return c.validate(true) }

// TimeStepForTau returns the time step in s that gives relaxation time tau
// for viscosity nu in m^2/s on spacing dx in m: dt = (tau - 1/2) dx^2 / (3 nu).
// Keeping tau fixed while refining the grid (diffusive scaling) lowers the
// Mach number in proportion to dx.
func TimeStepForTau(dx, nu, tau float64) float64 { return (tau - 0.5) * dx * dx / (3 * nu) }

// TimeStepForMach returns the time step in s at which speed (m/s) has the
// lattice Mach number mach on spacing dx in m: dt = mach c_s dx / speed.
func TimeStepForMach(dx, speed, mach float64) float64 { return mach * math.Sqrt(csSq) * dx / speed }

// validate checks c and, with warn set, logs warnings about values
// close to their limits.
func (c *Config) validate(warn bool) error {
	if c.Grid == nil {
		return fmt.Errorf("lbm: Grid is nil: set the grid of fluid nodes")
	}
	if c.Grid.Solid != nil && len(c.Grid.Solid) != c.Grid.Len() {
		return fmt.Errorf("lbm: Grid.Solid has %d entries, want %d (one per node)", len(c.Grid.Solid), c.Grid.Len())
	}
	checks := []error{
		positive("Grid.Spacing", c.Grid.Spacing, "m", "set the node spacing"),
		positive("TimeStep", c.TimeStep, "s", "set the time step"),
		positive("Viscosity", c.Viscosity, "m^2/s", "set the kinematic viscosity"),
		positive("Density", c.Density, "kg/m^3", "set the reference density"),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	if !(c.Duration >= 0) || math.IsInf(c.Duration, 1) {
		return fmt.Errorf("lbm: Duration = %g s: must be zero or positive and finite", c.Duration)
	}
	if !(c.OutputInterval >= 0) {
		return fmt.Errorf("lbm: OutputInterval = %g s: must be zero (first and last frame only) or positive", c.OutputInterval)
	}
	if c.MaxMach < 0 || c.SteadyTolerance < 0 || c.SteadyInterval < 0 || c.Workers < 0 || c.CharacteristicSpeed < 0 {
		return fmt.Errorf("lbm: MaxMach, SteadyTolerance, SteadyInterval, Workers and CharacteristicSpeed must not be negative")
	}
	if err := c.validateFaces(); err != nil {
		return err
	}
	return c.validateStability(warn)
}

func (c *Config) validateFaces() error {
	axes := 3
	if c.Grid.Is2D() {
		axes = 2
	}
	for a := 0; a < axes; a++ {
		lo, hi := c.Faces[2*a], c.Faces[2*a+1]
		if (lo.Kind == Periodic) != (hi.Kind == Periodic) {
			return fmt.Errorf("lbm: Faces[%s] is %v but Faces[%s] is %v: periodic faces come in opposite pairs",
				faceNames[2*a], lo.Kind, faceNames[2*a+1], hi.Kind)
		}
	}
	for f := 0; f < 2*axes; f++ {
		face := c.Faces[f]
		if face.Kind > Pressure {
			return fmt.Errorf("lbm: Faces[%s].Kind = %v: use Wall, Periodic, Velocity or Pressure", faceNames[f], face.Kind)
		}
		if face.Profile != nil && face.Kind != Velocity {
			return fmt.Errorf("lbm: Faces[%s] is a %v face with a Profile: only Velocity faces take a velocity profile", faceNames[f], face.Kind)
		}
		normal := [3]float64{face.Velocity.X, face.Velocity.Y, face.Velocity.Z}[f/2]
		if face.Kind == Wall && normal != 0 {
			return fmt.Errorf("lbm: Faces[%s].Velocity = %v m/s: a wall may only move tangentially, so its %c component must be 0",
				faceNames[f], face.Velocity, "xyz"[f/2])
		}
	}
	return nil
}

// validateStability checks the relaxation time and the Mach number, the
// two limits of the lattice Boltzmann method that depend on dx and dt.
func (c *Config) validateStability(warn bool) error {
	u := c.units()
	tau := u.Tau(c.Viscosity)
	log := c.logger()
	if !warn {
		log = slog.New(slog.DiscardHandler)
	}
	if tau <= 0.5 {
		return fmt.Errorf("lbm: relaxation time tau = %.4g (from Viscosity %g m^2/s, Grid.Spacing %g m, TimeStep %g s) must exceed 0.5; "+
			"raise the time step or refine the grid, since tau = 1/2 + 3 nu dt / dx^2", tau, c.Viscosity, c.Grid.Spacing, c.TimeStep)
	}
	if tau < nearTau && c.Collision == BGK {
		log.Warn("lbm: relaxation time close to the BGK stability limit 0.5; use TRT or a larger time step", "tau", tau)
	}
	speed := c.maxSpeed()
	mach := u.LatticeSpeed(speed) / math.Sqrt(csSq)
	maxMach := c.MaxMach
	if maxMach == 0 {
		maxMach = defaultMaxMach
	}
	if mach > maxMach {
		return fmt.Errorf("lbm: lattice Mach number %.3g (speed %g m/s, Grid.Spacing %g m, TimeStep %g s) exceeds MaxMach %g; "+
			"lower the time step (then tau moves toward 0.5) or the speed, since Ma = sqrt(3) u dt / dx", mach, speed, c.Grid.Spacing, c.TimeStep, maxMach)
	}
	for f, face := range c.Faces {
		if face.Kind != Pressure {
			continue
		}
		if dev := u.LatticeDensity(face.Pressure) - 1; math.Abs(dev) > maxDensityDeviation {
			return fmt.Errorf("lbm: Faces[%s].Pressure = %g Pa changes the lattice density by %.3g, more than %g; "+
				"the method is weakly compressible, so use a gauge pressure near 0 (only pressure differences matter) or a smaller time step",
				faceNames[f], face.Pressure, dev, maxDensityDeviation)
		}
	}
	// The slack keeps time_step: auto at exactly Mach 0.1 from warning
	// because of rounding.
	warnMach := c.WarnMach
	if warnMach == 0 {
		warnMach = 0.1
	}
	if mach > warnMach*(1+1e-9) {
		log.Warn(fmt.Sprintf("lbm: lattice Mach number above %g, compressibility errors may exceed 1 percent; "+
			"lower the time step, or set the accepted limit (max_mach in a case file)", warnMach), "mach", mach)
	}
	return nil
}

// maxSpeed returns the largest of the characteristic speed, the face
// velocities and the initial speed at the fluid nodes, m/s.
func (c *Config) maxSpeed() float64 {
	speed := c.CharacteristicSpeed
	g := c.Grid
	for f, face := range c.Faces {
		switch {
		case face.Kind == Velocity && face.Profile != nil:
			for _, p := range facePoints(g, f) {
				speed = math.Max(speed, r3.Norm(face.Profile(p)))
			}
		case face.Kind == Wall || face.Kind == Velocity:
			speed = math.Max(speed, r3.Norm(face.Velocity))
		}
	}
	if c.Initial != nil {
		for n := 0; n < g.Len(); n++ {
			if g.IsSolid(n) {
				continue
			}
			u, _ := c.Initial(g.Point(g.Coords(n)))
			speed = math.Max(speed, r3.Norm(u))
		}
	}
	return speed
}

func (c *Config) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}

// facePoints returns the points of face f of the grid's box that face the
// nodes of the outer layer: their positions moved half a spacing outward,
// where halfway bounce-back places the boundary.
func facePoints(g *mesh.Grid, f int) []r3.Vec {
	axis, outward := f/2, f%2 == 1
	if axis == 2 && g.Is2D() {
		return nil
	}
	var points []r3.Vec
	for n := 0; n < g.Len(); n++ {
		idx := [3]int{}
		idx[0], idx[1], idx[2] = g.Coords(n)
		layer := 0
		if outward {
			layer = g.Dims[axis] - 1
		}
		if idx[axis] != layer || g.IsSolid(n) {
			continue
		}
		p := g.Point(idx[0], idx[1], idx[2])
		shift := 0.5 * g.Spacing
		if !outward {
			shift = -shift
		}
		switch axis {
		case 0:
			p.X += shift
		case 1:
			p.Y += shift
		case 2:
			p.Z += shift
		}
		points = append(points, p)
	}
	return points
}
