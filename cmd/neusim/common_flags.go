package main

import (
	"errors"
	"runtime"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/neusim/neusim/cases"
)

// caseFlags are the flags that select a case variant, shared by run,
// compare, train and sweep.
func caseFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{
			Name:  "set",
			Usage: "set a design parameter for this run, as NAME=VALUE in the parameter's unit (repeatable); \"neusim cases\" lists the parameters, units and ranges",
		},
		&cli.BoolFlag{
			Name:  "allow-extrapolation",
			Usage: "accept --set values outside a parameter's [min, max] range, with a warning, instead of rejecting them",
		},
	}
}

func workersFlag() cli.Flag {
	return &cli.IntFlag{
		Name:  "workers",
		Value: 0,
		Usage: "number of worker threads for the solver; 0 uses every core (" + strconv.Itoa(runtime.NumCPU()) + " here). Results are identical for any value",
		Action: func(_ *cli.Context, n int) error {
			if n < 0 {
				return usagef("--workers %d is invalid: give 0 for every core, or a positive count", n)
			}
			return nil
		},
	}
}

// loadCase resolves the case named by the first argument (default: the
// embedded default case) with the --set overrides of c.
func loadCase(c *cli.Context, env *environment) (*cases.Case, error) {
	name := cases.DefaultCase
	if c.NArg() > 0 {
		name = c.Args().First()
	}
	if c.NArg() > 1 {
		return nil, usagef("expected one case, got %d arguments: %q; give one case name or case file", c.NArg(), c.Args().Slice())
	}
	cs, err := cases.Load(name, cases.Options{
		Set:                c.StringSlice("set"),
		AllowExtrapolation: c.Bool("allow-extrapolation"),
	})
	if err != nil {
		if onlySetErrors(err) {
			return nil, usageError{err}
		}
		return nil, err
	}
	for _, p := range cs.Extrapolated {
		env.log.Warn("parameter outside its range; results are an extrapolation", "case", cs.Name, "parameter", p, "value", cs.Values[p])
	}
	return cs, nil
}

// onlySetErrors reports whether every problem in a case load error is a
// bad --set override, a mistake on the command line rather than in the
// case file.
func onlySetErrors(err error) bool {
	var es cases.Errors
	if !errors.As(err, &es) || len(es) == 0 {
		return false
	}
	for _, e := range es {
		if !strings.HasPrefix(e.Path, "--set ") {
			return false
		}
	}
	return true
}
