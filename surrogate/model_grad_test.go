package surrogate

import (
	"math/rand/v2"
	"testing"

	"github.com/neusim/neusim/kernels"
)

// randomGraph returns a graph with n entities, every entity receiving from
// up to three random senders, and two wall edges.
func randomGraph(rng *rand.Rand, cfg Config, n int) *Graph {
	g := &Graph{N: n}
	for i := 0; i < n*cfg.NodeIn; i++ {
		g.Nodes = append(g.Nodes, float32(rng.NormFloat64()))
	}
	for r := 0; r < n; r++ {
		for k := 0; k < rng.IntN(4); k++ {
			g.Senders = append(g.Senders, int32(rng.IntN(n)))
			g.Receivers = append(g.Receivers, int32(r))
			for f := 0; f < cfg.EdgeIn; f++ {
				g.Edges = append(g.Edges, float32(rng.NormFloat64()))
			}
		}
	}
	for k := 0; k < 2; k++ {
		g.WallReceivers = append(g.WallReceivers, int32(rng.IntN(n)))
		for f := 0; f < cfg.WallIn; f++ {
			g.Walls = append(g.Walls, float32(rng.NormFloat64()))
		}
	}
	return g
}

// modelHarness runs a tiny model over three steps with memory carried
// through, for a loss Σ_t w_t·output_t, backpropagated through time.
func modelHarness[T Float](b kernels.BackendOf[T], mem MemoryKind) harness[T] {
	cfg := Config{NodeIn: 4, EdgeIn: 5, WallIn: 3, Latent: 8, Width: 6, Hidden: 1, Steps: 2, Memory: mem, Heads: 2}
	m, err := NewModel(b, cfg, 1)
	if err != nil {
		panic(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	const steps, n = 3, 5
	graphs := make([]*DeviceGraph[T], steps)
	for t := range graphs {
		graphs[t] = &DeviceGraph[T]{}
		graphs[t].Upload(b, randomGraph(rng, m.Cfg, n), m.Cfg)
	}
	caches := make([]StepCache[T], steps)
	states := make([]*Memory[T], steps+1)
	for t := range states {
		states[t] = m.NewMemory(b, n)
	}
	douts := make([]*kernels.Tensor[T], steps)
	forward := func(keep bool) float64 {
		var loss float64
		for t := 0; t < steps; t++ {
			out := m.Forward(b, &caches[t], graphs[t], states[t], states[t+1])
			if keep {
				loss += weightedSum(b, out, &douts[t])
			} else {
				loss += weightedSum(b, out, nil)
			}
		}
		return loss
	}
	return harness[T]{ps: &m.Params,
		loss: func() float64 { return forward(false) },
		grad: func() {
			m.Params.ZeroGrad(b)
			forward(true)
			ds := m.NewMemoryGrad(b, n)
			for t := steps - 1; t >= 0; t-- {
				m.Backward(b, &caches[t], douts[t], ds)
			}
		}}
}

func TestModelGradients(t *testing.T) {
	b32, b64 := kernels.NewCPU[float32](2), kernels.NewCPU[float64](2)
	defer b32.Close()
	defer b64.Close()
	for _, mem := range []MemoryKind{MemoryNone, MemoryMLSTM, MemorySLSTM} {
		t.Run(string(mem), func(t *testing.T) {
			gradCheck(t, modelHarness(b32, mem), b32, modelHarness(b64, mem), b64)
		})
	}
}
