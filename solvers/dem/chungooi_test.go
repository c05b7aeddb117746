package dem

import (
	"math"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
)

// Benchmarks of Chung and Ooi (2011), "Benchmark tests for verifying
// discrete element modelling codes at particle impact level", Granular
// Matter 13:643-656. Material data from their Table 1; the expected
// values are recomputed here from Hertz theory (Johnson, Contact
// Mechanics, 1985, section 11.2).

// rigid is a wall material with infinite Young's modulus: 1/E* and 1/G*
// then get no contribution from the wall.
var rigid = cases.Material{Name: "rigid", Density: 7800, YoungsModulus: math.Inf(1), Poisson: 0.3, Restitution: 1}

// impactCase returns a case with the given materials, no gravity, a large
// box and an explicit time step, and optionally a plane wall z = 0 made
// of material wallMat.
func impactCase(mats []cases.Material, dt float64, wallMat int) *cases.Case {
	c := &cases.Case{
		Name:      "impact",
		Domain:    cases.Domain{Min: r3.Vec{X: -1, Y: -1, Z: -1}, Max: r3.Vec{X: 1, Y: 1, Z: 1}},
		Materials: mats,
		Solver:    cases.SolverSettings{TimeStep: dt, Duration: 1, OutputInterval: 1, Skin: 1e-3},
	}
	if wallMat >= 0 {
		c.Walls = []cases.Wall{{Name: "floor", Type: cases.WallPlane, Material: wallMat, Normal: r3.Vec{Z: 1}}}
	}
	return c
}

func newTestRun(t *testing.T, c *cases.Case, workers int) *run {
	t.Helper()
	r, err := New(Options{Workers: workers}).newRun(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.pool.stop)
	return r
}

func sphereMass(r, rho float64) float64 { return 4.0 / 3.0 * math.Pi * r * r * r * rho }

// hertzImpact returns the maximum overlap, maximum force and duration of
// an elastic Hertz impact at relative normal speed v.
func hertzImpact(eStar, rStar, mStar, v float64) (dmax, fmax, tc float64) {
	dmax = math.Pow(15*mStar*v*v/(16*eStar*math.Sqrt(rStar)), 0.4)
	fmax = 4.0 / 3.0 * eStar * math.Sqrt(rStar) * math.Pow(dmax, 1.5)
	tc = 2.9432 * dmax / v
	return dmax, fmax, tc
}

// impactRecord follows a collision of particle 0 step by step.
type impactRecord struct {
	maxOverlap, maxForce float64
	start, end           float64 // first and last time with overlap, s
}

func within(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if rel := math.Abs(got-want) / math.Abs(want); !(rel <= tol) {
		t.Errorf("%s = %.5g, want %.5g (relative error %.3g %%, tolerance %.3g %%)", what, got, want, 100*rel, 100*tol)
	} else {
		t.Logf("%s = %.5g, reference %.5g (%.3f %%)", what, got, want, 100*rel)
	}
}

// runImpact steps r until the contact measured by overlap has ended, and
// records it.
func runImpact(t *testing.T, r *run, overlap func() float64, maxSteps int) impactRecord {
	t.Helper()
	if err := r.prepareForces(); err != nil {
		t.Fatal(err)
	}
	var rec impactRecord
	touched := false
	for range maxSteps {
		if err := r.advance(false); err != nil {
			t.Fatal(err)
		}
		d := overlap()
		if d > 0 {
			if !touched {
				// Interpolate the start of contact within the step.
				touched = true
				rec.start = r.time() - r.dt*d/(d+math.Abs(d-r.dt*r3.Norm(r.s.vel[0])))
			}
			rec.maxOverlap = max(rec.maxOverlap, d)
			rec.maxForce = max(rec.maxForce, r3.Norm(r.s.force[0]))
			rec.end = r.time()
		} else if touched {
			return rec
		}
	}
	t.Fatalf("contact did not end within %d steps", maxSteps)
	return rec
}

// TestChungOoiHeadOn is Chung and Ooi's test 1: two equal spheres of
// radius 10 mm collide head-on at 10 m/s each, elastic (e = 1).
func TestChungOoiHeadOn(t *testing.T) {
	for _, tc := range []struct {
		mat cases.Material
		// Chung and Ooi's values, for a check of the theory written here.
		paperDmax, paperFmax, paperTc float64
	}{
		{cases.Material{Name: "glass", Density: 2800, YoungsModulus: 4.8e10, Poisson: 0.20, Restitution: 1, Friction: 0.35}, 274.1e-6, 10.70e3, 40.3e-6},
		{cases.Material{Name: "limestone", Density: 2500, YoungsModulus: 2.0e10, Poisson: 0.25, Restitution: 1, Friction: 0.35}, 368.3e-6, 7.11e3, 54.2e-6},
	} {
		t.Run(tc.mat.Name, func(t *testing.T) {
			const radius, speed = 0.01, 10.0
			m := tc.mat
			eStar := 1 / (2 * (1 - m.Poisson*m.Poisson) / m.YoungsModulus)
			mass := sphereMass(radius, m.Density)
			dmax, fmax, tcont := hertzImpact(eStar, radius/2, mass/2, 2*speed)
			within(t, "theory delta_max vs paper", dmax, tc.paperDmax, 0.005)
			within(t, "theory F_max vs paper", fmax, tc.paperFmax, 0.005)
			within(t, "theory t_c vs paper", tcont, tc.paperTc, 0.005)

			r := newTestRun(t, impactCase([]cases.Material{m}, tcont/2000, -1), 1)
			r.s.add(r3.Vec{X: -radius - 1e-6}, r3.Vec{X: speed}, radius, mass, 0)
			r.s.add(r3.Vec{X: radius + 1e-6}, r3.Vec{X: -speed}, radius, mass, 0)
			rec := runImpact(t, r, func() float64 { return 2*radius - r3.Norm(r3.Sub(r.s.pos[0], r.s.pos[1])) }, 10000)

			within(t, "max overlap (m)", rec.maxOverlap, dmax, 0.01)
			within(t, "max force (N)", rec.maxForce, fmax, 0.01)
			within(t, "contact duration (s)", rec.end-rec.start, tcont, 0.01)
			if v := r.s.vel[0].X; math.Abs(v+speed) > 1e-3*speed {
				t.Errorf("rebound velocity %g m/s, want %g m/s (elastic)", v, -speed)
			}
		})
	}
}

// TestChungOoiWall is Chung and Ooi's test 2: a sphere of radius 100 mm
// hits a rigid wall at 0.2 m/s, elastic. The wall's infinite modulus
// makes E* the sphere's own plane-strain modulus E/(1 - nu^2).
func TestChungOoiWall(t *testing.T) {
	for _, tc := range []struct {
		mat                           cases.Material
		paperDmax, paperFmax, paperTc float64
	}{
		{cases.Material{Name: "aluminium alloy", Density: 2699, YoungsModulus: 7.0e10, Poisson: 0.30, Restitution: 1}, 49.7e-6, 11.37e3, 731.5e-6},
		{cases.Material{Name: "magnesium alloy", Density: 1800, YoungsModulus: 4.0e10, Poisson: 0.35, Restitution: 1}, 52.1e-6, 7.23e3, 767e-6},
	} {
		t.Run(tc.mat.Name, func(t *testing.T) {
			const radius, speed = 0.1, 0.2
			m := tc.mat
			eStar := m.YoungsModulus / (1 - m.Poisson*m.Poisson)
			mass := sphereMass(radius, m.Density)
			dmax, fmax, tcont := hertzImpact(eStar, radius, mass, speed)
			within(t, "theory delta_max vs paper", dmax, tc.paperDmax, 0.005)
			within(t, "theory F_max vs paper", fmax, tc.paperFmax, 0.005)
			within(t, "theory t_c vs paper", tcont, tc.paperTc, 0.005)

			r := newTestRun(t, impactCase([]cases.Material{m, rigid}, tcont/2000, 1), 1)
			r.s.add(r3.Vec{Z: radius + 1e-7}, r3.Vec{Z: -speed}, radius, mass, 0)
			rec := runImpact(t, r, func() float64 { return radius - r.s.pos[0].Z }, 10000)

			within(t, "max overlap (m)", rec.maxOverlap, dmax, 0.01)
			within(t, "max force (N)", rec.maxForce, fmax, 0.01)
			within(t, "contact duration (s)", rec.end-rec.start, tcont, 0.01)
		})
	}
}

// wallImpact fires a sphere of material m (index 0, wall index 1) at the
// plane z = 0 with velocity v and returns its velocity and angular
// velocity after the contact.
func wallImpact(t *testing.T, mats []cases.Material, radius float64, v r3.Vec) (vel, omega r3.Vec) {
	t.Helper()
	m := mats[0]
	mass := sphereMass(radius, m.Density)
	eStar := effectiveModulus(m.YoungsModulus, m.Poisson, mats[1].YoungsModulus, mats[1].Poisson)
	_, _, tcont := hertzImpact(eStar, radius, mass, -v.Z)
	r := newTestRun(t, impactCase(mats, tcont/1000, 1), 1)
	r.s.add(r3.Vec{Z: radius + 1e-8}, v, radius, mass, 0)
	runImpact(t, r, func() float64 { return radius - r.s.pos[0].Z }, 100000)
	return r.s.vel[0], r.s.omega[0]
}

// TestChungOoiRestitution is Chung and Ooi's test 3: normal impact of a
// 2.5 mm sphere on a wall of the same material at 3.9 m/s with input
// restitution e from 0.2 to 1.0. The rebound restitution must be within
// 2 % of e.
//
// The dashpot has LIGGGHTS' Hertz form, gamma_n = -2 sqrt(5/6) beta
// sqrt(S_n m*), but LIGGGHTS' beta = ln e / sqrt(ln^2 e + pi^2) with the
// force clipped at zero rebounds at 0.325, 0.472, 0.632 and 0.808 for
// e = 0.2, 0.4, 0.6 and 0.8 (62, 18, 5 and 1 % too high; logged below
// from the dimensionless integration). The solver calibrates beta so the
// rebound matches e, which this test checks through the full solver.
func TestChungOoiRestitution(t *testing.T) {
	for _, base := range []cases.Material{
		{Name: "aluminium oxide", Density: 4000, YoungsModulus: 3.8e11, Poisson: 0.23},
		{Name: "cast iron", Density: 7000, YoungsModulus: 1.0e11, Poisson: 0.25},
	} {
		for _, e := range []float64{0.2, 0.4, 0.6, 0.8, 1.0} {
			m := base
			m.Restitution = e
			vel, _ := wallImpact(t, []cases.Material{m, m}, 2.5e-3, r3.Vec{Z: -3.9})
			got := vel.Z / 3.9
			t.Logf("%s, e = %.1f: LIGGGHTS beta would rebound at %.4f", base.Name, e, impactRestitution(normalHertz, dampingRatio(e)))
			if rel := math.Abs(got-e) / e; rel > 0.02 {
				t.Errorf("%s, e = %.1f: rebound restitution %.4f (%.2f %% off, tolerance 2 %%)", base.Name, e, got, 100*rel)
			} else {
				t.Logf("%s, e = %.1f: rebound restitution %.4f (%.2f %% off)", base.Name, e, got, 100*rel)
			}
		}
	}
}

// TestChungOoiOblique is Chung and Ooi's test 4: a 2.5 mm aluminium oxide
// sphere (e = 0.98, mu = 0.092) hits a wall of the same material at
// 3.9 m/s at angles from 5 to 85 degrees to the wall normal. The
// tangential restitution e_t = v_t'/v_t of the centre and the rebound
// angular velocity must be within 5 % of the values read from their
// figures, and in gross sliding (tan theta > 3.5 mu (1 + e)) within 5 %
// of rigid-body theory: e_t = 1 - mu (1 + e) / tan theta and
// |omega| = 2.5 mu (1 + e) v cos theta / R.
func TestChungOoiOblique(t *testing.T) {
	const (
		radius = 2.5e-3
		speed  = 3.9
		e, mu  = 0.98, 0.092
	)
	m := cases.Material{Name: "aluminium oxide", Density: 4000, YoungsModulus: 3.8e11, Poisson: 0.23, Restitution: e, Friction: mu}
	for _, tc := range []struct {
		angle, et, omega float64 // degrees, 1, rad/s
	}{
		{5, 0.948, -19}, {10, 0.687, -213}, {20, 0.616, -511}, {30, 0.684, -617},
		{50, 0.845, -457}, {70, 0.932, -246}, {85, 0.983, -63},
	} {
		th := tc.angle * math.Pi / 180
		v := r3.Vec{X: speed * math.Sin(th), Z: -speed * math.Cos(th)}
		vel, omega := wallImpact(t, []cases.Material{m, m}, radius, v)
		et := vel.X / v.X
		// Sliding along +x over a floor below spins the sphere about +y;
		// the paper's two-dimensional plots call that sense negative.
		w := -omega.Y
		t.Run("", func(t *testing.T) {
			within(t, "e_t at "+ftoa(tc.angle)+" deg", et, tc.et, 0.05)
			// The paper's values are read from plots spanning about
			// 700 rad/s, so a reading near zero is good to about 2 rad/s.
			// That is more than 5 % of the 19 rad/s at 5 degrees.
			within(t, "omega at "+ftoa(tc.angle)+" deg (rad/s)", w, tc.omega, max(0.05, 2/math.Abs(tc.omega)))
			if math.Tan(th) > 3.5*mu*(1+e) {
				within(t, "e_t vs rigid-body sliding", et, 1-mu*(1+e)/math.Tan(th), 0.05)
				within(t, "|omega| vs rigid-body sliding", math.Abs(w), 2.5*mu*(1+e)*speed*math.Cos(th)/radius, 0.05)
			}
		})
	}
}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// TestLinearRestitution checks the linear spring-dashpot model's rebound
// restitution against its input, as Chung and Ooi's test 3 does for Hertz.
func TestLinearRestitution(t *testing.T) {
	for _, e := range []float64{0.2, 0.5, 0.9} {
		m := cases.Material{Name: "steel", Density: 7800, YoungsModulus: 2e11, Poisson: 0.3, Restitution: e}
		c := impactCase([]cases.Material{m, m}, 1e-7, 1)
		c.Contact = cases.ContactModel{Normal: "linear", StiffnessNormal: 1e5}
		r := newTestRun(t, c, 1)
		const radius = 2e-3
		r.s.add(r3.Vec{Z: radius + 1e-8}, r3.Vec{Z: -1}, radius, sphereMass(radius, m.Density), 0)
		runImpact(t, r, func() float64 { return radius - r.s.pos[0].Z }, 1000000)
		within(t, "linear rebound restitution at e = "+ftoa(e), r.s.vel[0].Z, e, 0.02)
	}
}
