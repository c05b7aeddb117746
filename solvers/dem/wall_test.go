package dem

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
)

// TestMovingWallConveyor puts a sphere at rest on a belt, a plane wall
// sliding along itself at speed V. Friction accelerates the sphere until
// its contact point moves with the belt; the angular momentum about the
// contact line is conserved (friction acts through it and rolling
// resistance is off), so with I = 2/5 m R^2 the sphere ends at 2/7 V
// (Routh, Dynamics of a System of Rigid Bodies, 1905, the billiard-ball
// result with the frame moving at V).
func TestMovingWallConveyor(t *testing.T) {
	const (
		radius = 5e-3
		belt   = 0.7 // m/s
		g      = 9.81
	)
	m := cases.Material{Name: "steel", Density: 7800, YoungsModulus: 2e8, Poisson: 0.3, Restitution: 0.5, Friction: 0.4}
	c := impactCase([]cases.Material{m, m}, 1e-5, 1)
	c.Gravity = r3.Vec{Z: -g}
	c.Walls[0].Motion.Velocity = r3.Vec{X: belt}
	r := newTestRun(t, c, 1)
	mass := sphereMass(radius, m.Density)
	eStar := effectiveModulus(m.YoungsModulus, m.Poisson, m.YoungsModulus, m.Poisson)
	delta := math.Pow(mass*g/(4.0/3.0*eStar*math.Sqrt(radius)), 2.0/3.0)
	r.s.add(r3.Vec{Z: radius - delta}, r3.Vec{}, radius, mass, 0)
	if err := r.prepareForces(); err != nil {
		t.Fatal(err)
	}
	// Sliding lasts 2 V / (7 mu g), about 0.05 s; run 0.15 s.
	for r.time() < 0.15 {
		if err := r.advance(false); err != nil {
			t.Fatal(err)
		}
	}
	within(t, "final sphere speed (m/s)", r.s.vel[0].X, 2.0/7.0*belt, 0.01)
	if contact := r.s.vel[0].X - r.s.omega[0].Y*radius; math.Abs(contact-belt) > 0.01*belt {
		t.Errorf("contact point moves at %g m/s, want the belt speed %g m/s", contact, belt)
	}
}

// TestRemovedWall drops a sphere onto a gate that disappears at 0.05 s:
// the sphere rests on it before and falls freely after.
func TestRemovedWall(t *testing.T) {
	const radius = 5e-3
	m := cases.Material{Name: "steel", Density: 7800, YoungsModulus: 2e8, Poisson: 0.3, Restitution: 0.3, Friction: 0.4}
	c := impactCase([]cases.Material{m, m}, 1e-5, 1)
	c.Gravity = r3.Vec{Z: -9.81}
	c.Walls[0].RemovedAt = 0.05
	r := newTestRun(t, c, 1)
	r.s.add(r3.Vec{Z: radius + 1e-3}, r3.Vec{}, radius, sphereMass(radius, m.Density), 0)
	if err := r.prepareForces(); err != nil {
		t.Fatal(err)
	}
	for r.time() < 0.0499 {
		if err := r.advance(false); err != nil {
			t.Fatal(err)
		}
	}
	if z := r.s.pos[0].Z; z < radius*0.98 {
		t.Fatalf("sphere at z = %g m before the gate opens, want it resting near %g m", z, radius)
	}
	z0, t0 := r.s.pos[0].Z, r.time()
	for r.time() < 0.1 {
		if err := r.advance(false); err != nil {
			t.Fatal(err)
		}
	}
	dt := r.time() - t0
	within(t, "free-fall drop after removal (m)", z0-r.s.pos[0].Z, 0.5*9.81*dt*dt, 0.02)
}
