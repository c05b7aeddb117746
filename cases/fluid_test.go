package cases

import (
	"math"
	"strings"
	"testing"
)

const fluidBase = `name: channel
fluid:
  grid: {origin: [0, 0, 0], spacing: 0.01, nodes: [20, 10, 1]}
  duration: 1
  viscosity: 1.0e-3
  density: 1000
  faces:
    x-: {type: velocity, velocity: [0.1, 0, 0]}
    x+: {type: pressure, pressure: 0}
  max_mach: 0.1
`

func TestFluidLoads(t *testing.T) {
	c, err := LoadBytes("channel.yaml", []byte(fluidBase), "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := c.Fluid
	if f == nil || f.Nodes != [3]int{20, 10, 1} || f.Collision != FluidTRT {
		t.Fatalf("fluid %+v", f)
	}
	if f.Faces[0].Type != FaceVelocity || f.Faces[1].Type != FacePressure || f.Faces[2].Type != FaceWall || f.Faces[3].Type != FaceWall {
		t.Errorf("faces %+v", f.Faces)
	}
	// time_step left out is auto: Mach 0.1 at the inlet speed 0.1 m/s,
	// dt = 0.1 dx / (sqrt(3) 0.1 m/s).
	if want := 0.1 * 0.01 / math.Sqrt(3) / 0.1; math.Abs(f.TimeStep-want) > 1e-15 {
		t.Errorf("auto time step %g s, want %g", f.TimeStep, want)
	}
	if c.Domain.Max.X != 0.19 || c.Domain.Max.Y != 0.09 {
		t.Errorf("domain from the grid %+v", c.Domain)
	}
	if err := checkFluid(f); err != nil {
		t.Error(err)
	}
}

func TestFluidErrors(t *testing.T) {
	for _, tc := range []struct{ from, to, want string }{
		{"viscosity: 1.0e-3", "viscosity: -1", "channel.yaml:5:14: fluid.viscosity: -1 is out of range"},
		{"viscosity: 1.0e-3", "viscosty: 1.0e-3", `unknown key "viscosty" (did you mean "viscosity"?)`},
		{"nodes: [20, 10, 1]", "nodes: [20, 2, 1]", "fluid.grid.nodes[1]: 2 is out of range: a grid needs at least 3 nodes along y"},
		{"nodes: [20, 10, 1]", "nodes: [20, 10.5, 1]", "not a whole number"},
		{"x+: {type: pressure, pressure: 0}", "z+: {type: pressure, pressure: 0}", "a 2D grid (nodes[2] = 1) has no z faces"},
		{"x+: {type: pressure, pressure: 0}", "x+: {type: presure, pressure: 0}", `"presure" is not one of wall, periodic, velocity, pressure (did you mean "pressure"?)`},
		{"x+: {type: pressure, pressure: 0}", "x+: {type: periodic}", "periodic faces come in opposite pairs"},
		{"x+: {type: pressure, pressure: 0}", "y+: {type: wall, velocity: [0, 0.1, 0]}", "a wall may only move along it"},
		{"spacing: 0.01", "spacing: 0", "fluid.grid.spacing: 0 is out of range"},
		{"    x-: {type: velocity, velocity: [0.1, 0, 0]}\n", "", "time_step auto needs a flow speed"},
	} {
		src := strings.Replace(fluidBase, tc.from, tc.to, 1)
		_, err := LoadBytes("channel.yaml", []byte(src), "", Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s -> %s: error %v, want %q", tc.from, tc.to, err, tc.want)
		}
	}
}

// A particle case still needs its particle sections.
func TestParticleCaseStillNeedsMaterials(t *testing.T) {
	_, err := LoadBytes("p.yaml", []byte("name: p\ndomain: {min: [0, 0, 0], max: [1, 1, 1]}\n"), "", Options{})
	for _, want := range []string{`missing key "materials"`, `missing key "particles"`, `missing key "solver"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want %q", err, want)
		}
	}
}

func TestEmbeddedFluidCases(t *testing.T) {
	c, err := Load("cavity", Options{Set: []string{"reynolds=400"}})
	if err != nil {
		t.Fatal(err)
	}
	// nu = U L / Re with U = 0.01 m/s and L = 0.1 m.
	if want := 0.01 * 0.1 / 400; math.Abs(c.Fluid.Viscosity-want) > 1e-18 {
		t.Errorf("cavity viscosity %g m^2/s at Re = 400, want %g", c.Fluid.Viscosity, want)
	}
	c, err = Load("cylinder", Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := c.Fluid
	if len(f.Obstacles) != 1 || f.Obstacles[0].Radius != 0.05 || math.Abs(f.Faces[0].Velocity.X-0.3) > 1e-15 {
		t.Errorf("cylinder %+v", f)
	}
	// Re = U D / nu = 20, the benchmark's steady case, with the mean
	// speed U of the parabolic inflow, 2/3 of its peak.
	if re := 2.0 / 3 * f.Faces[0].Velocity.X * 2 * f.Obstacles[0].Radius / f.Viscosity; math.Abs(re-20) > 1e-9 {
		t.Errorf("cylinder Re = %g, want 20", re)
	}
}
