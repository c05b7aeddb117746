package trajectory

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/particles"
)

// arrowcheck is the folder with the JavaScript readers; "npm ci" there
// installs them.
const arrowcheck = "../tools/arrowcheck"

// nodeReader returns the path of node when it and the npm package pkg
// are installed in arrowcheck. Otherwise it skips the test, or fails it
// when the CI environment variable is "true".
func nodeReader(t *testing.T, pkg string) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(arrowcheck, "node_modules", pkg, "package.json"))
	}
	if err == nil {
		return node
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("the JavaScript reader is required when CI=true: %v (run npm ci in tools/arrowcheck)", err)
	}
	t.Skipf("JavaScript reader not available (%v); run npm ci in tools/arrowcheck", err)
	return ""
}

type jsTrajectory struct {
	Fields []struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"fields"`
	Metadata map[string]string `json:"metadata"`
	Batches  []struct {
		Rows     int                          `json:"rows"`
		Metadata map[string]string            `json:"metadata"`
		Columns  map[string][]json.RawMessage `json:"columns"`
	} `json:"batches"`
}

// numbers decodes a column printed by readarrow.mjs, where 64-bit
// integers are strings.
func numbers(t *testing.T, raw []json.RawMessage) []float64 {
	t.Helper()
	out := make([]float64, len(raw))
	for i, r := range raw {
		s := string(r)
		if uq, err := strconv.Unquote(s); err == nil {
			s = uq
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("value %s: %v", r, err)
		}
		out[i] = v
	}
	return out
}

// TestReadByApacheArrowJS writes a trajectory and reads it with the
// apache-arrow npm package, an Arrow implementation independent of
// arrow-go.
func TestReadByApacheArrowJS(t *testing.T) {
	node := nodeReader(t, "apache-arrow")
	rng := rand.New(rand.NewPCG(9, 9))
	var frames []*particles.Frame
	for i, n := range []int{6, 0, 3} {
		f := randomFrame(rng, int64(i*100), n, true, 2)
		for j := range f.Pos {
			// JSON has no NaN or infinity, so keep to finite values.
			f.Pos[j].X, f.Radius[j] = rng.NormFloat64(), rng.Float64()
			f.Pos[j].Y, f.Pos[j].Z = rng.NormFloat64(), rng.NormFloat64()
			f.Vel[j].X, f.Vel[j].Y, f.Vel[j].Z = rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
			f.Omega[j].X, f.Omega[j].Y, f.Omega[j].Z = rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
			f.Mass[j] = rng.Float64()
		}
		frames = append(frames, f)
	}
	path := filepath.Join(t.TempDir(), "run.arrows")
	writeFrames(t, path, Meta{Case: "hopper", Solver: "dem", Parameters: map[string]float64{"outlet_width": 0.045}}, frames)

	script, _ := filepath.Abs(filepath.Join(arrowcheck, "readarrow.mjs"))
	cmd := exec.Command(node, script, path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("readarrow.mjs: %v\n%s", err, stderr.String())
	}
	var js jsTrajectory
	if err := json.Unmarshal(out, &js); err != nil {
		t.Fatal(err)
	}

	var names []string
	for _, f := range js.Fields {
		names = append(names, f.Name)
	}
	want := []string{ColID, ColPosition, ColVelocity, ColOmega, ColRadius, ColMass, ColMaterial, ColEntity}
	if !slices.Equal(names, want) {
		t.Errorf("columns %v, want %v", names, want)
	}
	if js.Metadata[keyCase] != "hopper" || js.Metadata[keyParams] != `{"outlet_width":0.045}` {
		t.Errorf("schema metadata %v lacks the case or the parameters", js.Metadata)
	}
	if len(js.Batches) != len(frames) {
		t.Fatalf("%d batches, want %d", len(js.Batches), len(frames))
	}
	for i, f := range frames {
		b := js.Batches[i]
		if b.Rows != f.Len() || b.Metadata[keyStep] != strconv.FormatInt(f.Step, 10) || b.Metadata[keyTime] != strconv.FormatFloat(f.Time, 'g', -1, 64) {
			t.Errorf("batch %d: %d rows, metadata %v; want %d rows, step %d, time %g", i, b.Rows, b.Metadata, f.Len(), f.Step, f.Time)
		}
		for _, c := range []struct {
			name string
			want []float64
		}{
			{ColPosition, vecFloats(f.Pos)}, {ColVelocity, vecFloats(f.Vel)}, {ColOmega, vecFloats(f.Omega)},
			{ColRadius, f.Radius}, {ColMass, f.Mass}, {ColMaterial, floats(f.Material)}, {ColEntity, floats(f.Entity)},
		} {
			got := numbers(t, b.Columns[c.name])
			if len(got) != len(c.want) || (len(got) > 0 && !slices.Equal(got, c.want)) {
				t.Errorf("batch %d column %s: apache-arrow read %v, want %v", i, c.name, got, c.want)
			}
		}

		// 64-bit ids are compared as decimal strings, exactly.
		var ids []string
		for _, r := range b.Columns[ColID] {
			var s string
			if err := json.Unmarshal(r, &s); err != nil {
				t.Fatalf("batch %d: id %s is not a decimal string: %v", i, r, err)
			}
			ids = append(ids, s)
		}
		for j, id := range f.ID {
			if j >= len(ids) || ids[j] != strconv.FormatInt(id, 10) {
				t.Errorf("batch %d: ids %v, want %v", i, ids, f.ID)
				break
			}
		}
	}
}

func floats[T int32 | int64](v []T) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

func vecFloats(v []r3.Vec) []float64 {
	out := make([]float64, 0, 3*len(v))
	for _, p := range v {
		out = append(out, p.X, p.Y, p.Z)
	}
	return out
}
