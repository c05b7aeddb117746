package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/pipeline"
	"github.com/neusim/neusim/surrogate"
)

// modelsDirEnv names an environment variable that overrides the folder of
// shipped models, models/ under the working directory.
const modelsDirEnv = "NEUSIM_MODELS"

// shippedModel returns the path of the model shipped for case name, and
// whether it exists: $NEUSIM_MODELS/NAME/model.safetensors, or
// models/NAME/model.safetensors relative to the working directory. A
// $NEUSIM_MODELS that names a checkout's root, the folder above models/,
// is accepted too.
func shippedModel(name string) (string, bool) {
	dir := os.Getenv(modelsDirEnv)
	if dir == "" {
		dir = "models"
	}
	path := filepath.Join(dir, name, "model.safetensors")
	if _, err := os.Stat(path); err == nil {
		return path, true
	}
	if os.Getenv(modelsDirEnv) != "" {
		alt := filepath.Join(dir, "models", name, "model.safetensors")
		if _, err := os.Stat(alt); err == nil {
			return alt, true
		}
	}
	return path, false
}

// modelsDirHint is the fix that errors about NEUSIM_MODELS suggest.
const modelsDirHint = "set " + modelsDirEnv + " to the folder that contains one folder per case (a checkout's models/)"

// modelFor returns the --model of c, or the shipped model of cs.
func modelFor(c *cli.Context, cs *cases.Case) (string, error) {
	if m := c.String("model"); m != "" {
		return modelFile("--model", m)
	}
	path, ok := shippedModel(cs.Name)
	if ok {
		return path, nil
	}
	if dir := os.Getenv(modelsDirEnv); dir != "" {
		own := filepath.Join(dir, "model.safetensors")
		if _, err := os.Stat(own); err == nil {
			return "", fmt.Errorf("no model given, and %s=%s is a single model's folder: %s, or pass --model %s", modelsDirEnv, dir, modelsDirHint, own)
		}
		return "", fmt.Errorf("no model given, and no model for case %s found under %s=%s (looked for %s): %s, or train one with \"neusim train %s\" and pass --model",
			cs.Name, modelsDirEnv, dir, path, modelsDirHint, cs.Name)
	}
	wd, _ := os.Getwd()
	return "", fmt.Errorf("no model given, and no model for case %s found at %s under the working directory %s: run from the checkout's root, %s, "+
		"or pass --model; if no model ships for the case, train one with \"neusim train %s\"", cs.Name, path, wd, modelsDirHint, cs.Name)
}

// modelFile returns the checkpoint that --model path names: path itself,
// or path/model.safetensors when path is a folder, such as one that
// "neusim train" wrote.
func modelFile(flag, path string) (string, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%s %s: file not found; give a checkpoint (.safetensors) or the folder that \"neusim train --out\" wrote", flag, path)
	}
	if err != nil || !st.IsDir() {
		return path, nil // other errors are reported by the loader, with the path
	}
	file := filepath.Join(path, "model.safetensors")
	if _, err := os.Stat(file); err != nil {
		return "", fmt.Errorf("%s %s: model.safetensors not found in this folder; give the checkpoint file or the folder that \"neusim train --out\" wrote", flag, path)
	}
	return file, nil
}

func turnsFlag() cli.Flag {
	return &cli.IntFlag{
		Name: "turns",
		Usage: "average each surrogate prediction over this many turns of the scene about gravity, so that the model prefers no horizontal direction; " +
			fmt.Sprintf("costs that many model evaluations per step; 0 means %d for a model trained with random turns (neusim train --rotate) and 1 (no averaging) otherwise; only the surrogate uses it", pipeline.DefaultTurns),
		Action: func(_ *cli.Context, v int) error {
			if v < 0 {
				return usagef("--turns %d: give 0 (the model's default), 1 (no averaging) or more", v)
			}
			return nil
		},
	}
}

func modelFlag() cli.Flag {
	return &cli.StringFlag{
		Name:  "model",
		Usage: "surrogate checkpoint (.safetensors), or the folder that contains it as model.safetensors; default: the model shipped for the case, models/CASE/model.safetensors under the working directory or $" + modelsDirEnv,
	}
}

func trainCommand(env *environment) *cli.Command {
	return &cli.Command{
		Name:      "train",
		Usage:     "generate DEM data over sampled variants and train a surrogate",
		ArgsUsage: "[CASE]",
		Description: `Samples --variants design variants of CASE (default hopper) by Latin
hypercube inside its parameter ranges, runs the DEM solver on each (--jobs
at once, resumable: trajectories already in --data are reused), groups the
particles into coarse entities of about --target particles, and trains the
graph network with mLSTM memory on the entities' motion. The last variant
is held out for a validation loss, logged every 100 iterations. With
--members N it trains N models on the same data with seeds --seed to
--seed+N-1 and saves them as one ensemble: each step of a run is the mean
of their predictions, which varies less from one training to the next
than a single model.

It writes into --out: model.safetensors (weights, with the metadata in the
safetensors header: case and its hash, parameter ranges, grouping
settings, normalisation, seed, training data summary), metadata.json (the
same metadata, readable) and model.train.json (the training report with
the validation losses). The same seed gives the same model.

Fluid cases (cavity) train the mesh-point surrogate instead: LBM runs on
every training value of the case's parameters (--values NAME=V1,V2,...,
default --variants values spaced evenly in log scale over the range), the
grid nodes are grouped into super-nodes of about --target nodes (default
9), and the graph network with mLSTM memory learns to advance their
velocity by one surrogate step of five flow-through times (5 L / U), for
--iterations iterations (default 5000 for fluid cases). --out
receives model.safetensors, metadata.json and model.train.json; --data,
--jobs and --resume do not apply.`,
		Flags: append(caseFlags(),
			&cli.IntFlag{Name: "variants", Value: 5, Usage: "number of DEM variants to simulate; the last one is held out for validation"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "seed of the sampling, the weights and the training windows"},
			&cli.Float64Flag{Name: "duration", Usage: "simulated duration of each DEM training run, s; 0 keeps the case's. A run long enough for the bed to empty shows the model the end of the discharge (hopper cases)"},
			&cli.IntFlag{Name: "members", Value: 1, Usage: "models trained on the same data with seeds --seed, --seed+1, ..., saved as one ensemble whose prediction is their mean; they train at the same time, sharing the workers, and each step of a run costs one evaluation per member (hopper cases)"},
			&cli.StringFlag{Name: "data", Usage: "directory of the DEM trajectories, reused when training again (default: out/CASE-data)"},
			&cli.StringFlag{Name: "out", Usage: "directory of the trained model (default: out/models/CASE, so the shipped models/ stay as they are)"},
			&cli.IntFlag{Name: "jobs", Value: 2, Usage: "DEM variants simulated at once, sharing the cores"},
			&cli.IntFlag{Name: "iterations", Value: 2500, Usage: "training iterations (AdamW steps)"},
			&cli.IntFlag{Name: "target", Value: 32, Usage: "particles per coarse entity"},
			&cli.IntFlag{Name: "window", Value: 4, Usage: "consecutive steps per training window, the model's memory carried and differentiated through them (hopper cases)"},
			&cli.Float64Flag{Name: "noise", Value: 0.2, Usage: "standard deviation of the random-walk noise on the input velocities, in velocity standard deviations, positive (hopper cases)"},
			&cli.BoolFlag{Name: "pushforward", Usage: "feed the model its own predictions, not the recorded states, at every window step after the first, so it learns to correct its drift (hopper cases)"},
			&cli.BoolFlag{Name: "rotate", Usage: fmt.Sprintf("turn every training window by a random angle about gravity, walls included, so the model cannot prefer a horizontal direction; such a model averages its predictions over %d turns unless --turns is given. On the default hopper it made the flow up to 26 %% too slow, so it is off by default (hopper cases)", pipeline.DefaultTurns)},
			&cli.IntFlag{Name: "stride", Value: 4, Usage: "output intervals of the DEM trajectories per surrogate step, so the surrogate time step is this times the case's output interval (hopper cases)"},
			&cli.Float64Flag{Name: "handover-delay", Value: 0.2, Usage: "seconds that DEM keeps running after a gate opens (the last wall removal) before the model takes over, in every run of the model; training starts there too (hopper cases)"},
			&cli.IntFlag{Name: "latent", Value: 48, Usage: "latent width of the graph network"},
			&cli.IntFlag{Name: "steps", Value: 3, Usage: "message-passing steps of the graph network"},
			&cli.StringFlag{Name: "resume", Usage: "start from the weights and normalisation of this checkpoint instead of fresh weights"},
			deviceFlag(),
			fluidValuesFlag(),
			workersFlag(),
		),
		Action: func(c *cli.Context) error { return train(c, env) },
	}
}

func train(c *cli.Context, env *environment) error {
	cs, err := loadCase(c, env)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	caseArg := cases.DefaultCase
	if c.NArg() == 1 {
		caseArg = c.Args().First()
	}
	if cs.Fluid != nil {
		if c.IsSet("members") {
			return usagef("train: --members applies to particle cases; the mesh-point surrogate of %s trains one model, so drop --members %d", cs.Name, c.Int("members"))
		}
		if c.IsSet("duration") {
			return usagef("train: --duration applies to particle cases; the LBM runs of %s last the duration in its case file, so drop --duration %g", cs.Name, c.Float64("duration"))
		}
		return trainFluid(c, env, cs, caseArg)
	}
	for _, name := range []string{"variants", "iterations", "jobs", "stride", "window", "members"} {
		if c.Int(name) < 1 {
			return usagef("train: --%s %d; it must be at least 1", name, c.Int(name))
		}
	}
	if c.Int("target") < 2 {
		return usagef("train: --target %d; an entity needs at least 2 particles", c.Int("target"))
	}
	if v := c.Float64("noise"); !(v > 0) || math.IsInf(v, 0) {
		return usagef("train: --noise %g; it must be positive and finite, such as the default 0.2", v)
	}
	if v := c.Float64("duration"); !(v >= 0) || math.IsInf(v, 0) {
		return usagef("train: --duration %g; give the simulated time of each DEM run in s, or 0 to keep the case's", v)
	}
	if v := c.Float64("handover-delay"); !(v >= 0) || math.IsInf(v, 0) {
		return usagef("train: --handover-delay %g; it must be zero or a positive time in seconds, such as the default 0.2", v)
	}
	resume := c.String("resume")
	if resume != "" {
		// A checkpoint that cannot be resumed fails here, before the DEM
		// runs, not after them.
		if resume, err = modelFile("--resume", resume); err != nil {
			return usagef("train: %v", err)
		}
		if err := pipeline.CheckResume(resume, c.Int("members")); err != nil {
			return usagef("train: %v", err)
		}
	}
	dataDir := c.String("data")
	if dataDir == "" {
		dataDir = filepath.Join("out", cs.Name+"-data")
	}
	out := c.String("out")
	if out == "" {
		out = filepath.Join("out", "models", cs.Name)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("train --out: %w", err)
	}

	device, err := deviceName(c)
	if err != nil {
		return err
	}
	env.log.Info("generating training data", "case", cs.Name, "variants", c.Int("variants"), "data", dataDir)
	data, err := pipeline.GenerateData(c.Context, caseArg, pipeline.DataOptions{
		Dir: dataDir, Variants: c.Int("variants"), Seed: c.Uint64("seed"), Set: c.StringSlice("set"), Duration: c.Float64("duration"),
		Jobs: c.Int("jobs"), Logger: env.log,
		Progress: func(done, total int) {
			if c.Context.Err() == nil { // a cancelled variant is not done
				env.log.Info("variant simulated", "done", done, "total", total)
			}
		},
	})
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}

	st := pipeline.DefaultSettings()
	st.Grouping.TargetSize = c.Int("target")
	st.Stride = c.Int("stride")
	st.HandoverDelay = c.Float64("handover-delay")
	model := filepath.Join(out, "model.safetensors")
	rep, err := pipeline.Train(c.Context, pipeline.TrainOptions{
		Case: caseArg, Set: c.StringSlice("set"), Data: data, Out: model, Seed: c.Uint64("seed"), Members: c.Int("members"), Settings: st,
		Model: surrogate.Config{Latent: c.Int("latent"), Steps: c.Int("steps")},
		Train: surrogate.TrainConfig{Iterations: c.Int("iterations"), Window: c.Int("window"), Noise: c.Float64("noise"),
			Pushforward: c.Bool("pushforward")},
		RotateAboutGravity: c.Bool("rotate"),
		Resume:             resume,
		Device:             device,
		Workers:            c.Int("workers"),
		Logger:             env.log,
	})
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if err := writeJSON(filepath.Join(out, "metadata.json"), rep.Metadata); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	fmt.Fprintf(env.stdout, "trained %s on %s (%d held out) in %.0f s; model in %s\n",
		cs.Name, counted(len(rep.TrainVariants), "variant"), len(rep.HeldOutVariants), rep.WallS, model)
	if n := len(rep.Validation); n > 0 {
		b, _ := json.Marshal(rep.Validation[n-1])
		if len(rep.MemberValidation) > 0 {
			fmt.Fprintf(env.stdout, "last validation of member 0: %s\n", b)
		} else {
			fmt.Fprintf(env.stdout, "last validation: %s\n", b)
		}
	}
	for k, v := range rep.MemberValidation {
		if n := len(v); n > 0 {
			b, _ := json.Marshal(v[n-1])
			fmt.Fprintf(env.stdout, "last validation of member %d: %s\n", k+1, b)
		}
	}
	if v := rep.EnsembleValidation; v != nil {
		b, _ := json.Marshal(v)
		fmt.Fprintf(env.stdout, "validation of the %d-model ensemble: %s\n", 1+len(rep.MemberValidation), b)
	}
	return nil
}

func compareCommand(env *environment) *cli.Command {
	return &cli.Command{
		Name:      "compare",
		Usage:     "run the surrogate and its numerical solver (DEM, or LBM for fluid cases; or --solver and --reference) on one variant and report the differences",
		ArgsUsage: "[CASE]",
		Description: `Runs the DEM solver and the surrogate (--model, default the model shipped
for the case) on the same variant of CASE and writes into --out:
  report.md    the comparison as a table: mean mass flow rate and discharge
               time of each with the relative error, the solid-fraction field
               error, wall times and the speed-up
  report.json  the same numbers and the time series, with at least
               mass_flow_rate_error and discharge_time_error (relative),
               field_error, wall_time_dem_s, wall_time_surrogate_s, speedup
  *.png        discharged mass, mass flow rate, kinetic energy, field error
               and particle-position error against time

With --reference NAME it instead runs --solver (default surrogate) and the
reference solver NAME on the same variant, for example "neusim compare
hopper --solver dem --reference liggghts", and writes report.md and
report.json (default --out: out/compare-CASE-NAME) with every summary value
of the case from both runs (mass flow rate, discharge time, kinetic
energy, ...), their relative differences and the wall times. Either name
may be any --solver of run, solver plugins included.

The surrogate hands over from DEM after the settling phase, at the
hopper's gate opening plus the handover delay the model was trained with
(train --handover-delay); the report states the handover time, and the
speed-up is given for the whole run and for the part after the handover.

For a fluid case (cavity) it runs LBM and the fluid surrogate on the same
grid from rest to the steady state and reports the relative L2 error of the
velocity over the domain and of the centreline profiles (u on the vertical,
v on the horizontal centreline) against time and at the end, the profiles
themselves (centreline_u.png, centreline_v.png), the wall times and the
speed-up.`,
		Flags: append(append(caseFlags(), referenceFlags()...),
			modelFlag(),
			turnsFlag(),
			&cli.StringFlag{Name: "out", Usage: "directory of the report (default: out/compare-CASE, or out/compare-CASE-REFERENCE with --reference)"},
			&cli.Float64Flag{Name: "duration", Usage: "simulated duration of both runs, s; 0 keeps the case's"},
			&cli.Float64Flag{Name: "grid", Usage: "spacing of the solid-fraction grid, m; 0 means 4 mean particle diameters"},
			deviceFlag(),
			workersFlag(),
		),
		Action: func(c *cli.Context) error {
			if d := c.Float64("duration"); d < 0 || math.IsNaN(d) || math.IsInf(d, 0) {
				return usagef("compare --duration %g: give the simulated time in s, or 0 to keep the case's", d)
			}
			if c.IsSet("reference") {
				return compareWithReference(c, env)
			}
			if c.IsSet("solver") {
				return usagef("compare --solver: give --reference too; without it compare runs the surrogate against DEM")
			}
			cs, err := loadCase(c, env)
			if err != nil {
				return fmt.Errorf("compare: %w", err)
			}
			caseArg := cases.DefaultCase
			if c.NArg() == 1 {
				caseArg = c.Args().First()
			}
			if cs.Fluid != nil {
				return compareFluid(c, env, cs, caseArg)
			}
			model, err := modelFor(c, cs)
			if err != nil {
				return fmt.Errorf("compare: %w", err)
			}
			out := c.String("out")
			if out == "" {
				out = filepath.Join("out", "compare-"+cs.Name)
			}
			device, err := deviceName(c)
			if err != nil {
				return err
			}
			rep, err := pipeline.Compare(c.Context, caseArg, c.StringSlice("set"), model, out, pipeline.CompareOptions{
				Workers: c.Int("workers"), Device: device, Logger: env.log, Turns: c.Int("turns"), AllowExtrapolation: c.Bool("allow-extrapolation"),
				Duration: c.Float64("duration"), GridSpacing: c.Float64("grid"),
			})
			if err != nil {
				return fmt.Errorf("compare: %w", err)
			}
			fmt.Fprintln(env.stdout, strings.TrimSpace(rep.Markdown()))
			fmt.Fprintf(env.stdout, "report in %s\n", filepath.Join(out, "report.md"))
			return nil
		},
	}
}
