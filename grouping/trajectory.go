package grouping

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"

	"github.com/neusim/neusim/particles"
)

// FrameSource yields frames in time order, and io.EOF after the last one.
// *trajectory.Reader implements it.
type FrameSource interface {
	Next() (*particles.Frame, error)
}

// FrameSink receives frames in time order. *trajectory.Writer and
// solvers.Sink implement it.
type FrameSink interface {
	WriteFrame(f *particles.Frame) error
}

// TrajectoryOptions controls GroupTrajectory.
type TrajectoryOptions struct {
	Target   int       // particles per entity; zero means Settings.TargetSize or its default
	Settings Settings  // Window and Seed are used; the coherence weight is searched
	Weights  []float64 // candidate coherence weights; nil means DefaultWeights

	Workers int          // goroutines, zero means GOMAXPROCS; results do not depend on it
	Logger  *slog.Logger // nil discards
}

// TrajectoryReport is the compression and reconstruction error of a
// grouped trajectory, per frame and overall. Errors are as in Report.
type TrajectoryReport struct {
	Target  int
	Windows []Report // one per window of Settings.Window frames

	Step      []int64   // per frame
	Time      []float64 // per frame, s
	Particles []int     // grouped particles per frame
	Entities  []int     // entities with members present, per frame
	PosRMS    []float64 // per frame, m
	VelRMS    []float64 // per frame, m/s

	Compression  float64 // grouped particles per entity over all frames
	PosRMSAll    float64 // over all frames, mass-weighted, m
	VelRMSAll    float64 // over all frames, mass-weighted, m/s
	MeanDiameter float64 // mass-weighted mean particle diameter of the first window, m
}

// GroupTrajectory fits a grouping to each window of opt.Settings.Window
// consecutive frames of src, writes every frame with its entity ids
// (Frame.Entity) to sink when sink is not nil, and reports compression and
// reconstruction error. Entity ids restart at 0 in each window. Particles
// inserted after a window's first frame get particles.NoEntity in that
// window. It stops with ctx.Err() when ctx is cancelled.
func GroupTrajectory(ctx context.Context, src FrameSource, sink FrameSink, opt TrajectoryOptions) (*TrajectoryReport, error) {
	s := opt.Settings.withDefaults()
	target := opt.Target
	if target == 0 {
		target = s.TargetSize
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	rep := &TrajectoryReport{Target: target}
	var sumPos, sumVel, sumMass float64
	var sumParticles, sumEntities int

	for done := false; !done; {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var win []*particles.Frame
		for len(win) < s.Window {
			f, err := src.Next()
			if errors.Is(err, io.EOF) {
				done = true
				break
			}
			if err != nil {
				return nil, fmt.Errorf("grouping: reading frame %d: %w", len(rep.Step)+len(win), err)
			}
			win = append(win, f)
		}
		if len(win) == 0 {
			break
		}

		wr, err := groupWindow(win, target, s, opt)
		if err != nil {
			return nil, err
		}
		rep.Windows = append(rep.Windows, wr)
		if rep.MeanDiameter == 0 {
			rep.MeanDiameter = wr.MeanDiameter
		}
		log.Info("grouped window", "first_step", win[0].Step, "frames", len(win),
			"entities", wr.Entities, "weight", wr.Settings.CoherenceWeight,
			"pos_rms_m", wr.PosRMS, "vel_rms_m_per_s", wr.VelRMS)

		for t, f := range win {
			n, k, m := groupedCounts(f)
			rep.Step = append(rep.Step, f.Step)
			rep.Time = append(rep.Time, f.Time)
			rep.Particles = append(rep.Particles, n)
			rep.Entities = append(rep.Entities, k)
			pos, vel := 0.0, 0.0
			if t < len(wr.PosRMSFrame) {
				pos, vel = wr.PosRMSFrame[t], wr.VelRMSFrame[t]
			}
			rep.PosRMS = append(rep.PosRMS, pos)
			rep.VelRMS = append(rep.VelRMS, vel)
			sumPos += m * pos * pos
			sumVel += m * vel * vel
			sumMass += m
			sumParticles += n
			sumEntities += k
			if sink != nil {
				if err := sink.WriteFrame(f); err != nil {
					return nil, fmt.Errorf("grouping: writing frame at step %d: %w", f.Step, err)
				}
			}
		}
	}
	if sumEntities > 0 {
		rep.Compression = float64(sumParticles) / float64(sumEntities)
	}
	if sumMass > 0 {
		rep.PosRMSAll = math.Sqrt(sumPos / sumMass)
		rep.VelRMSAll = math.Sqrt(sumVel / sumMass)
	}
	return rep, nil
}

// groupWindow fits a grouping to win and sets Entity on each of its
// frames. A window that starts with no particles gets no entities.
func groupWindow(win []*particles.Frame, target int, s Settings, opt TrajectoryOptions) (Report, error) {
	if win[0].Len() == 0 {
		for _, f := range win {
			f.Entity = make([]int32, f.Len())
			for i := range f.Entity {
				f.Entity[i] = particles.NoEntity
			}
		}
		return Report{Frames: len(win)}, nil
	}
	g, wr, err := Fit(win, target, FitOptions{Settings: s, Weights: opt.Weights, Workers: opt.Workers, Logger: opt.Logger})
	if err != nil {
		return Report{}, fmt.Errorf("grouping: window starting at step %d: %w", win[0].Step, err)
	}
	for _, f := range win {
		f.Entity = g.Bind(f).Entity
	}
	return wr, nil
}

// groupedCounts returns the grouped particles of f, the distinct entities
// among them and their mass in kg.
func groupedCounts(f *particles.Frame) (n, k int, mass float64) {
	seen := map[int32]bool{}
	for i, e := range f.Entity {
		if e == particles.NoEntity {
			continue
		}
		n++
		mass += f.Mass[i]
		seen[e] = true
	}
	return n, len(seen), mass
}

// WriteText writes the report as a summary and a per-frame table.
func (r *TrajectoryReport) WriteText(w io.Writer) error {
	d := r.MeanDiameter
	if d == 0 {
		d = math.NaN()
	}
	frames, windows := "frames", "windows"
	if len(r.Step) == 1 {
		frames = "frame"
	}
	if len(r.Windows) == 1 {
		windows = "window"
	}
	if _, err := fmt.Fprintf(w, "target %d particles per entity, compression %.2f over %d %s in %d %s\n"+
		"reconstruction error: position %.4g m (%.4g mean diameters), velocity %.4g m/s\n\n",
		r.Target, r.Compression, len(r.Step), frames, len(r.Windows), windows, r.PosRMSAll, r.PosRMSAll/d, r.VelRMSAll); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "%8s %12s %10s %9s %12s %12s\n", "step", "time_s", "particles", "entities", "pos_rms_m", "vel_rms_m_s"); err != nil {
		return err
	}
	for i := range r.Step {
		if _, err := fmt.Fprintf(w, "%8d %12.6g %10d %9d %12.4g %12.4g\n",
			r.Step[i], r.Time[i], r.Particles[i], r.Entities[i], r.PosRMS[i], r.VelRMS[i]); err != nil {
			return err
		}
	}
	return nil
}
