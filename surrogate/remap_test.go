package surrogate

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neusim/neusim/kernels"
)

// unscaled returns the state tensors of entity i multiplied by exp(m), the
// values that a regrouping mixes.
func unscaled(m *Model[float64], b kernels.BackendOf[float64], s *Memory[float64], i int) [][]float64 {
	shapes := m.Mem.stateShapes()
	mcol := download(b, s.Tensors[2])[i*shapes[2] : (i+1)*shapes[2]]
	var out [][]float64
	for t, cols := range shapes {
		v := download(b, s.Tensors[t])[i*cols : (i+1)*cols]
		if t == 2 {
			continue
		}
		u := make([]float64, cols)
		for c := range v {
			u[c] = v[c]
			if st := m.stabiliserOf(t, c); st >= 0 {
				u[c] *= math.Exp(mcol[st])
			}
		}
		out = append(out, u)
	}
	return out
}

func TestRemapMemoryMixesUnscaledStates(t *testing.T) {
	b := kernels.NewCPU[float64](1)
	defer b.Close()
	for _, mem := range []MemoryKind{MemoryMLSTM, MemorySLSTM} {
		m, err := NewModel(b, Config{NodeIn: 4, EdgeIn: 5, WallIn: 3, Latent: 8, Width: 8, Hidden: 1, Steps: 1, Memory: mem, Heads: 2}, 2)
		if err != nil {
			t.Fatal(err)
		}
		// Run three entities for a few steps so that their stabilisers differ.
		rng := rand.New(rand.NewPCG(8, 9))
		s0, s1 := m.NewMemory(b, 3), m.NewMemory(b, 3)
		var c StepCache[float64]
		for step := 0; step < 4; step++ {
			var g DeviceGraph[float64]
			g.Upload(b, randomGraph(rng, m.Cfg, 3), m.Cfg)
			m.Forward(b, &c, &g, s0, s1)
			s0, s1 = s1, s0
		}

		// New entity 0 merges old 0 and 2 (0.3 and 0.7), new 1 is old 1, new 2 is empty.
		r := &Remap{Offsets: []int32{0, 2, 3, 3}, Sources: []int32{0, 2, 1}, Weights: []float64{0.3, 0.7, 1}}
		got, err := m.RemapMemory(b, s0, r)
		if err != nil {
			t.Fatal(err)
		}
		a, c2, one := unscaled(m, b, s0, 0), unscaled(m, b, s0, 2), unscaled(m, b, s0, 1)
		merged, kept, empty := unscaled(m, b, got, 0), unscaled(m, b, got, 1), unscaled(m, b, got, 2)
		for t2 := range a {
			for k := range a[t2] {
				want := 0.3*a[t2][k] + 0.7*c2[t2][k]
				if math.Abs(merged[t2][k]-want) > 1e-9*(1+math.Abs(want)) {
					t.Fatalf("%s: merged state %d[%d] = %g, want %g", mem, t2, k, merged[t2][k], want)
				}
				if math.Abs(kept[t2][k]-one[t2][k]) > 1e-12*(1+math.Abs(one[t2][k])) {
					t.Fatalf("%s: kept state %d[%d] = %g, want %g", mem, t2, k, kept[t2][k], one[t2][k])
				}
				if empty[t2][k] != 0 {
					t.Fatalf("%s: entity without sources has state %d[%d] = %g", mem, t2, k, empty[t2][k])
				}
			}
		}
		if _, err := m.RemapMemory(b, s0, &Remap{Offsets: []int32{0, 1}, Sources: []int32{5}, Weights: []float64{1}}); err == nil {
			t.Errorf("%s: remap from entity 5 of 3 accepted", mem)
		}
	}
}
