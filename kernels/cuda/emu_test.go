//go:build slow

package cuda

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neusim/neusim/kernels"
)

// emulatedLibrary builds the fake driver with every kernel of the embedded
// source compiled as host code by g++ (see testdata/emudevice.cpp), or
// skips without cc and g++.
func emulatedLibrary(t *testing.T) string {
	t.Helper()
	cc, err1 := exec.LookPath("cc")
	cxx, err2 := exec.LookPath("g++")
	if err1 != nil || err2 != nil {
		t.Skip("no cc and g++ to build the emulated device")
	}

	// The kernel source, with dynamic shared memory made a plain global,
	// and the table of kernels to register.
	dir := t.TempDir()
	src := strings.ReplaceAll(Source(), "extern __shared__", "extern")
	var table strings.Builder
	for _, name := range kernelNames {
		table.WriteString("REG(" + name + ")\n")
	}
	for name, text := range map[string]string{"kernels_gen.cu": src, "kernels_table.inc": table.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}

	// The fake driver in C, the emulated device in C++, one library.
	lib := filepath.Join(dir, "libemucuda.so")
	steps := [][]string{
		{cc, "-c", "-fPIC", "-O1", "-DEMULATE", "-o", filepath.Join(dir, "fake.o"), filepath.Join(testdata, "fakecuda.c")},
		{cxx, "-c", "-fPIC", "-O1", "-std=c++20", "-ffp-contract=off", "-I", dir, "-I", testdata,
			"-o", filepath.Join(dir, "emu.o"), filepath.Join(testdata, "emudevice.cpp")},
		{cxx, "-shared", "-o", lib, filepath.Join(dir, "fake.o"), filepath.Join(dir, "emu.o"), "-lpthread", "-lm"},
	}
	for _, s := range steps {
		if out, err := exec.Command(s[0], s[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(s, " "), err, out)
		}
	}
	return lib
}

// Every kernel of the embedded CUDA source, run by the backend through
// purego and the fake driver on the emulated device, against the float64
// CPU backend: the harness of the device check, without a device. It
// checks the kernels' indexing, parameters, launch shapes and
// reductions. It cannot check what only a GPU shows (memory ordering
// between blocks, NVRTC's own compilation, speed). It takes one to two
// minutes on 2 cores, most of it in thread switches, hence the slow tag:
//
//	go test -tags slow -run Emulated ./kernels/cuda/
func TestEmulatedDeviceAgainstCPU(t *testing.T) {
	lib := emulatedLibrary(t)
	ref := kernels.NewCPU[float64](2)
	defer ref.Close()
	for _, noCUBLAS := range []bool{false, true} {
		b, err := Open(Options{DriverLib: lib, NVRTCLib: lib, CUBLASLib: lib, CacheDir: "-", NoCUBLAS: noCUBLAS})
		if err != nil {
			t.Fatal(err)
		}
		// Without cuBLAS only Gemm differs.
		var keep func(string) bool
		if noCUBLAS {
			keep = func(name string) bool { return strings.HasPrefix(name, "Gemm") }
		}
		checks := compareSome(b, ref, 11, BoundGemmFP32, keep)
		if !noCUBLAS {
			checks = append(checks, CompareRadiusPairs(b.RadiusPairs, 11)...)
		}
		for _, c := range checks {
			if !c.OK() {
				t.Errorf("without cuBLAS %v: %v", noCUBLAS, c)
			} else if testing.Verbose() {
				t.Logf("%v", c)
			}
		}
		b.Close()
	}
}
