package lbm

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/neusim/neusim/mesh"
	"gonum.org/v1/gonum/spatial/r3"
	"gonum.org/v1/gonum/stat"
)

// fitOrder returns the slope p of log(err) = log(C) - p log(N), fitted by
// least squares: the observed order of convergence.
func fitOrder(n []int, errs []float64) float64 {
	x := make([]float64, len(n))
	y := make([]float64, len(n))
	for i := range n {
		x[i] = math.Log(float64(n[i]))
		y[i] = math.Log(errs[i])
	}
	_, slope := stat.LinearRegression(x, y, nil, false)
	return -slope
}

// poiseuilleError runs body-force-driven plane Poiseuille flow between
// halfway bounce-back walls at y = 0 and y = H with n nodes across, and
// returns the relative L2 error of the steady profile against
// u(y) = G/(2 mu) y (H - y) (plane Poiseuille flow; see e.g. White, Viscous
// Fluid Flow).
//
// The relaxation time is the same on every grid (diffusive scaling), so
// the error of halfway bounce-back, a wall offset of order dx^2 that
// depends on tau, falls as 1/n^2.
func poiseuilleError(t *testing.T, n int, op Collision, tau float64) float64 {
	t.Helper()
	const (
		height = 1e-3   // channel height H, m
		nu     = 1e-6   // water, m^2/s
		rho    = 1000.0 // kg/m^3
		uMax   = 1e-3   // centreline speed, m/s (Re = 1)
	)
	dx := height / float64(n)
	g, err := mesh.NewGrid(2, n, 1, dx, r3.Vec{X: dx / 2, Y: dx / 2})
	if err != nil {
		t.Fatal(err)
	}
	accel := 8 * nu * uMax / (height * height) // G/rho from u_max = G H^2 / (8 mu)
	dt := (tau - 0.5) * dx * dx / (3 * nu)
	cfg := Config{
		Grid:                g,
		Collision:           op,
		TimeStep:            dt,
		Duration:            40 * height * height / nu, // 40 viscous times: the slowest mode decays by exp(-40 pi^2)
		Viscosity:           nu,
		Density:             rho,
		BodyAcceleration:    r3.Vec{X: accel},
		Faces:               [6]Face{XMin: {Kind: Periodic}, XMax: {Kind: Periodic}},
		CharacteristicSpeed: uMax,
		SteadyTolerance:     1e-12,
		SteadyInterval:      0.01 * height * height / nu,
		Workers:             1,
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(context.Background(), nil, nil); err != nil {
		t.Fatal(err)
	}
	var num, den float64
	for j := 0; j < n; j++ {
		node := g.Index(0, j, 0)
		y := g.Point(0, j, 0).Y
		want := accel / (2 * nu) * y * (height - y)
		got := s.Velocity(node)
		num += (got.X - want) * (got.X - want)
		den += want * want
		if math.Abs(got.Y) > 1e-9*uMax {
			t.Errorf("n=%d: cross-channel velocity %g m/s at y=%g m, want 0", n, got.Y, y)
		}
	}
	return math.Sqrt(num / den)
}

func TestPoiseuilleConvergence(t *testing.T) {
	for _, tc := range []struct {
		op  Collision
		tau float64
	}{{BGK, 0.8}, {TRT, 0.8}, {TRT, 1.5}} {
		t.Run(fmt.Sprintf("%v/tau=%g", tc.op, tc.tau), func(t *testing.T) {
			grids := []int{8, 16, 32}
			errs := make([]float64, len(grids))
			for i, n := range grids {
				errs[i] = poiseuilleError(t, n, tc.op, tc.tau)
			}
			order := fitOrder(grids, errs)
			t.Logf("relative L2 errors on %v nodes across: %.3e, fitted order %.3f", grids, errs, order)
			if order < 1.8 || order > 2.2 {
				t.Errorf("fitted order of convergence %.3f, want 2 within 0.2", order)
			}
			if errs[len(errs)-1] > 1e-2 {
				t.Errorf("error on %d nodes %.3e, want below 1e-2", grids[len(grids)-1], errs[len(errs)-1])
			}
		})
	}
}

// taylorGreenRate runs the 2D Taylor-Green vortex
// u = U cos(kx) sin(ky), v = -U sin(kx) cos(ky),
// p = -rho U^2/4 (cos 2kx + cos 2ky) (Taylor & Green 1937, Proc. R. Soc.
// A 158:499) in a periodic square of side L = 2 pi / k on n x n nodes, and
// returns the decay rate of the velocity amplitude measured between
// t0 and t1, in 1/s, with the exact rate 2 nu k^2.
func taylorGreenRate(t *testing.T, n int, op Collision, tau float64) (measured, exact float64) {
	t.Helper()
	const (
		side = 0.1    // L, m
		nu   = 1e-4   // m^2/s
		rho  = 1000.0 // kg/m^3
		u0   = 0.01   // amplitude U, m/s (Re = U L / nu = 10)
	)
	k := 2 * math.Pi / side
	dx := side / float64(n)
	g, err := mesh.NewGrid(n, n, 1, dx, r3.Vec{})
	if err != nil {
		t.Fatal(err)
	}
	shape := func(p r3.Vec) r3.Vec {
		return r3.Vec{X: math.Cos(k*p.X) * math.Sin(k*p.Y), Y: -math.Sin(k*p.X) * math.Cos(k*p.Y)}
	}
	periodic := Face{Kind: Periodic}
	exact = 2 * nu * k * k
	cfg := Config{
		Grid:      g,
		Collision: op,
		TimeStep:  (tau - 0.5) * dx * dx / (3 * nu),
		Viscosity: nu,
		Density:   rho,
		Faces:     [6]Face{periodic, periodic, periodic, periodic},
		Initial: func(p r3.Vec) (r3.Vec, float64) {
			return r3.Scale(u0, shape(p)), -rho * u0 * u0 / 4 * (math.Cos(2*k*p.X) + math.Cos(2*k*p.Y))
		},
		Workers: 2,
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}

	// Amplitude: projection of the velocity on the initial mode.
	amplitude := func() float64 {
		var dot, norm float64
		for node := 0; node < g.Len(); node++ {
			m := shape(g.Point(g.Coords(node)))
			dot += r3.Dot(s.Velocity(node), m)
			norm += r3.Dot(m, m)
		}
		return dot / norm
	}
	t0, t1 := 0.1/exact, 1/exact
	stepsTo := func(time float64) int64 { return int64(math.Round(time / cfg.TimeStep)) }
	for s.Steps() < stepsTo(t0) {
		s.Step()
	}
	a0, time0 := amplitude(), s.Time()
	for s.Steps() < stepsTo(t1) {
		s.Step()
	}
	a1, time1 := amplitude(), s.Time()
	return -math.Log(a1/a0) / (time1 - time0), exact
}

func TestTaylorGreenDecayConvergence(t *testing.T) {
	for _, tc := range []struct {
		op  Collision
		tau float64
	}{{BGK, 0.8}, {TRT, 0.8}} {
		t.Run(fmt.Sprintf("%v/tau=%g", tc.op, tc.tau), func(t *testing.T) {
			grids := []int{16, 32, 64}
			errs := make([]float64, len(grids))
			for i, n := range grids {
				rate, exact := taylorGreenRate(t, n, tc.op, tc.tau)
				errs[i] = math.Abs(rate-exact) / exact
			}
			order := fitOrder(grids, errs)
			t.Logf("relative decay-rate errors on %v nodes per side: %.3e, fitted order %.3f", grids, errs, order)
			if order < 1.8 || order > 2.2 {
				t.Errorf("fitted order of convergence %.3f, want 2 within 0.2", order)
			}
			if errs[len(errs)-1] > 1e-2 {
				t.Errorf("decay-rate error on %d nodes %.3e, want below 1e-2", grids[len(grids)-1], errs[len(errs)-1])
			}
		})
	}
}

// With the magic parameter Lambda = 1/4 the TRT steady state depends on
// the relaxation rates only through Lambda, so halfway bounce-back walls
// sit at the same place for every viscosity (Ginzburg, Verhaeghe &
// d'Humieres 2008), while the BGK wall position moves with tau.
func TestPoiseuilleTRTViscosityIndependent(t *testing.T) {
	trtLow, trtHigh := poiseuilleError(t, 16, TRT, 0.8), poiseuilleError(t, 16, TRT, 1.5)
	if math.Abs(trtLow-trtHigh) > 1e-6*trtLow {
		t.Errorf("TRT errors at tau 0.8 and 1.5: %.6e and %.6e, want equal", trtLow, trtHigh)
	}
	bgkLow, bgkHigh := poiseuilleError(t, 16, BGK, 0.8), poiseuilleError(t, 16, BGK, 1.5)
	if math.Abs(bgkLow-bgkHigh) < 0.1*bgkLow {
		t.Errorf("BGK errors at tau 0.8 and 1.5: %.6e and %.6e, want the wall slip to change with tau", bgkLow, bgkHigh)
	}
}
