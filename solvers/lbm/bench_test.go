package lbm

import (
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/neusim/neusim/mesh"
	"gonum.org/v1/gonum/spatial/r3"
)

// copyBandwidth measures the memory bandwidth of a large copy split among
// workers goroutines, in bytes per second, counting each copied byte as
// read once and written once.
func copyBandwidth(workers int) float64 {
	const size = 1 << 25 // float64 values per slice, 256 MiB, beyond any cache
	src := make([]float64, size)
	dst := make([]float64, size)
	for i := range src {
		src[i] = float64(i)
	}
	best := 0.0
	for rep := 0; rep < 5; rep++ {
		start := time.Now()
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			lo, hi := size*w/workers, size*(w+1)/workers
			wg.Add(1)
			go func() {
				defer wg.Done()
				copy(dst[lo:hi], src[lo:hi])
			}()
		}
		wg.Wait()
		if bw := 2 * 8 * size / time.Since(start).Seconds(); bw > best {
			best = bw
		}
	}
	return best
}

// benchmarkLattice measures the throughput of a periodic box in million
// lattice-site updates per second (MLUPS) on 2 workers. It also reports
// the bound set by the memory bandwidth of a large copy measured in the
// same run. Each site update reads and writes Q populations of 8 bytes
// and reads the node's 4-byte slot index; the box has no solid mask. Both
// the copy and the kernel pay for write-allocate reads of the lines they
// store to, so the ratio compares like with like.
func benchmarkLattice(b *testing.B, nx, ny, nz int, op Collision) {
	const workers = 2
	g, err := mesh.NewGrid(nx, ny, nz, 1e-3, r3.Vec{})
	if err != nil {
		b.Fatal(err)
	}
	periodic := Face{Kind: Periodic}
	cfg := Config{
		Grid: g, Collision: op, TimeStep: 0.1, Viscosity: 1e-6, Density: 1000,
		Faces:   [6]Face{periodic, periodic, periodic, periodic, periodic, periodic},
		Initial: func(p r3.Vec) (r3.Vec, float64) { return r3.Vec{X: 1e-4}, 0 },
		Workers: workers,
	}
	s, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	s.Step()
	procs := runtime.GOMAXPROCS(0)
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		s.Step()
	}
	elapsed := time.Since(start).Seconds()
	b.StopTimer()

	mlups := float64(b.N) * float64(g.Len()) / elapsed / 1e6
	bytesPerUpdate := float64(2*8*s.lat.Q + 4)
	bound := copyBandwidth(min(workers, procs)) / bytesPerUpdate / 1e6
	b.ReportMetric(mlups, "MLUPS")
	b.ReportMetric(bound, "bound-MLUPS")
	b.ReportMetric(mlups/bound, "fraction-of-bound")
}

// Run with: go test -run '^$' -bench Lattice ./solvers/lbm/
func BenchmarkLatticeD2Q9BGK(b *testing.B)  { benchmarkLattice(b, 1024, 1024, 1, BGK) }
func BenchmarkLatticeD2Q9TRT(b *testing.B)  { benchmarkLattice(b, 1024, 1024, 1, TRT) }
func BenchmarkLatticeD3Q19TRT(b *testing.B) { benchmarkLattice(b, 96, 96, 96, TRT) }
