package cuda

import (
	"testing"

	"github.com/neusim/neusim/kernels"
)

// The float32 CPU backend against the float64 one: the reference of every
// CUDA kernel's contract, and a check that the bounds hold for a correct
// float32 implementation. It also proves the CPU writes every output.
func TestCPUFloat32AgainstFloat64(t *testing.T) {
	cand, ref := kernels.NewCPU[float32](2), kernels.NewCPU[float64](2)
	defer cand.Close()
	defer ref.Close()
	for _, c := range CompareWithReference(cand, ref, 1, BoundGemmFP32) {
		if !c.OK() {
			t.Errorf("%v", c)
		} else if testing.Verbose() {
			t.Logf("%v", c)
		}
	}
}

// Every CUDA kernel against the float64 CPU backend, on a machine with a
// device; elsewhere the test skips and logs the reason.
func TestCUDAAgainstCPU(t *testing.T) {
	b := openOrSkip(t, Options{CacheDir: t.TempDir()})
	defer b.Close()
	ref := kernels.NewCPU[float64](0)
	defer ref.Close()
	checks := CompareWithReference(b, ref, 2, BoundGemmFP32)
	checks = append(checks, CompareRadiusPairs(b.RadiusPairs, 2)...)
	if len(checks) == 0 {
		t.Fatal("no checks ran")
	}
	for _, c := range checks {
		if !c.OK() {
			t.Errorf("%v", c)
		} else {
			t.Logf("%v", c)
		}
	}
}

// The tiled Gemm kernel, used without cuBLAS, against the reference.
func TestCUDAWithoutCUBLAS(t *testing.T) {
	b := openOrSkip(t, Options{NoCUBLAS: true, CacheDir: t.TempDir()})
	defer b.Close()
	ref := kernels.NewCPU[float64](0)
	defer ref.Close()
	for _, c := range CompareWithReference(b, ref, 3, BoundGemmFP32) {
		if !c.OK() {
			t.Errorf("%v", c)
		}
	}
}

// The harness of the radius search, run with the CPU search itself.
func TestCompareRadiusPairsOnCPU(t *testing.T) {
	cpu := func(pos []float64, radius float64) ([]int32, []int32) { return kernels.RadiusPairs(pos, radius, 2) }
	for _, c := range CompareRadiusPairs(cpu, 1) {
		if !c.OK() || c.Elements == 0 {
			t.Errorf("%v", c)
		}
	}
}

func openOrSkip(t *testing.T, opt Options) *Backend {
	t.Helper()
	b, err := Open(opt)
	if err != nil {
		t.Skipf("no usable CUDA device here, so the device comparison did not run: %v", err)
	}
	return b
}
