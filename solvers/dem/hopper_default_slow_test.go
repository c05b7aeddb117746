//go:build slow

package dem

import (
	"context"
	"math"
	"testing"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
	"github.com/neusim/neusim/validate"
)

// TestDefaultHopperBeverloo runs the embedded default hopper as
// "neusim run hopper --solver dem" does and checks that its mean mass
// flow rate, summarised as the command summarises it, is within 15 % of
// Beverloo's law with C = 0.58 and k = 1.5 at the bulk density of its
// settled bed.
//
// Run with: go test -tags slow -run DefaultHopperBeverloo -v -timeout 30m ./solvers/dem/
func TestDefaultHopperBeverloo(t *testing.T) {
	c, err := cases.Load(cases.DefaultCase, cases.Options{})
	if err != nil {
		t.Fatal(err)
	}

	gate := c.Walls[2].RemovedAt
	rec := validate.NewRecorder(c)
	rhoB := 0.0
	sink := solvers.SinkFunc(func(f *particles.Frame) error {
		if rhoB == 0 && f.Time >= gate-0.01-1e-9 {
			rhoB = bulkDensity(f, c)
		}
		return rec.WriteFrame(f)
	})
	if err := New(Options{}).Run(context.Background(), c, sink, nil); err != nil {
		t.Fatal(err)
	}

	sum := rec.Summarize()
	w, ok := sum["discharged_mass.mass_flow_rate"]
	if !ok {
		t.Fatalf("the summary has no mass flow rate: %v", sum)
	}

	D := c.Values["outlet_diameter"]
	want := validate.BeverlooCircular(validate.BeverlooC, validate.BeverlooK, rhoB, 9.81, D, 2e-3)
	t.Logf("D = %.3f m, bulk density %.0f kg/m^3: mass flow rate %.4g kg/s, Beverloo %.4g kg/s (ratio %.3f); discharge time %v s",
		D, rhoB, w.Value, want, w.Value/want, sum["discharged_mass.discharge_time"].Value)
	if rel := math.Abs(w.Value-want) / want; rel > 0.15 {
		t.Errorf("mass flow rate %.4g kg/s is %.1f %% from Beverloo's %.4g kg/s, tolerance 15 %%", w.Value, 100*rel, want)
	}
	if _, ok := sum["discharged_mass.discharge_time"]; !ok {
		t.Errorf("the hopper did not discharge 95 %% of its beads within %g s", c.Solver.Duration)
	}
}
