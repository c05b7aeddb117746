package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/grouping"
	"github.com/neusim/neusim/kernels"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
	"github.com/neusim/neusim/surrogate"
)

const tinyCase = "testdata/tiny_hopper.yaml"

// trainTiny generates two variants of the tiny hopper and trains a very
// small model on them; it returns the model path.
func trainTiny(t *testing.T) (string, []Variant) {
	t.Helper()
	dir := t.TempDir()
	data, err := GenerateData(context.Background(), tinyCase, DataOptions{Dir: filepath.Join(dir, "data"), Variants: 2, Seed: 5, Jobs: 2, Cores: 2})
	if err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "tiny.safetensors")
	trainTinyModel(t, data, model, 2)
	return model, data
}

func trainTinyModel(t *testing.T, data []Variant, model string, workers int) {
	t.Helper()
	_, err := Train(context.Background(), TrainOptions{Case: tinyCase, Data: data, Out: model, Seed: 3,
		Settings: Settings{Grouping: groupingTarget(16), Chunk: 6, ChunkStride: 1},
		Model:    surrogate.Config{Latent: 16, Steps: 1, Heads: 2},
		Train:    surrogate.TrainConfig{Iterations: 10, Window: 2}, ValidateEvery: 5, Workers: workers, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
}

// trainTinyWith trains a very small model for two iterations on data with
// the pipeline settings st and returns the training report.
func trainTinyWith(t *testing.T, data []Variant, model string, st Settings) *TrainReport {
	t.Helper()
	rep, err := Train(context.Background(), TrainOptions{Case: tinyCase, Data: data, Out: model, Seed: 3, Settings: st,
		Model: surrogate.Config{Latent: 16, Steps: 1, Heads: 2},
		Train: surrogate.TrainConfig{Iterations: 2, Window: 2}, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// checkSameWeights reports each parameter whose values differ between
// the checkpoint trained on two workers, at two, and on one worker, at one.
func checkSameWeights(t *testing.T, two, one string) {
	t.Helper()
	b := kernels.NewCPU[float32](1)
	defer b.Close()
	m2, _, err := surrogate.LoadCheckpoint(two, b)
	if err != nil {
		t.Fatal(err)
	}
	m1, _, err := surrogate.LoadCheckpoint(one, b)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range m2.Params.List {
		a, c := make([]float32, p.Value.Len()), make([]float32, p.Value.Len())
		b.Download(a, p.Value)
		b.Download(c, m1.Params.List[i].Value)
		if !slices.Equal(a, c) {
			t.Errorf("parameter %s differs between training on 2 workers and on 1", p.Name)
		}
	}
}

// runFrames runs the solver on c and returns copies of its frames.
func runFrames(t *testing.T, s solvers.Solver, c *cases.Case) []*particles.Frame {
	t.Helper()
	var frames []*particles.Frame
	err := s.Run(context.Background(), c, solvers.SinkFunc(func(f *particles.Frame) error {
		frames = append(frames, f.Clone())
		return nil
	}), nil)
	if err != nil {
		t.Fatal(err)
	}
	return frames
}

func TestPipelineTinyHopper(t *testing.T) {
	model, data := trainTiny(t)

	// A second call reuses the complete trajectories.
	again, err := GenerateData(context.Background(), tinyCase, DataOptions{Dir: filepath.Dir(data[0].Path), Variants: 2, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range again {
		if !v.Reused {
			t.Errorf("variant %d was run again; want the existing trajectory reused", v.Index)
		}
	}
	read, err := ReadData(filepath.Dir(data[0].Path))
	if err != nil {
		t.Fatal(err)
	}
	if len(read) != len(data) || read[1].Path != data[1].Path || read[1].Values["outlet_diameter"] != data[1].Values["outlet_diameter"] {
		t.Errorf("ReadData returned %+v, want %+v", read, data)
	}

	s, err := NewSolver(model, SolverOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Name() != "surrogate" {
		t.Errorf("Name() = %q, want surrogate", s.Name())
	}
	c, err := cases.Load(tinyCase, cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	frames := runFrames(t, s, c)

	// One frame per output interval, from 0 to the duration.
	want := int(math.Round(c.Solver.Duration/c.Solver.OutputInterval)) + 1
	if len(frames) != want {
		t.Fatalf("%d frames, want %d", len(frames), want)
	}
	for i, f := range frames {
		if d := f.Time - float64(i)*c.Solver.OutputInterval; math.Abs(d) > 1e-9 {
			t.Errorf("frame %d at %g s, want %g s", i, f.Time, float64(i)*c.Solver.OutputInterval)
		}
	}

	// Mass and count: remaining plus discharged plus lost through the
	// domain boundary equals the initial amount; lost is known at the end.
	m0, n0 := totalMass(frames[0]), frames[0].Len()
	st := s.LastRun()
	for i, f := range frames {
		lost, lostMass := 0, 0.0
		if i == len(frames)-1 {
			lost, lostMass = st.Lost, st.LostMass
		}
		var out float64
		var cnt int64
		for o := range f.OutletMass {
			out += f.OutletMass[o]
			cnt += f.OutletCount[o]
		}
		m := totalMass(f) + out + lostMass
		if i < len(frames)-1 && m > m0*(1+1e-12) || i == len(frames)-1 && math.Abs(m-m0) > 1e-12*m0 {
			t.Errorf("frame %d: remaining %g kg + discharged %g kg + lost %g kg = %g kg, want the initial %g kg", i, totalMass(f), out, lostMass, m, m0)
		}
		if n := int64(f.Len()) + cnt + int64(lost); i < len(frames)-1 && n > int64(n0) || i == len(frames)-1 && n != int64(n0) {
			t.Errorf("frame %d: %d particles + %d discharged + %d lost, want %d", i, f.Len(), cnt, lost, n0)
		}
		if err := f.Validate(); err != nil {
			t.Error(err)
		}
	}

	// The same seed gives the same weights with another worker count.
	model1 := filepath.Join(t.TempDir(), "tiny1.safetensors")
	trainTinyModel(t, data, model1, 1)
	checkSameWeights(t, model, model1)

	// The same model gives the same frames with another worker count.
	s1, err := NewSolver(model, SolverOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s1.Close()
	other := runFrames(t, s1, c)
	for i := range frames {
		if !sameFrame(frames[i], other[i]) {
			t.Errorf("frame %d differs between 2 workers and 1 worker", i)
			break
		}
	}

	// A run stopped right after a surrogate frame reports that frame's
	// time last, as a summary written after the stop records it.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var lastFrame, lastProgress float64
	stopAt := len(frames) - 2
	written := 0
	err = s.Run(ctx, c, solvers.SinkFunc(func(f *particles.Frame) error {
		lastFrame = f.Time
		written++
		if written == stopAt {
			cancel()
		}
		return nil
	}), func(p solvers.Progress) { lastProgress = p.Time })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("run stopped at frame %d returned %v, want context.Canceled", stopAt, err)
	}
	if lastProgress != lastFrame {
		t.Errorf("run stopped after the frame at %g s last reported progress at %g s", lastFrame, lastProgress)
	}
}

func totalMass(f *particles.Frame) float64 {
	var m float64
	for _, x := range f.Mass {
		m += x
	}
	return m
}

func sameFrame(a, b *particles.Frame) bool {
	if a.Len() != b.Len() || a.Time != b.Time {
		return false
	}
	for i := range a.ID {
		if a.ID[i] != b.ID[i] || a.Pos[i] != b.Pos[i] || a.Vel[i] != b.Vel[i] {
			return false
		}
	}
	return true
}

func groupingTarget(n int) grouping.Settings { return grouping.Settings{TargetSize: n} }

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func TestGhostFreeFall(t *testing.T) {
	// Particle 2 leaves after the first frame; 0.1 s later it has fallen
	// from its last state as a projectile.
	g := r3.Vec{Z: -9.81}
	f0 := &particles.Frame{Time: 0.2, ID: []int64{1, 2}, Pos: []r3.Vec{{}, {Z: 1}}, Vel: []r3.Vec{{}, {X: 1, Z: -0.5}},
		Omega: make([]r3.Vec, 2), Radius: []float64{1, 2}, Mass: []float64{3, 4}, Material: []int32{0, 1}}
	f1 := &particles.Frame{Time: 0.3, ID: []int64{1}, Pos: []r3.Vec{{}}, Vel: []r3.Vec{{}},
		Omega: make([]r3.Vec, 1), Radius: []float64{1}, Mass: []float64{3}, Material: []int32{0}}
	tr := newGhostTracker(f0, g)
	if _, n := tr.complete(f0); n != 0 {
		t.Errorf("%d ghosts in the first frame, want 0", n)
	}
	out, n := tr.complete(f1)
	if n != 1 || out.Len() != 2 || f1.Len() != 1 {
		t.Fatalf("%d ghosts, %d particles (input %d), want 1, 2 (1)", n, out.Len(), f1.Len())
	}
	wantPos := r3.Vec{X: 0.1, Z: 1 - 0.05 - 9.81*0.01/2}
	wantVel := r3.Vec{X: 1, Z: -0.5 - 0.981}
	if d := r3.Norm(r3.Sub(out.Pos[1], wantPos)); out.ID[1] != 2 || d > 1e-12 {
		t.Errorf("ghost %d at %v, want 2 at %v", out.ID[1], out.Pos[1], wantPos)
	}
	if d := r3.Norm(r3.Sub(out.Vel[1], wantVel)); d > 1e-12 {
		t.Errorf("ghost velocity %v, want %v", out.Vel[1], wantVel)
	}
	if out.Mass[1] != 4 || out.Radius[1] != 2 || out.Material[1] != 1 {
		t.Errorf("ghost mass %g, radius %g, material %d, want 4, 2, 1", out.Mass[1], out.Radius[1], out.Material[1])
	}
}

func TestTrainResume(t *testing.T) {
	model, data := trainTiny(t)
	resumed := filepath.Join(t.TempDir(), "resumed.safetensors")
	_, err := Train(context.Background(), TrainOptions{Case: tinyCase, Data: data, Out: resumed, Seed: 3, Resume: model,
		Settings: Settings{Grouping: groupingTarget(16), Chunk: 6, ChunkStride: 1},
		Model:    surrogate.Config{Latent: 16, Steps: 1, Heads: 2},
		Train:    surrogate.TrainConfig{Iterations: 3, Window: 2}, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	b := kernels.NewCPU[float32](1)
	defer b.Close()
	m0, meta0, err := surrogate.LoadCheckpoint(model, b)
	if err != nil {
		t.Fatal(err)
	}
	m1, meta1, err := surrogate.LoadCheckpoint(resumed, b)
	if err != nil {
		t.Fatal(err)
	}
	// Resuming keeps the normalisation and moves the weights on.
	if meta1.Normalisation.Vel.Std[2] != meta0.Normalisation.Vel.Std[2] {
		t.Errorf("resumed normalisation %v, want the checkpoint's %v", meta1.Normalisation.Vel, meta0.Normalisation.Vel)
	}
	p0, p1 := m0.Params.List[0], m1.Params.List[0]
	a, c := make([]float32, p0.Value.Len()), make([]float32, p1.Value.Len())
	b.Download(a, p0.Value)
	b.Download(c, p1.Value)
	if slices.Equal(a, c) {
		t.Errorf("parameter %s unchanged after 3 resumed iterations", p0.Name)
	}

	// A checkpoint with other features is rejected.
	_, err = Train(context.Background(), TrainOptions{Case: tinyCase, Data: data, Out: resumed, Resume: model, History: 2,
		Settings: Settings{Grouping: groupingTarget(16), Chunk: 6, ChunkStride: 1}, Train: surrogate.TrainConfig{Iterations: 1, Window: 2}})
	if err == nil {
		t.Error("resuming with another history length succeeded, want an error")
	}
}

func TestSolverWarnsOutsideRange(t *testing.T) {
	model, _ := trainTiny(t)
	var buf bytes.Buffer
	s, err := NewSolver(model, SolverOptions{Workers: 1, Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := s.Metadata().ParamRanges["outlet_diameter"]
	inside := (r[0] + r[1]) / 2
	for _, tc := range []struct {
		value float64
		warn  bool
	}{{inside, false}, {r[1] + 0.0005, true}} {
		buf.Reset()
		c, err := cases.Load(tinyCase, cases.Options{Set: []string{fmt.Sprintf("outlet_diameter=%g", tc.value)}})
		if err != nil {
			t.Fatal(err)
		}
		runFrames(t, s, c)
		if got := strings.Contains(buf.String(), "outside the trained range"); got != tc.warn {
			t.Errorf("outlet_diameter %g in trained range %v: warning %v, want %v", tc.value, r, got, tc.warn)
		}
	}

	// A model of another case is rejected.
	c, err := cases.Load("hopper", cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(context.Background(), c, solvers.SinkFunc(func(*particles.Frame) error { return nil }), nil); err == nil {
		t.Error("running a tiny_hopper model on the hopper succeeded, want an error")
	}
}

// TestSolverTurns checks the number of turns a surrogate run averages
// over: the default for a model trained on turned windows and for one
// trained without, a value given, a negative value and a case without
// gravity.
func TestSolverTurns(t *testing.T) {
	dir := t.TempDir()
	data, err := GenerateData(context.Background(), tinyCase, DataOptions{Dir: filepath.Join(dir, "data"), Variants: 2, Seed: 5, Jobs: 2, Cores: 2})
	if err != nil {
		t.Fatal(err)
	}
	train := func(name string, rotate bool) string {
		model := filepath.Join(dir, name)
		_, err := Train(context.Background(), TrainOptions{Case: tinyCase, Data: data, Out: model, Seed: 3,
			Settings: Settings{Grouping: groupingTarget(16), Chunk: 6, ChunkStride: 1}, RotateAboutGravity: rotate,
			Model: surrogate.Config{Latent: 16, Steps: 1, Heads: 2},
			Train: surrogate.TrainConfig{Iterations: 2, Window: 2}, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		return model
	}
	plain, turned := train("plain.safetensors", false), train("turned.safetensors", true)
	c, err := cases.Load(tinyCase, cases.Options{})
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		model string
		turns int
		want  int
	}{{plain, 0, 1}, {turned, 0, DefaultTurns}, {plain, 2, 2}} {
		s, err := NewSolver(tc.model, SolverOptions{Workers: 2, Turns: tc.turns})
		if err != nil {
			t.Fatal(err)
		}
		runFrames(t, s, c)
		if got := s.LastRun().Turns; got != tc.want {
			t.Errorf("%s with Turns %d: run averaged over %d turns, want %d", filepath.Base(tc.model), tc.turns, got, tc.want)
		}
		s.Close()
	}

	if _, err := NewSolver(plain, SolverOptions{Turns: -1}); err == nil || !strings.Contains(err.Error(), "-1 turns") {
		t.Errorf("Turns -1: error %v, want one naming -1 turns", err)
	}

	s, err := NewSolver(turned, SolverOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c.Gravity = r3.Vec{}
	err = s.Run(context.Background(), c, solvers.SinkFunc(func(*particles.Frame) error { return nil }), nil)
	if err == nil || !strings.Contains(err.Error(), "cannot be averaged over 4 turns") {
		t.Errorf("turns on a case without gravity: error %v, want one naming the missing gravity", err)
	}
}
