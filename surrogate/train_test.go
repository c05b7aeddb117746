package surrogate

import (
	"context"
	"math"
	"testing"

	"github.com/neusim/neusim/kernels"
)

func smallSetup(t *testing.T, b kernels.Backend, seqs []*Sequence, mem MemoryKind, iterations int) *Trainer {
	t.Helper()
	feat := Features{History: 2, Materials: 1, Radius: 0.25}
	norm, err := ComputeNormalisation(seqs)
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewModel(b, feat.ModelConfig(Config{Latent: 32, Width: 32, Hidden: 1, Steps: 2, Memory: mem, Heads: 2}), 7)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainer(b, m, feat, norm, TrainConfig{Iterations: iterations, LRStart: 3e-3, LREnd: 3e-5,
		Batch: 4, Window: 2, Noise: 0.01, RolloutWeight: 0.1, Seed: 11}, seqs, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestTrainingBeatsConstantVelocity(t *testing.T) {
	b := kernels.NewCPU[float32](0)
	defer b.Close()
	train, held := boxSequences(1, 12, 60), boxSequences(2, 3, 60)
	tr := smallSetup(t, b, train, MemoryMLSTM, 1500)
	first, last := 0.0, 0.0
	for i := 0; i < tr.Cfg.Iterations; i++ {
		loss, _, err := tr.Step()
		if err != nil {
			t.Fatal(err)
		}
		if i < 50 {
			first += loss / 50
		}
		if i >= tr.Cfg.Iterations-50 {
			last += loss / 50
		}
	}
	t.Logf("mean loss over the first 50 iterations %.4g, last 50 %.4g", first, last)

	p := &ModelPredictor{B: b, Model: tr.Model, Feat: tr.Feat, Norm: tr.Norm}
	e, err := EvaluateOneStep(p, p.ResetMemory, held, tr.Feat.History)
	if err != nil {
		t.Fatal(err)
	}
	ratio := e.Model / e.ConstantVelocity
	t.Logf("held-out one-step acceleration MSE: model %.4g, constant velocity %.4g (m/s²)², ratio %.3f", e.Model, e.ConstantVelocity, ratio)
	// The margin: the model must remove 85 % of the squared error of each
	// baseline. A gravity-only baseline (a = g) shows that the model learned
	// the contacts, not only the constant part of the acceleration.
	if ratio > 0.15 {
		t.Errorf("model MSE is %.3f of the constant-velocity baseline, want below 0.15", ratio)
	}
	grav := gravityOnlyMSE(held, tr.Feat.History, defaultBox().gravity)
	t.Logf("gravity-only baseline %.4g (m/s²)², ratio %.3f", grav, e.Model/grav)
	if e.Model > 0.15*grav {
		t.Errorf("model MSE %.4g is %.3f of the gravity-only baseline, want below 0.15", e.Model, e.Model/grav)
	}

	// A 10-step rollout from the recorded start must end closer to the
	// recorded positions than constant-velocity extrapolation.
	var errModel, errCV float64
	const steps = 10
	for _, seq := range held {
		p.ResetMemory()
		s, err := NewRolloutState(seq, tr.Feat.History, tr.Feat.History)
		if err != nil {
			t.Fatal(err)
		}
		v := clone(s.Vels[len(s.Vels)-1])
		x0 := clone(s.Frame.Pos)
		if err := Rollout(context.Background(), s, seq.Dt, steps, p, Euler{}, boxWalls{}, nil); err != nil {
			t.Fatal(err)
		}
		want := seq.Frames[tr.Feat.History+steps].Pos
		for i := range want {
			errModel += math.Pow(s.Frame.Pos[i]-want[i], 2)
			errCV += math.Pow(x0[i]+v[i]*steps*seq.Dt-want[i], 2)
		}
	}
	t.Logf("position MSE after %d rollout steps: model %.4g m², constant velocity %.4g m²", steps, errModel, errCV)
	if errModel > 0.5*errCV {
		t.Errorf("rollout position error %.4g m² is not below half the constant-velocity error %.4g m²", errModel, errCV)
	}
}

// gravityOnlyMSE is the mean squared one-step error of predicting a = g.
func gravityOnlyMSE(seqs []*Sequence, history int, g float64) float64 {
	var sum float64
	var count int
	for _, seq := range seqs {
		n := seq.Frames[0].N()
		acc, dg := make([]float64, 3*n), make([]float64, 9*n)
		for t := history; t < len(seq.Frames)-1; t++ {
			seq.Target(t, acc, dg)
			for i := 0; i < n; i++ {
				acc[3*i+2] += g
				for d := 0; d < 3; d++ {
					sum += acc[3*i+d] * acc[3*i+d]
				}
			}
			count += n
		}
	}
	return sum / float64(count)
}

// boxWalls recomputes the wall edges of the unit box during a rollout.
type boxWalls struct{}

func (boxWalls) Update(s *RolloutState) error {
	s.Frame.Walls = defaultBox().frame(s.Frame.Pos).Walls
	return nil
}

func TestTrainingSameWeightsAnyWorkers(t *testing.T) {
	seqs := boxSequences(4, 3, 20)
	var ref [][]float32
	for _, workers := range []int{1, 3} {
		b := kernels.NewCPU[float32](workers)
		tr := smallSetup(t, b, seqs, MemorySLSTM, 15)
		tr.Cfg.Pushforward, tr.Cfg.BurnIn = true, 3
		for i := 0; i < tr.Cfg.Iterations; i++ {
			if _, _, err := tr.Step(); err != nil {
				t.Fatal(err)
			}
		}
		var got [][]float32
		for _, p := range tr.Model.Params.List {
			v := make([]float32, p.Value.Len())
			b.Download(v, p.Value)
			got = append(got, v)
		}
		b.Close()
		if ref == nil {
			ref = got
			continue
		}
		for i := range ref {
			for j := range ref[i] {
				if got[i][j] != ref[i][j] {
					t.Fatalf("%d workers: %s[%d] = %g, 1 worker gave %g", workers, tr.Model.Params.List[i].Name, j, got[i][j], ref[i][j])
				}
			}
		}
	}
}

func TestRolloutStepAllocatesNothing(t *testing.T) {
	b := kernels.NewCPU[float32](2)
	defer b.Close()
	seqs := boxSequences(5, 1, 20)
	tr := smallSetup(t, b, seqs, MemoryMLSTM, 1)
	p := &ModelPredictor{B: b, Model: tr.Model, Feat: tr.Feat, Norm: tr.Norm}
	s, err := NewRolloutState(seqs[0], 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	n := s.Frame.N()
	acc, dgrad := make([]float64, 3*n), make([]float64, 9*n)
	// Every pass restarts from the same state, so the graph sizes repeat.
	pos, v0, v1 := clone(s.Frame.Pos), clone(s.Vels[0]), clone(s.Vels[1])
	step := func() {
		copy(s.Frame.Pos, pos)
		copy(s.Vels[0], v0)
		copy(s.Vels[1], v1)
		if err := p.Predict(s, acc, dgrad); err != nil {
			t.Fatal(err)
		}
		if err := (Euler{}).Advance(s, acc, dgrad, seqs[0].Dt); err != nil {
			t.Fatal(err)
		}
	}
	step()
	if a := testing.AllocsPerRun(10, step); a != 0 {
		t.Fatalf("%v allocations per rollout step, want 0", a)
	}
}

func TestPushforwardExactPredictionsFollowRecord(t *testing.T) {
	b := kernels.NewCPU[float32](1)
	defer b.Close()
	seqs := boxSequences(12, 2, 20)
	tr := smallSetup(t, b, seqs, MemoryNone, 1)
	tr.Cfg.Pushforward, tr.Cfg.Noise, tr.Cfg.Window = true, 0, 3
	tr.host.graphs, tr.host.targets = make([]Graph, 3), make([][]float64, 3)
	tr.caches = nil // Step sizes its buffers again for the new window
	tr.sampleWindows()
	for s := 0; s < 3; s++ {
		tr.buildStep(s)
		// The targets of every step must be the recorded ones when the
		// predictions so far were exact.
		for _, w := range tr.windows {
			n := len(w.pos) / 3
			acc, dg := make([]float64, 3*n), make([]float64, 9*n)
			w.seq.Target(w.t0+s, acc, dg)
			for i := 0; i < n; i++ {
				for d := 0; d < 3; d++ {
					got := tr.Norm.Acc.Denormalise(d, tr.host.targets[s][(w.offset+i)*OutWidth+d])
					if math.Abs(got-acc[3*i+d]) > 1e-6*(1+math.Abs(acc[3*i+d])) {
						t.Fatalf("step %d entity %d: target acceleration %g, recorded %g", s, i, got, acc[3*i+d])
					}
				}
			}
		}
		tr.advanceWindows(tr.host.targets[s])
	}
	// A full step without memory runs too.
	if _, _, err := tr.Step(); err != nil {
		t.Fatal(err)
	}
}
