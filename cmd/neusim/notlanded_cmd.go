package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// notLanded returns an action that reports the command as not yet
// available, with what the user can do instead.
func notLanded(what, instead string) cli.ActionFunc {
	return func(c *cli.Context) error {
		msg := fmt.Sprintf("%s: %s", c.Command.Name, what)
		if instead != "" {
			msg += "; " + instead
		}
		return fmt.Errorf("%s (%w)", msg, errNotLanded)
	}
}

func compareCommand(env *environment) *cli.Command {
	return &cli.Command{
		Name:      "compare",
		Usage:     "run the surrogate and the numerical solver on one variant and report the differences (not available yet)",
		ArgsUsage: "[CASE]",
		Description: `NOT AVAILABLE YET: comparison needs a trained surrogate, which this version
of neusim does not ship. The command exits with status 3.

When available, it runs the surrogate and the DEM solver on the same variant
of CASE and writes DIR/report.md, DIR/report.json and PNG plots: discharged
mass against time, mass flow rate, kinetic energy, solid-fraction field error,
particle-position error, the wall time of each and the speed-up.`,
		Flags: append(caseFlags(),
			&cli.StringFlag{Name: "out", Value: "out/compare", Usage: "directory for the report and plots"},
		),
		Action: notLanded("the surrogate is not trained and shipped in this version",
			"run the numerical solver alone with \"neusim run CASE --solver dem\""),
	}
}

func trainCommand(env *environment) *cli.Command {
	return &cli.Command{
		Name:      "train",
		Usage:     "generate solver data over sampled variants and train a surrogate (not available yet)",
		ArgsUsage: "[CASE]",
		Description: `NOT AVAILABLE YET: training needs the grouping and surrogate packages
wired to the DEM solver, which this version does not have. The command exits
with status 3.

When available, it samples N variants of CASE from its parameter ranges
(Latin hypercube), runs the DEM solver on each, fits the coarse entities, and
trains the graph network with xLSTM memory, writing the checkpoint to MODEL.`,
		Flags: append(caseFlags(),
			&cli.IntFlag{Name: "variants", Value: 16, Usage: "number of design variants to simulate for training data"},
			&cli.StringFlag{Name: "out", Value: "models/CASE", Usage: "directory of the trained model"},
		),
		Action: notLanded("training is not wired to the solver in this version",
			"generate data with \"neusim run CASE --solver dem\" for now"),
	}
}
