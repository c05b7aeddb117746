package vtk

import (
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/fields"
	"github.com/neusim/neusim/mesh"
	"github.com/neusim/neusim/particles"
)

// SeriesOptions configures a Series. The zero value writes particles only,
// as raw appended binary.
type SeriesOptions struct {
	// Case, when set, supplies the walls, written as walls.pvd.
	Case *cases.Case
	// Walls are drawn in addition to the case's walls. A nil Case and
	// no Walls mean no walls.pvd.
	Walls []*mesh.Wall
	// WallResolution is the number of segments around cylinders and
	// cones; 0 means mesh.DefaultResolution.
	WallResolution int

	// Fields turns on coarse-grained fields (fields.pvd).
	Fields bool
	// CellSize is the fields grid spacing, m; 0 means twice the mean
	// particle diameter of the first frame.
	CellSize float64
	// KernelWidth is the kernel width, m (see fields.Options.Width); 0
	// means the mean particle diameter of the first frame.
	KernelWidth float64
	// FieldsGrid, when set, is the grid of every fields file, in place of
	// a grid fitted to each frame. Mass outside its kernel reach is lost.
	FieldsGrid *mesh.Grid
	// Kernel is the coarse-graining kernel, Gaussian by default.
	Kernel fields.Kernel
	// Workers for coarse-graining; 0 means GOMAXPROCS.
	Workers int

	Encoding Encoding
	// Logger receives one line per file series started and finished;
	// nil discards them.
	Logger *slog.Logger
}

// Series writes the frames of a run as VTK files for ParaView and
// implements solvers.Sink:
//
//	particles.pvd, particles_000000.vtp, ...   one PolyData file per frame
//	walls.pvd, walls_000000.vtu, ...           wall triangles at each frame time
//	fields.pvd, fields_000000.vti, ...         coarse-grained fields
//
// Every .pvd is rewritten as frames arrive, so a killed run leaves series
// that ParaView opens up to the last frame recorded (see Collection). A
// wall file is written only when the walls moved or one was removed since
// the previous one, and frames in between refer to the same file. A frame
// without particles gets no fields file.
type Series struct {
	dir  string
	opt  SeriesOptions
	log  *slog.Logger
	n    int
	pvds []*Collection

	particles *Collection

	walls       []wallEntry
	wallPVD     *Collection
	wallFile    string
	wallActive  []bool
	wallsMoving bool

	fieldPVD     *Collection
	fieldOptions fields.Options
}

// wallEntry is a wall to draw with its material and whether it moves.
type wallEntry struct {
	*mesh.Wall
	material int32
	moving   bool
}

// NewSeries creates dir if needed and starts the collections in it.
// Existing files of the same names are replaced as frames arrive.
func NewSeries(dir string, opt SeriesOptions) (*Series, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("vtk: %w", err)
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Series{dir: dir, opt: opt, log: log}

	var err error
	if s.particles, err = s.collection("particles.pvd", particleUnits); err != nil {
		return nil, err
	}

	walls, err := seriesWalls(opt)
	if err != nil {
		return nil, err
	}
	if len(walls) > 0 {
		s.walls = walls
		for _, w := range walls {
			s.wallsMoving = s.wallsMoving || w.moving
		}
		if s.wallPVD, err = s.collection("walls.pvd", []string{"Points=m", "TimeValue=s"}); err != nil {
			return nil, err
		}
	}

	if opt.Fields {
		if s.fieldPVD, err = s.collection("fields.pvd", []string{"solid_fraction=1", "density=kg/m^3", "velocity=m/s", "kinetic_stress=Pa"}); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// seriesWalls builds the walls of the case followed by opt.Walls, with
// planes clipped to the case's domain.
func seriesWalls(opt SeriesOptions) ([]wallEntry, error) {
	var out []wallEntry
	if c := opt.Case; c != nil {
		for i := range c.Walls {
			w, err := mesh.NewWall(c.Walls[i])
			if err != nil {
				return nil, fmt.Errorf("vtk: case %s: %w", c.Name, err)
			}
			if d := c.Domain; d.Max.X > d.Min.X && d.Max.Y > d.Min.Y && d.Max.Z > d.Min.Z {
				w.SetPlaneExtent(d.Min, d.Max)
			}
			out = append(out, wallEntry{Wall: w, material: int32(c.Walls[i].Material), moving: c.Walls[i].Motion.Moving()})
		}
	}
	for _, w := range opt.Walls {
		// Walls given directly have unknown motion, so they are redrawn
		// at every frame.
		out = append(out, wallEntry{Wall: w, material: int32(w.Material()), moving: true})
	}
	return out, nil
}

// unitComment returns the comment of a collection whose files contain
// arrays with these units.
func unitComment(units []string) string {
	return "written by neusim; SI units: " + strings.Join(units, ", ")
}

func (s *Series) collection(name string, units []string) (*Collection, error) {
	c, err := NewCollection(filepath.Join(s.dir, name), unitComment(units))
	if err != nil {
		return nil, err
	}
	s.pvds = append(s.pvds, c)
	s.log.Info("vtk series started", "file", filepath.Join(s.dir, name))
	return c, nil
}

// WriteFrame writes the files of frame f and adds them to the
// collections.
func (s *Series) WriteFrame(f *particles.Frame) error {
	name := fmt.Sprintf("particles_%06d.vtp", s.n)
	if s.n == 0 {
		// The unit list names the arrays the files contain, as the first
		// frame shows them. Only surrogate runs have entity ids.
		s.particles.SetComment(unitComment(particleUnitsFor(f)))
	}
	if err := WriteParticles(filepath.Join(s.dir, name), f, s.opt.Encoding); err != nil {
		return err
	}
	if err := s.particles.Add(f.Time, name); err != nil {
		return err
	}
	if s.wallPVD != nil {
		if err := s.writeWalls(f.Time); err != nil {
			return err
		}
	}
	if s.fieldPVD != nil && f.Len() > 0 {
		if err := s.writeFields(f); err != nil {
			return err
		}
	}
	s.n++
	return nil
}

// writeWalls writes the wall triangles at time t, or refers to the last
// file when no wall moved and none was removed since.
func (s *Series) writeWalls(t float64) error {
	active := make([]bool, len(s.walls))
	changed := s.wallFile == "" || s.wallsMoving
	for i, w := range s.walls {
		active[i] = w.Active(t)
		changed = changed || active[i] != s.wallActive[i]
	}
	if changed {
		m := &TriangleMesh{}
		for i, w := range s.walls {
			m.Names = append(m.Names, w.Name())
			if !active[i] {
				continue
			}
			pts, tris := mesh.Triangulate(w.Wall, t, s.opt.WallResolution)
			base := int32(len(m.Points))
			m.Points = append(m.Points, pts...)
			for _, tri := range tris {
				m.Triangles = append(m.Triangles, [3]int32{tri[0] + base, tri[1] + base, tri[2] + base})
				m.Wall = append(m.Wall, int32(i))
				m.Material = append(m.Material, w.material)
			}
		}
		s.wallFile = fmt.Sprintf("walls_%06d.vtu", s.n)
		if err := WriteTriangles(filepath.Join(s.dir, s.wallFile), m, t, s.opt.Encoding); err != nil {
			return err
		}
		s.wallActive = active
	}
	return s.wallPVD.Add(t, s.wallFile)
}

// writeFields coarse-grains f onto a grid that covers the kernel support
// of every particle, so that mass is conserved, and writes it. The grid
// nodes lie on multiples of the cell size, so the grids of successive
// frames share nodes even when their extents differ.
func (s *Series) writeFields(f *particles.Frame) error {
	if s.fieldOptions.Width == 0 {
		if err := s.setFieldOptions(f); err != nil {
			return err
		}
	}
	g := s.opt.FieldsGrid
	if g == nil {
		var err error
		if g, err = fields.CoveringGrid(f, s.opt.CellSize, s.fieldOptions); err != nil {
			return fmt.Errorf("vtk: frame at step %d: %w", f.Step, err)
		}
	}
	res, err := fields.CoarseGrain(f, g, s.fieldOptions)
	if err != nil {
		return fmt.Errorf("vtk: frame at step %d: %w", f.Step, err)
	}
	name := fmt.Sprintf("fields_%06d.vti", s.n)
	if err := WriteImageData(filepath.Join(s.dir, name), g, res.Fields(), f.Time, s.opt.Encoding); err != nil {
		return err
	}
	return s.fieldPVD.Add(f.Time, name)
}

// setFieldOptions fixes the cell size and kernel width from the options
// or, where they are zero, from the mean particle diameter of f.
func (s *Series) setFieldOptions(f *particles.Frame) error {
	var sum float64
	for _, r := range f.Radius {
		sum += 2 * r
	}
	d := sum / float64(f.Len())
	if s.opt.FieldsGrid != nil {
		s.opt.CellSize = s.opt.FieldsGrid.Spacing
	}
	if s.opt.CellSize == 0 {
		s.opt.CellSize = 2 * d
	}
	width := s.opt.KernelWidth
	if width == 0 {
		width = d
	}
	if !(s.opt.CellSize > 0) || math.IsInf(s.opt.CellSize, 0) {
		return fmt.Errorf("vtk: fields cell size %g m: want a positive size (the mean particle diameter is %g m)", s.opt.CellSize, d)
	}
	s.fieldOptions = fields.Options{Kernel: s.opt.Kernel, Width: width, Workers: s.opt.Workers}
	s.log.Info("vtk fields", "cell_size_m", s.opt.CellSize, "kernel", s.opt.Kernel.String(), "kernel_width_m", width)
	return nil
}

// Close writes the final collections.
func (s *Series) Close() error {
	var first error
	for _, c := range s.pvds {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	s.log.Info("vtk series finished", "dir", s.dir, "frames", s.n)
	return first
}
