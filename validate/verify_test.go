package validate_test

import (
	"context"
	"testing"

	"github.com/neusim/neusim/solvers/dem"
	"github.com/neusim/neusim/validate"
)

func TestChungOoiWithDEM(t *testing.T) {
	checks, err := validate.ChungOoi(context.Background(), dem.New(dem.Options{Workers: 1}))
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) != 12+8+14 {
		t.Errorf("%d checks, want 12 from tests 1 and 2, 8 from test 3 and 14 from test 4", len(checks))
	}
	for _, c := range checks {
		if !c.Pass {
			t.Errorf("%s: %s = %.5g %s, expected %.5g (error %.2f %%, tolerance %.2f %%)",
				c.Test, c.Quantity, c.Measured, c.Unit, c.Expected, 100*c.RelError(), 100*c.Tolerance)
		} else {
			t.Logf("%s: %s = %.5g %s, expected %.5g (%.2f %%)", c.Test, c.Quantity, c.Measured, c.Unit, c.Expected, 100*c.RelError())
		}
	}
}

func TestEnergyConservationWithDEM(t *testing.T) {
	checks, err := validate.EnergyConservation(context.Background(), dem.New(dem.Options{Workers: 2}))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		t.Logf("%s: %s = %.6g %s, initial %.6g (drift %.4f %%)", c.Test, c.Quantity, c.Measured, c.Unit, c.Expected, 100*c.RelError())
		if !c.Pass {
			t.Errorf("%s: energy drift %.3f %% exceeds %.1f %%", c.Test, 100*c.RelError(), 100*c.Tolerance)
		}
	}
}
