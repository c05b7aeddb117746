package vtk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/fields"
	"github.com/neusim/neusim/mesh"
	"github.com/neusim/neusim/particles"
)

// systemPython is the interpreter that Debian's python3-vtk9 installs
// for; the python3 first on PATH may be another one.
const systemPython = "/usr/bin/python3"

// vtkPython returns the interpreter with VTK's Python module, or skips
// the test when there is none, unless the CI environment variable is
// "true", where a missing reader fails the test.
func vtkPython(t *testing.T) string {
	t.Helper()
	err := exec.Command(systemPython, "-c", "import vtk, vtk.util.numpy_support").Run()
	if err == nil {
		return systemPython
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("VTK's Python reader is required when CI=true: %s -c 'import vtk' failed: %v (install python3-vtk9)", systemPython, err)
	}
	t.Skipf("VTK's Python reader not available (%v); install python3-vtk9 to run this test", err)
	return ""
}

type vtkArray struct {
	Type       string    `json:"type"`
	Components int       `json:"components"`
	Tuples     int       `json:"tuples"`
	Values     []float64 `json:"values"`
	Strings    []string  `json:"strings"`
}

type vtkDataSet struct {
	File       string              `json:"file"`
	Class      string              `json:"class"`
	Points     int                 `json:"points"`
	Cells      int                 `json:"cells"`
	PointData  map[string]vtkArray `json:"point_data"`
	CellData   map[string]vtkArray `json:"cell_data"`
	FieldData  map[string]vtkArray `json:"field_data"`
	Coords     []float64           `json:"coords"`
	CellPoints [][]int64           `json:"cell_points"`
	Dims       []int               `json:"dims"`
	Origin     []float64           `json:"origin"`
	Spacing    []float64           `json:"spacing"`
	Timestep   float64             `json:"timestep"`
	Series     []vtkDataSet        `json:"series"`
}

// readWithVTK runs VTK's XML readers on the files and decodes what they
// read.
func readWithVTK(t *testing.T, files ...string) []vtkDataSet {
	t.Helper()
	py := vtkPython(t)
	cmd := exec.Command(py, append([]string{"testdata/readvtk.py"}, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("VTK reader failed: %v\n%s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("VTK reader printed to stderr:\n%s", stderr.String())
	}
	var sets []vtkDataSet
	if err := json.Unmarshal(out, &sets); err != nil {
		t.Fatal(err)
	}
	return sets
}

func testFrame(rng *rand.Rand, step int64, n int, withEntity bool) *particles.Frame {
	f := &particles.Frame{Step: step, Time: float64(step) * 1e-4}
	f.Resize(n)
	vec := func(s float64) r3.Vec {
		return r3.Vec{X: s * rng.NormFloat64(), Y: s * rng.NormFloat64(), Z: s * rng.NormFloat64()}
	}
	for i := range n {
		f.ID[i] = int64(1000 + 7*i)
		f.Pos[i] = r3.Add(r3.Vec{X: 0.05, Y: 0.05, Z: 0.05}, vec(0.01))
		f.Vel[i], f.Omega[i] = vec(1), vec(100)
		f.Radius[i] = 0.001 + 0.0005*rng.Float64()
		f.Mass[i] = 2500 * 4 / 3 * math.Pi * math.Pow(f.Radius[i], 3)
		f.Material[i] = int32(i % 3)
	}
	if withEntity {
		f.Entity = make([]int32, n)
		for i := range f.Entity {
			f.Entity[i] = int32(i%5) - 1
		}
	}
	f.OutletCount = []int64{step, 2 * step}
	f.OutletMass = []float64{float64(step) * 1e-3, 0.5}
	return f
}

func flatVecs(v []r3.Vec) []float64 {
	out := make([]float64, 0, 3*len(v))
	for _, p := range v {
		out = append(out, p.X, p.Y, p.Z)
	}
	return out
}

func toFloats[T int32 | int64 | float64](v []T) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

func checkArray(t *testing.T, where, name string, got vtkArray, components int, want []float64) {
	t.Helper()
	if got.Components != components {
		t.Errorf("%s: %s has %d components, want %d", where, name, got.Components, components)
	}
	if !slices.Equal(got.Values, want) {
		t.Errorf("%s: %s values differ from those written (%d values read, %d written)", where, name, len(got.Values), len(want))
	}
}

func checkParticles(t *testing.T, where string, ds vtkDataSet, f *particles.Frame) {
	t.Helper()
	n := f.Len()
	if ds.Class != "vtkPolyData" || ds.Points != n || ds.Cells != n {
		t.Errorf("%s: %s with %d points and %d cells, want vtkPolyData with %d of each", where, ds.Class, ds.Points, ds.Cells, n)
	}
	if !slices.Equal(ds.Coords, flatVecs(f.Pos)) {
		t.Errorf("%s: point coordinates differ from the positions written", where)
	}
	for i, c := range ds.CellPoints {
		if len(c) != 2 || c[0] != 1 || c[1] != int64(i) {
			t.Fatalf("%s: cell %d is %v, want a vertex (type 1) of point %d", where, i, c, i)
		}
	}
	checkArray(t, where, "velocity", ds.PointData["velocity"], 3, flatVecs(f.Vel))
	checkArray(t, where, "angular_velocity", ds.PointData["angular_velocity"], 3, flatVecs(f.Omega))
	checkArray(t, where, "radius", ds.PointData["radius"], 1, f.Radius)
	checkArray(t, where, "mass", ds.PointData["mass"], 1, f.Mass)
	checkArray(t, where, "id", ds.PointData["id"], 1, toFloats(f.ID))
	checkArray(t, where, "material", ds.PointData["material"], 1, toFloats(f.Material))
	if e, ok := ds.PointData["entity"]; ok != (f.Entity != nil) {
		t.Errorf("%s: entity array present = %v, want %v", where, ok, f.Entity != nil)
	} else if ok {
		checkArray(t, where, "entity", e, 1, toFloats(f.Entity))
	}
	checkArray(t, where, "TimeValue", ds.FieldData["TimeValue"], 1, []float64{f.Time})
	checkArray(t, where, "step", ds.FieldData["step"], 1, []float64{float64(f.Step)})
	checkArray(t, where, "outlet_count", ds.FieldData["outlet_count"], 1, toFloats(f.OutletCount))
	checkArray(t, where, "outlet_mass", ds.FieldData["outlet_mass"], 1, f.OutletMass)
	if u := ds.FieldData["units"].Strings; !slices.Equal(u, particleUnitsFor(f)) {
		t.Errorf("%s: units %q, want %q", where, u, particleUnitsFor(f))
	}
}

func TestParticlesReadByVTK(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	dir := t.TempDir()
	var files []string
	var frames []*particles.Frame
	for i, c := range []struct {
		n      int
		entity bool
		enc    Encoding
	}{{50, false, Raw}, {50, true, Base64}, {0, false, Raw}, {1, true, Raw}, {0, true, Base64}} {
		f := testFrame(rng, int64(10*i), c.n, c.entity)
		if i == 3 {
			f.OutletCount, f.OutletMass = nil, nil // a case without outlets
		}
		path := filepath.Join(dir, fmt.Sprintf("p%d.vtp", i))
		if err := WriteParticles(path, f, c.enc); err != nil {
			t.Fatal(err)
		}
		files, frames = append(files, path), append(frames, f)
	}
	for i, ds := range readWithVTK(t, files...) {
		checkParticles(t, files[i], ds, frames[i])
	}
}

func TestTrianglesReadByVTK(t *testing.T) {
	m := &TriangleMesh{
		Points:    []r3.Vec{{X: 0}, {X: 1}, {Y: 1}, {Z: 1}},
		Triangles: [][3]int32{{0, 1, 2}, {0, 1, 3}, {1, 2, 3}},
		Wall:      []int32{0, 0, 1},
		Material:  []int32{2, 2, 5},
		Names:     []string{"floor", "side"},
	}
	dir := t.TempDir()
	var files []string
	for _, enc := range []Encoding{Raw, Base64} {
		path := filepath.Join(dir, fmt.Sprintf("w%d.vtu", enc))
		if err := WriteTriangles(path, m, 0.25, enc); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
	}
	for _, ds := range readWithVTK(t, files...) {
		if ds.Class != "vtkUnstructuredGrid" || ds.Points != 4 || ds.Cells != 3 {
			t.Errorf("%s: %s with %d points and %d cells, want vtkUnstructuredGrid with 4 and 3", ds.File, ds.Class, ds.Points, ds.Cells)
		}
		if !slices.Equal(ds.Coords, flatVecs(m.Points)) {
			t.Errorf("%s: point coordinates differ", ds.File)
		}
		for i, c := range ds.CellPoints {
			want := []int64{vtkTriangle, int64(m.Triangles[i][0]), int64(m.Triangles[i][1]), int64(m.Triangles[i][2])}
			if !slices.Equal(c, want) {
				t.Errorf("%s: cell %d is %v, want %v", ds.File, i, c, want)
			}
		}
		checkArray(t, ds.File, "wall", ds.CellData["wall"], 1, toFloats(m.Wall))
		checkArray(t, ds.File, "material", ds.CellData["material"], 1, toFloats(m.Material))
		checkArray(t, ds.File, "TimeValue", ds.FieldData["TimeValue"], 1, []float64{0.25})
		if u := ds.FieldData["units"].Strings; !slices.Contains(u, "wall 1=side") {
			t.Errorf("%s: units %q do not name wall 1", ds.File, u)
		}
	}
}

func TestImageDataReadByVTK(t *testing.T) {
	g, err := mesh.NewGrid(4, 3, 2, 0.01, r3.Vec{X: -0.02, Y: 0.005, Z: 1})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2, 2))
	fill := func(f mesh.Field) mesh.Field {
		for i := range f.Data {
			f.Data[i] = rng.NormFloat64()
		}
		return f
	}
	fs := []mesh.Field{
		fill(mesh.NewField(g, "density", "kg/m^3", 1, mesh.AtPoints)),
		fill(mesh.NewField(g, "velocity", "m/s", 3, mesh.AtPoints)),
		fill(mesh.NewField(g, "stress", "Pa", 9, mesh.AtPoints)),
		fill(mesh.NewField(g, "pressure", "Pa", 1, mesh.AtCells)),
	}
	dir := t.TempDir()
	var files []string
	for _, enc := range []Encoding{Raw, Base64} {
		path := filepath.Join(dir, fmt.Sprintf("f%d.vti", enc))
		if err := WriteImageData(path, g, fs, 1.5, enc); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
	}
	for _, ds := range readWithVTK(t, files...) {
		if !slices.Equal(ds.Dims, g.Dims[:]) || !slices.Equal(ds.Origin, []float64{g.Origin.X, g.Origin.Y, g.Origin.Z}) ||
			!slices.Equal(ds.Spacing, []float64{g.Spacing, g.Spacing, g.Spacing}) {
			t.Errorf("%s: dims %v origin %v spacing %v, want %v %v %g", ds.File, ds.Dims, ds.Origin, ds.Spacing, g.Dims, g.Origin, g.Spacing)
		}
		if ds.Points != g.Len() || ds.Cells != g.CellCount() {
			t.Errorf("%s: %d points and %d cells, want %d and %d", ds.File, ds.Points, ds.Cells, g.Len(), g.CellCount())
		}
		for _, f := range fs[:3] {
			checkArray(t, ds.File, f.Name, ds.PointData[f.Name], f.Components, f.Data)
		}
		checkArray(t, ds.File, "pressure", ds.CellData["pressure"], 1, fs[3].Data)
		checkArray(t, ds.File, "TimeValue", ds.FieldData["TimeValue"], 1, []float64{1.5})
	}
}

// seriesCase is a case with a floor plane, a box, a rotating cylinder and
// a gate removed at 2.5e-4 s.
func seriesCase() *cases.Case {
	return &cases.Case{
		Name:   "series",
		Domain: cases.Domain{Min: r3.Vec{}, Max: r3.Vec{X: 0.1, Y: 0.1, Z: 0.1}},
		Walls: []cases.Wall{
			{Name: "floor", Type: cases.WallPlane, Point: r3.Vec{Z: 0.001}, Normal: r3.Vec{Z: 1}},
			{Name: "box", Type: cases.WallBox, Min: r3.Vec{X: 0.01, Y: 0.01, Z: 0.01}, Max: r3.Vec{X: 0.09, Y: 0.09, Z: 0.09}, Material: 1},
			{Name: "drum", Type: cases.WallCylinder, Base: r3.Vec{X: 0.05, Y: 0.05}, Axis: r3.Vec{Z: 1}, Radius: 0.04, Length: 0.1,
				Motion: cases.Motion{AngularSpeed: 100, RotationAxis: r3.Vec{Z: 1}, AxisPoint: r3.Vec{X: 0.05, Y: 0.05}}},
			{Name: "gate", Type: cases.WallPlane, Point: r3.Vec{Z: 0.05}, Normal: r3.Vec{Z: 1}, RemovedAt: 2.5e-4},
		},
	}
}

func TestSeriesReadByVTK(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, enc := range []Encoding{Raw, Base64} {
		dir := t.TempDir()
		c := seriesCase()
		s, err := NewSeries(dir, SeriesOptions{Case: c, Fields: true, CellSize: 0.004, KernelWidth: 0.003, Encoding: enc})
		if err != nil {
			t.Fatal(err)
		}
		var frames []*particles.Frame
		for i := range 4 {
			f := testFrame(rng, int64(i), 40+i, i%2 == 1)
			if err := s.WriteFrame(f); err != nil {
				t.Fatal(err)
			}
			frames = append(frames, f)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}

		sets := readWithVTK(t, filepath.Join(dir, "particles.pvd"), filepath.Join(dir, "walls.pvd"), filepath.Join(dir, "fields.pvd"))
		parts, walls, flds := sets[0].Series, sets[1].Series, sets[2].Series
		if len(parts) != len(frames) || len(walls) != len(frames) || len(flds) != len(frames) {
			t.Fatalf("series lengths %d, %d, %d, want %d each", len(parts), len(walls), len(flds), len(frames))
		}
		for i, f := range frames {
			where := fmt.Sprintf("encoding %d frame %d", enc, i)
			if parts[i].Timestep != f.Time || walls[i].Timestep != f.Time || flds[i].Timestep != f.Time {
				t.Errorf("%s: timesteps %g, %g, %g, want %g", where, parts[i].Timestep, walls[i].Timestep, flds[i].Timestep, f.Time)
			}
			checkParticles(t, where, parts[i], f)
			checkWalls(t, where, walls[i], c, f.Time)
			checkFields(t, where, flds[i], f)
		}
	}
}

// checkWalls compares the wall file of one frame with the walls of c
// triangulated at time t.
func checkWalls(t *testing.T, where string, ds vtkDataSet, c *cases.Case, time float64) {
	t.Helper()
	var want []float64
	for i := range c.Walls {
		w, err := mesh.NewWall(c.Walls[i])
		if err != nil {
			t.Fatal(err)
		}
		if !w.Active(time) {
			continue
		}
		w.SetPlaneExtent(c.Domain.Min, c.Domain.Max)
		pts, _ := mesh.Triangulate(w, time, 0)
		want = append(want, flatVecs(pts)...)
	}
	if !slices.Equal(ds.Coords, want) {
		t.Errorf("%s: wall points at t = %g s differ from the walls triangulated then (%d coordinates read, %d expected)", where, time, len(ds.Coords), len(want))
	}
	gate := slices.Contains(ds.CellData["wall"].Values, 3)
	if gate != (time < 2.5e-4) {
		t.Errorf("%s: gate drawn = %v at t = %g s, want %v", where, gate, time, time < 2.5e-4)
	}
}

// checkFields compares the fields file of one frame with CoarseGrain run
// directly.
func checkFields(t *testing.T, where string, ds vtkDataSet, f *particles.Frame) {
	t.Helper()
	opt := fields.Options{Width: 0.003}
	g, err := fields.CoveringGrid(f, 0.004, opt)
	if err != nil {
		t.Fatal(err)
	}
	res, err := fields.CoarseGrain(f, g, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ds.Dims, g.Dims[:]) {
		t.Errorf("%s: fields dims %v, want %v", where, ds.Dims, g.Dims)
	}
	for _, fl := range res.Fields() {
		checkArray(t, where, fl.Name, ds.PointData[fl.Name], fl.Components, fl.Data)
	}
}
