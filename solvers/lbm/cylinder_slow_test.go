//go:build slow

package lbm

import (
	"testing"

	"github.com/neusim/neusim/cases"
)

// TestCylinderSchaeferTurek runs the embedded cylinder case, the steady
// benchmark 2D-1 of Schaefer & Turek (1996, Notes Numer. Fluid Mech.
// 52:547-566) at Re = 20, with 20 nodes across the cylinder. The
// benchmark bounds the pressure difference between the front and back of
// the cylinder to 0.1172 to 0.1176 Pa at rho = 1 kg/m^3, so 117.2 to
// 117.6 Pa at the case's 1000 kg/m^3.
//
// The staircase cylinder and the pressure taken at the fluid nodes half a
// spacing off its surface put this grid outside those bounds. It measured
// 114.6 Pa, 2.2 percent below the lower bound, on nodes_across = 82, and
// the default grid of 10 nodes across the cylinder gives 110.9 Pa, 5.4
// percent below. The tolerance of 4 percent covers that discretisation
// error and fails for a wrong pressure scale, sign or sampling point.
// Drag and lift coefficients (measured 5.651 and 0.0109) are logged but
// not checked, because no source for their bounds was at hand.
//
// Run it with: go test -tags slow -run SchaeferTurek ./solvers/lbm/
// (about 70 s on 2 cores).
func TestCylinderSchaeferTurek(t *testing.T) {
	c, err := cases.Load("cylinder", cases.Options{Set: []string{"nodes_across=82"}})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ConfigFromCase(c, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	obs, err := NewObserver(c, cfg.Grid, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(t.Context(), observerSink(obs), nil); err != nil {
		t.Fatal(err)
	}
	if s.Steps() >= int64(cfg.Duration/cfg.TimeStep) {
		t.Errorf("cylinder not steady after %d steps", s.Steps())
	}

	force, dp := lastFrame(t, obs, 0), lastFrame(t, obs, 1)
	t.Logf("%d steps: drag coefficient %.4f, lift coefficient %.5f, pressure difference %.2f Pa",
		s.Steps(), *force.DragCoefficient, *force.LiftCoefficient, *dp.PressureDifference)

	const lo, hi, tol = 117.2, 117.6, 0.04 // Pa at 1000 kg/m^3, and the relative tolerance
	if p := *dp.PressureDifference; p < lo*(1-tol) || p > hi*(1+tol) {
		t.Errorf("pressure difference = %.2f Pa, want the benchmark's %.1f to %.1f Pa within %.0f percent", p, lo, hi, 100*tol)
	}
}
