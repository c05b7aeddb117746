package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/mesh"
	"github.com/neusim/neusim/pipeline"
	"github.com/neusim/neusim/solvers"
	"github.com/neusim/neusim/solvers/lbm"
	"github.com/neusim/neusim/vtk"
)

// fluidSummary is the content of summary.json for a fluid case.
type fluidSummary struct {
	Case       string                `json:"case"`
	Source     string                `json:"source"`
	Solver     string                `json:"solver"`
	Version    string                `json:"neusim_version"`
	Units      string                `json:"units"`
	Parameters map[string]paramValue `json:"parameters"`
	Completed  bool                  `json:"completed"`
	Error      string                `json:"error,omitempty"`
	WallTime   float64               `json:"wall_time_s"`
	Steps      int64                 `json:"steps"`
	SimTime    float64               `json:"simulated_time_s"`
	Nodes      int                   `json:"nodes"`
	MLUPS      float64               `json:"million_lattice_updates_per_second,omitempty"` // lbm only
	Model      string                `json:"model,omitempty"`                              // surrogate only: the checkpoint
	Steady     *bool                 `json:"steady,omitempty"`                             // surrogate only: stopped at its steady-state test
	Frames     int                   `json:"frames"`

	// Velocity profiles of the last frame along the centrelines of the
	// grid's box (2D grids only): u against y on the vertical one and v
	// against x on the horizontal one.
	CentrelineU *pipeline.CentrelineProfile `json:"centreline_u,omitempty"`
	CentrelineV *pipeline.CentrelineProfile `json:"centreline_v,omitempty"`

	// Observables are the case's fluid observables at every frame.
	Observables []lbm.ObservableSeries `json:"observables,omitempty"`
}

// runFluid runs a fluid case with the lattice Boltzmann solver or the
// fluid surrogate (see fluidSolverName), writing the field series to
// OUT/vtk when --vtk is given and OUT/summary.json.
func runFluid(c *cli.Context, env *environment, cs *cases.Case, out string) error {
	solverName, err := fluidSolverName(c, cs)
	if err != nil {
		return err
	}
	cfg, err := lbm.ConfigFromCase(cs, c.Int("workers"), env.log)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	var sur *pipeline.FluidSolver
	var modelPath string
	if solverName == "surrogate" {
		model, err := modelFor(c, cs)
		if err != nil {
			return fmt.Errorf("run --solver surrogate: %w", err)
		}
		modelPath = model
		env.log.Info("surrogate model", "path", model)
		if sur, err = pipeline.NewFluidSolver(model, pipeline.FluidSolverOptions{Workers: c.Int("workers"), Logger: env.log}); err != nil {
			return fmt.Errorf("run --solver surrogate: %w", err)
		}
		defer sur.Close()
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("run --out: %w", err)
	}
	var sink lbm.FieldSink = lbm.FieldSinkFunc(func(int64, float64, []mesh.Field) error { return nil })
	var series *vtk.FieldSeries
	frames := 0
	if c.Bool("vtk") {
		dir := filepath.Join(out, "vtk")
		if err := clearStaleVTK(dir, true, env); err != nil {
			return fmt.Errorf("run: %w", err)
		}
		if series, err = vtk.NewFieldSeries(dir, cfg.Grid, vtk.Raw); err != nil {
			return fmt.Errorf("run: %w", err)
		}
		sink = series
	}
	var solver *lbm.Solver
	if sur == nil {
		if solver, err = lbm.New(cfg); err != nil {
			return fmt.Errorf("run: %w", err)
		}
	}
	var observer *lbm.Observer
	if len(cs.Fluid.Observables) > 0 {
		if observer, err = lbm.NewObserver(cs, cfg.Grid, solver); err != nil {
			return fmt.Errorf("run: %w", err)
		}
	}
	var lastVel []float64
	counted := lbm.FieldSinkFunc(func(step int64, t float64, fields []mesh.Field) error {
		frames++
		lastVel = append(lastVel[:0], fields[0].Data...)
		if observer != nil {
			if err := observer.Record(step, t, fields); err != nil {
				return err
			}
		}
		return sink.WriteFields(step, t, fields)
	})

	env.log.Info("run started", "case", cs.Name, "source", cs.Source, "solver", solverName, "nodes", cfg.Grid.Len(), "out", out)
	last, wall, runErr := timedRun(env, cs.Name, c.Bool("quiet"), func(progress solvers.ProgressFunc) error {
		if sur != nil {
			return sur.Run(c.Context, cs, counted, progress)
		}
		return solver.Run(c.Context, counted, progress)
	})
	runErr = interrupted(c.Context, runErr)

	var closeErr error
	if series != nil {
		closeErr = series.Close()
	}
	sum := fluidSummary{
		Case: cs.Name, Source: cs.Source, Solver: solverName, Version: versionString(),
		Units: "SI (m, s, kg, Pa)", Parameters: map[string]paramValue{}, Completed: runErr == nil,
		WallTime: wall.Seconds(), Steps: last.Step, SimTime: last.Time, Nodes: cfg.Grid.Len(), Frames: frames,
	}
	for _, p := range cs.Parameters {
		sum.Parameters[p.Name] = paramValue{Value: cs.Values[p.Name], Unit: p.Unit}
	}
	if lastVel != nil && cfg.Grid.Is2D() {
		u, v := pipeline.Centrelines(cfg.Grid, lastVel)
		sum.CentrelineU, sum.CentrelineV = &u, &v
	}
	if observer != nil {
		sum.Observables = observer.Series
	}
	if runErr != nil {
		sum.Error = runErr.Error()
	}
	if sur != nil {
		steady := sur.LastRun().Steady
		sum.Model, sum.Steady = modelPath, &steady
	}
	if wall > 0 && sur == nil {
		sum.MLUPS = float64(cfg.Grid.Len()) * float64(last.Step) / wall.Seconds() / 1e6
	}
	if err := writeJSON(filepath.Join(out, "summary.json"), sum); err != nil {
		closeErr = errors.Join(closeErr, err)
	}
	if runErr != nil {
		if errors.Is(runErr, context.Canceled) {
			return runErr
		}
		return errors.Join(fmt.Errorf("run: %s solver: %w", solverName, runErr), closeErr)
	}
	if closeErr != nil {
		return fmt.Errorf("run: %w", closeErr)
	}
	if sur != nil {
		st := sur.LastRun()
		fmt.Fprintf(env.stdout, "%s: fluid surrogate, %d nodes, %d steps of %.4g s, %.4g s simulated in %.2f s wall time (steady: %v), %d frames\nresults in %s\n",
			cs.Name, sum.Nodes, st.Steps, sur.Metadata().Settings.Dt, st.Time, sum.WallTime, st.Steady, frames, out)
		printObservables(env, sum.Observables)
		return nil
	}
	fmt.Fprintf(env.stdout, "%s: lbm solver, %d nodes, %d steps, %.4g s simulated in %.1f s wall time (%.3g MLUPS), %d frames\nresults in %s\n",
		cs.Name, sum.Nodes, sum.Steps, sum.SimTime, sum.WallTime, sum.MLUPS, frames, out)
	printObservables(env, sum.Observables)
	return nil
}

// printObservables prints the final value of each fluid observable.
func printObservables(env *environment, series []lbm.ObservableSeries) {
	for _, s := range series {
		v := s.Final
		if v == nil {
			fmt.Fprintf(env.stdout, "  %s (%s): %s\n", s.Name, s.Type, s.Note)
			continue
		}
		switch {
		case v.Force != nil:
			fmt.Fprintf(env.stdout, "  %s: force (%.6g, %.6g, %.6g) %s", s.Name, v.Force[0], v.Force[1], v.Force[2], s.Unit)
			if v.DragCoefficient != nil {
				fmt.Fprintf(env.stdout, ", drag coefficient %.5g, lift coefficient %.5g", *v.DragCoefficient, *v.LiftCoefficient)
			}
			fmt.Fprintln(env.stdout)
		case v.PressureDifference != nil:
			fmt.Fprintf(env.stdout, "  %s: pressure difference %.6g Pa\n", s.Name, *v.PressureDifference)
		default:
			fmt.Fprintf(env.stdout, "  %s: velocity profile of %d samples in summary.json\n", s.Name, len(v.Velocity))
		}
	}
}
