package cases

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/mesh/stl"
)

// baseCase is a small valid case. The bad cases below change one line of
// it, so the line numbers here are part of the expectations.
const baseCase = `name: test
description: a small valid case
parameters:
  width:
    default: 0.02
    min: 0.01
    max: 0.03
    unit: m
    description: box width
domain:
  min: [-0.1, -0.1, -0.1]
  max: [0.1, 0.1, 0.1]
materials:
  glass:
    density: 2500
    youngs_modulus: 5e6
    poisson: 0.22
    restitution: 0.9
    friction: 0.3
  steel:
    density: 7800
    youngs_modulus: 200e9
    poisson: 0.3
    restitution: 0.8
    friction: 0.5
geometry:
  walls:
    - name: floor
      type: plane
      material: steel
      point: [0, 0, 0]
      normal: [0, 0, 1]
    - name: mesh
      type: stl
      material: steel
      file: cube.stl
      scale: 0.01
  outlets:
    - name: out
      region: {type: box, min: [-0.1, -0.1, -0.1], max: [0.1, 0.1, -0.05]}
particles:
  - material: glass
    region: {type: box, min: [0, 0, 0], max: ["${width}", 0.02, 0.02]}
    count: 10
    radius: 0.001
solver:
  duration: 0.1
  output_interval: 0.01
observables:
  - {name: flow, type: outlet_mass, outlet: out}
`

// caseDir writes the STL files the base case and the bad cases refer to
// and returns their directory.
func caseDir(t testing.TB) string {
	dir := t.TempDir()
	unit := [][3]r3.Vec{
		{{X: 0, Y: 0, Z: 0}, {X: 0, Y: 1, Z: 0}, {X: 1, Y: 1, Z: 0}},
		{{X: 0, Y: 0, Z: 0}, {X: 1, Y: 1, Z: 0}, {X: 1, Y: 0, Z: 0}},
		{{X: 0, Y: 0, Z: 0}, {X: 1, Y: 0, Z: 0}, {X: 2, Y: 0, Z: 0}}, // degenerate, dropped
	}
	var b strings.Builder
	if err := stl.WriteASCII(&b, "square", unit); err != nil {
		t.Fatal(err)
	}
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("cube.stl", b.String())
	write("broken.stl", b.String()[:b.Len()/2])
	write("case.yaml", baseCase)
	return dir
}

func TestBaseCase(t *testing.T) {
	dir := caseDir(t)
	c, err := Load(filepath.Join(dir, "case.yaml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Source != filepath.Join(dir, "case.yaml") {
		t.Errorf("Source = %q", c.Source)
	}
	mesh := c.Walls[1]
	if mesh.File != filepath.Join(dir, "cube.stl") {
		t.Errorf("STL path %q, want it absolute beside the case file", mesh.File)
	}
	if len(mesh.Triangles) != 2 {
		t.Fatalf("%d triangles, want 2 (the degenerate one dropped)", len(mesh.Triangles))
	}
	if got, want := mesh.Triangles[0][2], (r3.Vec{X: 0.01, Y: 0.01}); got != want {
		t.Errorf("scaled vertex %v, want %v", got, want)
	}
	if got := c.Insertions[0].Region.Max.X; got != 0.02 {
		t.Errorf("region max x = %g, want the parameter default 0.02", got)
	}
	if c.Gravity != (r3.Vec{Z: -standardGravity}) {
		t.Errorf("default gravity %v", c.Gravity)
	}
	if c.Contact != (ContactModel{Normal: "hertz", Rolling: "none"}) {
		t.Errorf("default contact %+v", c.Contact)
	}
	in := c.Insertions[0]
	if in.Mode != InsertPack || in.Seed != 1 || in.Name != "particles0" || !reflect.DeepEqual(in.Radius, RadiusDistribution{Kind: RadiusConstant, Value: 0.001}) {
		t.Errorf("insertion defaults %+v", in)
	}
	if c.Solver.RayleighFraction != 0.2 || c.Solver.TimeStep != 0 {
		t.Errorf("solver defaults %+v", c.Solver)
	}
}

// TestBadCases changes one line of the base case at a time and checks the
// first error's position and message.
func TestBadCases(t *testing.T) {
	dir := caseDir(t)
	for _, tc := range []struct {
		name     string
		old, new string // replace the first old in baseCase by new
		set      []string
		extra    bool   // allow extrapolation
		pos      string // "line:col" of the first error, "" for none
		want     []string
	}{
		{name: "poisson out of range", old: "poisson: 0.22", new: "poisson: 0.7", pos: "17:14",
			want: []string{"materials.glass.poisson: 0.7 is out of range: Poisson's ratio must be in [0, 0.5)"}},
		{name: "negative density", old: "density: 7800", new: "density: -7800", pos: "21:14",
			want: []string{"materials.steel.density: -7800 is out of range: density (kg/m^3) must be > 0"}},
		{name: "restitution zero", old: "restitution: 0.8", new: "restitution: 0", pos: "24:18",
			want: []string{"materials.steel.restitution: 0 is out of range: the coefficient of restitution must be in (0, 1]"}},
		{name: "unknown key", old: "friction: 0.3", new: "fricton: 0.3", pos: "19:5",
			want: []string{`materials.glass: unknown key "fricton" (did you mean "friction"?); a material takes: density,`}},
		{name: "unknown top-level key", old: "solver:", new: "solve:", pos: "46:1",
			want: []string{`unknown key "solve" (did you mean "solver"?); a case file takes:`}},
		{name: "unknown wall key", old: "normal: [0, 0, 1]", new: "norml: [0, 0, 1]", pos: "32:7",
			want: []string{`geometry.walls[0]: unknown key "norml" (did you mean "normal"?); a plane wall takes: name, type, material, motion, removed_at, point, normal`}},
		{name: "missing key", old: "    youngs_modulus: 5e6\n", new: "", pos: "14:3",
			want: []string{`materials.glass: missing key "youngs_modulus": expected a number`}},
		{name: "undefined parameter", old: `"${width}"`, new: `"${widht}"`, pos: "43:48",
			want: []string{`particles[0].region.max[0]: in expression "${widht}": undefined parameter "widht" (did you mean "width"?); defined parameters: width`}},
		{name: "bad expression", old: "radius: 0.001", new: `radius: "2 * (0.001"`, pos: "45:24",
			want: []string{`particles[0].radius: in expression "2 * (0.001": missing ) to close the ( at offset 4`}},
		{name: "division by zero", old: "count: 10", new: "count: 10 / (${width} - 0.02)", pos: "44:15",
			want: []string{"particles[0].count: in expression", "division by zero"}},
		{name: "count not whole", old: "count: 10", new: "count: ${width} * 1000 + 0.5", pos: "44:12",
			want: []string{`particles[0].count: 20.5 (from "${width} * 1000 + 0.5") is not a whole number`}},
		{name: "enum typo", old: "type: plane", new: "type: plain", pos: "29:13",
			want: []string{`geometry.walls[0].type: "plain" is not one of plane, box, cylinder, cone, stl (did you mean "plane"?)`}},
		{name: "empty choice", old: "type: plane", new: `type: ""`, pos: "29:13",
			want: []string{`geometry.walls[0].type: "" is not one of plane, box, cylinder, cone, stl`}},
		{name: "empty outlet name", old: "name: out", new: `name: ""`, pos: "39:13",
			want: []string{`geometry.outlets[0].name: the value must not be empty`}},
		{name: "missing choice", old: "      type: plane\n", new: "", pos: "28:7",
			want: []string{`geometry.walls[0]: missing key "type": expected one of plane, box, cylinder, cone, stl`}},
		{name: "zero normal", old: "normal: [0, 0, 1]", new: "normal: [0, 0, 0]", pos: "32:15",
			want: []string{"geometry.walls[0].normal: [0, 0, 0] is not a direction: must be a non-zero vector"}},
		{name: "short vector", old: "point: [0, 0, 0]", new: "point: [0, 0]", pos: "31:14",
			want: []string{"geometry.walls[0].point: expected a vector [x, y, z] of 3 numbers, got 2"}},
		{name: "unknown material", old: "material: steel", new: "material: steal", pos: "30:17",
			want: []string{`geometry.walls[0].material: unknown material "steal" (did you mean "steel"?); materials are glass, steel`}},
		{name: "unknown outlet", old: "outlet: out}", new: "outlet: outt}", pos: "50:45",
			want: []string{`observables[0].outlet: unknown outlet "outt" (did you mean "out"?); outlets are out`}},
		{name: "count and fill fraction", old: "count: 10", new: "count: 10\n    fill_fraction: 0.3", pos: "45:5",
			want: []string{"particles[0]: give either count or fill_fraction, not both"}},
		{name: "output interval above duration", old: "output_interval: 0.01", new: "output_interval: 0.2", pos: "48:20",
			want: []string{"solver.output_interval: 0.2 is out of range: the output interval (s) must be in (0, duration] = (0, 0.1]"}},
		{name: "box corners swapped", old: "max: [0.1, 0.1, 0.1]", new: "max: [0.1, -0.2, 0.1]", pos: "12:8",
			want: []string{"domain.max: [0.1, -0.2, 0.1] is not above min [-0.1, -0.1, -0.1] along y"}},
		{name: "region outside domain", set: []string{"width=0.2"}, extra: true, pos: "43:5",
			want: []string{"particles[0].region: the region spans [0, 0.2] along x, outside the domain's [-0.1, 0.1]"}},
		{name: "missing STL file", old: "file: cube.stl", new: "file: nope.stl", pos: "36:13",
			want: []string{`geometry.walls[1].file: cannot read STL file "nope.stl"`, "no such file"}},
		{name: "broken STL", old: "file: cube.stl", new: "file: broken.stl", pos: "36:13",
			want: []string{`geometry.walls[1].file: cannot read STL file "broken.stl"`, "broken.stl: stl: line 1", "file ends inside a facet"}},
		{name: "stl scale zero", old: "scale: 0.01", new: "scale: 0", pos: "37:14",
			want: []string{"geometry.walls[1].scale: 0 is out of range: the STL scale factor must be > 0"}},
		{name: "default outside range", old: "default: 0.02", new: "default: 0.05", pos: "5:14",
			want: []string{"parameters.width.default: 0.05 is outside the parameter's range [0.01, 0.03]"}},
		{name: "yaml syntax", old: "min: [-0.1, -0.1, -0.1]", new: "min: [-0.1, -0.1, -0.1", pos: "12:3",
			want: []string{"invalid YAML"}},
		{name: "string for a number", old: "duration: 0.1", new: "duration: [0.1]", pos: "47:13",
			want: []string{"solver.duration: expected a number or an expression"}},
		{name: "discrete weights sum to zero", old: "radius: 0.001", new: "radius: {distribution: discrete, values: [0.001, 0.002], weights: [0, 0]}", pos: "45:71",
			want: []string{"particles[0].radius.weights: the weights sum to 0: the sum must be > 0"}},
		{name: "discrete weights count", old: "radius: 0.001", new: "radius: {distribution: discrete, values: [0.001, 0.002], weights: [1]}", pos: "45:71",
			want: []string{"particles[0].radius.weights: 1 weights for 2 values"}},
		{name: "normal radius without bound", old: "radius: 0.001", new: "radius: {distribution: normal, mean: 0.001, std: 0.001}", pos: "45:5",
			want: []string{"particles[0].radius: mean - 3 std = -0.002 m is not a radius: give min"}},
		{name: "uniform radius reversed", old: "radius: 0.001", new: "radius: {distribution: uniform, min: 0.002, max: 0.001}", pos: "45:54",
			want: []string{"particles[0].radius.max: 0.001 is out of range: max must be >= min = 0.002"}},
		{name: "pour without rate", old: "count: 10", new: "count: 10\n    mode: pour", pos: "42:5",
			want: []string{`particles[0]: missing key "rate"`}},
		{name: "linear without stiffness", old: "solver:", new: "contact: {normal: linear, stiffness_normal: 1e4}\nsolver:", pos: "46:1",
			want: []string{`contact: missing key "stiffness_tangential"`}},
		{name: "stiffness with hertz", old: "solver:", new: "contact: {stiffness_normal: 1e4}\nsolver:", pos: "46:11",
			want: []string{"contact: stiffness_normal is used only by normal: linear"}},
		{name: "rotation without axis", old: "normal: [0, 0, 1]", new: "normal: [0, 0, 1]\n      motion: {angular_speed: 2}", pos: "33:7",
			want: []string{`geometry.walls[0].motion: missing key "axis": expected a direction`}},
		{name: "periodic axis typo", old: "max: [0.1, 0.1, 0.1]", new: "max: [0.1, 0.1, 0.1]\n  periodic: [x, w]", pos: "13:17",
			want: []string{`domain.periodic[1]: "w" is not an axis`}},
		{name: "time step negative", old: "duration: 0.1", new: "duration: 0.1\n  time_step: -1e-5", pos: "48:14",
			want: []string{"solver.time_step: -1e-05 (from \"-1e-5\") is out of range: the time step (s; or auto) must be > 0"}},
		{name: "alias to nowhere", old: "restitution: 0.8", new: "restitution: *e", pos: "24:18",
			want: []string{"materials.steel.restitution: alias *e refers to no anchor &e"}},
		{name: "set unknown parameter", set: []string{"wdth=0.02"},
			want: []string{`test.yaml: --set wdth=0.02: unknown parameter "wdth" (did you mean "width"?); defined parameters: width`}},
		{name: "set out of range", set: []string{"width=0.05"},
			want: []string{"--set width=0.05: 0.05 m is outside the range [0.01, 0.03] of parameter width; pass --allow-extrapolation"}},
		{name: "set not a number", set: []string{"width=wide"},
			want: []string{`--set width=wide: "wide" is not a number`}},
		{name: "set without value", set: []string{"width"},
			want: []string{"--set width: expected name=value, such as width=0.02"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := baseCase
			if tc.old != "" {
				if !strings.Contains(src, tc.old) {
					t.Fatalf("%q is not in the base case", tc.old)
				}
				src = strings.Replace(src, tc.old, tc.new, 1)
			}
			_, err := LoadBytes("test.yaml", []byte(src), dir, Options{Set: tc.set, AllowExtrapolation: tc.extra})
			if err == nil {
				t.Fatal("loaded without error")
			}
			var first *Error
			if !errors.As(err, &first) {
				t.Fatalf("error %v is not an *Error", err)
			}
			pos := ""
			if first.Line > 0 {
				pos = strings.TrimPrefix(first.Error()[:strings.Index(first.Error(), ": ")], "test.yaml:")
			}
			if pos != tc.pos {
				t.Errorf("first error at %q, want %q: %v", pos, tc.pos, first)
			}
			for _, w := range tc.want {
				if !strings.Contains(first.Error(), w) {
					t.Errorf("first error\n\t%v\nlacks\n\t%s", first, w)
				}
			}
		})
	}
}

func TestExtrapolation(t *testing.T) {
	dir := caseDir(t)
	c, err := LoadBytes("test.yaml", []byte(baseCase), dir, Options{Set: []string{"width = 0.05"}, AllowExtrapolation: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Extrapolated, []string{"width"}) || c.Values["width"] != 0.05 {
		t.Errorf("Extrapolated = %v, Values = %v", c.Extrapolated, c.Values)
	}
	if got := c.Insertions[0].Region.Max.X; got != 0.05 {
		t.Errorf("region max x = %g, want 0.05", got)
	}
	// A later --set back in range clears the mark.
	c, err = LoadBytes("test.yaml", []byte(baseCase), dir, Options{Set: []string{"width=0.05", "width=0.03"}, AllowExtrapolation: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Extrapolated) != 0 || c.Values["width"] != 0.03 {
		t.Errorf("Extrapolated = %v, Values = %v", c.Extrapolated, c.Values)
	}
}

// TestAllErrorsReported checks that independent mistakes are all listed.
func TestAllErrorsReported(t *testing.T) {
	src := strings.NewReplacer("poisson: 0.22", "poisson: 0.7", "friction: 0.5", "friction: -1", "duration: 0.1", "duration: 0").Replace(baseCase)
	_, err := LoadBytes("test.yaml", []byte(src), caseDir(t), Options{})
	var es Errors
	if !errors.As(err, &es) || len(es) != 3 {
		t.Fatalf("got %d errors, want 3:\n%v", len(es), err)
	}
	for i, want := range []string{"poisson", "steel.friction", "duration"} {
		if !strings.Contains(es[i].Path, want) {
			t.Errorf("error %d is %v, want one about %s", i, es[i], want)
		}
	}
}

func TestInteractionOverride(t *testing.T) {
	src := baseCase + "interactions:\n  - materials: [steel, glass]\n    friction: 0.1\n"
	c, err := LoadBytes("test.yaml", []byte(src), caseDir(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	eGlass, eSteel := 0.9, 0.8
	want := Interaction{Restitution: (eGlass + eSteel) / 2, Friction: 0.1}
	if got := c.Interaction(0, 1); got != want {
		t.Errorf("glass-steel interaction %+v, want %+v (unset coefficients mixed)", got, want)
	}
	if got := c.Interaction(0, 0); got.Friction != 0.3 {
		t.Errorf("glass-glass friction %g, want 0.3", got.Friction)
	}
}

// TestEmbeddedRoundTrip checks that the bytes `cases show` prints load
// back into the same case.
func TestEmbeddedRoundTrip(t *testing.T) {
	for _, s := range List() {
		data, err := EmbeddedYAML(s.Name)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		path := filepath.Join(dir, s.Name+".yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		fromFile, err := Load(path, Options{})
		if err != nil {
			t.Fatalf("%s written out does not load: %v", s.Name, err)
		}
		embedded, err := Load(s.Name, Options{})
		if err != nil {
			t.Fatal(err)
		}
		fromFile.Source = embedded.Source
		if !reflect.DeepEqual(fromFile, embedded) {
			t.Errorf("%s: the written-out file loads differently from the embedded case", s.Name)
		}
	}
}

func TestLoadNames(t *testing.T) {
	if _, err := Load("hoper", Options{}); err == nil || !strings.Contains(err.Error(), `did you mean "hopper"?`) {
		t.Errorf("Load(hoper): %v", err)
	}
	if _, err := Load("drum.yaml", Options{}); err == nil || !strings.Contains(err.Error(), "the embedded case is named drum, without .yaml") {
		t.Errorf("Load(drum.yaml) without such a file: %v", err)
	}
	if _, err := EmbeddedYAML("../go.mod"); err == nil {
		t.Error("EmbeddedYAML reads outside the embedded cases")
	}
	if _, err := Load(filepath.Join(t.TempDir(), "none.yaml"), Options{}); err == nil || !strings.Contains(err.Error(), "none.yaml") {
		t.Errorf("Load of a missing file: %v", err)
	}
	names := []string{}
	for _, s := range List() {
		names = append(names, s.Name)
	}
	if want := []string{"box", "cavity", "column", "cylinder", "drum", "hopper", "hopper_cone", "hopper_slot"}; !slices.Equal(names, want) {
		t.Errorf("List() names %v, want %v", names, want)
	}
}

func TestAnchorsAndAuto(t *testing.T) {
	src := strings.NewReplacer(
		"  glass:\n", "  glass: &beads\n",
		"  steel:\n    density: 7800\n    youngs_modulus: 200e9\n    poisson: 0.3\n    restitution: 0.8\n    friction: 0.5\n",
		"  steel: *beads\n",
		"  duration: 0.1\n", "  duration: 0.1\n  time_step: Auto\n",
	).Replace(baseCase)
	c, err := LoadBytes("test.yaml", []byte(src), caseDir(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Materials[1].Name != "steel" || c.Materials[1].Density != 2500 {
		t.Errorf("aliased material %+v, want glass's values", c.Materials[1])
	}
	if c.Solver.TimeStep != 0 {
		t.Errorf("time_step: Auto gave %g, want 0 (automatic)", c.Solver.TimeStep)
	}
}
