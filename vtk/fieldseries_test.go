package vtk

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/mesh"
	"github.com/neusim/neusim/solvers/lbm"
)

var _ lbm.FieldSink = (*FieldSeries)(nil)

// A small lid-driven cavity with a solid block runs through a
// FieldSeries, and VTK's reader sees every frame's time and the arrays
// the solver sent.
func TestFieldSeriesReadByVTK(t *testing.T) {
	for _, enc := range []Encoding{Raw, Base64} {
		g, err := mesh.NewGrid(12, 10, 1, 0.01, r3.Vec{X: 0.005, Y: 0.005})
		if err != nil {
			t.Fatal(err)
		}
		g.MarkSolid(mesh.SolidBox{Min: r3.Vec{X: 0.04, Y: 0, Z: -1}, Max: r3.Vec{X: 0.06, Y: 0.03, Z: 1}})
		cfg := lbm.Config{
			Grid: g, Collision: lbm.TRT, TimeStep: 0.05, Duration: 2, OutputInterval: 0.5,
			Viscosity: 1e-4, Density: 1000, Faces: [6]lbm.Face{lbm.YMax: {Kind: lbm.Wall, Velocity: r3.Vec{X: 0.01}}},
			Workers: 1,
		}
		dir := filepath.Join(t.TempDir(), "out")
		s, err := NewFieldSeries(dir, g, enc)
		if err != nil {
			t.Fatal(err)
		}
		var times []float64
		var sent [][]mesh.Field
		sink := lbm.FieldSinkFunc(func(step int64, time float64, fields []mesh.Field) error {
			times = append(times, time)
			var copied []mesh.Field
			for _, f := range fields {
				f.Data = slices.Clone(f.Data)
				copied = append(copied, f)
			}
			sent = append(sent, copied)
			return s.WriteFields(step, time, fields)
		})
		if err := lbm.Run(context.Background(), cfg, sink, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if s.Len() != 5 || len(times) != 5 {
			t.Fatalf("%d frames written, %d sent, want 5 (t = 0, 0.5, ..., 2 s)", s.Len(), len(times))
		}

		series := readWithVTK(t, filepath.Join(dir, "fields.pvd"))[0].Series
		if len(series) != len(times) {
			t.Fatalf("encoding %d: fields.pvd lists %d frames, want %d", enc, len(series), len(times))
		}
		for i, ds := range series {
			where := fmt.Sprintf("encoding %d frame %d", enc, i)
			if ds.File != fmt.Sprintf("fields_%06d.vti", i) || ds.Timestep != times[i] {
				t.Errorf("%s: file %s at %g s, want fields_%06d.vti at %g s", where, ds.File, ds.Timestep, i, times[i])
			}
			if !slices.Equal(ds.Dims, g.Dims[:]) || ds.Points != g.Len() {
				t.Errorf("%s: dims %v with %d points, want %v", where, ds.Dims, ds.Points, g.Dims)
			}
			for _, f := range sent[i] {
				checkArray(t, where, f.Name, ds.PointData[f.Name], f.Components, f.Data)
			}
			checkArray(t, where, "TimeValue", ds.FieldData["TimeValue"], 1, []float64{times[i]})
		}
		last := sent[len(sent)-1][0].Data
		if slices.Max(last) == 0 {
			t.Errorf("encoding %d: the lid set no fluid in motion after 2 s", enc)
		}
	}
}

func TestFieldSeriesErrors(t *testing.T) {
	if _, err := NewFieldSeries(t.TempDir(), nil, Raw); err == nil {
		t.Error("nil grid accepted")
	}
	g, _ := mesh.NewGrid(3, 3, 1, 0.1, r3.Vec{})
	s, err := NewFieldSeries(t.TempDir(), g, Raw)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := mesh.NewGrid(4, 3, 1, 0.1, r3.Vec{})
	if err := s.WriteFields(7, 0, []mesh.Field{mesh.NewField(other, "p", "Pa", 1, mesh.AtPoints)}); err == nil {
		t.Error("field of another grid accepted")
	} else {
		t.Log(err)
	}
}
