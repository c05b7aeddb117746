//go:build slow

package dem

import (
	"context"
	"testing"

	"github.com/neusim/neusim/validate"
)

// TestBeverlooFlat runs the discharge check of the validate package on
// this solver: a flat-bottomed bin, the geometry Beverloo's correlation
// was fitted on, discharging through orifices of 6 to 9 bead diameters.
// The fitted exponent of D - 1.5 d must be within 10 % of 5/2 and C
// within 15 % of 0.58. The same check runs as "neusim validate --slow".
//
// Run with: go test -tags slow -run BeverlooFlat -v -timeout 90m ./solvers/dem/
func TestBeverlooFlat(t *testing.T) {
	res, err := validate.Discharge(context.Background(), New(Options{}), func(i int, outlet, rate float64) {
		t.Logf("D = %.3f m: discharge rate %.4g kg/s", outlet, rate)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bulk density %.0f kg/m^3; fitted exponent %.3f (Beverloo 2.5), C at exponent 2.5 = %.3f (Beverloo 0.58)", res.BulkDensity, res.Exponent, res.C)
	for _, c := range res.Checks() {
		if !c.Pass {
			t.Errorf("%s: %s %.3f is %.1f %% from %.3f, tolerance %.0f %%", c.Test, c.Quantity, c.Measured, 100*c.RelError(), c.Expected, 100*c.Tolerance)
		}
	}
}
