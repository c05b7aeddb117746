package lbm

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/neusim/neusim/mesh"
	"gonum.org/v1/gonum/spatial/r3"
)

// ductVelocity returns the fully developed axial velocity at (y, z) in a
// square duct -a < y, z < a driven by the pressure gradient G = rho * accel,
// from the Fourier series of White (Viscous Fluid Flow, 3rd ed., eq. 3-48):
// u = 16 a^2 G / (mu pi^3) sum_{n odd} (-1)^((n-1)/2) / n^3
// [1 - cosh(n pi z / 2a) / cosh(n pi / 2)] cos(n pi y / 2a).
func ductVelocity(y, z, a, accel, nu float64) float64 {
	var sum float64
	for n := 1; n < 400; n += 2 {
		k := float64(n) * math.Pi / (2 * a)
		sign := 1.0
		if (n-1)/2%2 == 1 {
			sign = -1
		}
		// cosh(k z)/cosh(k a) written with exponentials that cannot overflow.
		ratio := (math.Exp(k*(math.Abs(z)-a)) + math.Exp(-k*(math.Abs(z)+a))) / (1 + math.Exp(-2*k*a))
		sum += sign / math.Pow(float64(n), 3) * (1 - ratio) * math.Cos(k*y)
	}
	return 16 * a * a * accel / (nu * math.Pow(math.Pi, 3)) * sum
}

// ductError runs the D3Q19 lattice in a square duct of side H with n x n
// nodes across, periodic along x and halfway bounce-back walls on the four
// sides, and returns the relative L2 error of the steady axial velocity.
func ductError(t *testing.T, n int, op Collision, tau float64) float64 {
	t.Helper()
	const (
		side = 1e-3 // H, m
		nu   = 1e-6 // m^2/s
		uMax = 1e-3 // centreline speed, m/s
	)
	dx := side / float64(n)
	g, err := mesh.NewGrid(1, n, n, dx, r3.Vec{Y: dx / 2, Z: dx / 2})
	if err != nil {
		t.Fatal(err)
	}
	// Scale the driving acceleration so that the centreline speed is uMax.
	a := side / 2
	accel := uMax / ductVelocity(0, 0, a, 1, nu)
	cfg := Config{
		Grid:                g,
		Collision:           op,
		TimeStep:            (tau - 0.5) * dx * dx / (3 * nu),
		Duration:            10 * side * side / nu,
		Viscosity:           nu,
		Density:             1000,
		BodyAcceleration:    r3.Vec{X: accel},
		Faces:               [6]Face{XMin: {Kind: Periodic}, XMax: {Kind: Periodic}},
		CharacteristicSpeed: uMax,
		SteadyTolerance:     1e-11,
		SteadyInterval:      0.01 * side * side / nu,
		Workers:             2,
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s.Lattice().Name != "D3Q19" {
		t.Fatalf("lattice %s on a 3D grid, want D3Q19", s.Lattice().Name)
	}
	if err := s.Run(context.Background(), nil, nil); err != nil {
		t.Fatal(err)
	}
	var num, den float64
	for k := 0; k < n; k++ {
		for j := 0; j < n; j++ {
			p := g.Point(0, j, k)
			want := ductVelocity(p.Y-a, p.Z-a, a, accel, nu)
			got := s.Velocity(g.Index(0, j, k)).X
			num += (got - want) * (got - want)
			den += want * want
		}
	}
	return math.Sqrt(num / den)
}

func TestDuctD3Q19Convergence(t *testing.T) {
	for _, tc := range []struct {
		op  Collision
		tau float64
	}{{BGK, 0.8}, {TRT, 1}} {
		t.Run(fmt.Sprintf("%v/tau=%g", tc.op, tc.tau), func(t *testing.T) {
			grids := []int{8, 16, 32}
			errs := make([]float64, len(grids))
			for i, n := range grids {
				errs[i] = ductError(t, n, tc.op, tc.tau)
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
