package kernels

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"
)

// cpuTime returns the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkGemm compares the backend's tiled product (gonum blas32, or
// OpenBLAS with -tags openblas) with the naive triple loop in the same run.
// The GFLOP/s metric counts 2·m·n·k operations per product per second of
// wall time, GFLOP/cpu-s per second of process CPU time, which stays
// meaningful on a machine shared with other jobs.
//
//	go test -run ^$ -bench Gemm ./kernels/
//	go test -tags openblas -run ^$ -bench Gemm ./kernels/
func BenchmarkGemm(b *testing.B) {
	for _, size := range []int{128, 512} {
		rng := rand.New(rand.NewPCG(41, 42))
		m, n, k := size, size, size
		av, bv := randSlice[float32](rng, m*k), randSlice[float32](rng, k*n)
		flops := 2 * float64(m*n*k)
		be := NewCPU[float32](0)
		A, B, C := upload(be, m, k, av), upload(be, k, n, bv), be.NewTensor(m, n)
		b.Run(fmt.Sprintf("%s/n=%d", be.Name(), size), func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				be.Gemm(false, false, 1, A, B, 0, C)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			b.ReportMetric(flops*float64(b.N)/(cpuTime()-cpu0).Seconds()/1e9, "GFLOP/cpu-s")
		})
		be.Close()
		cv := make([]float32, m*n)
		b.Run(fmt.Sprintf("naive/n=%d", size), func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				naiveGemm(false, false, m, n, k, 1, av, bv, 0, cv)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			b.ReportMetric(flops*float64(b.N)/(cpuTime()-cpu0).Seconds()/1e9, "GFLOP/cpu-s")
		})
	}
}
