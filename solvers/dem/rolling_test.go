package dem

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
)

// TestRollingResistanceDeceleration rolls a sphere over a horizontal
// wall under gravity. With a rolling-resistance torque of magnitude
// M = mu_r R m g and friction enough to keep it rolling without slip,
// m a = F_t and I alpha = -F_t R - M with a = alpha R give a constant
// deceleration a = M / (R (m + I/R^2)) = mu_r g / 1.4 for a solid sphere
// (I = 2/5 m R^2). The constant-torque model must reproduce it, and the
// epsd model must too once its spring is fully mobilised.
func TestRollingResistanceDeceleration(t *testing.T) {
	for _, model := range []string{"constant_torque", "epsd"} {
		t.Run(model, func(t *testing.T) {
			const (
				radius = 5e-3
				muR    = 0.05
				v0     = 0.5
				g      = 9.81
			)
			m := cases.Material{Name: "steel", Density: 7800, YoungsModulus: 2e8, Poisson: 0.3, Restitution: 0.5, Friction: 0.5, RollingFriction: muR}
			c := impactCase([]cases.Material{m, m}, 1e-5, 1)
			c.Gravity = r3.Vec{Z: -g}
			c.Contact.Rolling = model
			c.Contact.RollingDamping = 0.3
			r := newTestRun(t, c, 1)
			mass := sphereMass(radius, m.Density)
			// Start resting on the wall at the static overlap, rolling
			// without slip along +x (omega_y = v/R).
			eStar := effectiveModulus(m.YoungsModulus, m.Poisson, m.YoungsModulus, m.Poisson)
			delta := math.Pow(mass*g/(4.0/3.0*eStar*math.Sqrt(radius)), 2.0/3.0)
			r.s.add(r3.Vec{Z: radius - delta}, r3.Vec{X: v0}, radius, mass, 0)
			r.s.omega[0] = r3.Vec{Y: v0 / radius}
			if err := r.prepareForces(); err != nil {
				t.Fatal(err)
			}
			// Measure the deceleration between 0.02 s and 0.05 s, after
			// the epsd spring has had time to mobilise.
			var t1, v1 float64
			for r.time() < 0.05 {
				if err := r.advance(false); err != nil {
					t.Fatal(err)
				}
				if t1 == 0 && r.time() >= 0.02 {
					t1, v1 = r.time(), r.s.vel[0].X
				}
			}
			a := (v1 - r.s.vel[0].X) / (r.time() - t1)
			within(t, "rolling deceleration (m/s^2)", a, muR*g/1.4, 0.03)
			if slip := r.s.vel[0].X - r.s.omega[0].Y*radius; math.Abs(slip) > 1e-3*v0 {
				t.Errorf("sphere slips at %g m/s; the test assumes rolling without slip", slip)
			}
		})
	}
}
