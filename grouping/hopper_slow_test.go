//go:build slow

package grouping

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers/dem"
	"github.com/neusim/neusim/trajectory"
)

// TestHopperCompressionTable runs the embedded hopper case with the DEM
// solver until discharge is under way. It fits groupings of 8 to 128
// particles per entity to a window of 8 frames (0.07 s) that starts 0.1 s
// after the gate opens. It logs the table of reconstruction error against
// compression that the package documentation quotes, with the error of a
// position-only grouping for comparison.
//
//	go test -tags slow -run TestHopperCompressionTable -v -timeout 60m ./grouping/
//
// Set NEUSIM_HOPPER_FRAMES=/tmp/hopper.arrows to keep the DEM frames
// between runs.
func TestHopperCompressionTable(t *testing.T) {
	const start, window = 0.40, 8
	frames := hopperFrames(t, start, window)

	var b strings.Builder
	fmt.Fprintf(&b, "| %6s | %8s | %11s | %9s | %9s | %9s | %6s | %10s | %14s | %14s |\n", "target", "entities", "compression",
		"pos_rms/d", "pos_rms m", "vel_rms/U", "weight", "elongation", "pos-only pos/d", "pos-only vel/U")
	weights := DefaultWeights
	if weights[0] != -1 {
		t.Fatal("DefaultWeights must start with the position-only weight -1")
	}
	var errs []float64
	var rep Report
	for _, target := range []int{8, 16, 32, 64, 128} {
		var err error
		_, rep, err = Fit(frames, target, FitOptions{Settings: Settings{Window: window}, Weights: weights})
		if err != nil {
			t.Fatal(err)
		}
		pos := rep.Candidates[0] // weight -1: position only
		fmt.Fprintf(&b, "| %6d | %8d | %11.2f | %9.4f | %9.3g | %9.4f | %6g | %10.2f | %14.4f | %14.4f |\n", target, rep.Entities, rep.Compression,
			rep.PosRMS/rep.MeanDiameter, rep.PosRMS, rep.VelRMS/rep.SpeedRMS, rep.Settings.CoherenceWeight,
			rep.Elongation, pos.PosRMS/rep.MeanDiameter, pos.VelRMS/rep.SpeedRMS)
		errs = append(errs, rep.Objective)
		if math.IsNaN(rep.Objective) {
			t.Fatalf("target %d: objective is NaN", target)
		}
	}
	t.Logf("\nhopper, %d particles, frames t = %.2f to %.2f s, mean diameter d = %.4g m, RMS speed U = %.4g m/s\n%s",
		frames[0].Len(), frames[0].Time, frames[window-1].Time, rep.MeanDiameter, rep.SpeedRMS, b.String())
	if errs[len(errs)-1] <= errs[0] {
		t.Errorf("error at 128 particles per entity (%g) is not above that at 8 (%g)", errs[len(errs)-1], errs[0])
	}
}

// hopperFrames returns window frames of the hopper case from time start
// on. When NEUSIM_HOPPER_FRAMES names a trajectory file that exists, the
// frames are read from it. Otherwise the DEM solver produces them, and
// they are saved there for the next run when the variable is set.
func hopperFrames(t *testing.T, start float64, window int) []*particles.Frame {
	cache := os.Getenv("NEUSIM_HOPPER_FRAMES")
	if cache != "" {
		if r, err := trajectory.Open(cache); err == nil {
			defer r.Close()
			var frames []*particles.Frame
			for i := 0; i < r.Len() && len(frames) < window; i++ {
				f, err := r.Frame(i)
				if err != nil {
					t.Fatal(err)
				}
				frames = append(frames, f)
			}
			return frames
		}
	}

	c, err := cases.Load("hopper", cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	interval := c.Solver.OutputInterval
	c.Solver.Duration = start + float64(window)*interval
	var frames []*particles.Frame
	sink := func(f *particles.Frame) error {
		if f.Time >= start-interval/2 && len(frames) < window {
			frames = append(frames, f.Clone())
		}
		return nil
	}
	if err := dem.New(dem.Options{}).Run(context.Background(), c, solversSink(sink), nil); err != nil {
		t.Fatal(err)
	}
	if len(frames) < window {
		t.Fatalf("DEM run gave %d frames after t = %g s, want %d", len(frames), start, window)
	}
	if cache != "" {
		w, err := trajectory.Create(cache, trajectory.MetaFromCase(c, "dem", "test"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range frames {
			if err := w.WriteFrame(f); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return frames
}

type solversSink func(f *particles.Frame) error

func (s solversSink) WriteFrame(f *particles.Frame) error { return s(f) }
