package dem

import (
	"bytes"
	"log/slog"
	"math"
	"strings"
	"testing"

	"github.com/neusim/neusim/cases"
)

// TestRayleighTime checks the fitted Rayleigh time pi R / c_R against
// the exact Rayleigh-wave speed, the root xi = c_R / c_s in (0, 1) of
// xi^6 - 8 xi^4 + (24 - 16 k^2) xi^2 - 16 (1 - k^2) = 0 with
// k^2 = (1 - 2 nu) / (2 (1 - nu)) (Achenbach, Wave Propagation in Elastic
// Solids, 1973, section 5.11). The fit is good to about 0.5 %.
func TestRayleighTime(t *testing.T) {
	for _, nu := range []float64{0.1, 0.22, 0.3, 0.45} {
		m := cases.Material{Density: 2500, YoungsModulus: 5e6, Poisson: nu}
		k2 := (1 - 2*nu) / (2 * (1 - nu))
		f := func(x float64) float64 {
			x2 := x * x
			return x2*x2*x2 - 8*x2*x2 + (24-16*k2)*x2 - 16*(1-k2)
		}
		lo, hi := 0.5, 0.999 // f(lo) < 0 < f(hi) for nu in [0, 0.5)
		for range 60 {
			mid := (lo + hi) / 2
			if f(mid) < 0 {
				lo = mid
			} else {
				hi = mid
			}
		}
		cs := math.Sqrt(m.YoungsModulus / (2 * (1 + nu)) / m.Density)
		want := math.Pi * 1e-3 / (lo * cs)
		within(t, "Rayleigh time at nu = "+ftoa(nu)+" (s)", rayleighTime(1e-3, m), want, 0.005)
	}
}

func TestTimeStepWarning(t *testing.T) {
	c := loadCase(t, "box", 0.01)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))

	r, _, _ := smallestParticle(c)
	tr := rayleighTime(r, c.Materials[c.Insertions[0].Material])
	for _, tc := range []struct {
		dt   float64
		warn bool
	}{{0.1 * tr, false}, {0.5 * tr, true}} {
		logs.Reset()
		c.Solver.TimeStep = tc.dt
		l, err := newLaw(c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := chooseTimeStep(c, l, log); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(logs.String(), "Rayleigh"); got != tc.warn {
			t.Errorf("time step %.2g T_R: Rayleigh warning logged = %v, want %v; log: %s", tc.dt/tr, got, tc.warn, logs.String())
		}
	}
}
