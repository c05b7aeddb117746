package lbm

import (
	"bytes"
	"context"
	"log/slog"
	"math"
	"strings"
	"testing"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/mesh"
	"gonum.org/v1/gonum/spatial/r3"
)

// The embedded cavity case at Re = 100 is the 65 x 65 cavity of
// TestCavityGhiaCoarse: its config equals the hand-built one and
// reproduces Ghia's centreline profiles within the same 2 percent.
func TestConfigFromCaseCavityGhia(t *testing.T) {
	c, err := cases.Load("cavity", cases.Options{Set: []string{"reynolds=100"}})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ConfigFromCase(c, 2, nil)
	if err != nil {
		t.Fatal(err)
	}

	const n, side, lid = 65, 0.1, 0.01
	dx := side / n
	if cfg.Grid.Dims != [3]int{n, n, 1} || math.Abs(cfg.Grid.Spacing-dx) > 1e-18 || cfg.Grid.SolidCount() != 0 {
		t.Errorf("grid %v spacing %g with %d solid nodes, want %d x %d x 1, %g, none", cfg.Grid.Dims, cfg.Grid.Spacing, cfg.Grid.SolidCount(), n, n, dx)
	}
	if o := cfg.Grid.Origin; math.Abs(o.X-dx/2) > 1e-18 || math.Abs(o.Y-dx/2) > 1e-18 {
		t.Errorf("origin %v, want half a spacing %g", o, dx/2)
	}
	if want := 0.1 * dx / lid; math.Abs(cfg.TimeStep-want) > 1e-15*want {
		t.Errorf("time step %g s, want %g (lattice lid speed 0.1)", cfg.TimeStep, want)
	}
	if want := lid * side / 100; math.Abs(cfg.Viscosity-want) > 1e-15*want {
		t.Errorf("viscosity %g m^2/s, want U L / Re = %g", cfg.Viscosity, want)
	}
	if cfg.Collision != TRT || cfg.Density != 1000 || cfg.SteadyTolerance != 1e-7 || cfg.SteadyInterval != 1 {
		t.Errorf("config %+v", cfg)
	}
	wantFaces := [6]Face{YMax: {Kind: Wall, Velocity: r3.Vec{X: lid}}}
	for k := range cfg.Faces {
		if cfg.Faces[k].Kind != wantFaces[k].Kind || cfg.Faces[k].Velocity != wantFaces[k].Velocity {
			t.Errorf("face %s = %+v, want %+v", faceNames[k], cfg.Faces[k], wantFaces[k])
		}
	}

	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(context.Background(), nil, nil); err != nil {
		t.Fatal(err)
	}
	if s.Steps() >= int64(math.Round(cfg.Duration/cfg.TimeStep)) {
		t.Fatalf("cavity case not steady after %d steps", s.Steps())
	}
	cav := &cavity{n: n, side: side, lid: lid, u: make([]float64, cfg.Grid.Len()), v: make([]float64, cfg.Grid.Len()), steps: s.Steps()}
	for node := range cav.u {
		vel := s.Velocity(node)
		cav.u[node], cav.v[node] = vel.X/lid, vel.Y/lid
	}
	dev := cav.maxGhiaDeviation(t)
	t.Logf("cavity case: %d steps, max deviation from Ghia et al. %.4f of the lid speed", s.Steps(), dev)
	if dev > 0.02 {
		t.Errorf("max deviation from Ghia et al. (1982) at Re = 100: %.4f of the lid speed, want below 0.02", dev)
	}
}

// The cylinder case marks a disc of diameter D = 10 dx, about pi 25
// nodes, and runs with the inflow mass balanced by the outflow.
func TestConfigFromCaseCylinder(t *testing.T) {
	c, err := cases.Load("cylinder", cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ConfigFromCase(c, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if solid := float64(cfg.Grid.SolidCount()); math.Abs(solid-25*math.Pi) > 0.1*25*math.Pi {
		t.Errorf("%g solid nodes, want about pi (D/2dx)^2 = %.1f", solid, 25*math.Pi)
	}
	if centre := cfg.Grid.Index(19, 19, 0); !cfg.Grid.IsSolid(centre) {
		t.Error("node (19, 19) next to the cylinder centre (0.2, 0.2) m is not solid")
	}
	if cfg.Faces[XMin].Kind != Velocity || cfg.Faces[XMax].Kind != Pressure || cfg.Faces[YMin].Kind != Wall {
		t.Errorf("faces %+v", cfg.Faces)
	}
	// Mach 0.1 at 2.5 times the mean inflow speed.
	if mach := 2.5 * 0.2 * cfg.TimeStep / cfg.Grid.Spacing * math.Sqrt(3); math.Abs(mach-0.1) > 1e-12 {
		t.Errorf("auto time step gives Mach %g at 0.5 m/s, want 0.1", mach)
	}

	// Run the case as it ships, until steady, and compare the flow
	// rates through the inlet and outlet columns with the imposed one.
	var in, out float64
	var last int64
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	obs, err := NewObserver(c, cfg.Grid, s)
	if err != nil {
		t.Fatal(err)
	}
	sink := FieldSinkFunc(func(step int64, time float64, fields []mesh.Field) error {
		in, out = columnFlux(cfg.Grid, fields, 0), columnFlux(cfg.Grid, fields, cfg.Grid.Dims[0]-1)
		last = step
		return obs.Record(step, time, fields)
	})
	if err := s.Run(context.Background(), sink, nil); err != nil {
		t.Fatal(err)
	}
	total := int64(math.Round(cfg.Duration / cfg.TimeStep))
	t.Logf("steady after %d of %d steps", last, total)
	if last >= total {
		t.Errorf("cylinder case not steady after %d steps", last)
	}
	want := 0.2 * 0.41 // m^2/s per unit depth
	t.Logf("flow rate inlet %.5f, outlet %.5f, imposed %.5f m^2/s", in, out, want)
	if math.Abs(in-want) > 0.05*want || math.Abs(out-want) > 0.05*want {
		t.Errorf("flow rate inlet %g, outlet %g m^2/s, want %g within 5 percent", in, out, want)
	}

	// The pressure difference across the cylinder against the bounds
	// 117.2 to 117.6 Pa of Schaefer & Turek (1996) at 1000 kg/m^3. This
	// grid, 10 nodes across the cylinder, measured 110.9 Pa, and 8 percent
	// allows for its staircase (TestCylinderSchaeferTurek checks 20 nodes
	// across within 4 percent).
	dp := *lastFrame(t, obs, 1).PressureDifference
	force := lastFrame(t, obs, 0)
	t.Logf("pressure difference %.2f Pa, drag coefficient %.4f, lift coefficient %.5f", dp, *force.DragCoefficient, *force.LiftCoefficient)
	if dp < 117.2*0.92 || dp > 117.6*1.08 {
		t.Errorf("pressure difference = %.2f Pa, want 117.2 to 117.6 Pa within 8 percent", dp)
	}
}

// columnFlux returns the flow rate through the node column i, m^2/s per
// unit depth, from the velocity field.
func columnFlux(g *mesh.Grid, fields []mesh.Field, i int) float64 {
	for _, f := range fields {
		if f.Name != "velocity" {
			continue
		}
		var q float64
		for j := 0; j < g.Dims[1]; j++ {
			q += f.Data[3*g.Index(i, j, 0)] * g.Spacing
		}
		return q
	}
	return math.NaN()
}

func TestConfigFromCaseErrors(t *testing.T) {
	hopper, err := cases.Load("hopper", cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ConfigFromCase(hopper, 1, nil); err == nil || !strings.Contains(err.Error(), "no fluid section") {
		t.Errorf("particle case: error %v, want no fluid section", err)
	}
	src := `name: slow
fluid:
  grid: {spacing: 0.01, nodes: [10, 10, 1]}
  time_step: 0.01
  duration: 1
  viscosity: 1.0e-3
  density: 1000
  faces:
    y+: {type: wall, velocity: [1, 0, 0]}
`
	c, err := cases.LoadBytes("slow.yaml", []byte(src), "", cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ConfigFromCase(c, 1, nil); err == nil || !strings.Contains(err.Error(), "Mach number 1.73") || !strings.HasPrefix(err.Error(), "lbm: case slow") {
		t.Errorf("lid at Mach 1.73: error %v, want the Mach number named", err)
	}
}

// Every corner of the parameter ranges of the embedded fluid cases gives
// a valid configuration: tau above 1/2 and the Mach number in bounds.
func TestConfigFromCaseParameterRanges(t *testing.T) {
	for _, tc := range []struct {
		name string
		sets [][]string
	}{
		{"cavity", [][]string{{"reynolds=50"}, {"reynolds=400"}}},
		{"cylinder", [][]string{
			{"inflow_speed=0.05", "cylinder_diameter=0.05"}, {"inflow_speed=0.05", "cylinder_diameter=0.2"},
			{"inflow_speed=0.3", "cylinder_diameter=0.05"}, {"inflow_speed=0.3", "cylinder_diameter=0.2"},
		}},
	} {
		for _, set := range tc.sets {
			c, err := cases.Load(tc.name, cases.Options{Set: set})
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := ConfigFromCase(c, 1, nil)
			if err != nil {
				t.Errorf("%s %v: %v", tc.name, set, err)
				continue
			}
			if tau := cfg.units().Tau(cfg.Viscosity); tau < 0.52 {
				t.Errorf("%s %v: tau = %.4f, want at least 0.52", tc.name, set, tau)
			}
		}
	}
}

// A plane wall of a fluid case, given without a material, makes the
// half-space behind it solid, and a box obstacle its inside.
func TestConfigFromCaseWalls(t *testing.T) {
	src := `name: step
geometry:
  walls:
    - {name: floor, type: plane, point: [0, 0.025, 0], normal: [0, 1, 0]}
fluid:
  grid: {origin: [0.005, 0.005, 0], spacing: 0.01, nodes: [10, 8, 1]}
  time_step: 0.01
  duration: 1
  viscosity: 1.0e-3
  density: 1000
  characteristic_speed: 0.01
  obstacles:
    - {type: box, min: [0.06, 0.04, -1], max: [0.08, 0.06, 1]}
`
	c, err := cases.LoadBytes("step.yaml", []byte(src), "", cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Walls[0].Material != -1 {
		t.Errorf("wall without a material has index %d, want -1", c.Walls[0].Material)
	}
	cfg, err := ConfigFromCase(c, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	g := cfg.Grid
	for n := 0; n < g.Len(); n++ {
		p := g.Point(g.Coords(n))
		behindFloor := p.Y < 0.025
		inBox := p.X >= 0.06 && p.X <= 0.08 && p.Y >= 0.04 && p.Y <= 0.06
		if g.IsSolid(n) != (behindFloor || inBox) {
			t.Errorf("node at %v solid = %v, want %v", p, g.IsSolid(n), behindFloor || inBox)
		}
	}
	// Rows y = 0.005 and 0.015 m behind the floor and a 2 x 2 block.
	if want := 2*10 + 4; g.SolidCount() != want {
		t.Errorf("%d solid nodes, want %d", g.SolidCount(), want)
	}
}

// TestCaseMaxMachSilencesWarning runs the embedded cavity (Mach 0.17)
// with and without its max_mach line. A case that states its limit gets
// no Mach warning, and a case without the line gets one.
func TestCaseMaxMachSilencesWarning(t *testing.T) {
	src, err := cases.EmbeddedYAML("cavity")
	if err != nil {
		t.Fatal(err)
	}
	const line = "  max_mach: 0.2\n"
	if !strings.Contains(string(src), line) {
		t.Fatalf("the cavity case has no %q line", line)
	}
	for _, stated := range []bool{true, false} {
		text := string(src)
		if !stated {
			text = strings.Replace(text, line, "", 1)
		}
		c, err := cases.LoadBytes("cavity.yaml", []byte(text), "", cases.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		cfg, err := ConfigFromCase(c, 1, slog.New(slog.NewTextHandler(&buf, nil)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := New(cfg); err != nil {
			t.Fatal(err)
		}
		got := strings.Count(buf.String(), "lattice Mach number above 0.1")
		if want := map[bool]int{true: 0, false: 1}[stated]; got != want {
			t.Errorf("max_mach stated %v: %d Mach warnings, want %d", stated, got, want)
		}
	}
}
