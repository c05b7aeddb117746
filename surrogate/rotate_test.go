package surrogate

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/neusim/neusim/kernels"
)

func TestRotationAboutAxis(t *testing.T) {
	r := rotationAbout([3]float64{0, 0, -9.81}, math.Pi/2)
	got := make([]float64, 3)
	r.vec(got, []float64{1, 0, 0})
	// A quarter turn about -z takes +x to -y.
	if want := []float64{0, -1, 0}; !closeSlices(got, want, 1e-15) {
		t.Errorf("R x = %v, want %v", got, want)
	}

	r = rotationAbout([3]float64{1, 2, 3}, 0.7)
	r.vec(got, []float64{1, 2, 3})
	if want := []float64{1, 2, 3}; !closeSlices(got, want, 1e-14) {
		t.Errorf("R axis = %v, want the axis %v", got, want)
	}

	// R Rᵀ = I: rotating the identity tensor gives the identity.
	id := []float64{1, 0, 0, 0, 1, 0, 0, 0, 1}
	out := make([]float64, 9)
	r.tensor(out, id)
	if !closeSlices(out, id, 1e-14) {
		t.Errorf("R I Rᵀ = %v, want the identity", out)
	}
	// A rotated tensor maps the rotated vector to the rotated image:
	// (R T Rᵀ)(R v) = R (T v).
	tensor, v := []float64{1, 2, 3, -4, 5, 6, 7, -8, 9}, []float64{0.5, -1, 2}
	r.tensor(out, tensor)
	rv, tv, lhs, rhs := make([]float64, 3), make([]float64, 3), make([]float64, 3), make([]float64, 3)
	r.vec(rv, v)
	for i := range 3 {
		tv[i] = tensor[3*i]*v[0] + tensor[3*i+1]*v[1] + tensor[3*i+2]*v[2]
		lhs[i] = out[3*i]*rv[0] + out[3*i+1]*rv[1] + out[3*i+2]*rv[2]
	}
	r.vec(rhs, tv)
	if !closeSlices(lhs, rhs, 1e-12) {
		t.Errorf("(R T Rᵀ)(R v) = %v, want R (T v) = %v", lhs, rhs)
	}
}

// TestRotatedFramesTargets checks that a rotated window has the rotated
// accelerations and gradient changes of the original, and that a turn
// back restores every rotated field.
func TestRotatedFramesTargets(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, frames = 5, 4
	s := &Sequence{Name: "random", Dt: 0.01}
	for range frames {
		f := EntityFrame{Pos: randSlice(rng, 3*n), Grad: randSlice(rng, 9*n), Shape: randSlice(rng, 6*n), Radius: randSlice(rng, n)}
		f.Walls = []WallEdge{{Entity: 2, ToWall: [3]float64{1, 2, 3}, Normal: [3]float64{0, 0.6, 0.8}, WallVel: [3]float64{-1, 0, 0.5}}}
		s.Frames = append(s.Frames, f)
	}
	axis := [3]float64{0.3, -0.2, -9.81}
	r := rotationAbout(axis, 1.1)
	rs := rotatedFrames(s, 0, frames-1, r)

	acc, dgrad := make([]float64, 3*n), make([]float64, 9*n)
	racc, rdgrad := make([]float64, 3*n), make([]float64, 9*n)
	s.Target(1, acc, dgrad)
	rs.Target(1, racc, rdgrad)
	want := make([]float64, 9)
	for i := range n {
		r.vec(want[:3], acc[3*i:3*i+3])
		if !closeSlices(racc[3*i:3*i+3], want[:3], 1e-9) {
			t.Errorf("entity %d: rotated acceleration %v, want R a = %v", i, racc[3*i:3*i+3], want[:3])
		}
		r.tensor(want, dgrad[9*i:9*i+9])
		if !closeSlices(rdgrad[9*i:9*i+9], want, 1e-9) {
			t.Errorf("entity %d: rotated gradient change %v, want R dB Rᵀ = %v", i, rdgrad[9*i:9*i+9], want)
		}
	}

	back := rotatedFrames(rs, 0, frames-1, rotationAbout(axis, -1.1))
	for k := range frames {
		a, b := &s.Frames[k], &back.Frames[k]
		if !closeSlices(a.Pos, b.Pos, 1e-12) || !closeSlices(a.Grad, b.Grad, 1e-12) || !closeSlices(a.Shape, b.Shape, 1e-12) {
			t.Errorf("frame %d: centres, gradients or shapes differ after a turn and its inverse", k)
		}
		w, v := a.Walls[0], b.Walls[0]
		if !closeSlices(w.ToWall[:], v.ToWall[:], 1e-12) || !closeSlices(w.Normal[:], v.Normal[:], 1e-12) || !closeSlices(w.WallVel[:], v.WallVel[:], 1e-12) {
			t.Errorf("frame %d: wall edge %+v after a turn and its inverse, want %+v", k, v, w)
		}
	}
	if s.Frames[1].Walls[0].ToWall != [3]float64{1, 2, 3} {
		t.Errorf("rotating changed the source sequence's wall edge: %v", s.Frames[1].Walls[0].ToWall)
	}
}

func randSlice(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.Float64()*2 - 1
	}
	return v
}

func closeSlices(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > tol {
			return false
		}
	}
	return true
}

// TestPredictTurnsEquivariant checks that a prediction averaged over
// quarter turns about gravity turns with the scene: a quarter-turned
// scene gives the quarter-turned accelerations and gradient changes, at
// the first step and at the next, with memory. A single turn does not.
func TestPredictTurnsEquivariant(t *testing.T) {
	be := kernels.NewCPU[float32](1)
	defer be.Close()
	feat := Features{History: 2, Materials: 1, Radius: 0.025}
	m, err := NewModel(be, feat.ModelConfig(Config{Latent: 16, Width: 16, Hidden: 1, Steps: 2, Memory: MemoryMLSTM, Heads: 2}), 7)
	if err != nil {
		t.Fatal(err)
	}
	const n = 27
	s := randomRolloutState(rand.New(rand.NewPCG(5, 6)), n, feat)
	axis := [3]float64{0, 0, -9.81}
	quarter := rotationAbout(axis, math.Pi/2)
	turned := &RolloutState{}
	rotateFrame(&turned.Frame, &s.Frame, quarter)
	for _, v := range s.Vels {
		turned.Vels = append(turned.Vels, rotateVectors(nil, v, quarter))
	}

	// worst returns the largest difference between the prediction for the
	// turned scene and the turned prediction, over two steps.
	worst := func(turns int) float64 {
		p := &ModelPredictor{B: be, Model: m, Feat: feat, Norm: unitNormalisation(), Turns: turns, Axis: axis}
		q := &ModelPredictor{B: be, Model: m, Feat: feat, Norm: unitNormalisation(), Turns: turns, Axis: axis}
		acc, dgrad := make([]float64, 3*n), make([]float64, 9*n)
		tacc, tdgrad := make([]float64, 3*n), make([]float64, 9*n)
		want := make([]float64, 9)
		diff := 0.0
		for range 2 {
			if err := p.Predict(s, acc, dgrad); err != nil {
				t.Fatal(err)
			}
			if err := q.Predict(turned, tacc, tdgrad); err != nil {
				t.Fatal(err)
			}
			for i := range n {
				quarter.vec(want[:3], acc[3*i:3*i+3])
				for d := range 3 {
					diff = max(diff, math.Abs(tacc[3*i+d]-want[d]))
				}
				quarter.tensor(want, dgrad[9*i:9*i+9])
				for j := range 9 {
					diff = max(diff, math.Abs(tdgrad[9*i+j]-want[j]))
				}
			}
		}
		return diff
	}
	// The model runs in float32 on outputs of order 1.
	const tol = 1e-4
	if d := worst(4); d > tol {
		t.Errorf("4 turns: prediction for the turned scene differs from the turned prediction by %g, want at most %g", d, tol)
	}
	if d := worst(1); d < 100*tol {
		t.Errorf("1 turn: prediction for the turned scene within %g of the turned prediction; want the test model to prefer a direction, so that the test can fail", d)
	}
}

// TestPredictTurnsNeedAxis checks that turns about a zero axis are
// rejected.
func TestPredictTurnsNeedAxis(t *testing.T) {
	be := kernels.NewCPU[float32](1)
	defer be.Close()
	feat := Features{History: 1, Materials: 1, Radius: 0.025}
	m, err := NewModel(be, feat.ModelConfig(Config{Latent: 8, Width: 8, Hidden: 1, Steps: 1, Heads: 1}), 1)
	if err != nil {
		t.Fatal(err)
	}
	s := &RolloutState{Frame: latticeFrame(8, 0.01, feat.Radius), Vels: [][]float64{make([]float64, 24)}}
	p := &ModelPredictor{B: be, Model: m, Feat: feat, Norm: unitNormalisation(), Turns: 4}
	err = p.Predict(s, make([]float64, 24), make([]float64, 72))
	if err == nil || !strings.Contains(err.Error(), "zero axis") {
		t.Errorf("Predict with 4 turns and no axis: error %v, want one naming the zero axis", err)
	}
}

// randomRolloutState returns n entities on a lattice with random velocity
// gradients and feat.History random velocities.
func randomRolloutState(rng *rand.Rand, n int, feat Features) *RolloutState {
	s := &RolloutState{Frame: latticeFrame(n, 0.01, feat.Radius)}
	s.Frame.Grad = randSlice(rng, 9*n)
	for range feat.History {
		s.Vels = append(s.Vels, randSlice(rng, 3*n))
	}
	return s
}
