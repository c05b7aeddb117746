package cuda

import (
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ebitengine/purego"

	"github.com/neusim/neusim/kernels"
)

// fakeLibrary compiles testdata/fakecuda.c into a shared library that
// stands in for the driver, NVRTC and cuBLAS, or skips without a C
// compiler.
func fakeLibrary(t *testing.T) string {
	t.Helper()
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler (cc) to build the fake CUDA libraries")
	}
	lib := filepath.Join(t.TempDir(), "libfakecuda.so")
	out, err := exec.Command(cc, "-shared", "-fPIC", "-O1", "-Wall", "-o", lib, "testdata/fakecuda.c", "-lm").CombinedOutput()
	if err != nil {
		t.Fatalf("building the fake CUDA libraries: %v\n%s", err, out)
	}
	return lib
}

// fakeProbe reads the fake library's records.
type fakeProbe struct {
	lastLaunch   func(out *[8]uint64) `sym:"fake_last_launch"`
	launches     func() int64         `sym:"fake_launches"`
	compilations func() int32         `sym:"fake_compilations"`
}

func openFake(t *testing.T, lib, cache string) (*Backend, *fakeProbe) {
	t.Helper()
	b, err := Open(Options{DriverLib: lib, NVRTCLib: lib, CUBLASLib: lib, CacheDir: cache})
	if err != nil {
		t.Fatalf("Open with the fake libraries: %v", err)
	}
	h, err := purego.Dlopen(lib, purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		t.Fatal(err)
	}
	p := &fakeProbe{}
	if err := bind(p, h, library{what: "fake"}, lib); err != nil {
		t.Fatal(err)
	}
	return b, p
}

// Open, the module cache, memory, launches and the cuBLAS call, through
// the real purego bindings against a C library with the CUDA signatures.
func TestFakeDeviceOpenAndCache(t *testing.T) {
	lib := fakeLibrary(t)
	cache := t.TempDir()
	b, probe := openFake(t, lib, cache)
	defer b.Close()
	if b.Name() != "cuda-sm_90" || b.Info().Name != "Fake GPU" || b.Info().Multiprocessor != 132 {
		t.Errorf("opened %s, %+v", b.Name(), b.Info())
	}
	if want := 2 * 2619e6 * 5120 / 8; b.Info().PeakBandwidth != want {
		t.Errorf("peak bandwidth %g B/s, want %g", b.Info().PeakBandwidth, want)
	}
	if n := probe.compilations(); n != 1 {
		t.Errorf("%d compilations on first open, want 1", n)
	}
	files, _ := os.ReadDir(cache)
	if len(files) != 1 || !strings.HasPrefix(files[0].Name(), "sm_90-drv12040-nvrtc12.4-") {
		t.Errorf("cache holds %v, want one sm_90 module", files)
	}

	// A second open loads the module from the cache.
	b2, _ := openFake(t, lib, cache)
	b2.Close()
	if n := probe.compilations(); n != 1 {
		t.Errorf("%d compilations after a second open, want 1 (cache hit)", n)
	}
}

func TestFakeDeviceMemory(t *testing.T) {
	b, _ := openFake(t, fakeLibrary(t), "-")
	defer b.Close()
	x := b.NewTensor(3, 5)
	got := make([]float32, 15)
	b.Download(got, x)
	for i, v := range got {
		if v != 0 {
			t.Fatalf("NewTensor value %d is %g, want 0", i, v)
		}
	}
	want := make([]float32, 15)
	for i := range want {
		want[i] = float32(i) - 7.5
	}
	b.Upload(x, want)
	y := b.NewTensor(3, 5)
	b.Copy(y, x)
	b.Download(got, y)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("round trip value %d: %g, want %g", i, got[i], want[i])
		}
	}
	b.Fill(y, float32(math.NaN()))
	b.Download(got, y)
	if !math.IsNaN(float64(got[4])) {
		t.Errorf("Fill NaN left %g", got[4])
	}
	b.Reshape(y, 40, 2)
	if y.Rows() != 40 || y.Cols() != 2 {
		t.Errorf("Reshape gave %v", y)
	}
	ix := b.NewIndex()
	b.SetIndex(ix, []int32{2, 0, 1})
	if ix.Len() != 3 {
		t.Errorf("index length %d, want 3", ix.Len())
	}
}

// Parameters of three kernels, run by the fake on the host, and the
// launch shape.
func TestFakeDeviceLaunch(t *testing.T) {
	b, probe := openFake(t, fakeLibrary(t), "-")
	defer b.Close()
	cpu := kernels.NewCPU[float32](1)
	defer cpu.Close()
	rng := rand.New(rand.NewPCG(4, 4))
	vals := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return v
	}
	const n = 1000
	p, g, m, v := vals(n), vals(n), vals(n), vals(n)
	for i := range v {
		v[i] = v[i] * v[i]
	}
	dev := func(src []float32) *kernels.Tensor[float32] { t := b.NewTensor(n, 1); b.Upload(t, src); return t }
	host := func(src []float32) *kernels.Tensor[float32] { t := cpu.NewTensor(n, 1); cpu.Upload(t, src); return t }
	dp, dg, dm, dv := dev(p), dev(g), dev(m), dev(v)
	hp, hg, hm, hv := host(p), host(g), host(m), host(v)

	b.Scale(dp, -1.5)
	cpu.Scale(hp, -1.5)
	var last [8]uint64
	probe.lastLaunch(&last)
	if last[0] != uint64(b.gridFor(n)) || last[3] != threads || last[1] != 1 || last[6] != 0 {
		t.Errorf("Scale launched grid %d×%d, block %d, %d bytes shared", last[0], last[1], last[3], last[6])
	}
	b.Axpy(0.25, dg, dp)
	cpu.Axpy(0.25, hg, hp)
	s := kernels.AdamWStep{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.01, Step: 3}
	b.AdamW(dp, dg, dm, dv, s)
	cpu.AdamW(hp, hg, hm, hv, s)

	for _, pair := range []struct {
		name     string
		dev, cpu *kernels.Tensor[float32]
	}{{"p", dp, hp}, {"m", dm, hm}, {"v", dv, hv}} {
		got, want := make([]float32, n), make([]float32, n)
		b.Download(got, pair.dev)
		cpu.Download(want, pair.cpu)
		for i := range got {
			if math.Abs(float64(got[i]-want[i])) > 1e-6*math.Max(1, math.Abs(float64(want[i]))) {
				t.Fatalf("%s[%d] = %g, CPU %g", pair.name, i, got[i], want[i])
			}
		}
	}

	// Empty tensors launch nothing.
	before := probe.launches()
	b.Scale(b.NewTensor(0, 4), 2)
	if probe.launches() != before {
		t.Error("Scale of an empty tensor launched a kernel")
	}
}

// The row-major Gemm through the column-major cuBLAS call, every
// transpose combination, against the CPU backend.
func TestFakeDeviceGemm(t *testing.T) {
	b, _ := openFake(t, fakeLibrary(t), "-")
	defer b.Close()
	cpu := kernels.NewCPU[float32](1)
	defer cpu.Close()
	rng := rand.New(rand.NewPCG(5, 5))
	const m, n, k = 7, 5, 9
	for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
		ar, ac, br, bc := m, k, k, n
		if tr[0] {
			ar, ac = k, m
		}
		if tr[1] {
			br, bc = n, k
		}
		av, bv, cv := make([]float32, ar*ac), make([]float32, br*bc), make([]float32, m*n)
		for _, s := range [][]float32{av, bv, cv} {
			for i := range s {
				s[i] = float32(rng.NormFloat64())
			}
		}
		da, db, dc := b.NewTensor(ar, ac), b.NewTensor(br, bc), b.NewTensor(m, n)
		ha, hb, hc := cpu.NewTensor(ar, ac), cpu.NewTensor(br, bc), cpu.NewTensor(m, n)
		b.Upload(da, av)
		b.Upload(db, bv)
		b.Upload(dc, cv)
		cpu.Upload(ha, av)
		cpu.Upload(hb, bv)
		cpu.Upload(hc, cv)
		b.Gemm(tr[0], tr[1], 0.5, da, db, 0.25, dc)
		cpu.Gemm(tr[0], tr[1], 0.5, ha, hb, 0.25, hc)
		got, want := make([]float32, m*n), make([]float32, m*n)
		b.Download(got, dc)
		cpu.Download(want, hc)
		for i := range got {
			if math.Abs(float64(got[i]-want[i])) > 1e-5 {
				t.Fatalf("trans %v: C[%d] = %g, CPU %g", tr, i, got[i], want[i])
			}
		}
	}
}

// A compilation error names NVRTC's log; the fake fails sources that hold
// an #error directive.
func TestFakeNVRTCError(t *testing.T) {
	lib := fakeLibrary(t)
	h, file, err := nvrtcLib.open(lib)
	if err != nil {
		t.Fatal(err)
	}
	n := &nvrtcAPI{}
	if err := bind(n, h, nvrtcLib, file); err != nil {
		t.Fatal(err)
	}
	_, _, err = n.compile("#error broken\n", "bad.cu", "sm_90")
	if err == nil || !strings.Contains(err.Error(), "fake: the source has an #error directive") {
		t.Errorf("error %v, want NVRTC's log", err)
	}
}
