package main

import (
	"context"
	"fmt"
	"log/slog"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/neusim/neusim/solvers/dem"
	"github.com/neusim/neusim/validate"
)

func validateCommand(env *environment) *cli.Command {
	return &cli.Command{
		Name:      "validate",
		Usage:     "run the DEM solver's verification suite against published references",
		ArgsUsage: " ",
		Description: `Runs the DEM solver on the impact benchmarks of Chung and Ooi (2011),
Granular Matter 13:643-656, and on an energy-conservation check, and prints a
table: test, quantity, unit, expected, measured, relative error, tolerance
and PASS or FAIL. It exits with status 1 when any check fails.

  test 1  two equal spheres head-on (glass, limestone): maximum overlap,
          maximum force and contact duration against Hertz theory, 1 %
  test 2  a sphere on a rigid wall (aluminium, magnesium alloy): the same, 1 %
  test 3  normal impact with restitution 0.2 to 1: rebound restitution, 2 %
  test 4  oblique impact at 5 to 85 degrees: tangential restitution and
          rebound spin against the paper's figures, 5 %, and for spins
          near zero at least 2 rad/s, the precision of reading the figure
          (10.5 % at 5 degrees)
  energy  200 elastic frictionless spheres in a box for 20 000 steps: total
          energy (kinetic plus Hertz elastic) within 0.5 %

It takes a few seconds. With --slow it also checks Beverloo's discharge law:

  Beverloo  a flat-bottomed bin of 25 mm radius holding 10 000 glass beads of
          2 mm discharges through orifices of 12, 14, 16 and 18 mm; the
          fitted exponent of W against D - 1.5 d must be within 10 % of 5/2
          and C of W = C rho_b sqrt(g) (D - 1.5 d)^(5/2), with the bulk
          density rho_b measured in the settled bed, within 15 % of 0.58
          (Beverloo, Leniger and van de Velde 1961; Nedderman 1992)

The four discharges take a few minutes on two idle cores and print a line
each as they finish. The same check runs as a Go test:
go test -tags slow -run BeverlooFlat -timeout 90m ./solvers/dem/`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "slow", Usage: "also check Beverloo's discharge law on four flat-bottomed bin discharges (a few minutes)"},
			workersFlag(),
		},
		Action: func(c *cli.Context) error {
			// The suite's many short runs would each log their set-up at
			// info level, so the solver logs only at debug level.
			solver := dem.New(dem.Options{Workers: c.Int("workers"), Logger: slog.New(debugOnly{env.log.Handler()})})
			checks, err := validate.ChungOoi(c.Context, solver)
			if err != nil {
				return fmt.Errorf("validate: %w", err)
			}
			energy, err := validate.EnergyConservation(c.Context, solver)
			if err != nil {
				return fmt.Errorf("validate: %w", err)
			}
			checks = append(checks, energy...)
			if c.Bool("slow") {
				fmt.Fprintf(env.stderr, "Beverloo: discharging a flat-bottomed bin through %d orifices\n", len(validate.DischargeOutlets))
				res, err := validate.Discharge(c.Context, solver, func(i int, outlet, rate float64) {
					fmt.Fprintf(env.stderr, "  orifice %.0f mm: %.4g kg/s (%d of %d)\n", 1e3*outlet, rate, i+1, len(validate.DischargeOutlets))
				})
				if err != nil {
					return fmt.Errorf("validate --slow: %w", err)
				}
				checks = append(checks, res.Checks()...)
			}

			tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "TEST\tQUANTITY\tUNIT\tEXPECTED\tMEASURED\tERROR\tTOLERANCE\tRESULT")
			failed := 0
			for _, ch := range checks {
				result := "PASS"
				if !ch.Pass {
					result = "FAIL"
					failed++
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%.5g\t%.5g\t%.2f %%\t%.1f %%\t%s\n", ch.Test, ch.Quantity, ch.Unit,
					ch.Expected, ch.Measured, 100*ch.RelError(), 100*ch.Tolerance, result)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(env.stdout, "%d of %d checks passed\n", len(checks)-failed, len(checks))
			if failed > 0 {
				return fmt.Errorf("validate: %d of %d checks failed", failed, len(checks))
			}
			return nil
		},
	}
}

// debugOnly passes records to its handler only when that handler is
// enabled for debug records, so --log-level debug still shows them.
type debugOnly struct{ slog.Handler }

func (h debugOnly) Enabled(ctx context.Context, _ slog.Level) bool {
	return h.Handler.Enabled(ctx, slog.LevelDebug)
}

func (h debugOnly) WithAttrs(attrs []slog.Attr) slog.Handler {
	return debugOnly{h.Handler.WithAttrs(attrs)}
}

func (h debugOnly) WithGroup(name string) slog.Handler {
	return debugOnly{h.Handler.WithGroup(name)}
}
