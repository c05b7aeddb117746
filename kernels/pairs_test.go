package kernels

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// bruteForcePairs is the scan that surrogate.Features.Build runs when no
// pairs are given: every receiver, then every sender, in index order.
func bruteForcePairs(pos []float64, radius float64) (senders, receivers []int32) {
	n := len(pos) / 3
	for r := 0; r < n; r++ {
		for s := 0; s < n; s++ {
			if s != r && pairDistance(pos, s, r) < radius {
				senders = append(senders, int32(s))
				receivers = append(receivers, int32(r))
			}
		}
	}
	return senders, receivers
}

func TestRadiusPairsMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, tc := range []struct {
		name   string
		n      int
		box    [3]float64
		radius float64
	}{
		{"cube", 2000, [3]float64{0.1, 0.1, 0.1}, 0.012},
		{"slab", 1500, [3]float64{0.3, 0.3, 0.01}, 0.02},
		{"sparse", 300, [3]float64{100, 100, 100}, 0.5},
		{"one point", 1, [3]float64{1, 1, 1}, 0.1},
		{"empty", 0, [3]float64{1, 1, 1}, 0.1},
	} {
		pos := make([]float64, 3*tc.n)
		for i := range pos {
			pos[i] = tc.box[i%3] * rng.Float64()
		}
		// Points exactly one radius apart lie on the boundary of the test.
		if tc.n >= 2 {
			copy(pos[3:6], pos[0:3])
			pos[3] += tc.radius
		}
		wantS, wantR := bruteForcePairs(pos, tc.radius)
		for _, workers := range []int{1, 3} {
			s, r := RadiusPairs(pos, tc.radius, workers)
			if !slices.Equal(s, wantS) || !slices.Equal(r, wantR) {
				t.Errorf("%s, %d workers: %d pairs, brute force %d; or another order", tc.name, workers, len(s), len(wantS))
			}
		}
	}
}

func BenchmarkRadiusPairs(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	pos := make([]float64, 3*31250)
	for i := range pos {
		pos[i] = 0.2 * rng.Float64()
	}
	for b.Loop() {
		RadiusPairs(pos, 0.0095, 0)
	}
}

// The brute-force scan at the size of BenchmarkRadiusPairs, the cost the
// surrogate solver's Features.Build pays when no pairs are given.
func BenchmarkBruteForcePairs(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	pos := make([]float64, 3*31250)
	for i := range pos {
		pos[i] = 0.2 * rng.Float64()
	}
	for b.Loop() {
		bruteForcePairs(pos, 0.0095)
	}
}

type recordingSearcher struct{ calls int }

func (s *recordingSearcher) RadiusPairs(pos []float64, radius float64) ([]int32, []int32) {
	s.calls++
	return RadiusPairs(pos, radius, 1)
}

func TestSearchPairsUsesBackend(t *testing.T) {
	pos := []float64{0, 0, 0, 0.5, 0, 0, 3, 0, 0}
	cpu := NewCPU[float32](1)
	defer cpu.Close()
	s, r := SearchPairs(cpu, pos, 1, 1)
	if !slices.Equal(s, []int32{1, 0}) || !slices.Equal(r, []int32{0, 1}) {
		t.Errorf("CPU: senders %v, receivers %v", s, r)
	}
	rec := &recordingSearcher{}
	SearchPairs(rec, pos, 1, 1)
	if rec.calls != 1 {
		t.Errorf("a PairSearcher was called %d times, want 1", rec.calls)
	}
}
