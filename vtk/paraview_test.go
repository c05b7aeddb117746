package vtk

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neusim/neusim/particles"
)

// TestSeriesOpenedByParaView opens the .pvd collections of a series with
// ParaView's PVDReader through pvbatch, when ParaView is installed, and
// checks the time steps, point counts and array names at every step.
func TestSeriesOpenedByParaView(t *testing.T) {
	pvbatch, err := exec.LookPath("pvbatch")
	if err != nil {
		t.Skip("pvbatch (ParaView) not installed; the VTK reader tests cover the file contents")
	}
	if out, err := exec.Command(pvbatch, "testdata/pvdcheck.py").CombinedOutput(); err != nil {
		t.Skipf("pvbatch cannot import paraview.simple (install python3-paraview): %v\n%s", err, out)
	}
	dir := t.TempDir()
	s, err := NewSeries(dir, SeriesOptions{Case: seriesCase(), Fields: true, CellSize: 0.004, KernelWidth: 0.003})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(10, 10))
	var frames []*particles.Frame
	for i := range 3 {
		f := testFrame(rng, int64(i)*2, 30+10*i, i == 2)
		frames = append(frames, f)
		if err := s.WriteFrame(f); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	files := []string{filepath.Join(dir, "particles.pvd"), filepath.Join(dir, "walls.pvd"), filepath.Join(dir, "fields.pvd")}
	cmd := exec.Command(pvbatch, append([]string{"testdata/pvdcheck.py"}, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pvbatch: %v\n%s", err, stderr.String())
	}
	_, payload, ok := strings.Cut(string(out), "PVDCHECK")
	if !ok {
		t.Fatalf("pvbatch printed no result:\n%s\n%s", out, stderr.String())
	}
	var sets []struct {
		Times []float64 `json:"times"`
		Steps []struct {
			Time        float64  `json:"time"`
			Points      int      `json:"points"`
			Cells       int      `json:"cells"`
			PointArrays []string `json:"point_arrays"`
			CellArrays  []string `json:"cell_arrays"`
		} `json:"steps"`
	}
	if err := json.Unmarshal([]byte(payload), &sets); err != nil {
		t.Fatal(err)
	}

	var times []float64
	for _, f := range frames {
		times = append(times, f.Time)
	}
	for i, set := range sets {
		if !slices.Equal(set.Times, times) {
			t.Errorf("%s: ParaView time steps %v, want %v", files[i], set.Times, times)
		}
	}
	for k, st := range sets[0].Steps {
		f := frames[k]
		want := []string{"angular_velocity", "id", "mass", "material", "radius", "velocity"}
		if f.Entity != nil {
			want = []string{"angular_velocity", "entity", "id", "mass", "material", "radius", "velocity"}
		}
		if st.Points != f.Len() || st.Cells != f.Len() || !slices.Equal(st.PointArrays, want) {
			t.Errorf("particles at t = %g s: %d points, %d cells, arrays %v; want %d, %d, %v",
				st.Time, st.Points, st.Cells, st.PointArrays, f.Len(), f.Len(), want)
		}
	}
	for _, st := range sets[1].Steps {
		if st.Cells == 0 || !slices.Equal(st.CellArrays, []string{"material", "wall"}) {
			t.Errorf("walls at t = %g s: %d cells, cell arrays %v", st.Time, st.Cells, st.CellArrays)
		}
	}
	for _, st := range sets[2].Steps {
		if st.Points == 0 || !slices.Equal(st.PointArrays, []string{"density", "kinetic_stress", "solid_fraction", "velocity"}) {
			t.Errorf("fields at t = %g s: %d points, point arrays %v", st.Time, st.Points, st.PointArrays)
		}
	}
}
