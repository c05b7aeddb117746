package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/pipeline"
	"github.com/neusim/neusim/solvers"
	"github.com/neusim/neusim/solvers/dem"
	"github.com/neusim/neusim/solvers/liggghts"
	"github.com/neusim/neusim/trajectory"
	"github.com/neusim/neusim/validate"
	"github.com/neusim/neusim/vtk"
)

func runCommand(env *environment) *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "simulate one design variant of a case and write its trajectory, observables and VTK",
		ArgsUsage: "[CASE]",
		Description: `Simulates CASE, an embedded case name ("neusim cases" lists them) or a
path to a case YAML file, with the design parameters changed by --set. Without
CASE it runs the default case, hopper.

The run writes into --out:
  summary.json       case, parameter values, each observable as a time series
                     with its unit, summary values (mean mass flow rate over
                     the steady part and discharge time for a hopper), wall
                     time and particle-steps per second
  trajectory.arrow   every output frame (Arrow IPC; "neusim export vtk" reads it)
  vtk/               with --vtk: particles.pvd (open it in ParaView) and one
                     .vtp file per frame, plus the walls

Ctrl-C stops the run cleanly: the frames written so far and a summary of
them are kept.

For a particle case the run uses the surrogate shipped for the case
(models/CASE/model.safetensors, or under $NEUSIM_MODELS) when there is one,
and neusim's discrete element method otherwise (--solver auto, the default).
--solver dem always runs DEM. --solver surrogate, or --model alone, uses a
trained surrogate: --model, or the shipped model. It lets DEM simulate the
settling phase and the start of the flow up to the handover (a hopper's
gate opening plus the model's handover delay) and rolls coarse entities
forward after it; a parameter outside the model's trained range is run
with a warning. A surrogate's numbers are estimates: check a design that
matters with "neusim compare", which runs DEM on the same variant.
--solver liggghts translates the case into a LIGGGHTS input script, runs
the liggghts executable and reads its dumps, to cross-check against a
solver engineers already trust.

Fluid cases (cavity, cylinder) run with the lattice Boltzmann solver
(--solver lbm, their default). They write summary.json and, with --vtk,
OUT/vtk/fields.pvd: ImageData of velocity (m/s), pressure (Pa, gauge),
density (kg/m3) and the solid mask at every output interval. --solver
surrogate (or --model, or --solver auto with a model shipped in
models/CASE) runs the fluid surrogate instead: velocity only, at every
surrogate step, until its steady state. summary.json holds the centreline
velocity profiles of the last frame either way.`,
		Flags: append(append(caseFlags(), pluginFlags()...),
			modelFlag(),
			turnsFlag(),
			&cli.StringFlag{
				Name:        "solver",
				Value:       "auto",
				DefaultText: "auto, or lbm for fluid cases",
				Usage:       "solver to run: dem (neusim's discrete element method), surrogate (the trained neural surrogate, see --model), liggghts (LIGGGHTS 3.8.0 as a reference, needs the liggghts executable on PATH), lbm (lattice Boltzmann, for fluid cases, and their default), auto (surrogate when a model is given or shipped for the case, else dem), or the name of a solver plugin (\"neusim solvers\" lists them; plugin:NAME for one named like a built-in solver)",
			},
			&cli.StringFlag{
				Name:  "out",
				Usage: "output directory, created if missing (default: out/CASE)",
			},
			&cli.BoolFlag{
				Name:  "vtk",
				Usage: "also write VTK files for ParaView into OUT/vtk",
			},
			&cli.Float64Flag{
				Name:        "duration",
				DefaultText: "the case's",
				Usage:       "simulated time of the run, s, in place of the case's (for a short trial run, or a longer one that lets the hopper empty)",
			},
			&cli.BoolFlag{
				Name:  "no-trajectory",
				Usage: "do not write OUT/trajectory.arrow (saves disk space on large runs)",
			},
			workersFlag(),
			deviceFlag(),
			&cli.BoolFlag{
				Name:  "quiet",
				Usage: "draw no progress bar and log no progress lines",
			},
		),
		Action: func(c *cli.Context) error {
			return runCase(c, env)
		},
	}
}

func runCase(c *cli.Context, env *environment) error {
	cs, err := loadCase(c, env)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	if c.IsSet("duration") {
		d := c.Float64("duration")
		if !(d > 0) || math.IsInf(d, 0) {
			return usagef("run --duration %g: give a positive simulated time in s", d)
		}
		if cs.Fluid != nil {
			cs.Fluid.Duration = d
		} else {
			cs.Solver.Duration = d
		}
	}
	device, err := deviceName(c)
	if err != nil {
		return err
	}
	if cs.Fluid != nil && device == "cuda" {
		return fmt.Errorf("run --device cuda: the lattice Boltzmann solver and the fluid surrogate of case %s run on the CPU only; use --device auto or cpu", cs.Name)
	}
	if cs.Fluid != nil {
		out := c.String("out")
		if out == "" {
			out = filepath.Join("out", cs.Name)
		}
		return runFluid(c, env, cs, out)
	}
	if c.String("solver") == "lbm" {
		return usagef("run --solver lbm: case %s has no fluid section; lbm runs fluid cases such as cavity and cylinder", cs.Name)
	}
	solver, err := pickSolver(c, env, cs)
	if err != nil {
		return err
	}
	pipeline.WarnUnwrittenEnd(env.log, cs)
	// The surrogate keeps worker goroutines until it is closed.
	if cl, ok := solver.(interface{ Close() }); ok {
		defer cl.Close()
	}
	out := c.String("out")
	if out == "" {
		out = filepath.Join("out", cs.Name)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("run --out: %w", err)
	}

	rec := validate.NewRecorder(cs)
	sinks := multiSink{rec}
	var closers []func() error
	if !c.Bool("no-trajectory") {
		tw, err := trajectory.Create(filepath.Join(out, "trajectory.arrow"), trajectory.MetaFromCase(cs, solver.Name(), versionString()))
		if err != nil {
			return fmt.Errorf("run: %w", err)
		}
		sinks = append(sinks, tw)
		closers = append(closers, tw.Close)
	}
	if err := clearStaleVTK(filepath.Join(out, "vtk"), c.Bool("vtk"), env); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	if c.Bool("vtk") {
		series, err := vtk.NewSeries(filepath.Join(out, "vtk"), vtk.SeriesOptions{Case: cs})
		if err != nil {
			return fmt.Errorf("run: %w", err)
		}
		sinks = append(sinks, series)
		closers = append(closers, series.Close)
	}

	env.log.Info("run started", "case", cs.Name, "source", cs.Source, "solver", solver.Name(), "out", out)
	last, wall, runErr := timedRun(env, cs.Name, c.Bool("quiet"), func(progress solvers.ProgressFunc) error {
		return solver.Run(c.Context, cs, sinks, progress)
	})
	runErr = interrupted(c.Context, runErr)

	// Outputs are closed and the summary written even after a failure or
	// an interrupt, so that the frames computed so far are kept.
	var closeErr error
	for _, close := range closers {
		closeErr = errors.Join(closeErr, close())
	}
	sum := newSummary(cs, solver.Name(), rec, last, wall, runErr)
	if ps, ok := solver.(*pipeline.Solver); ok {
		sum.setSurrogate(ps.Path(), ps.LastRun())
	}
	if sum.Lost > 0 {
		env.log.Warn("particles vanished without passing through an outlet (they left the domain or the solver dropped them)",
			"solver", solver.Name(), "count", sum.Lost)
	}
	if err := writeJSON(filepath.Join(out, "summary.json"), sum); err != nil {
		closeErr = errors.Join(closeErr, err)
	}
	if runErr != nil {
		if errors.Is(runErr, context.Canceled) {
			return runErr
		}
		return errors.Join(fmt.Errorf("run: %s solver: %w", solver.Name(), runErr), closeErr)
	}
	if closeErr != nil {
		return fmt.Errorf("run: %w", closeErr)
	}
	printSummary(env, sum, out)
	return nil
}

// pickSolver returns the solver named by --solver.
func pickSolver(c *cli.Context, env *environment, cs *cases.Case) (solvers.Solver, error) {
	name := c.String("solver")
	if c.IsSet("model") && !c.IsSet("solver") {
		name = "surrogate" // a model is only used by the surrogate
	}
	if name != "auto" {
		return solverNamed(c, env, cs, name)
	}
	path, ok := shippedModel(cs.Name)
	if !ok && c.String("model") == "" {
		env.log.Info("no surrogate ships for the case here; running DEM", "case", cs.Name, "looked_for", path)
		return solverNamed(c, env, cs, "dem")
	}
	s, err := solverNamed(c, env, cs, "surrogate")
	if err != nil && !c.IsSet("solver") {
		// No --solver was given, so the error names the solver that was
		// picked and the flag that runs the numerical one instead.
		return nil, fmt.Errorf("%w (the default solver of a case with a shipped model is its surrogate; --solver dem runs DEM)", err)
	}
	return s, err
}

// solverNamed returns the solver called name: a built-in one, or a plugin
// for any other name.
func solverNamed(c *cli.Context, env *environment, cs *cases.Case, name string) (solvers.Solver, error) {
	if name != "surrogate" && c.IsSet("turns") {
		env.log.Warn("--turns applies only to the surrogate; ignored", "solver", name)
	}
	switch name {
	case "dem":
		return newDEM(c.Int("workers"), env), nil
	case "liggghts":
		return liggghts.New(liggghts.Options{Logger: env.log}), nil
	case "surrogate":
		model, err := modelFor(c, cs)
		if err != nil {
			return nil, fmt.Errorf("%s --solver surrogate: %w", c.Command.Name, err)
		}
		device, err := deviceName(c)
		if err != nil {
			return nil, err
		}
		s, err := pipeline.NewSolver(model, pipeline.SolverOptions{Workers: c.Int("workers"), Device: device, Logger: env.log, Turns: c.Int("turns")})
		if err != nil {
			return nil, fmt.Errorf("%s --solver surrogate: %w", c.Command.Name, err)
		}
		if err := s.CheckCase(cs); err != nil {
			s.Close()
			return nil, fmt.Errorf("%s --solver surrogate: %w (--model), or run DEM with --solver dem", c.Command.Name, err)
		}
		env.log.Info("surrogate model", "path", model, "ensemble_models", 1+len(s.Metadata().Members))
		s.FitOutputInterval(cs)
		return s, nil
	default:
		return pluginSolver(c, env, name)
	}
}

// multiSink sends every frame to each of its sinks in order.
type multiSink []solvers.Sink

func (m multiSink) WriteFrame(f *particles.Frame) error {
	for _, s := range m {
		if err := s.WriteFrame(f); err != nil {
			return err
		}
	}
	return nil
}

// newDEM returns the DEM solver with the given worker count (0: every
// core) logging to env's logger.
func newDEM(workers int, env *environment) solvers.Solver {
	return dem.New(dem.Options{Workers: workers, Logger: env.log})
}

// clearStaleVTK handles a VTK folder that an earlier run left in dir. When
// this run writes VTK, it removes the earlier series files, which neusim
// names particles_*.vtp, walls_*.vtu, fields_*.vti and *.pvd, so that
// ParaView does not mix two runs. Otherwise it logs a warning. Other files
// are left alone.
func clearStaleVTK(dir string, writing bool, env *environment) error {
	var stale []string
	for _, pattern := range []string{"particles_*.vtp", "walls_*.vtu", "fields_*.vti", "*.pvd"} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return err
		}
		stale = append(stale, m...)
	}
	if len(stale) == 0 {
		return nil
	}
	if !writing {
		env.log.Warn("the output folder contains VTK files of an earlier run, and this run writes none; add --vtk to replace them", "dir", dir, "files", len(stale))
		return nil
	}
	env.log.Info("removing the VTK series of an earlier run in the same output folder", "dir", dir, "files", len(stale))
	for _, f := range stale {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	return nil
}
