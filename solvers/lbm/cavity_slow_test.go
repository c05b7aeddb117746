//go:build slow

package lbm

import "testing"

// TestCavityGhia129 runs the cavity on Ghia's own 129 x 129 grid. Run it
// with: go test -tags slow -run Ghia129 ./solvers/lbm/
func TestCavityGhia129(t *testing.T) {
	const n, tol = 129, 0.02
	c := runCavity(t, n, TRT, 0.1)
	dev := c.maxGhiaDeviation(t)
	t.Logf("%d x %d nodes, %d steps: max deviation from Ghia et al. %.4f of the lid speed", n, n, c.steps, dev)
	if dev > tol {
		t.Errorf("max deviation from Ghia et al. (1982) at Re = 100: %.4f of the lid speed, want below %.3f", dev, tol)
	}
}

// TestCavityGhia129BGK is TestCavityGhia129 with the BGK operator.
func TestCavityGhia129BGK(t *testing.T) {
	const n, tol = 129, 0.02
	c := runCavity(t, n, BGK, 0.1)
	dev := c.maxGhiaDeviation(t)
	t.Logf("%d x %d nodes, %d steps: max deviation from Ghia et al. %.4f of the lid speed", n, n, c.steps, dev)
	if dev > tol {
		t.Errorf("max deviation from Ghia et al. (1982) at Re = 100: %.4f of the lid speed, want below %.3f", dev, tol)
	}
}
