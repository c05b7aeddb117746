package vtk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"strings"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/fields"
	"github.com/neusim/neusim/mesh"
	"github.com/neusim/neusim/trajectory"
)

// ExportOptions configures ExportTrajectory. The zero value writes the
// particles and, when the trajectory's case can be loaded again, its
// walls.
type ExportOptions struct {
	// Fields turns on coarse-grained fields with a grid spacing of
	// CellSize (m) and a kernel of width KernelWidth (m). A zero
	// CellSize means twice the mean particle diameter of the first
	// frame, and a zero KernelWidth means that diameter.
	Fields      bool
	CellSize    float64
	KernelWidth float64
	Kernel      fields.Kernel
	// FieldsGrid, when set, is used for every frame (see SeriesOptions).
	FieldsGrid *mesh.Grid

	// Base64 writes arrays inline as base64 instead of raw appended
	// binary.
	Base64 bool

	// Case supplies the walls. When it is nil and Walls is empty, the
	// case named in the trajectory's metadata is loaded again with the
	// stored parameter values. If that fails, the export goes on without
	// walls and logs a warning. NoWalls turns walls off.
	Case    *cases.Case
	Walls   []*mesh.Wall
	NoWalls bool

	// Logger receives the trajectory's warnings (a truncated file, for
	// example) and progress lines; nil discards them.
	Logger *slog.Logger
}

// ExportTrajectory reads the trajectory at trajPath and writes its frames
// as a VTK series into outDir (see Series). It stops between frames when
// ctx is cancelled, after writing the collections of the frames done.
func ExportTrajectory(ctx context.Context, trajPath, outDir string, opt ExportOptions) error {
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r, err := trajectory.Open(trajPath)
	if err != nil {
		return err
	}
	defer r.Close()
	for _, w := range r.Warnings() {
		log.Warn("trajectory: "+w, "file", r.Path())
	}

	sopt := SeriesOptions{
		Walls:       opt.Walls,
		Fields:      opt.Fields,
		CellSize:    opt.CellSize,
		KernelWidth: opt.KernelWidth,
		Kernel:      opt.Kernel,
		FieldsGrid:  opt.FieldsGrid,
		Logger:      log,
	}
	if opt.Base64 {
		sopt.Encoding = Base64
	}
	if !opt.NoWalls {
		sopt.Case = opt.Case
		if sopt.Case == nil && len(opt.Walls) == 0 {
			c, err := caseFromMeta(r.Meta())
			if err != nil {
				log.Warn("walls not exported: the trajectory's case could not be loaded", "error", err)
			}
			sopt.Case = c
		}
	}

	s, err := NewSeries(outDir, sopt)
	if err != nil {
		return err
	}
	for {
		if err := ctx.Err(); err != nil {
			return errors.Join(err, s.Close())
		}
		f, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return errors.Join(err, s.Close())
		}
		if err := s.WriteFrame(f); err != nil {
			return errors.Join(err, s.Close())
		}
	}
	return s.Close()
}

// caseFromMeta loads the case a trajectory was written from, with the
// stored parameter values.
func caseFromMeta(m trajectory.Meta) (*cases.Case, error) {
	src := m.CaseSource
	if src == "" {
		return nil, errors.New("the trajectory records no case source")
	}
	if name, ok := strings.CutPrefix(src, "embedded:"); ok {
		src = strings.TrimSuffix(name, ".yaml")
	}
	names := make([]string, 0, len(m.Parameters))
	for k := range m.Parameters {
		names = append(names, k)
	}
	sort.Strings(names)
	opt := cases.Options{AllowExtrapolation: true}
	for _, k := range names {
		opt.Set = append(opt.Set, k+"="+strconv.FormatFloat(m.Parameters[k], 'g', -1, 64))
	}
	c, err := cases.Load(src, opt)
	if err != nil {
		return nil, fmt.Errorf("case %s: %w", m.CaseSource, err)
	}
	return c, nil
}
