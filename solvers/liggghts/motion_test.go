package liggghts

import (
	"bufio"
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
)

// A box wall that translates and rotates at once ends where the case's
// motion puts it: x(t) = R(t)(x0 - P) + P + V t, with R(t) the rotation
// by angular speed times t about the axis through P. LIGGGHTS writes the
// moved mesh with dump mesh/stl, which prints 6 significant digits, so
// every vertex must lie within 2 um of a vertex of the box moved by that
// formula. Composing the motions in the other order would move the box
// by centimetres.
func TestMeshMotionMatchesCase(t *testing.T) {
	requireLIGGGHTS(t)
	c := testCase(softMaterial)
	c.Domain = cases.Domain{Min: r3.Vec{X: -0.4, Y: -0.4, Z: -0.4}, Max: r3.Vec{X: 0.4, Y: 0.4, Z: 0.4}}
	motion := cases.Motion{
		Velocity:     r3.Vec{X: 0.3, Y: -0.1, Z: 0.2},
		AngularSpeed: -4,
		RotationAxis: r3.Unit(r3.Vec{X: 1, Y: 2, Z: 2}),
		AxisPoint:    r3.Vec{X: 0.1, Y: 0.05},
	}
	lo, hi := r3.Vec{X: -0.1, Y: -0.05, Z: -0.02}, r3.Vec{X: 0.1, Y: 0.05, Z: 0.02}
	c.Walls = []cases.Wall{{Name: "paddle", Type: cases.WallBox, Min: lo, Max: hi, Motion: motion}}
	c.Solver = cases.SolverSettings{TimeStep: 1e-4, Duration: 0.5, OutputInterval: 0.5}
	far := frameOf(softMaterial, 0.01, []r3.Vec{{X: 0.35, Y: 0.35, Z: 0.35}}, []r3.Vec{{}})
	in, err := Translate(c, ScriptOptions{Initial: far})
	if err != nil {
		t.Fatal(err)
	}
	run := strings.Index(in.Script, "\nrun ")
	in.Script = in.Script[:run] + "\ndump meshes all mesh/stl 5000 mesh.*.stl wall_0_mesh" + in.Script[run:]

	dir := t.TempDir()
	if err := in.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	exe, _ := FindExecutable("")
	cmd := exec.Command(exe, "-in", ScriptName, "-echo", "none", "-log", "log.liggghts")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log.liggghts"))
		t.Fatalf("LIGGGHTS: %v\n%s\n%s", err, out, log)
	}
	got := stlVertices(t, filepath.Join(dir, "mesh.5000.stl"))

	// Rodrigues' rotation formula for the angle omega t about the unit
	// axis k: v cos + (k x v) sin + k (k . v)(1 - cos).
	const elapsed = 0.5
	angle := motion.AngularSpeed * elapsed
	k := motion.RotationAxis
	move := func(x r3.Vec) r3.Vec {
		v := r3.Sub(x, motion.AxisPoint)
		rot := r3.Add(r3.Add(r3.Scale(math.Cos(angle), v), r3.Scale(math.Sin(angle), r3.Cross(k, v))),
			r3.Scale(r3.Dot(k, v)*(1-math.Cos(angle)), k))
		return r3.Add(r3.Add(rot, motion.AxisPoint), r3.Scale(elapsed, motion.Velocity))
	}
	var want []r3.Vec
	for _, tri := range boxTriangles(lo, hi) {
		for _, p := range tri {
			want = append(want, move(p))
		}
	}
	if len(got) != len(want) {
		t.Fatalf("dumped mesh has %d vertices, want %d", len(got), len(want))
	}
	for _, p := range got {
		best := math.Inf(1)
		for _, q := range want {
			best = min(best, r3.Norm(r3.Sub(p, q)))
		}
		if best > 2e-6 {
			t.Errorf("dumped vertex %v is %g m from every vertex of the moved box", p, best)
		}
	}
}

// stlVertices returns every vertex of an ASCII STL file.
func stlVertices(t *testing.T, path string) []r3.Vec {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var vs []r3.Vec
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 4 || f[0] != "vertex" {
			continue
		}
		var c [3]float64
		for i := range 3 {
			if c[i], err = strconv.ParseFloat(f[i+1], 64); err != nil {
				t.Fatalf("%s: vertex %q: %v", path, sc.Text(), err)
			}
		}
		vs = append(vs, r3.Vec{X: c[0], Y: c[1], Z: c[2]})
	}
	return vs
}
