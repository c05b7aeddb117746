package main

import (
	"context"
	"errors"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
	"github.com/neusim/neusim/solvers/plugin"
)

// buildPlugin builds this example into a temporary folder.
func buildPlugin(t *testing.T) string {
	t.Helper()
	exe := filepath.Join(t.TempDir(), plugin.Prefix+"ballistic")
	out, err := exec.Command("go", "build", "-o", exe, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return exe
}

// Every bead must follow x(t) = x0 + v0 t + g t^2 / 2 through the plugin
// boundary, and be present in a frame exactly while that position is in
// the domain. Velocity Verlet is exact for a constant acceleration, so
// the only error is rounding, about 1e-16 m per step over 4000 steps of
// positions below 0.4 m: 1e-12 m bounds it with room to spare.
func TestBallisticAnalytic(t *testing.T) {
	c, err := cases.Load("testdata/drop.yaml", cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var frames []*particles.Frame
	sink := solvers.SinkFunc(func(f *particles.Frame) error { frames = append(frames, f.Clone()); return nil })
	s := plugin.New("ballistic", buildPlugin(t), plugin.Options{})
	if err := s.Run(context.Background(), c, sink, nil); err != nil {
		t.Fatal(err)
	}

	if want := 21; len(frames) != want {
		t.Fatalf("%d frames, want %d (0 to 0.4 s every 0.02 s)", len(frames), want)
	}
	first := frames[0]
	if first.Len() != 27 {
		t.Fatalf("%d beads at t = 0, want 27", first.Len())
	}
	v0 := c.Insertions[0].Velocity
	inside := func(p r3.Vec) bool {
		lo, hi := c.Domain.Min, c.Domain.Max
		return p.X >= lo.X && p.X <= hi.X && p.Y >= lo.Y && p.Y <= hi.Y && p.Z >= lo.Z && p.Z <= hi.Z
	}
	for k, f := range frames {
		if want := 0.02 * float64(k); math.Abs(f.Time-want) > 1e-12 {
			t.Errorf("frame %d at %g s, want %g s", k, f.Time, want)
		}
		at := map[int64]int{}
		for i, id := range f.ID {
			at[id] = i
		}
		for i, id := range first.ID {
			x := r3.Add(first.Pos[i], r3.Add(r3.Scale(f.Time, v0), r3.Scale(f.Time*f.Time/2, c.Gravity)))
			j, present := at[id]
			if present != inside(x) {
				t.Errorf("frame %d: bead %d present = %v, but its analytic position %v is inside the domain = %v", k, id, present, x, inside(x))
				continue
			}
			if !present {
				continue
			}
			if d := r3.Norm(r3.Sub(f.Pos[j], x)); d > 1e-12 {
				t.Errorf("frame %d: bead %d at %v, analytic %v (%.3g m apart)", k, id, f.Pos[j], x, d)
			}
			v := r3.Add(v0, r3.Scale(f.Time, c.Gravity))
			if d := r3.Norm(r3.Sub(f.Vel[j], v)); d > 1e-12 {
				t.Errorf("frame %d: bead %d velocity %v, analytic %v", k, id, f.Vel[j], v)
			}
		}
	}
	if last := frames[len(frames)-1]; last.Len() != 0 {
		t.Errorf("%d beads left at 0.4 s, want 0: all fall below the domain by then", last.Len())
	}
}

func TestBallisticRejectsWalls(t *testing.T) {
	c, err := cases.Load("hopper", cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = place(c)
	if err == nil || !strings.Contains(err.Error(), "walls are not supported") {
		t.Errorf("error = %v, want one naming the unsupported walls", err)
	}
	// Through the plugin, the same error comes back as a solver failure.
	err = plugin.New("ballistic", buildPlugin(t), plugin.Options{}).Run(context.Background(), c, solvers.SinkFunc(func(*particles.Frame) error { return nil }), nil)
	if !errors.Is(err, plugin.ErrSolver) || !strings.Contains(err.Error(), "walls are not supported") {
		t.Errorf("plugin error = %v, want an ErrSolver naming the walls", err)
	}
}
