package lbm

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/mesh"
	"gonum.org/v1/gonum/spatial/r3"
)

// machSlack widens a case's MaxMach by a relative 1e-9. time_step: auto
// sets the step at which the characteristic speed has exactly MaxMach,
// and rounding in the Mach check must not reject that step.
const machSlack = 1 + 1e-9

// ConfigFromCase returns the Config of the fluid case c: its grid with the
// case walls and obstacles marked solid, its faces, time step and
// steadiness test. workers is Config.Workers (0 for GOMAXPROCS) and
// logger receives the solver's warnings (nil discards them). The Config
// is validated, so an error names what to change in the case file.
func ConfigFromCase(c *cases.Case, workers int, logger *slog.Logger) (Config, error) {
	if c == nil || c.Fluid == nil {
		name := "<nil>"
		if c != nil {
			name = c.Name
		}
		return Config{}, fmt.Errorf("lbm: case %s has no fluid section; the lattice Boltzmann solver runs fluid cases such as cavity and cylinder", name)
	}
	f := c.Fluid
	g, err := mesh.NewGrid(f.Nodes[0], f.Nodes[1], f.Nodes[2], f.Spacing, f.Origin)
	if err != nil {
		return Config{}, fmt.Errorf("lbm: case %s: fluid.grid: %w", c.Name, err)
	}
	if err := markCaseSolids(g, c, logger); err != nil {
		return Config{}, err
	}

	cfg := Config{
		Grid:                g,
		Collision:           BGK,
		TimeStep:            f.TimeStep,
		Duration:            f.Duration,
		OutputInterval:      f.OutputInterval,
		Viscosity:           f.Viscosity,
		Density:             f.Density,
		BodyAcceleration:    f.BodyAcceleration,
		CharacteristicSpeed: f.CharacteristicSpeed,
		MaxMach:             f.MaxMach * machSlack,
		SteadyTolerance:     f.SteadyTolerance,
		SteadyInterval:      f.SteadyInterval,
		Workers:             workers,
		Logger:              logger,
	}
	if f.MaxMachSet {
		cfg.WarnMach = cfg.MaxMach
	}
	if u := f.InitialVelocity; u != (r3.Vec{}) {
		cfg.Initial = func(r3.Vec) (r3.Vec, float64) { return u, 0 }
	}
	if f.Collision == cases.FluidTRT {
		cfg.Collision = TRT
	}
	for k, face := range f.Faces {
		kind, err := faceKind(face.Type)
		if err != nil {
			return Config{}, fmt.Errorf("lbm: case %s: fluid.faces.%s: %w", c.Name, cases.FluidFaceNames[k], err)
		}
		cfg.Faces[k] = Face{Kind: kind, Velocity: face.Velocity, Pressure: face.Pressure}
		if kind == Velocity && face.Profile == cases.ProfileParabolic {
			cfg.Faces[k].Profile = func(p r3.Vec) r3.Vec { return f.FaceVelocity(k, p) }
		}
	}
	// New logs the warnings of the run; checking here without them
	// keeps each warning to one line per run.
	if err := cfg.validate(false); err != nil {
		// The message of Validate names Config fields, such as Viscosity,
		// which are the fluid keys of the case file in another spelling.
		return Config{}, fmt.Errorf("lbm: case %s (%s): %s", c.Name, c.Source, strings.TrimPrefix(err.Error(), "lbm: "))
	}
	return cfg, nil
}

func faceKind(t string) (FaceKind, error) {
	switch t {
	case cases.FaceWall, "":
		return Wall, nil
	case cases.FacePeriodic:
		return Periodic, nil
	case cases.FaceVelocity:
		return Velocity, nil
	case cases.FacePressure:
		return Pressure, nil
	}
	return 0, fmt.Errorf("face type %q: use wall, periodic, velocity or pressure", t)
}

// markCaseSolids marks the nodes behind the case walls and inside the
// fluid obstacles as solid. Walls are taken at their initial position,
// because the solid mask is fixed during a run.
func markCaseSolids(g *mesh.Grid, c *cases.Case, logger *slog.Logger) error {
	var solids []mesh.Solid
	for _, w := range c.Walls {
		s, err := mesh.SolidFromWall(w)
		if err != nil {
			return fmt.Errorf("lbm: case %s: geometry.walls %s: %w", c.Name, w.Name, err)
		}
		if (w.Motion.Moving() || w.RemovedAt > 0) && logger != nil {
			logger.Warn("lbm: wall motion and removal are ignored: the fluid solver keeps walls at their initial position", "wall", w.Name)
		}
		solids = append(solids, s)
	}
	for i, r := range c.Fluid.Obstacles {
		s, err := obstacleSolid(r)
		if err != nil {
			return fmt.Errorf("lbm: case %s: fluid.obstacles[%d]: %w", c.Name, i, err)
		}
		solids = append(solids, s)
	}
	if len(solids) == 0 {
		return nil
	}
	g.MarkSolid(solids...)
	if g.SolidCount() == g.Len() {
		return fmt.Errorf("lbm: case %s: every one of the %d grid nodes is inside a wall or obstacle; "+
			"check fluid.grid against geometry.walls (a box or cylinder wall keeps the fluid inside it)", c.Name, g.Len())
	}
	return nil
}
