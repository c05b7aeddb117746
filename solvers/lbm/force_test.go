package lbm

import (
	"context"
	"math"
	"testing"

	"github.com/neusim/neusim/mesh"
	"gonum.org/v1/gonum/spatial/r3"
)

// forceChannel returns a solver for a channel that is periodic along x,
// driven along x by the body acceleration accel (m/s^2), on a grid of
// dims nodes of 1 mm. The outer node layers across the channel are solid,
// and so is anything inside extra (nil for none). The channel runs from
// rest for five viscous times over its fluid height.
func forceChannel(t *testing.T, dims [3]int, accel float64, extra mesh.Solid) (*Solver, *mesh.Grid) {
	t.Helper()
	const (
		dx  = 1e-3   // m
		nu  = 1e-6   // m^2/s
		rho = 1000.0 // kg/m^3
		tau = 0.8
	)
	g, err := mesh.NewGrid(dims[0], dims[1], dims[2], dx, r3.Vec{})
	if err != nil {
		t.Fatal(err)
	}
	g.Solid = make([]bool, g.Len())
	for n := range g.Solid {
		_, j, k := g.Coords(n)
		g.Solid[n] = j == 0 || j == dims[1]-1 || (dims[2] > 1 && (k == 0 || k == dims[2]-1))
		if extra != nil && extra.Contains(g.Point(g.Coords(n))) {
			g.Solid[n] = true
		}
	}
	height := float64(dims[1]-2) * dx
	cfg := Config{
		Grid:                g,
		Collision:           TRT,
		TimeStep:            (tau - 0.5) * dx * dx / (3 * nu),
		Duration:            5 * height * height / nu,
		Viscosity:           nu,
		Density:             rho,
		BodyAcceleration:    r3.Vec{X: accel},
		CharacteristicSpeed: accel * height * height / (8 * nu),
		Faces:               [6]Face{XMin: {Kind: Periodic}, XMax: {Kind: Periodic}, ZMin: {Kind: Periodic}, ZMax: {Kind: Periodic}},
	}
	if dims[2] > 1 {
		cfg.Faces[ZMin], cfg.Faces[ZMax] = Face{}, Face{}
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(context.Background(), nil, nil); err != nil {
		t.Fatal(err)
	}
	return s, g
}

// fluidVolume returns the volume of the fluid nodes of g, m^3 on a 3D
// grid and m^2 (per unit depth) on a 2D grid.
func fluidVolume(g *mesh.Grid) float64 {
	cell := g.Spacing * g.Spacing
	if !g.Is2D() {
		cell *= g.Spacing
	}
	return float64(g.Len()-g.SolidCount()) * cell
}

// In a steady channel flow driven by a body acceleration a, the walls
// hold the fluid against the body force, so the force on them is
// rho a V, with V the volume of the fluid nodes (the halfway walls
// enclose exactly their cells). Guo's forcing adds rho a per node and step
// to the momentum and mass is conserved, so the balance is exact once the
// flow is steady.
func TestBodyForceMomentumBalance(t *testing.T) {
	for _, tc := range []struct {
		name  string
		dims  [3]int
		accel float64 // m/s^2
	}{
		{"D2Q9", [3]int{4, 18, 1}, 1.5e-5},
		{"D3Q19", [3]int{4, 10, 10}, 6e-5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, g := forceChannel(t, tc.dims, tc.accel, nil)
			walls, err := s.BodyForce(g.Solid)
			if err != nil {
				t.Fatal(err)
			}
			want := s.cfg.Density * tc.accel * fluidVolume(g)
			t.Logf("wall force %v, rho a V = %.12g", walls, want)
			if rel := math.Abs(walls.X-want) / want; rel > 1e-9 {
				t.Errorf("wall force along x = %.12g, want rho a V = %.12g (relative error %.3g)", walls.X, want, rel)
			}
			if math.Abs(walls.Y) > 1e-12*want || math.Abs(walls.Z) > 1e-12*want {
				t.Errorf("wall force across the channel = (%.3g, %.3g), want 0 against %.3g along it", walls.Y, walls.Z, want)
			}

			if tc.dims[2] > 1 {
				return
			}

			// The lower wall of the 2D channel takes half, by symmetry.
			lower := make([]bool, g.Len())
			for n := range lower {
				_, j, _ := g.Coords(n)
				lower[n] = j == 0
			}
			half, err := s.BodyForce(lower)
			if err != nil {
				t.Fatal(err)
			}
			if rel := math.Abs(half.X-want/2) / want; rel > 1e-9 {
				t.Errorf("lower wall force = %.12g, want half of rho a V = %.12g", half.X, want/2)
			}
		})
	}
}

// A cylinder on the axis of a symmetric channel feels drag but no lift,
// and the drag on it plus the force on the walls balance the body force.
func TestBodyForceSymmetricCylinder(t *testing.T) {
	const dx = 1e-3
	// The radius is no whole number of spacings, so no node lies on the
	// circle and rounding cannot break the mask's symmetry.
	disc := mesh.SolidCylinder{Start: r3.Vec{X: 20 * dx, Y: 10 * dx, Z: -1}, End: r3.Vec{X: 20 * dx, Y: 10 * dx, Z: 1}, Radius: 4.3 * dx}
	s, g := forceChannel(t, [3]int{40, 21, 1}, 1e-5, disc)

	body := s.Mask(disc)
	count := 0
	for _, b := range body {
		if b {
			count++
		}
	}
	if count == 0 {
		t.Fatal("mask of the cylinder is empty")
	}
	cyl, err := s.BodyForce(body)
	if err != nil {
		t.Fatal(err)
	}
	walls := make([]bool, g.Len())
	for n := range walls {
		walls[n] = g.Solid[n] && !body[n]
	}
	wall, err := s.BodyForce(walls)
	if err != nil {
		t.Fatal(err)
	}

	want := s.cfg.Density * 1e-5 * fluidVolume(g)
	t.Logf("cylinder force (%.6g, %.3g) N/m, wall force %.6g N/m, rho a V = %.6g N/m", cyl.X, cyl.Y, wall.X, want)
	if !(cyl.X > 0.05*want) {
		t.Errorf("drag on the cylinder = %.6g N/m, want a positive share of the body force %.6g N/m", cyl.X, want)
	}
	if math.Abs(cyl.Y) > 1e-12*cyl.X {
		t.Errorf("lift on the cylinder = %.3g N/m with drag %.6g N/m, want 0 to rounding", cyl.Y, cyl.X)
	}
	if rel := math.Abs(cyl.X+wall.X-want) / want; rel > 1e-9 {
		t.Errorf("cylinder + wall force = %.12g N/m, want rho a V = %.12g N/m (relative error %.3g)", cyl.X+wall.X, want, rel)
	}
}

func TestBodyForceMaskLength(t *testing.T) {
	s, _ := forceChannel(t, [3]int{4, 6, 1}, 1e-5, nil)
	if _, err := s.BodyForce(make([]bool, 3)); err == nil {
		t.Error("BodyForce accepted a mask of 3 entries for a grid of 24 nodes")
	}
}
