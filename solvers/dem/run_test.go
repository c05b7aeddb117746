package dem

import (
	"context"
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
)

// collect returns a sink that keeps a copy of every frame.
func collect(frames *[]*particles.Frame) solvers.Sink {
	return solvers.SinkFunc(func(f *particles.Frame) error {
		*frames = append(*frames, f.Clone())
		return nil
	})
}

func loadCase(t *testing.T, name string, duration float64) *cases.Case {
	t.Helper()
	c, err := cases.Load(name, cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c.Solver.Duration = duration
	return c
}

func kineticEnergy(f *particles.Frame) float64 {
	e := 0.0
	for i := range f.ID {
		v, w, m, r := f.Vel[i], f.Omega[i], f.Mass[i], f.Radius[i]
		e += 0.5*m*r3.Dot(v, v) + 0.5*0.4*m*r*r*r3.Dot(w, w)
	}
	return e
}

func TestRunHopperFrames(t *testing.T) {
	c := loadCase(t, "hopper", 0.03)
	var frames []*particles.Frame
	calls := 0
	err := New(Options{Workers: 2}).Run(context.Background(), c, collect(&frames), func(solvers.Progress) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != 4 {
		t.Fatalf("got %d frames for 0.03 s at 0.01 s intervals, want 4 (t = 0 included)", len(frames))
	}
	if calls == 0 {
		t.Error("progress was never called")
	}
	for k, f := range frames {
		if err := f.Validate(); err != nil {
			t.Fatal(err)
		}
		if want := 0.01 * float64(k); math.Abs(f.Time-want) > 1e-9 {
			t.Errorf("frame %d at t = %g s, want %g s", k, f.Time, want)
		}
		if f.Len() != 10000 {
			t.Errorf("frame %d has %d particles, want 10000", k, f.Len())
		}
		if len(f.OutletCount) != 1 || len(f.OutletMass) != 1 {
			t.Errorf("frame %d has %d outlet counts, want 1", k, len(f.OutletCount))
		}
	}
	// Free fall for 0.03 s from rest: the beads have not hit the gate
	// yet, so the centre of mass drops by g t^2 / 2.
	drop := centreZ(frames[0]) - centreZ(frames[3])
	within(t, "centre-of-mass drop in free fall (m)", drop, 0.5*9.81*0.03*0.03, 0.01)
}

func centreZ(f *particles.Frame) float64 {
	z, m := 0.0, 0.0
	for i := range f.ID {
		z += f.Mass[i] * f.Pos[i].Z
		m += f.Mass[i]
	}
	return z / m
}

func TestRunDeterministicAcrossWorkers(t *testing.T) {
	run := func(workers int) []*particles.Frame {
		c := loadCase(t, "box", 0.02)
		c.Solver.OutputInterval = 0.005
		// Start the beads moving so contacts form within the short run.
		c.Insertions[0].Velocity = r3.Vec{X: 0.3, Y: -0.2, Z: -0.5}
		var frames []*particles.Frame
		if err := New(Options{Workers: workers}).Run(context.Background(), c, collect(&frames), nil); err != nil {
			t.Fatal(err)
		}
		return frames
	}
	a, b := run(1), run(4)
	if len(a) != len(b) {
		t.Fatalf("%d frames with 1 worker, %d with 4", len(a), len(b))
	}
	for k := range a {
		fa, fb := a[k], b[k]
		if fa.Len() != fb.Len() {
			t.Fatalf("frame %d: %d vs %d particles", k, fa.Len(), fb.Len())
		}
		for i := range fa.ID {
			if fa.Pos[i] != fb.Pos[i] || fa.Vel[i] != fb.Vel[i] || fa.Omega[i] != fb.Omega[i] {
				t.Fatalf("frame %d, particle %d differs between 1 and 4 workers: %v vs %v", k, fa.ID[i], fa.Pos[i], fb.Pos[i])
			}
		}
	}
}

func TestRunCancel(t *testing.T) {
	c := loadCase(t, "box", 1)
	c.Solver.OutputInterval = 0.001
	ctx, cancel := context.WithCancel(context.Background())
	var frames []*particles.Frame
	sink := solvers.SinkFunc(func(f *particles.Frame) error {
		frames = append(frames, f.Clone())
		if len(frames) == 3 {
			cancel()
		}
		return nil
	})
	err := New(Options{}).Run(ctx, c, sink, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v, want context.Canceled", err)
	}
	if len(frames) != 3 {
		t.Errorf("%d frames after cancelling at the third, want 3", len(frames))
	}
}

func TestRunBlowUp(t *testing.T) {
	c := loadCase(t, "box", 0.05)
	c.Insertions[0].Velocity = r3.Vec{Z: -3}
	c.Solver.TimeStep = 5e-4 // about 4 Rayleigh times
	err := New(Options{}).Run(context.Background(), c, solvers.SinkFunc(func(*particles.Frame) error { return nil }), nil)
	var blow *BlowUpError
	if !errors.As(err, &blow) {
		t.Fatalf("Run returned %v, want a *BlowUpError", err)
	}
	if blow.Step <= 0 || blow.Quantity == "" {
		t.Errorf("blow-up error without step or quantity: %v", err)
	}
	t.Log(err)
}
