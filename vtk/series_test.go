package vtk

import (
	"context"
	"encoding/xml"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/mesh"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
	"github.com/neusim/neusim/trajectory"
)

type pvdFile struct {
	DataSets []struct {
		Timestep float64 `xml:"timestep,attr"`
		File     string  `xml:"file,attr"`
	} `xml:"Collection>DataSet"`
}

func readPVD(t *testing.T, path string) pvdFile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var p pvdFile
	if err := xml.Unmarshal(data, &p); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return p
}

// TestSeriesUsableWithoutClose checks that a series whose writer never
// closes, as after a killed run, lists every frame written.
func TestSeriesUsableWithoutClose(t *testing.T) {
	dir := t.TempDir()
	s, err := NewSeries(dir, SeriesOptions{Case: seriesCase()})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	for i := range 3 {
		if err := s.WriteFrame(testFrame(rng, int64(i), 10, false)); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"particles.pvd", "walls.pvd"} {
		p := readPVD(t, filepath.Join(dir, name))
		if len(p.DataSets) != 3 {
			t.Errorf("%s lists %d data sets before Close, want 3", name, len(p.DataSets))
		}
		for _, d := range p.DataSets {
			if _, err := os.Stat(filepath.Join(dir, d.File)); err != nil {
				t.Errorf("%s refers to a missing file: %v", name, err)
			}
		}
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// TestStaticWallsWrittenOnce checks that walls that neither move nor
// disappear are written once and shared by every frame.
func TestStaticWallsWrittenOnce(t *testing.T) {
	c := seriesCase()
	c.Walls = c.Walls[:2] // floor and box: static
	dir := t.TempDir()
	s, err := NewSeries(dir, SeriesOptions{Case: c})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	for i := range 4 {
		s.WriteFrame(testFrame(rng, int64(i), 5, false))
	}
	s.Close()
	p := readPVD(t, filepath.Join(dir, "walls.pvd"))
	if len(p.DataSets) != 4 {
		t.Fatalf("walls.pvd lists %d data sets, want 4", len(p.DataSets))
	}
	for _, d := range p.DataSets {
		if d.File != "walls_000000.vtu" {
			t.Errorf("frame at t = %g s refers to %s, want walls_000000.vtu", d.Timestep, d.File)
		}
	}
}

// TestExportTrajectory writes a trajectory, exports it, and reads the
// series back with VTK's readers.
func TestExportTrajectory(t *testing.T) {
	dir := t.TempDir()
	traj := filepath.Join(dir, "run.arrows")
	w, err := trajectory.Create(traj, trajectory.Meta{Case: "series"})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(6, 6))
	var frames []*particles.Frame
	for i := range 3 {
		f := testFrame(rng, int64(i), 20, true)
		frames = append(frames, f)
		if err := w.WriteFrame(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(dir, "vtk")
	if err := ExportTrajectory(context.Background(), traj, out, ExportOptions{Fields: true, Case: seriesCase()}); err != nil {
		t.Fatal(err)
	}
	sets := readWithVTK(t, filepath.Join(out, "particles.pvd"), filepath.Join(out, "fields.pvd"), filepath.Join(out, "walls.pvd"))
	if len(sets[0].Series) != 3 || len(sets[1].Series) != 3 || len(sets[2].Series) != 3 {
		t.Fatalf("series lengths %d, %d, %d, want 3 each", len(sets[0].Series), len(sets[1].Series), len(sets[2].Series))
	}
	for i, f := range frames {
		checkParticles(t, "exported frame", sets[0].Series[i], f)
	}
}

func TestExportCancelled(t *testing.T) {
	dir := t.TempDir()
	traj := filepath.Join(dir, "run.arrows")
	w, _ := trajectory.Create(traj, trajectory.Meta{})
	rng := rand.New(rand.NewPCG(7, 7))
	w.WriteFrame(testFrame(rng, 0, 5, false))
	w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := ExportTrajectory(ctx, traj, filepath.Join(dir, "vtk"), ExportOptions{})
	if err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Errorf("cancelled export: err = %v, want context.Canceled", err)
	}
}

// TestExportReloadsCase exports a trajectory of the embedded hopper case
// without giving the case: the walls come from the case named in the
// trajectory's metadata, loaded with the stored parameter values.
func TestExportReloadsCase(t *testing.T) {
	c, err := cases.Load("hopper", cases.Options{})
	if err != nil {
		t.Skipf("embedded hopper case not available: %v", err)
	}
	dir := t.TempDir()
	traj := filepath.Join(dir, "run.arrows")
	w, err := trajectory.Create(traj, trajectory.MetaFromCase(c, "dem", "test"))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(8, 8))
	w.WriteFrame(testFrame(rng, 0, 10, false))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "vtk")
	if err := ExportTrajectory(context.Background(), traj, out, ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	p := readPVD(t, filepath.Join(out, "walls.pvd"))
	if len(p.DataSets) != 1 {
		t.Fatalf("walls.pvd lists %d data sets, want 1", len(p.DataSets))
	}
	data, err := os.ReadFile(filepath.Join(out, p.DataSets[0].File))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `NumberOfCells="`) || strings.Contains(string(data), `NumberOfCells="0"`) {
		t.Errorf("wall file has no triangles")
	}
}

var _ solvers.Sink = (*Series)(nil)

func TestSeriesFixedFieldsGrid(t *testing.T) {
	g, err := mesh.NewGrid(26, 26, 26, 0.004, r3.Vec{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s, err := NewSeries(dir, SeriesOptions{Fields: true, FieldsGrid: g, KernelWidth: 0.004})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(11, 11))
	for i := range 2 {
		if err := s.WriteFrame(testFrame(rng, int64(i), 20, false)); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	for _, name := range []string{"fields_000000.vti", "fields_000001.vti"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), `WholeExtent="0 25 0 25 0 25" Origin="0 0 0" Spacing="0.004 0.004 0.004"`) {
			t.Errorf("%s does not use the given grid", name)
		}
	}
}

// TestSeriesUnitsNameWrittenArrays checks that the unit comments of the
// collection and of each particle file list the entity array exactly
// when the frames carry entity ids.
func TestSeriesUnitsNameWrittenArrays(t *testing.T) {
	for _, entities := range []bool{false, true} {
		dir := t.TempDir()
		s, err := NewSeries(dir, SeriesOptions{})
		if err != nil {
			t.Fatal(err)
		}
		f := testFrame(rand.New(rand.NewPCG(5, 5)), 0, 10, false)
		if entities {
			f.Entity = make([]int32, f.Len())
		}
		if err := s.WriteFrame(f); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"particles.pvd", "particles_000000.vtp"} {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(string(data), "entity=1"); got != entities {
				t.Errorf("frame with entity ids %v: %s lists entity=1 %v", entities, name, got)
			}
			if !strings.Contains(string(data), "velocity=m/s") {
				t.Errorf("%s has no unit list", name)
			}
		}
	}
}
