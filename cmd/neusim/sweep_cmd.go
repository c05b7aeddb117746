package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/pipeline"
	"github.com/neusim/neusim/solvers"
	"github.com/neusim/neusim/sweep"
	"github.com/neusim/neusim/validate"
)

func sweepCommand(env *environment) *cli.Command {
	return &cli.Command{
		Name:      "sweep",
		Usage:     "run a case over a grid or Latin hypercube of design parameters",
		ArgsUsage: "[CASE]",
		Description: `Runs CASE (default hopper) for every variant of a parameter grid, or for N
Latin hypercube samples, and writes one results table with a row per variant.

Grids: each --param NAME=LO:HI:N adds N evenly spaced values from LO to HI
(inclusive), and NAME=A,B,C a list; the sweep is their Cartesian product.
Latin hypercube (--lhs N): each --param NAME=LO:HI gives a sampled interval;
without --param, every parameter of the case is sampled over its full range.
Values are in each parameter's unit ("neusim cases" lists them) and must lie
inside the case's ranges unless --allow-extrapolation is given.

The sweep lives in --out: sweep.json (what the sweep is), results/ (one file
per finished variant), results.csv (the merged table: parameters, summary
observables with units, wall time, solver, status) and plots/ (each
observable against each parameter, PNG). Rerunning the same command after a
crash or kill resumes: finished variants are skipped and none is written
twice. A variant whose solver fails is recorded as failed with its error and
is not retried; delete its file under results/ to retry it.

--backend slurm writes OUT/sweep.sbatch, a Slurm job array with one task per
variant, and submits it with sbatch; each task runs "neusim sweep run-task".
When the array has finished, "neusim sweep collect OUT" merges the results
and lists missing or failed variants.`,
		Flags: append(caseFlags(),
			&cli.StringSliceFlag{Name: "param", Usage: "a swept parameter: NAME=LO:HI:N or NAME=A,B,C for grids, NAME=LO:HI with --lhs (repeatable)"},
			&cli.IntFlag{Name: "lhs", Usage: "draw N Latin hypercube samples instead of a full grid"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "seed of the Latin hypercube samples"},
			&cli.StringFlag{Name: "solver", Value: "dem", Usage: "solver of every variant: dem or surrogate (with --model, or the model shipped for the case)"},
			modelFlag(),
			turnsFlag(),
			&cli.IntFlag{Name: "jobs", Value: 1, Usage: "variants run at once on this machine; each gets cores/jobs solver workers"},
			&cli.IntFlag{Name: "verify", Usage: "also run the DEM solver on K variants spread over the sweep and add the relative error of each observable (for surrogate sweeps)"},
			&cli.StringFlag{Name: "out", Value: "out/sweep", Usage: "directory of the sweep; rerun with the same directory to resume"},
			&cli.StringFlag{Name: "backend", Value: "local", Usage: "where variants run: local (this machine) or slurm (a job array submitted with sbatch)"},
			&cli.StringFlag{Name: "partition", Usage: "Slurm partition for --backend slurm; empty uses the cluster's default"},
			&cli.IntFlag{Name: "max-running", Usage: "with --backend slurm, the most array tasks running at once; 0 means no limit"},
			&cli.StringFlag{Name: "time", Usage: "with --backend slurm, the time limit of each task (Slurm format, e.g. 01:00:00)"},
			deviceFlag(),
		),
		Action: func(c *cli.Context) error { return runSweep(c, env) },
		Subcommands: []*cli.Command{
			{
				Name:      "collect",
				Usage:     "merge the results of a sweep and list missing or failed variants",
				ArgsUsage: "DIR",
				Description: `Merges the result files of the sweep in DIR into DIR/results.csv and
DIR/plots, and lists variants that failed or have no result yet (for example
Slurm array tasks that are still queued or were killed). Exits with status 1
when any variant is missing or failed.`,
				Action: func(c *cli.Context) error {
					if c.NArg() != 1 {
						return usagef("sweep collect: want one sweep directory, got %d arguments", c.NArg())
					}
					rep, err := sweep.Collect(c.Args().First())
					if err != nil {
						return fmt.Errorf("sweep collect: %w", err)
					}
					fmt.Fprintf(env.stdout, "%d of %s finished, %d failed, %d missing; table in %s\n",
						rep.Finished, counted(rep.Variants, "variant"), len(rep.Failed), len(rep.Missing), filepath.Join(c.Args().First(), "results.csv"))
					if len(rep.Failed) > 0 {
						fmt.Fprintf(env.stdout, "failed: %s\n", sweep.FormatIndices(rep.Failed))
					}
					if len(rep.Missing) > 0 {
						fmt.Fprintf(env.stdout, "missing: %s\n", sweep.FormatIndices(rep.Missing))
					}
					if len(rep.Failed)+len(rep.Missing) > 0 {
						return fmt.Errorf("sweep collect: %d variants failed and %d are missing", len(rep.Failed), len(rep.Missing))
					}
					return nil
				},
			},
			{
				Name:      "run-task",
				Usage:     "run one variant of a prepared sweep (what each Slurm array task runs)",
				ArgsUsage: "DIR",
				Description: `Runs variant --task of the sweep prepared in DIR and stores its result
file. Slurm array tasks run this with their SLURM_ARRAY_TASK_ID; a task
whose result exists already does nothing.`,
				Flags: []cli.Flag{
					&cli.IntFlag{Name: "task", Required: true, Usage: "index of the variant to run, from 0"},
					workersFlag(),
					deviceFlag(),
				},
				Action: func(c *cli.Context) error {
					if c.NArg() != 1 {
						return usagef("sweep run-task: want one sweep directory, got %d arguments", c.NArg())
					}
					dir := c.Args().First()
					m, err := sweep.ReadManifest(dir)
					if err != nil {
						return fmt.Errorf("sweep run-task: %w", err)
					}
					r, err := newVariantRunner(env, m, c.Int("workers"))
					if err != nil {
						return fmt.Errorf("sweep run-task: %w", err)
					}
					if r.device, err = deviceName(c); err != nil {
						return err
					}
					if err := sweep.RunTask(c.Context, dir, c.Int("task"), r, demReference(env, m, c.Int("workers"))); err != nil {
						return fmt.Errorf("sweep run-task: %w", err)
					}
					return nil
				},
			},
		},
	}
}

func runSweep(c *cli.Context, env *environment) error {
	if c.NArg() > 1 {
		return usagef("sweep: want one case, got %d arguments", c.NArg())
	}
	caseName := cases.DefaultCase
	if c.NArg() == 1 {
		caseName = c.Args().First()
	}
	// A case given as a file must be found again by Slurm tasks that
	// start in another directory.
	if _, err := os.Stat(caseName); err == nil {
		if abs, err := filepath.Abs(caseName); err == nil {
			caseName = abs
		}
	}
	base, err := cases.Load(caseName, cases.Options{Set: c.StringSlice("set"), AllowExtrapolation: c.Bool("allow-extrapolation")})
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	model := ""
	switch c.String("solver") {
	case "dem":
	case "surrogate":
		if model, err = modelFor(c, base); err != nil {
			return fmt.Errorf("sweep --solver surrogate: %w", err)
		}
		if model, err = filepath.Abs(model); err != nil {
			return err
		}
	default:
		return usagef("sweep --solver: unknown solver %q: use dem or surrogate", c.String("solver"))
	}
	if c.Int("jobs") < 1 {
		return usagef("sweep --jobs: %d must be at least 1", c.Int("jobs"))
	}

	m := sweep.Manifest{Case: caseName, Set: c.StringSlice("set"), Extrapolate: c.Bool("allow-extrapolation"), Solver: c.String("solver"), Model: model, Turns: c.Int("turns")}
	if err := sweepVariants(c, base, &m); err != nil {
		return err
	}
	if k := c.Int("verify"); k > 0 {
		m.Verify = sweep.SpreadIndices(len(m.Variants), k)
	}
	out := c.String("out")

	switch c.String("backend") {
	case "local":
	case "slurm":
		return submitSweep(c, env, out, m)
	default:
		return usagef("sweep --backend: unknown backend %q: use local or slurm", c.String("backend"))
	}

	workers := max(runtime.NumCPU()/c.Int("jobs"), 1)
	r, err := newVariantRunner(env, &m, workers)
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	if r.device, err = deviceName(c); err != nil {
		return err
	}
	opt := sweep.Options{Jobs: c.Int("jobs"), Logger: env.log, Reference: demReference(env, &m, workers)}
	if f, ok := env.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		opt.Bars = env.stderr
	}
	env.log.Info("sweep started", "case", base.Name, "variants", len(m.Variants), "jobs", opt.Jobs, "out", out)
	rep, err := sweep.Run(c.Context, out, m, r, opt)
	if err != nil {
		return err // the sweep package names itself
	}
	fmt.Fprintf(env.stdout, "sweep of %s: %s (%d run now, %d resumed, %d failed); table in %s\n",
		base.Name, counted(rep.Variants, "variant"), rep.Ran, rep.Skipped, rep.Failed, filepath.Join(out, "results.csv"))
	return nil
}

// sweepVariants fills m's parameters, units and variants from --param and
// --lhs.
func sweepVariants(c *cli.Context, base *cases.Case, m *sweep.Manifest) error {
	specs := c.StringSlice("param")
	unitOf := map[string]string{}
	for _, p := range base.Parameters {
		unitOf[p.Name] = p.Unit
	}
	if n := c.Int("lhs"); c.IsSet("lhs") {
		var ranges []sweep.Range
		for _, s := range specs {
			r, err := sweep.ParseRange(s)
			if err != nil {
				return usageError{err}
			}
			ranges = append(ranges, r)
		}
		if len(specs) == 0 {
			for _, p := range base.Parameters {
				ranges = append(ranges, sweep.Range{Name: p.Name, Min: p.Min, Max: p.Max})
			}
		}
		axes := make([]sweep.Axis, len(ranges))
		for i, r := range ranges {
			axes[i] = sweep.Axis{Name: r.Name, Values: []float64{r.Min, r.Max}}
		}
		if err := sweep.CheckAxes(base, axes, m.Extrapolate); err != nil {
			return usageError{err}
		}
		vs, err := sweep.LatinHypercube(ranges, n, c.Uint64("seed"))
		if err != nil {
			return usageError{err}
		}
		m.Variants = vs
		for _, r := range ranges {
			m.Params = append(m.Params, r.Name)
			m.Units = append(m.Units, unitOf[r.Name])
		}
		return nil
	}
	var axes []sweep.Axis
	for _, s := range specs {
		a, err := sweep.ParseAxis(s)
		if err != nil {
			return usageError{err}
		}
		axes = append(axes, a)
	}
	if err := sweep.CheckAxes(base, axes, m.Extrapolate); err != nil {
		return usageError{err}
	}
	m.Variants = sweep.Grid(axes)
	for _, a := range axes {
		m.Params = append(m.Params, a.Name)
		m.Units = append(m.Units, unitOf[a.Name])
	}
	return nil
}

func submitSweep(c *cli.Context, env *environment, out string, m sweep.Manifest) error {
	if err := sweep.Prepare(out, m); err != nil {
		return err // the sweep package names itself
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("sweep --backend slurm: cannot find the neusim executable for the tasks: %w", err)
	}
	script, err := sweep.WriteSlurmScript(out, sweep.SlurmOptions{
		Executable: exe, Partition: c.String("partition"), MaxRunning: c.Int("max-running"), TimeLimit: c.String("time"),
	})
	if err != nil {
		return err // the sweep package names itself
	}
	id, err := sweep.Submit(c.Context, script)
	if err != nil {
		return fmt.Errorf("sweep --backend slurm: %w", err)
	}
	fmt.Fprintf(env.stdout, "submitted Slurm job array %s with %d tasks (%s); when it finishes run: neusim sweep collect %s\n",
		id, len(m.Variants), script, out)
	return nil
}

// variantRunner runs one sweep variant with the DEM solver or the
// surrogate and returns its summary observables.
type variantRunner struct {
	env     *environment
	m       *sweep.Manifest
	solver  string // "dem" or "surrogate"
	workers int
	device  string // --device of the surrogate
}

func newVariantRunner(env *environment, m *sweep.Manifest, workers int) (*variantRunner, error) {
	switch m.Solver {
	case "dem":
	case "surrogate":
		if m.Model == "" {
			return nil, fmt.Errorf("the sweep manifest names the surrogate but no model")
		}
	default:
		return nil, fmt.Errorf("solver %q is not available for sweeps: use dem or surrogate", m.Solver)
	}
	return &variantRunner{env: env, m: m, solver: m.Solver, workers: workers}, nil
}

// demReference returns the runner of --verify: the DEM solver on the
// same variants.
func demReference(env *environment, m *sweep.Manifest, workers int) *variantRunner {
	return &variantRunner{env: env, m: m, solver: "dem", workers: workers}
}

func (r *variantRunner) Run(ctx context.Context, v sweep.Variant, progress solvers.ProgressFunc) (sweep.Result, error) {
	set := append([]string(nil), r.m.Set...)
	names := make([]string, 0, len(v.Values))
	for k := range v.Values {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		set = append(set, k+"="+strconv.FormatFloat(v.Values[k], 'g', -1, 64))
	}
	cs, err := cases.Load(r.m.Case, cases.Options{Set: set, AllowExtrapolation: r.m.Extrapolate})
	if err != nil {
		return sweep.Result{}, err
	}
	rec := validate.NewRecorder(cs)
	solver := newDEM(r.workers, r.env)
	model := ""
	if r.solver == "surrogate" {
		model = r.m.Model
		s, err := pipeline.NewSolver(model, pipeline.SolverOptions{Workers: r.workers, Device: r.device, Logger: r.env.log, Turns: r.m.Turns})
		if err != nil {
			return sweep.Result{}, err
		}
		defer s.Close()
		s.FitOutputInterval(cs)
		solver = s
	}
	pipeline.WarnUnwrittenEnd(r.env.log, cs)
	if err := solver.Run(ctx, cs, rec, progress); err != nil {
		return sweep.Result{Solver: solver.Name(), Model: model}, err
	}
	res := sweep.Result{Solver: solver.Name(), Model: model, Summary: map[string]sweep.Quantity{}}
	for k, q := range rec.Summarize() {
		res.Summary[k] = sweep.Quantity{Value: q.Value, Unit: q.Unit}
	}
	return res, nil
}
