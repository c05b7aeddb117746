package main

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/pipeline"
)

// fluidValuesFlag lists the training values of a fluid case's parameters.
func fluidValuesFlag() cli.Flag {
	return &cli.StringSliceFlag{
		Name: "values",
		Usage: "fluid cases: train on these values of a design parameter, as NAME=V1,V2,... in the parameter's unit " +
			"(default: --variants values spaced evenly in log scale over the parameter's range)",
	}
}

// fluidTrainValues returns the training variants of a fluid case: the
// --values lists, or --variants values spaced evenly in the logarithm
// over the range of each parameter of the case.
func fluidTrainValues(c *cli.Context, cs *cases.Case) ([]map[string]float64, error) {
	lists := map[string][]float64{}
	for _, arg := range c.StringSlice("values") {
		name, list, ok := strings.Cut(arg, "=")
		i := slices.IndexFunc(cs.Parameters, func(p cases.Parameter) bool { return p.Name == name })
		if !ok || i < 0 {
			return nil, usagef("train --values %q: want NAME=V1,V2,... with NAME a parameter of case %s", arg, cs.Name)
		}
		for _, f := range strings.Split(list, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil || !(v > 0) {
				return nil, usagef("train --values %s: value %q is not a positive number", name, f)
			}
			lists[name] = append(lists[name], v)
		}
	}
	if len(lists) == 0 {
		n := c.Int("variants")
		for _, p := range cs.Parameters {
			if !(p.Min > 0) || !(p.Max > p.Min) {
				continue
			}
			for k := 0; k < n; k++ {
				x := 0.5
				if n > 1 {
					x = float64(k) / float64(n-1)
				}
				lists[p.Name] = append(lists[p.Name], math.Exp(math.Log(p.Min)+x*(math.Log(p.Max)-math.Log(p.Min))))
			}
		}
	}
	if len(lists) == 0 {
		return nil, usagef("train: case %s has no design parameter with a positive range to train over; give --values", cs.Name)
	}

	// Variants are the combinations of the lists, in the order of the
	// case's parameters.
	variants := []map[string]float64{{}}
	for _, p := range cs.Parameters {
		list, ok := lists[p.Name]
		if !ok {
			continue
		}
		var next []map[string]float64
		for _, v := range variants {
			for _, x := range list {
				m := map[string]float64{p.Name: x}
				for k, y := range v {
					m[k] = y
				}
				next = append(next, m)
			}
		}
		variants = next
	}
	return variants, nil
}

// trainFluid trains the fluid surrogate of a fluid case.
func trainFluid(c *cli.Context, env *environment, cs *cases.Case, caseArg string) error {
	if c.IsSet("resume") {
		return usagef("train --resume: case %s is a fluid case, whose surrogate trains from fresh weights only", cs.Name)
	}
	values, err := fluidTrainValues(c, cs)
	if err != nil {
		return err
	}
	out := c.String("out")
	if out == "" {
		out = filepath.Join("out", "models", cs.Name)
	}
	opt := pipeline.DefaultFluidTrainOptions()
	opt.Case, opt.Set, opt.Values, opt.Seed = caseArg, c.StringSlice("set"), values, c.Uint64("seed")
	opt.Out = filepath.Join(out, "model.safetensors")
	opt.Workers, opt.Logger = c.Int("workers"), env.log
	if c.IsSet("iterations") {
		opt.Train.Iterations = c.Int("iterations")
	}
	if c.IsSet("target") {
		opt.Settings.Target = c.Int("target")
	}
	if c.IsSet("latent") {
		opt.Model.Latent = c.Int("latent")
	}
	if c.IsSet("steps") {
		opt.Model.Steps = c.Int("steps")
	}
	env.log.Info("training the fluid surrogate", "case", cs.Name, "variants", len(values), "iterations", opt.Train.Iterations, "out", out)
	rep, err := pipeline.TrainFluid(c.Context, opt)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if err := writeJSON(filepath.Join(out, "metadata.json"), rep.Meta); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if err := writeJSON(filepath.Join(out, "model.train.json"), rep); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	fmt.Fprintf(env.stdout, "trained %s on %d LBM variants (%.0f s of LBM, %.0f s of training, final loss %.3g); model in %s\n",
		cs.Name, len(values), rep.Meta.Training.DataWallS, rep.Meta.Training.TrainWallS, rep.Meta.Training.FinalLoss, opt.Out)
	return nil
}

// compareFluid compares the fluid surrogate with LBM on one variant.
func compareFluid(c *cli.Context, env *environment, cs *cases.Case, caseArg string) error {
	model, err := modelFor(c, cs)
	if err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	out := c.String("out")
	if out == "" {
		out = filepath.Join("out", "compare-"+cs.Name)
	}
	rep, err := pipeline.CompareFluid(c.Context, caseArg, c.StringSlice("set"), model, out, pipeline.FluidCompareOptions{
		Workers: c.Int("workers"), Logger: env.log, AllowExtrapolation: c.Bool("allow-extrapolation"),
	})
	if err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	fmt.Fprintln(env.stdout, strings.TrimSpace(rep.Markdown()))
	fmt.Fprintf(env.stdout, "report in %s\n", filepath.Join(out, "report.md"))
	return nil
}

// fluidSolverName returns the solver of a fluid case's run: lbm unless
// --solver surrogate, --model alone, or --solver auto with a model given
// or shipped for the case.
func fluidSolverName(c *cli.Context, cs *cases.Case) (string, error) {
	name := "lbm"
	switch {
	case c.IsSet("solver"):
		name = c.String("solver")
	case c.IsSet("model"):
		name = "surrogate"
	}
	if name == "auto" {
		name = "lbm"
		if _, ok := shippedModel(cs.Name); ok || c.String("model") != "" {
			name = "surrogate"
		}
	}
	if name != "lbm" && name != "surrogate" {
		return "", usagef("run --solver %s: case %s is a fluid case: use --solver lbm, surrogate or auto", name, cs.Name)
	}
	return name, nil
}
