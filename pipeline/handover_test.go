package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/surrogate"
)

func TestHandoverTime(t *testing.T) {
	tiny, err := cases.Load(tinyCase, cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	box, err := cases.Load("box", cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The tiny hopper's gate goes at 0.05 s.
	for _, tc := range []struct {
		c       *cases.Case
		dt      float64
		history int
		delay   float64
		want    float64
	}{
		{tiny, 0.01, 3, 0, 0.05},     // at the removal
		{tiny, 0.01, 3, 0.03, 0.08},  // delayed
		{tiny, 0.02, 3, 0.03, 0.08},  // 0.08 is a multiple of the step
		{tiny, 0.03, 3, 0.03, 0.09},  // rounded up to a step
		{tiny, 0.02, 5, 0, 0.10},     // the velocity history needs 5 steps
		{box, 0.01, 3, 0.2, 0.03},    // no removable wall: the delay does not apply
		{tiny, 0.01, 3, 0.001, 0.06}, // a delay rounds up to the next step
	} {
		got := handoverTime(tc.c, tc.dt, tc.history, tc.delay)
		if math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s, step %g s, history %d, delay %g s: handover at %g s, want %g s", tc.c.Name, tc.dt, tc.history, tc.delay, got, tc.want)
		}
	}
}

// TestHandoverDelayModel checks that a model trained with a handover delay
// takes over at the delayed time in every run: DEM writes the frames up to
// it, without entities, and the surrogate the later ones.
func TestHandoverDelayModel(t *testing.T) {
	_, data := trainTiny(t)
	model := filepath.Join(t.TempDir(), "delayed.safetensors")
	rep := trainTinyWith(t, data, model, Settings{Grouping: groupingTarget(16), Chunk: 6, ChunkStride: 1, HandoverDelay: 0.03})
	s, err := NewSolver(model, SolverOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := cases.Load(tinyCase, cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	frames := runFrames(t, s, c)
	const want = 0.08 // gate at 0.05 s, plus 0.03 s
	if got := s.LastRun().Handover; math.Abs(got-want) > 1e-12 {
		t.Errorf("handover at %g s, want %g s", got, want)
	}
	for _, f := range frames {
		if f.Len() == 0 {
			continue // emptied
		}
		grouped := f.Entity[0] != particles.NoEntity
		if after := f.Time > want+1e-9; grouped != after {
			t.Errorf("frame at %g s: grouped into entities %v, want %v (handover at %g s)", f.Time, grouped, after, want)
		}
	}

	// Training starts where the solver hands over, so that a sequence
	// starts at each of the 6 output intervals in 0.03 s less.
	undelayed := filepath.Join(t.TempDir(), "undelayed.safetensors")
	baseRep := trainTinyWith(t, data, undelayed, Settings{Grouping: groupingTarget(16), Chunk: 6, ChunkStride: 1})
	if got, base := rep.Sequences+rep.HeldOutSequences, baseRep.Sequences+baseRep.HeldOutSequences; got != base-2*6 {
		t.Errorf("%d sequences with a 0.03 s delay, %d without; want 6 fewer per variant (one per 0.005 s output interval)", got, base)
	}

	if _, err := Train(context.Background(), TrainOptions{Case: tinyCase, Data: data, Out: undelayed, Seed: 3,
		Settings: Settings{HandoverDelay: -0.1}, Train: surrogate.TrainConfig{Iterations: 1}}); err == nil {
		t.Error("a negative handover delay was accepted")
	}
}

// TestSequencesEveryPhase checks that with a surrogate step of two output
// intervals, training sequences start at every output frame from the
// handover's history on, so both phases of the coarse steps are sampled.
func TestSequencesEveryPhase(t *testing.T) {
	_, data := trainTiny(t)
	frames, _, err := readFrames(data[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := cases.Load(tinyCase, cases.Options{Set: variantSet(nil, data[0].Values)})
	if err != nil {
		t.Fatal(err)
	}
	walls, err := caseWalls(c)
	if err != nil {
		t.Fatal(err)
	}

	out := frames[1].Time - frames[0].Time
	st := Settings{Grouping: groupingTarget(16), Stride: 2, Chunk: 4, ChunkStride: 1}.withDefaults()
	feat := surrogate.Features{History: 2, Materials: len(c.Materials), Radius: 0.008}
	seqs, _, err := variantSequences("v", frames, c, walls, st, feat, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(seqs) < 4 {
		t.Fatalf("%d sequences, want at least 4", len(seqs))
	}

	// The gate goes at 0.05 s, and sequences start two coarse steps of 2
	// output intervals before it.
	first := int(math.Round(0.05/out)) - 2*2
	for i, s := range seqs {
		if want := fmt.Sprintf("v@%d", first+i); s.Name != want {
			t.Errorf("sequence %d is %s, want %s", i, s.Name, want)
		}
		if math.Abs(s.Dt-2*out) > 1e-12 {
			t.Errorf("sequence %s has a step of %g s, want %g s", s.Name, s.Dt, 2*out)
		}
	}
}

// TestWarnUnwrittenEnd checks the warning for a duration that ends between
// output frames, and its absence for whole numbers of intervals, among
// them sums that floating point does not represent exactly.
func TestWarnUnwrittenEnd(t *testing.T) {
	for _, tc := range []struct {
		duration, interval float64
		last               string // last frame's time in the warning, or "" for none
	}{
		{4.5, 0.04, "4.48"},
		{0.03, 0.025, "0.025"},
		{4.48, 0.04, ""},
		{0.3, 0.1, ""},
		{3, 0.01, ""},
	} {
		var buf bytes.Buffer
		c := &cases.Case{Name: "hopper"}
		c.Solver.Duration, c.Solver.OutputInterval = tc.duration, tc.interval
		WarnUnwrittenEnd(slog.New(slog.NewTextHandler(&buf, nil)), c)
		got := buf.String()
		if tc.last == "" {
			if got != "" {
				t.Errorf("duration %g s, interval %g s: warned %q, want no warning", tc.duration, tc.interval, got)
			}
			continue
		}
		if !strings.Contains(got, "last_frame_s="+tc.last) {
			t.Errorf("duration %g s, interval %g s: logged %q, want a warning with the last frame at %s s", tc.duration, tc.interval, got, tc.last)
		}
	}
}
