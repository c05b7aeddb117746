package validate

import (
	"context"
	"math"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
)

// lawSolver is a fake solver whose bin discharges exactly by the power
// law W = c rho sqrt(g) (D - 1.5 d)^n. It sends a cubic lattice of beads
// of known bulk density, and an outlet mass growing at that rate once the
// gate is gone.
type lawSolver struct {
	c, n    float64
	spacing float64 // lattice spacing, m
	mass    float64 // bead mass, kg
}

func (s lawSolver) Name() string { return "law" }

func (s lawSolver) density() float64 { return s.mass / (s.spacing * s.spacing * s.spacing) }

func (s lawSolver) Run(ctx context.Context, c *cases.Case, sink solvers.Sink, _ solvers.ProgressFunc) error {
	outlet := 2 * c.Walls[1].Triangles[0][0].X // the annulus starts on the orifice's rim
	w := s.c * s.density() * math.Sqrt(9.81) * math.Pow(outlet-1.5*dischargeBead, s.n)
	f := &particles.Frame{OutletMass: []float64{0}}
	for x := -0.02; x <= 0.02; x += s.spacing {
		for y := -0.02; y <= 0.02; y += s.spacing {
			for z := s.spacing / 2; z < 0.04; z += s.spacing {
				f.Pos = append(f.Pos, r3.Vec{X: x, Y: y, Z: z})
				f.Mass = append(f.Mass, s.mass)
			}
		}
	}
	for k := 0; float64(k)*0.01 <= c.Solver.Duration+1e-9; k++ {
		f.Time = float64(k) * 0.01
		f.OutletMass[0] = w * max(0, f.Time-dischargeGate)
		if err := sink.WriteFrame(f); err != nil {
			return err
		}
	}
	return nil
}

// TestDischargeFitsKnownLaw checks the fit on discharges that follow a
// known law exactly: the exponent and C come back to 1e-6, and the checks
// pass or fail with them.
func TestDischargeFitsKnownLaw(t *testing.T) {
	for _, tc := range []struct {
		c, n float64
		pass bool
	}{
		{0.58, 2.5, true},
		{0.64, 2.5, true},
		{0.75, 2.5, false},
		{0.58, 2.0, false},
	} {
		s := lawSolver{c: tc.c, n: tc.n, spacing: 0.001, mass: 1e-6}
		res, err := Discharge(context.Background(), s, nil)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(res.Exponent-tc.n) > 1e-6 {
			t.Errorf("law n = %g: fitted exponent %g", tc.n, res.Exponent)
		}
		// The bed sample cuts the lattice, so the measured density matches
		// the lattice's only to within its discreteness. C is exact only
		// when the law's exponent is 5/2.
		if rel := math.Abs(res.BulkDensity-s.density()) / s.density(); rel > 0.05 {
			t.Errorf("law n = %g: bulk density %g, lattice %g", tc.n, res.BulkDensity, s.density())
		}
		if tc.n == 2.5 {
			want := tc.c * s.density() / res.BulkDensity
			if math.Abs(res.C-want) > 1e-6*want {
				t.Errorf("law C = %g: fitted C %g, want %g", tc.c, res.C, want)
			}
		}
		pass := true
		for _, ch := range res.Checks() {
			pass = pass && ch.Pass
		}
		if pass != tc.pass {
			t.Errorf("law C = %g, n = %g: checks pass = %v, want %v", tc.c, tc.n, pass, tc.pass)
		}
	}
}
