package surrogate

import (
	"context"
	"math"
	"testing"
)

// cheater predicts the recorded accelerations and gradient changes of a
// sequence, starting at frame start.
type cheater struct {
	seq   *Sequence
	start int
}

func (c *cheater) Predict(s *RolloutState, acc, dgrad []float64) error {
	c.seq.Target(c.start+s.Step, acc, dgrad)
	return nil
}

// recorder checks every state against the recorded frames.
type recorder struct {
	seq     *Sequence
	start   int
	maxPos  float64 // m
	maxGrad float64 // 1/s
	steps   int
}

func (r *recorder) Write(s *RolloutState) error {
	want := &r.seq.Frames[r.start+s.Step]
	for i, x := range s.Frame.Pos {
		r.maxPos = math.Max(r.maxPos, math.Abs(x-want.Pos[i]))
	}
	for i, g := range s.Frame.Grad {
		r.maxGrad = math.Max(r.maxGrad, math.Abs(g-want.Grad[i]))
	}
	r.steps++
	return nil
}

func TestRolloutCheatingModelReproduces(t *testing.T) {
	seq := boxSequences(3, 1, 80)[0]
	// Give the entities a time-varying affine gradient so that its
	// integration is checked too.
	for f := range seq.Frames {
		for i := range seq.Frames[f].Grad {
			seq.Frames[f].Grad[i] = math.Sin(0.1*float64(f) + float64(i))
		}
	}
	const history, start = 3, 3
	s, err := NewRolloutState(seq, start, history)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{seq: seq, start: start}
	steps := len(seq.Frames) - 1 - start
	if err := Rollout(context.Background(), s, seq.Dt, steps, &cheater{seq: seq, start: start}, Euler{}, nil, rec); err != nil {
		t.Fatal(err)
	}
	if rec.steps != steps {
		t.Fatalf("sink saw %d steps, want %d", rec.steps, steps)
	}
	// Positions are O(1) m; 76 steps of float64 rounding leave errors of
	// order 1e-13 m, so 1e-11 m is rounding, not a wrong update.
	if rec.maxPos > 1e-11 {
		t.Errorf("max position error %.3g m after %d steps, want rounding (< 1e-11 m)", rec.maxPos, steps)
	}
	if rec.maxGrad > 1e-12 {
		t.Errorf("max gradient error %.3g 1/s, want rounding (< 1e-12)", rec.maxGrad)
	}
}

func TestAffineShapeUpdate(t *testing.T) {
	// A uniform stretch B = diag(1, 0, 0) for dt scales Σxx by (1+dt)².
	// Layout xx xy xz yy yz zz: the xy and xz entries scale by 1+dt.
	sh := []float64{2, 0.5, 0.25, 3, 0.1, 4}
	b := []float64{1, 0, 0, 0, 0, 0, 0, 0, 0}
	affineShape(sh, b, 0.1)
	want := []float64{2 * 1.21, 0.5 * 1.1, 0.25 * 1.1, 3, 0.1, 4}
	for i := range want {
		if math.Abs(sh[i]-want[i]) > 1e-14 {
			t.Errorf("shape[%d] = %g, want %g", i, sh[i], want[i])
		}
	}
}

func TestAffineShapeMatchesMatrixProduct(t *testing.T) {
	sh := []float64{2, 0.5, 0.25, 3, 0.1, 4}
	b := []float64{0.3, -1, 0.2, 0.5, 0.1, 0.7, -0.4, 0.9, -0.2}
	const dt = 0.05
	full := [3][3]float64{{sh[0], sh[1], sh[2]}, {sh[1], sh[3], sh[4]}, {sh[2], sh[4], sh[5]}}
	var f [3][3]float64
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			f[i][j] = b[3*i+j] * dt
		}
		f[i][i]++
	}
	var want [3][3]float64 // F·Σ·Fᵀ by brute force
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			for k := 0; k < 3; k++ {
				for l := 0; l < 3; l++ {
					want[i][j] += f[i][k] * full[k][l] * f[j][l]
				}
			}
		}
	}
	affineShape(sh, b, dt)
	got := [6]float64{want[0][0], want[0][1], want[0][2], want[1][1], want[1][2], want[2][2]}
	for i := range got {
		if math.Abs(sh[i]-got[i]) > 1e-14 {
			t.Errorf("shape[%d] = %.17g, brute force %.17g", i, sh[i], got[i])
		}
	}
}
