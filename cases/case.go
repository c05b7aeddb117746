package cases

import "gonum.org/v1/gonum/spatial/r3"

// Case is a resolved, validated case: every expression evaluated with the
// parameter values in Values, every reference checked, every path made
// absolute. Solvers, exporters and observables take a *Case and never
// parse YAML. Units are SI and are stated on each field.
type Case struct {
	Name        string
	Description string
	Source      string // file the case was read from, or "embedded:NAME.yaml"

	Parameters   []Parameter        // design parameters in file order
	Values       map[string]float64 // resolved value of every parameter, in its unit
	Extrapolated []string           // parameters set outside [Min, Max] with extrapolation allowed

	Gravity     r3.Vec // gravitational acceleration, m/s^2
	Domain      Domain
	Materials   []Material
	Pairs       []PairOverride // per-pair contact overrides; see Interaction
	Contact     ContactModel
	Walls       []Wall
	Outlets     []Outlet
	Insertions  []Insertion
	Solver      SolverSettings
	Observables []Observable

	// Fluid is the lattice Boltzmann setup of a fluid case, nil for a
	// particle case. A fluid case may leave out materials, particles,
	// domain and solver; its Domain is then the box of the fluid grid.
	Fluid *Fluid
}

// Parameter is a named design parameter of a case family.
type Parameter struct {
	Name        string
	Default     float64 // in Unit
	Min, Max    float64 // allowed range, inclusive, in Unit
	Unit        string  // SI unit symbol, "1" for dimensionless
	Description string
}

// Domain is the simulation box. A particle whose centre leaves the box
// along an axis that is not periodic is removed from the run. Along a
// periodic axis, Min and Max are the period's bounds.
type Domain struct {
	Min, Max r3.Vec  // corners, m
	Periodic [3]bool // periodic along x, y, z
}

// Material holds the bulk properties of a particle or wall material.
type Material struct {
	Name            string
	Density         float64 // kg/m^3
	YoungsModulus   float64 // Pa
	Poisson         float64 // Poisson's ratio, in [0, 0.5)
	Restitution     float64 // coefficient of restitution, in (0, 1]
	Friction        float64 // sliding friction coefficient, >= 0
	RollingFriction float64 // rolling friction coefficient, >= 0, dimensionless
	Source          string  // where the values come from
}

// Interaction holds the contact coefficients of a pair of materials.
type Interaction struct {
	Restitution     float64 // coefficient of restitution, in (0, 1]
	Friction        float64 // sliding friction coefficient
	RollingFriction float64 // rolling friction coefficient
}

// PairOverride replaces the mixed coefficients of one material pair.
type PairOverride struct {
	A, B int // material indices, order does not matter
	Interaction
}

// ContactModel selects the contact law shared by particle-particle and
// particle-wall contacts.
type ContactModel struct {
	// Normal is "hertz" (Hertz-Mindlin with tangential history) or
	// "linear" (linear spring-dashpot with a Coulomb-limited tangential
	// spring). Default "hertz".
	Normal string

	// Rolling is "none", "constant_torque" (a torque of magnitude
	// mu_r R* |F_n| opposing the relative rotation) or "epsd" (elastic
	// plastic spring-dashpot). Default "none".
	Rolling string

	// StiffnessNormal and StiffnessTangential are the spring constants of
	// the linear model, N/m. Unused by the Hertz model.
	StiffnessNormal     float64
	StiffnessTangential float64

	// RollingDamping is the dimensionless viscous damping ratio of the
	// epsd rolling model, in [0, 1]. Unused by the other rolling models.
	RollingDamping float64
}

// Wall types.
const (
	WallPlane    = "plane"
	WallBox      = "box"
	WallCylinder = "cylinder"
	WallCone     = "cone"
	WallSTL      = "stl"
)

// Wall is one rigid boundary surface. Which geometric fields are used
// depends on Type:
//
//   - plane: Point, Normal (the side particles live on).
//   - box: Min, Max; particles are contained inside the six faces.
//   - cylinder: Base (centre of the bottom circle), Axis (unit), Radius,
//     Length; particles are contained inside the lateral surface, and
//     CapBottom and CapTop close the ends.
//   - cone: a frustum with Base, Axis, Radius (at Base), RadiusTop (at
//     Base + Length*Axis) and Length; particles are contained inside the
//     lateral surface. A hopper is a cone whose Radius is the outlet.
//   - stl: Triangles in case coordinates, already scaled and offset,
//     read from File.
type Wall struct {
	Name     string
	Type     string
	Material int // index into Case.Materials; -1 for a wall of a fluid case given no material

	Point, Normal r3.Vec // plane: a point on it, m, and its unit normal
	Min, Max      r3.Vec // box corners, m

	Base      r3.Vec  // cylinder and cone base centre, m
	Axis      r3.Vec  // cylinder and cone unit axis
	Radius    float64 // cylinder radius, cone radius at Base, m
	RadiusTop float64 // cone radius at the top, m
	Length    float64 // cylinder and cone length along Axis, m
	CapBottom bool    // cylinder closed at Base
	CapTop    bool    // cylinder closed at the top

	File      string      // stl: absolute path of the source file
	Triangles [][3]r3.Vec // stl: vertices, m

	Motion Motion

	// RemovedAt is the simulated time at which the wall disappears, s,
	// such as a gate under a hopper outlet. Zero means never.
	RemovedAt float64
}

// Motion is the prescribed rigid motion of a wall: a translation at
// constant Velocity composed with a rotation at constant AngularSpeed
// about the line through AxisPoint along RotationAxis. The position of a
// wall point x0 at time t is R(t)(x0 - AxisPoint) + AxisPoint + Velocity t.
type Motion struct {
	Velocity     r3.Vec  // translation velocity, m/s
	AngularSpeed float64 // rad/s, right-handed about RotationAxis
	RotationAxis r3.Vec  // unit vector, zero when not rotating
	AxisPoint    r3.Vec  // a point on the rotation axis at t = 0, m
}

// Moving reports whether m moves the wall at all.
func (m Motion) Moving() bool {
	return m.Velocity != (r3.Vec{}) || m.AngularSpeed != 0
}

// Region types.
const (
	RegionBox      = "box"
	RegionCylinder = "cylinder"
)

// Region is a volume of space used by insertions, outlets and observables.
//
//   - box: Min, Max.
//   - cylinder: Base, Axis (unit), Radius, Length.
type Region struct {
	Type     string
	Min, Max r3.Vec  // box corners, m
	Base     r3.Vec  // cylinder base centre, m
	Axis     r3.Vec  // cylinder unit axis
	Radius   float64 // cylinder radius, m
	Length   float64 // cylinder length along Axis, m
}

// Outlet is a region where particles leave the run. A particle whose
// centre enters the region is removed and counted for this outlet.
type Outlet struct {
	Name   string
	Region Region
}

// Radius distribution kinds.
const (
	RadiusConstant = "constant"
	RadiusUniform  = "uniform"
	RadiusNormal   = "normal" // truncated to [Min, Max]
	RadiusDiscrete = "discrete"
)

// RadiusDistribution describes the radii of inserted particles, all in m.
type RadiusDistribution struct {
	Kind     string
	Value    float64   // constant
	Min, Max float64   // uniform bounds, normal truncation bounds
	Mean     float64   // normal
	Std      float64   // normal
	Values   []float64 // discrete radii
	Weights  []float64 // discrete probabilities, normalised to sum to 1
}

// Insertion modes.
const (
	InsertPack = "pack" // all particles placed without overlap at t = 0
	InsertPour = "pour" // particles placed over time at Rate
)

// Insertion places particles of one material into a region, either all at
// the start (pack) or over time (pour). Exactly one of Count and
// FillFraction is set.
type Insertion struct {
	Name         string
	Material     int // index into Case.Materials
	Region       Region
	Count        int     // number of particles
	FillFraction float64 // solid volume fraction of the region to fill, in (0, 0.64]
	Radius       RadiusDistribution
	Mode         string
	Rate         float64 // pour: particles per second
	Velocity     r3.Vec  // initial velocity, m/s
	Seed         uint64
}

// SolverSettings controls time integration and output.
type SolverSettings struct {
	// TimeStep is the integration step in s. Zero means automatic: a
	// fraction RayleighFraction of the Rayleigh time of the smallest
	// particle.
	TimeStep         float64
	RayleighFraction float64 // in (0, 1], default 0.2
	Duration         float64 // simulated time, s
	OutputInterval   float64 // time between frames, s
	Skin             float64 // neighbour-list skin, m; zero means 0.4 times the largest radius
}

// Observable kinds.
const (
	ObsOutletMass    = "outlet_mass"    // mass through Outlet and its rate, kg and kg/s
	ObsPlaneMass     = "plane_mass"     // net mass that crossed a plane along Normal, kg, and its rate
	ObsKineticEnergy = "kinetic_energy" // translational plus rotational, J
	ObsCenterOfMass  = "center_of_mass" // m
	ObsRegionMass    = "region_mass"    // mass with its centre inside Region, kg
	ObsRunout        = "runout"         // largest particle-centre coordinate along Axis, m
)

// Observable is a named quantity recorded at every output frame.
type Observable struct {
	Name   string
	Type   string
	Outlet int    // outlet_mass: index into Case.Outlets
	Region Region // region_mass
	Point  r3.Vec // plane_mass: a point on the plane, m
	Normal r3.Vec // plane_mass: unit normal, positive crossing direction; runout: unit axis
}
