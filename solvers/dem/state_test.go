package dem

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"
)

func TestMortonInterleaves(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for range 1000 {
		x, y, z := rng.Uint64()&0x1fffff, rng.Uint64()&0x1fffff, rng.Uint64()&0x1fffff
		var want uint64
		for b := range 21 {
			want |= (x>>b&1)<<(3*b) | (y>>b&1)<<(3*b+1) | (z>>b&1)<<(3*b+2)
		}
		if got := morton(x, y, z); got != want {
			t.Fatalf("morton(%d, %d, %d) = %#x, want %#x", x, y, z, got, want)
		}
	}
}

func TestSortSpatiallyKeepsParticles(t *testing.T) {
	var s state
	rng := rand.New(rand.NewPCG(2, 2))
	for k := range 500 {
		p := r3.Vec{X: rng.Float64(), Y: rng.Float64(), Z: rng.Float64()}
		s.add(p, r3.Vec{X: float64(k)}, 0.01+0.01*rng.Float64(), float64(k+1), int32(k%3))
	}
	before := map[r3.Vec]float64{}
	for i, p := range s.pos {
		before[p] = s.radius[i]
	}
	s.sortSpatially(100, 0.05)
	for i, p := range s.pos {
		if before[p] != s.radius[i] {
			t.Fatalf("particle at %v lost its radius", p)
		}
		if s.id[i] != int64(i) {
			t.Fatalf("id %d at index %d; ids must stay in index order", s.id[i], i)
		}
		// Velocity X and mass were set from the original index k.
		if s.mass[i] != s.vel[i].X+1 || s.material[i] != int32(int(s.vel[i].X)%3) {
			t.Fatalf("index %d mixes fields of different particles", i)
		}
	}
	for i := range 100 {
		if s.vel[i].X != float64(i) {
			t.Fatalf("particle %d before the sorted range moved", i)
		}
	}
}
