package cases

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"
)

const fluidObsBase = fluidBase + `  obstacles:
    - {name: post, type: cylinder, base: [0.1, 0.05, -1], axis: [0, 0, 1], radius: 0.02, length: 2}
    - {type: box, min: [0.15, 0, -1], max: [0.17, 0.02, 1]}
observables:
  - {name: drag, type: force, obstacle: post, reference_speed: 0.1, reference_length: 0.04}
  - {name: dp, type: pressure_difference, from: [0.05, 0.05, 0], to: [0.15, 0.05, 0]}
  - {name: wake, type: profile, from: [0.15, -0.005, 0], to: [0.15, 0.095, 0], samples: 11}
`

func TestFluidObservablesLoad(t *testing.T) {
	c, err := LoadBytes("channel.yaml", []byte(fluidObsBase), "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := c.Fluid
	if got := f.ObstacleNames; len(got) != 2 || got[0] != "post" || got[1] != "box1" {
		t.Errorf("obstacle names = %v, want [post box1]", got)
	}
	if len(c.Observables) != 0 {
		t.Errorf("particle observables = %v, want none in a fluid case", c.Observables)
	}
	obs := f.Observables
	if len(obs) != 3 {
		t.Fatalf("got %d observables, want 3", len(obs))
	}
	if o := obs[0]; o.Type != FluidObsForce || o.Obstacle != 0 || o.ReferenceSpeed != 0.1 || o.ReferenceLength != 0.04 {
		t.Errorf("force observable = %+v", o)
	}
	if o := obs[1]; o.Type != FluidObsPressureDifference || o.From != (r3.Vec{X: 0.05, Y: 0.05}) || o.To != (r3.Vec{X: 0.15, Y: 0.05}) {
		t.Errorf("pressure difference observable = %+v", o)
	}
	if o := obs[2]; o.Type != FluidObsProfile || o.Samples != 11 || o.From.Y != -0.005 {
		t.Errorf("profile observable = %+v", o)
	}
}

func TestFluidObservablesErrors(t *testing.T) {
	for _, tc := range []struct{ from, to, want string }{
		{"obstacle: post", "obstacle: pots", `no fluid obstacle is named "pots"; the obstacles are: [post box1] (did you mean "post"?)`},
		{"type: force", "type: forces", `"forces" is not one of force, pressure_difference, profile`},
		{"reference_length: 0.04", "reference_area: 0.04", "use reference_length (m) instead of reference_area"},
		{", reference_length: 0.04", "", "force coefficients need both reference_speed and reference_length"},
		{"name: dp", "name: drag", `observable name "drag" is used twice`},
		{"to: [0.15, 0.05, 0]", "to: [0.25, 0.05, 0]", "[0.25, 0.05, 0] lies outside the fluid grid: x must be in [-0.005, 0.195] m"},
		{"samples: 11", "samples: 1", "observables[2].samples: 1 is out of range"},
		{"samples: 11", "sample: 11", `unknown key "sample" (did you mean "samples"?)`},
		{"{name: dp, type: pressure_difference", "{name: dp, type: kinetic_energy", `"kinetic_energy" is not one of force`},
		{"{type: box, min", "{name: post, type: box, min", `obstacle name "post" is used twice`},
	} {
		src := strings.Replace(fluidObsBase, tc.from, tc.to, 1)
		if src == fluidObsBase {
			t.Fatalf("%q not found in the base case", tc.from)
		}
		_, err := LoadBytes("channel.yaml", []byte(src), "", Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s -> %s: error %v, want %q", tc.from, tc.to, err, tc.want)
		}
		if err != nil && !strings.Contains(err.Error(), "channel.yaml:") {
			t.Errorf("%s -> %s: error %v names no file position", tc.from, tc.to, err)
		}
	}
}

// The parabolic inflow of the 2D channel: zero at the walls, the face
// velocity on the axis, and a mean over the height of 2/3 of it.
func TestFluidParabolicProfile(t *testing.T) {
	src := strings.Replace(fluidBase, "velocity: [0.1, 0, 0]}", "velocity: [0.15, 0, 0], profile: parabolic}", 1)
	c, err := LoadBytes("channel.yaml", []byte(src), "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := c.Fluid
	// Walls at y = -0.005 and 0.095 m, half a spacing beyond the nodes.
	if u := f.FaceVelocity(0, r3.Vec{Y: -0.005}); u.X != 0 {
		t.Errorf("velocity at the lower wall = %g m/s, want 0", u.X)
	}
	if u := f.FaceVelocity(0, r3.Vec{Y: 0.095}); math.Abs(u.X) > 1e-15 {
		t.Errorf("velocity at the upper wall = %g m/s, want 0", u.X)
	}
	if u := f.FaceVelocity(0, r3.Vec{Y: 0.045}); math.Abs(u.X-0.15) > 1e-15 {
		t.Errorf("velocity on the axis = %g m/s, want the peak 0.15", u.X)
	}
	const n = 1000
	var mean float64
	for i := 0; i < n; i++ {
		y := -0.005 + (float64(i)+0.5)*0.1/n
		mean += f.FaceVelocity(0, r3.Vec{Y: y}).X / n
	}
	if math.Abs(mean-0.1) > 1e-6 {
		t.Errorf("mean inflow = %.8g m/s, want 2/3 of the peak = 0.1", mean)
	}
	if f.CharacteristicSpeed != 0.15 {
		t.Errorf("characteristic speed = %g m/s, want the peak 0.15", f.CharacteristicSpeed)
	}

	bad := strings.Replace(fluidBase, "velocity: [0.1, 0, 0]}", "velocity: [0.1, 0, 0], profile: parabola}", 1)
	if _, err := LoadBytes("channel.yaml", []byte(bad), "", Options{}); err == nil || !strings.Contains(err.Error(), `did you mean "parabolic"`) {
		t.Errorf("profile: parabola: error %v, want a suggestion of parabolic", err)
	}
}

// The shipped cylinder case: parabolic inflow peaking at 1.5 times the
// mean inflow speed, and the benchmark's observables.
func TestCylinderCaseObservables(t *testing.T) {
	c, err := Load("cylinder", Options{Set: []string{"nodes_across=82"}})
	if err != nil {
		t.Fatal(err)
	}
	f := c.Fluid
	if f.Nodes != [3]int{440, 82, 1} || math.Abs(f.Spacing-0.005) > 1e-15 || math.Abs(f.Origin.X-0.0025) > 1e-15 {
		t.Errorf("grid %v nodes of %g m from %v, want 440 x 82 of 0.005 m from 0.0025 m", f.Nodes, f.Spacing, f.Origin)
	}
	inlet := f.Faces[0]
	if inlet.Profile != ProfileParabolic || math.Abs(inlet.Velocity.X-0.3) > 1e-15 {
		t.Errorf("inlet %+v, want parabolic with a peak of 0.3 m/s", inlet)
	}
	if got := f.FaceVelocity(0, r3.Vec{Y: 0.205}); math.Abs(got.X-0.3) > 1e-12 {
		t.Errorf("inflow on the channel axis = %g m/s, want 0.3", got.X)
	}
	if len(f.Observables) != 2 {
		t.Fatalf("got %d observables, want force and pressure difference", len(f.Observables))
	}
	force, dp := f.Observables[0], f.Observables[1]
	if force.Type != FluidObsForce || f.ObstacleNames[force.Obstacle] != "cylinder" || force.ReferenceSpeed != 0.2 || force.ReferenceLength != 0.1 {
		t.Errorf("force observable %+v", force)
	}
	front, back := r3.Vec{X: 0.15, Y: 0.2}, r3.Vec{X: 0.25, Y: 0.2}
	if dp.Type != FluidObsPressureDifference || r3.Norm(r3.Sub(dp.From, front)) > 1e-15 || r3.Norm(r3.Sub(dp.To, back)) > 1e-15 {
		t.Errorf("pressure difference observable %+v", dp)
	}
}

// A 3D grid gives forces in N, so coefficients take a reference area.
func TestFluidForceReferenceArea3D(t *testing.T) {
	src := strings.Replace(fluidObsBase, "nodes: [20, 10, 1]", "nodes: [20, 10, 5]", 1)
	src3D := strings.Replace(src, "reference_length: 0.04", "reference_area: 0.0016", 1)
	c, err := LoadBytes("channel.yaml", []byte(src3D), "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if o := c.Fluid.Observables[0]; o.ReferenceArea != 0.0016 || o.ReferenceLength != 0 {
		t.Errorf("force observable %+v, want reference area 0.0016 m^2", o)
	}
	_, err = LoadBytes("channel.yaml", []byte(src), "", Options{})
	if err == nil || !strings.Contains(err.Error(), "use reference_area (m^2) instead of reference_length") {
		t.Errorf("reference_length on a 3D grid: error %v, want a hint to use reference_area", err)
	}
}
