package liggghts

import (
	"context"
	"math"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
)

// requireLIGGGHTS skips the test when no LIGGGHTS executable is on PATH.
func requireLIGGGHTS(t *testing.T) {
	t.Helper()
	if _, err := FindExecutable(""); err != nil {
		t.Skip(err)
	}
}

// testCase returns a case with one material, no gravity and no walls in
// a 0.1 m cube, for tests to extend.
func testCase(m cases.Material) *cases.Case {
	return &cases.Case{
		Name:      "test",
		Source:    "test",
		Domain:    cases.Domain{Min: r3.Vec{X: -0.05, Y: -0.05, Z: -0.05}, Max: r3.Vec{X: 0.05, Y: 0.05, Z: 0.05}},
		Materials: []cases.Material{m},
		Contact:   cases.ContactModel{Normal: "hertz", Rolling: "none"},
		Solver:    cases.SolverSettings{TimeStep: 1e-6, Duration: 1e-4, OutputInterval: 1e-5},
	}
}

// glass is the glass of Chung and Ooi (2011), test 1.
var glass = cases.Material{Name: "glass", Density: 2800, YoungsModulus: 4.8e10, Poisson: 0.2, Restitution: 1, Friction: 0.35}

// aluminiumOxide is the aluminium oxide of Chung and Ooi (2011), tests 3
// and 4.
var aluminiumOxide = cases.Material{Name: "alumina", Density: 4000, YoungsModulus: 3.8e11, Poisson: 0.23, Restitution: 0.5, Friction: 0}

// frameOf returns a frame of spheres of one material with the given
// positions, velocities and radius.
func frameOf(m cases.Material, radius float64, pos, vel []r3.Vec) *particles.Frame {
	f := &particles.Frame{}
	f.Resize(len(pos))
	mass := m.Density * 4 * math.Pi / 3 * radius * radius * radius
	for i := range pos {
		f.ID[i] = int64(i)
		f.Pos[i] = pos[i]
		f.Vel[i] = vel[i]
		f.Omega[i] = r3.Vec{}
		f.Radius[i] = radius
		f.Mass[i] = mass
		f.Material[i] = 0
	}
	return f
}

// runFrames runs c in LIGGGHTS and returns copies of all frames.
func runFrames(t *testing.T, c *cases.Case, opt Options) []*particles.Frame {
	t.Helper()
	var frames []*particles.Frame
	sink := solvers.SinkFunc(func(f *particles.Frame) error {
		if err := f.Validate(); err != nil {
			return err
		}
		frames = append(frames, f.Clone())
		return nil
	})
	if err := New(opt).Run(context.Background(), c, sink, nil); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return frames
}

// byID returns the index of particle id in f, or -1.
func byID(f *particles.Frame, id int64) int {
	for i, v := range f.ID {
		if v == id {
			return i
		}
	}
	return -1
}

// hertzHeadOn returns the maximum overlap in m and the contact duration
// in s of a Hertz impact at relative normal speed v in m/s, for effective
// mass mEff in kg, effective radius rEff in m and effective modulus eEff
// in Pa: delta_max = (15 m* v^2 / (16 E* sqrt(R*)))^(2/5) and
// t_c = 2.9432 delta_max / v (Johnson, Contact Mechanics (1985), 11.1).
func hertzHeadOn(v, mEff, rEff, eEff float64) (deltaMax, duration float64) {
	deltaMax = math.Pow(15*mEff*v*v/(16*eEff*math.Sqrt(rEff)), 0.4)
	return deltaMax, 2.9432 * deltaMax / v
}
