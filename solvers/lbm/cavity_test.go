package lbm

import (
	"context"
	"math"
	"testing"

	"github.com/neusim/neusim/mesh"
	"gonum.org/v1/gonum/spatial/r3"
)

// Ghia, Ghia & Shin (1982), "High-Re solutions for incompressible flow
// using the Navier-Stokes equations and a multigrid method", J. Comput.
// Phys. 48:387-411: u along the vertical centreline x = 0.5 of
// the unit lid-driven cavity at Re = 100, lid speed 1.
var ghiaU = [][2]float64{
	{1.0000, 1.00000}, {0.9766, 0.84123}, {0.9688, 0.78871}, {0.9609, 0.73722},
	{0.9531, 0.68717}, {0.8516, 0.23151}, {0.7344, 0.00332}, {0.6172, -0.13641},
	{0.5000, -0.20581}, {0.4531, -0.21090}, {0.2813, -0.15662}, {0.1719, -0.10150},
	{0.1016, -0.06434}, {0.0703, -0.04775}, {0.0625, -0.04192}, {0.0547, -0.03717},
	{0.0000, 0},
}

// Ghia, Ghia & Shin (1982): v along the horizontal centreline
// y = 0.5 at Re = 100.
var ghiaV = [][2]float64{
	{1.0000, 0}, {0.9688, -0.05906}, {0.9609, -0.07391}, {0.9531, -0.08864},
	{0.9453, -0.10313}, {0.9063, -0.16914}, {0.8594, -0.22445}, {0.8047, -0.24533},
	{0.5000, 0.05454}, {0.2344, 0.17527}, {0.2266, 0.17507}, {0.1563, 0.16077},
	{0.0938, 0.12317}, {0.0781, 0.10890}, {0.0703, 0.10091}, {0.0625, 0.09233},
	{0.0000, 0},
}

// cavity is a steady lid-driven cavity run on n x n nodes.
type cavity struct {
	n     int
	side  float64 // L, m
	lid   float64 // U, m/s
	u, v  []float64
	steps int64
}

// runCavity runs the square lid-driven cavity at Re = U L / nu = 100 with
// halfway bounce-back walls (the walls lie half a spacing outside the
// outer nodes, so the cavity side is n dx) and the lid moving along +x,
// until the flow is steady.
func runCavity(t *testing.T, n int, op Collision, latticeLid float64) *cavity {
	t.Helper()
	const (
		side = 0.1  // m
		lid  = 0.01 // m/s
		re   = 100.0
	)
	dx := side / float64(n)
	g, err := mesh.NewGrid(n, n, 1, dx, r3.Vec{X: dx / 2, Y: dx / 2})
	if err != nil {
		t.Fatal(err)
	}
	dt := latticeLid * dx / lid
	flowThrough := side / lid // s
	cfg := Config{
		Grid:      g,
		Collision: op,
		TimeStep:  dt,
		Duration:  100 * flowThrough,
		Viscosity: lid * side / re,
		Density:   1000,
		Faces:     [6]Face{YMax: {Kind: Wall, Velocity: r3.Vec{X: lid}}},
		// Steady when no velocity changes by more than 1e-7 of the lid
		// speed in a tenth of a flow-through time.
		SteadyTolerance: 1e-7,
		SteadyInterval:  0.1 * flowThrough,
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(context.Background(), nil, nil); err != nil {
		t.Fatal(err)
	}
	if s.Steps() >= int64(math.Round(cfg.Duration/dt)) {
		t.Fatalf("cavity on %d nodes not steady after %d steps", n, s.Steps())
	}
	c := &cavity{n: n, side: side, lid: lid, u: make([]float64, g.Len()), v: make([]float64, g.Len()), steps: s.Steps()}
	for node := range c.u {
		vel := s.Velocity(node)
		c.u[node], c.v[node] = vel.X/lid, vel.Y/lid
	}
	return c
}

// at returns the bilinear interpolation of the normalised field f at the
// normalised point (x, y) in [0, 1]^2, with the wall values (0, or the
// lid speed for u on the lid) at x, y = 0 and 1.
func (c *cavity) at(f []float64, x, y float64, lidValue float64) float64 {
	// Sample positions: the walls at 0 and 1 and the nodes at (i + 1/2)/n.
	pos := func(i int) float64 {
		switch {
		case i < 0:
			return 0
		case i >= c.n:
			return 1
		}
		return (float64(i) + 0.5) / float64(c.n)
	}
	value := func(i, j int) float64 {
		switch {
		case j >= c.n:
			return lidValue
		case i < 0 || i >= c.n || j < 0:
			return 0
		}
		return f[i+c.n*j]
	}
	bracket := func(x float64) (int, float64) {
		i := int(math.Floor(x*float64(c.n) - 0.5))
		i = max(-1, min(i, c.n-1))
		return i, (x - pos(i)) / (pos(i+1) - pos(i))
	}
	i, fx := bracket(x)
	j, fy := bracket(y)
	return (1-fx)*(1-fy)*value(i, j) + fx*(1-fy)*value(i+1, j) +
		(1-fx)*fy*value(i, j+1) + fx*fy*value(i+1, j+1)
}

// maxGhiaDeviation returns the largest deviation of the run from Ghia's
// centreline profiles, in units of the lid speed.
func (c *cavity) maxGhiaDeviation(t *testing.T) float64 {
	var worst float64
	for _, p := range ghiaU {
		got := c.at(c.u, 0.5, p[0], 1)
		worst = math.Max(worst, math.Abs(got-p[1]))
		t.Logf("u(0.5, %.4f) = %+.5f, Ghia %+.5f", p[0], got, p[1])
	}
	for _, p := range ghiaV {
		got := c.at(c.v, p[0], 0.5, 0)
		worst = math.Max(worst, math.Abs(got-p[1]))
		t.Logf("v(%.4f, 0.5) = %+.5f, Ghia %+.5f", p[0], got, p[1])
	}
	return worst
}

// The default cavity test runs a coarse grid. TestCavityGhia129 (build tag
// slow) checks the 2 percent tolerance on Ghia's 129 x 129 grid.
func TestCavityGhiaCoarse(t *testing.T) {
	const n, tol = 65, 0.02
	c := runCavity(t, n, TRT, 0.1)
	dev := c.maxGhiaDeviation(t)
	t.Logf("%d x %d nodes, %d steps: max deviation from Ghia et al. %.4f of the lid speed", n, n, c.steps, dev)
	if dev > tol {
		t.Errorf("max deviation from Ghia et al. (1982) at Re = 100: %.4f of the lid speed, want below %.3f", dev, tol)
	}
}
