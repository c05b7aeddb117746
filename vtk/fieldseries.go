package vtk

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/neusim/neusim/mesh"
)

// FieldSeries writes the fields of a grid run, such as a lattice
// Boltzmann run, as a time series that ParaView opens:
//
//	fields.pvd, fields_000000.vti, fields_000001.vti, ...
//
// It implements lbm.FieldSink. The grid is fixed for the whole series,
// and every frame is one ImageData file numbered in arrival order. The
// .pvd is rewritten as frames arrive, so a killed run leaves a series
// that ParaView opens up to the last frame written.
type FieldSeries struct {
	dir  string
	grid *mesh.Grid
	enc  Encoding
	pvd  *Collection
	n    int
}

// NewFieldSeries creates dir if needed and starts fields.pvd in it for
// fields over grid, written with encoding enc. Files of the same names in
// dir are replaced as frames arrive.
func NewFieldSeries(dir string, grid *mesh.Grid, enc Encoding) (*FieldSeries, error) {
	if grid == nil {
		return nil, fmt.Errorf("vtk: field series in %s: the grid is nil; pass the grid the fields are defined on", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("vtk: %w", err)
	}
	pvd, err := NewCollection(filepath.Join(dir, "fields.pvd"), "SI units: m, s, kg; field units are in each file's field data")
	if err != nil {
		return nil, err
	}
	return &FieldSeries{dir: dir, grid: grid, enc: enc, pvd: pvd}, nil
}

// WriteFields writes one frame, the fields at simulated time t in s, as
// fields_NNNNNN.vti and adds it to fields.pvd. step is the solver's step
// count, which error messages name. The fields must be defined on the
// series' grid.
func (s *FieldSeries) WriteFields(step int64, t float64, fields []mesh.Field) error {
	name := fmt.Sprintf("fields_%06d.vti", s.n)
	if err := WriteImageData(filepath.Join(s.dir, name), s.grid, fields, t, s.enc); err != nil {
		return fmt.Errorf("%w (frame at step %d)", err, step)
	}
	s.n++
	return s.pvd.Add(t, name)
}

// Len returns the number of frames written.
func (s *FieldSeries) Len() int { return s.n }

// Close writes the final fields.pvd.
func (s *FieldSeries) Close() error { return s.pvd.Close() }
