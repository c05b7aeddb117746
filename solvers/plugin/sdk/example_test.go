package sdk_test

import (
	"context"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
	"github.com/neusim/neusim/solvers/plugin/sdk"
)

// still is a solver whose particles never move: it sends the same frame
// at every output interval.
type still struct{}

func (still) Name() string { return "still" }

func (still) Run(ctx context.Context, c *cases.Case, sink solvers.Sink, progress solvers.ProgressFunc) error {
	f := &particles.Frame{OutletCount: make([]int64, len(c.Outlets)), OutletMass: make([]float64, len(c.Outlets))}
	for t := 0.0; t <= c.Solver.Duration; t += c.Solver.OutputInterval {
		if err := ctx.Err(); err != nil {
			return err
		}
		f.Time = t
		if err := sink.WriteFrame(f); err != nil {
			return err
		}
	}
	return nil
}

// The main function of a plugin built as neusim-solver-still. Serve does
// not return, so this example is compiled but not run.
func Example() {
	sdk.Serve(still{}, sdk.Info{
		Version:     "0.1.0",
		Description: "particles that never move",
		Features:    []string{sdk.FeatureParticles},
	})
}
