package surrogate

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/neusim/neusim/kernels"
)

// Benchmarks of the float32 CPU backend. Run with
//
//	go test -run ^$ -bench . -benchtime 20x ./surrogate/
//
// entity-steps/s counts one entity advanced (rollout) or one entity-step of
// a training window (training, forward and backward) per unit of wall
// time. entity-steps/cpu-s divides by the CPU time of the process instead,
// which stays meaningful on a machine shared with other jobs.

// latticeFrame returns n spheres on a jittered cubic lattice with spacing
// 1.5 radii and their pairs within the connectivity radius (about 18
// neighbours each at 1.67 spacings).
func latticeFrame(n int, radius, conn float64) EntityFrame {
	rng := rand.New(rand.NewPCG(1, 2))
	side := 1
	for side*side*side < n {
		side++
	}
	f := EntityFrame{Pos: make([]float64, 3*n), Grad: make([]float64, 9*n), Shape: make([]float64, 6*n),
		Radius: make([]float64, n), Material: make([]float64, n)}
	for i := 0; i < n; i++ {
		c := [3]int{i % side, (i / side) % side, i / (side * side)}
		for d := 0; d < 3; d++ {
			f.Pos[3*i+d] = 1.5*radius*float64(c[d]) + 0.1*radius*rng.NormFloat64()
			f.Shape[6*i+[3]int{0, 3, 5}[d]] = radius * radius / 5
		}
		f.Radius[i], f.Material[i] = radius, 1
		if c[2] == 0 {
			f.Walls = append(f.Walls, WallEdge{Entity: int32(i), ToWall: [3]float64{0, 0, -f.Pos[3*i+2] - radius}, Normal: [3]float64{0, 0, 1}})
		}
	}
	f.Senders, f.Receivers = []int32{}, []int32{}
	for r := 0; r < n; r++ {
		for s := 0; s < n; s++ {
			if s != r && dist(f.Pos, s, r) < conn {
				f.Senders = append(f.Senders, int32(s))
				f.Receivers = append(f.Receivers, int32(r))
			}
		}
	}
	return f
}

// gnsConfig is the published GNS size: latent 128, 10 message-passing
// steps, MLPs with two hidden layers of 128.
func gnsConfig(feat Features, mem MemoryKind) Config {
	return feat.ModelConfig(Config{Latent: 128, Width: 128, Hidden: 2, Steps: 10, Memory: mem, Heads: 4})
}

func BenchmarkRolloutStep(b *testing.B) {
	for _, n := range []int{128, 512} {
		b.Run(fmt.Sprintf("entities=%d", n), func(b *testing.B) {
			be := kernels.NewCPU[float32](0)
			defer be.Close()
			feat := Features{History: 5, Materials: 1, Radius: 0.025}
			m, err := NewModel(be, gnsConfig(feat, MemoryMLSTM), 1)
			if err != nil {
				b.Fatal(err)
			}
			norm := unitNormalisation()
			s := &RolloutState{Frame: latticeFrame(n, 0.01, feat.Radius)}
			for j := 0; j < feat.History; j++ {
				s.Vels = append(s.Vels, make([]float64, 3*n))
			}
			p := &ModelPredictor{B: be, Model: m, Feat: feat, Norm: norm}
			acc, dgrad := make([]float64, 3*n), make([]float64, 9*n)
			cpu0 := cpuTime()
			for b.Loop() {
				if err := p.Predict(s, acc, dgrad); err != nil {
					b.Fatal(err)
				}
				if err := (Euler{}).Advance(s, acc, dgrad, 1e-6); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "entity-steps/s")
			b.ReportMetric(float64(n)*float64(b.N)/(cpuTime()-cpu0).Seconds(), "entity-steps/cpu-s")
			b.ReportMetric(float64(len(s.Frame.Senders))/float64(n), "edges/entity")
		})
	}
}

func BenchmarkTrainStep(b *testing.B) {
	be := kernels.NewCPU[float32](0)
	defer be.Close()
	seqs := boxSequences(1, 4, 30)
	feat := Features{History: 5, Materials: 1, Radius: 0.25}
	norm, err := ComputeNormalisation(seqs)
	if err != nil {
		b.Fatal(err)
	}
	m, err := NewModel(be, gnsConfig(feat, MemoryMLSTM), 1)
	if err != nil {
		b.Fatal(err)
	}
	cfg := TrainConfig{Iterations: 1 << 30, Batch: 8, Window: 4}
	tr, err := NewTrainer(be, m, feat, norm, cfg, seqs, nil)
	if err != nil {
		b.Fatal(err)
	}
	cpu0 := cpuTime()
	for b.Loop() {
		if _, _, err := tr.Step(); err != nil {
			b.Fatal(err)
		}
	}
	perStep := float64(tr.Cfg.Batch * tr.Cfg.Window * seqs[0].Frames[0].N())
	b.ReportMetric(perStep*float64(b.N)/b.Elapsed().Seconds(), "entity-steps/s")
	b.ReportMetric(perStep*float64(b.N)/(cpuTime()-cpu0).Seconds(), "entity-steps/cpu-s")
}

// cpuTime returns the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// unitNormalisation leaves every feature unscaled.
func unitNormalisation() Normalisation {
	unit := func(n int) Stats {
		s := Stats{Mean: make([]float64, n), Std: make([]float64, n)}
		for i := range s.Std {
			s.Std[i] = 1
		}
		return s
	}
	return Normalisation{Vel: unit(3), Acc: unit(3), DGrad: unit(9), Grad: unit(9), Shape: unit(6), Radius: unit(1)}
}
