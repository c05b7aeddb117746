//go:build slow

package dem

import (
	"runtime"
	"testing"
)

// TestMemoryMillion packs 10^6 beads in a settling box, takes a few
// steps and reports the heap in use per particle. The run must fit in
// 2 GB.
//
// Run with: go test -tags slow -run MemoryMillion -v -timeout 30m ./solvers/dem/
func TestMemoryMillion(t *testing.T) {
	const n = 1_000_000
	c := settlingBox(n)
	c.Walls[0].Max.X, c.Walls[0].Max.Y = 0.2, 0.2
	c.Insertions[0].Region.Max.X, c.Insertions[0].Region.Max.Y = 0.2, 0.2
	c.Domain.Max.X, c.Domain.Max.Y = 0.201, 0.201
	h := float64(n) * 4.0 / 3.0 * 3.14159265 * 1e-9 / (0.22 * 0.04)
	c.Insertions[0].Region.Max.Z = h
	c.Walls[0].Max.Z = h + 0.005
	c.Domain.Max.Z = h + 0.01

	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r, err := New(Options{}).newRun(c)
	if err != nil {
		t.Fatal(err)
	}
	defer r.pool.stop()
	if err := r.prepareForces(); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if err := r.advance(false); err != nil {
			t.Fatal(err)
		}
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := after.HeapAlloc - before.HeapAlloc
	t.Logf("%d particles, %d listed pairs: heap in use %.0f MB, %.0f bytes per particle; peak from the OS %.0f MB",
		r.s.len(), r.pairs.nl.Pairs(), float64(heap)/1e6, float64(heap)/float64(r.s.len()), float64(after.Sys)/1e6)
	runtime.KeepAlive(r)
	if after.Sys > 2<<30 {
		t.Errorf("memory obtained from the OS %.0f MB exceeds 2 GB", float64(after.Sys)/1e6)
	}
}
