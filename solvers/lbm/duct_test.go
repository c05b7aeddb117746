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
// from the Fourier series of White (Viscous Fluid Flow):
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

// A square duct with the fully developed profile imposed at a velocity
// inlet and a pressure outlet downstream keeps that profile along its
// length, with the pressure gradient of the series solution; this checks
// the D3Q19 inlet and outlet, including the links at the edges where they
// meet the walls.
func TestDuctInletOutletD3Q19(t *testing.T) {
	const (
		nx, n = 16, 10
		side  = 1e-3   // H, m
		nu    = 1e-6   // m^2/s
		rho   = 1000.0 // kg/m^3
		uMax  = 1e-3   // centreline speed, m/s
		tau   = 0.8
	)
	dx := side / n
	length := nx * dx
	a := side / 2
	accel := uMax / ductVelocity(0, 0, a, 1, nu) // G / rho, m/s^2
	g, err := mesh.NewGrid(nx, n, n, dx, r3.Vec{X: dx / 2, Y: dx / 2, Z: dx / 2})
	if err != nil {
		t.Fatal(err)
	}
	profile := func(p r3.Vec) r3.Vec { return r3.Vec{X: ductVelocity(p.Y-a, p.Z-a, a, accel, nu)} }
	cfg := Config{
		Grid:      g,
		Collision: TRT,
		TimeStep:  (tau - 0.5) * dx * dx / (3 * nu),
		Duration:  3 * side * side / nu,
		Viscosity: nu,
		Density:   rho,
		Faces: [6]Face{
			XMin: {Kind: Velocity, Profile: profile},
			XMax: {Kind: Pressure},
		},
		// Start from the exact solution; a few viscous times let a wrong
		// boundary condition move the flow away from it.
		Initial: func(p r3.Vec) (r3.Vec, float64) { return profile(p), rho * accel * (length - p.X) },
		Workers: 2,
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(context.Background(), nil, nil); err != nil {
		t.Fatal(err)
	}

	var num, den float64
	for node := 0; node < g.Len(); node++ {
		want := profile(g.Point(g.Coords(node)))
		num += r3.Norm2(r3.Sub(s.Velocity(node), want))
		den += r3.Norm2(want)
	}
	velErr := math.Sqrt(num / den)

	// Pressure gradient along the axis, between the centre nodes of two
	// cross-sections away from the ends.
	i0, i1 := 3, nx-4
	p0 := s.Pressure(g.Index(i0, n/2, n/2))
	p1 := s.Pressure(g.Index(i1, n/2, n/2))
	grad := (p0 - p1) / (float64(i1-i0) * dx)
	want := rho * accel
	t.Logf("velocity error %.3e, pressure gradient %.5g Pa/m (series %.5g)", velErr, grad, want)

	// The error, 1.1e-2 when measured, is spread evenly along the duct,
	// about 3 times that of the periodic body-force duct on the same
	// section (4.0e-3). It fell to 6.1e-3 on a 14 x 14 section (close to
	// second order) and to 7.8e-3 at tau = 1.1, so it is discretisation
	// error; inlet or outlet faults would concentrate near the ends.
	if velErr > 0.02 {
		t.Errorf("relative L2 velocity error %.3e, want below 2e-2", velErr)
	}
	if math.Abs(grad-want) > 0.03*want {
		t.Errorf("pressure gradient %.5g Pa/m, want %.5g within 3%%", grad, want)
	}
}
