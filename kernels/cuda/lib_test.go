package cuda

import (
	"bytes"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/neusim/neusim/kernels"
)

func TestOpenMissingDriverPath(t *testing.T) {
	_, err := Open(Options{DriverLib: "/nonexistent/libcuda.so.1"})
	if err == nil {
		t.Fatal("Open succeeded with a missing driver library")
	}
	msg := err.Error()
	if !strings.Contains(msg, "CUDA driver library /nonexistent/libcuda.so.1 could not be loaded") {
		t.Errorf("error does not name the library: %q", msg)
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("error spans several lines: %q", msg)
	}
}

// libm is a real shared library without any CUDA symbol: binding it as
// the driver must fail on the first symbol, by name.
func TestOpenLibraryWithoutSymbols(t *testing.T) {
	libm := "/lib/x86_64-linux-gnu/libm.so.6"
	if _, err := os.Stat(libm); err != nil {
		t.Skipf("%s not present: %v", libm, err)
	}
	for _, tc := range []struct {
		name string
		opt  Options
		want string
	}{
		{"driver", Options{DriverLib: libm}, "CUDA driver library " + libm + " lacks the symbol cuInit"},
	} {
		_, err := Open(tc.opt)
		if err == nil {
			t.Fatalf("%s: Open succeeded with libm", tc.name)
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

// Binding checks every symbol of each table, so NVRTC and cuBLAS tables
// given libm also name their first symbol.
func TestBindNamesMissingSymbol(t *testing.T) {
	libm := "/lib/x86_64-linux-gnu/libm.so.6"
	h, file, err := nvrtcLib.open(libm)
	if err != nil {
		t.Skipf("cannot load %s: %v", libm, err)
	}
	err = bind(&nvrtcAPI{}, h, nvrtcLib, file)
	if err == nil || !strings.Contains(err.Error(), "lacks the symbol nvrtcVersion") {
		t.Errorf("NVRTC table on libm: %v", err)
	}
	err = bind(&cublasAPI{}, h, cublasLib, file)
	if err == nil || !strings.Contains(err.Error(), "lacks the symbol cublasCreate_v2") {
		t.Errorf("cuBLAS table on libm: %v", err)
	}
}

// A table whose symbols libm has: binding must succeed and the function
// must be callable, which proves purego works in this build.
func TestBindCallsLibm(t *testing.T) {
	libm := "/lib/x86_64-linux-gnu/libm.so.6"
	h, file, err := nvrtcLib.open(libm)
	if err != nil {
		t.Skipf("cannot load %s: %v", libm, err)
	}
	var table struct {
		floor  func(float64) float64         `sym:"floor"`
		ilogb  func(float64) int32           `sym:"ilogb"`
		frexp  func(float64, *int32) float64 `sym:"frexp"`
		getenv func(string) *byte            `sym:"getenv"`
	}
	if err := bind(&table, h, library{what: "libm"}, file); err != nil {
		t.Fatal(err)
	}
	if got := table.floor(2.7); got != 2 {
		t.Errorf("floor(2.7) through purego = %g, want 2", got)
	}
	if got := table.ilogb(8); got != 3 {
		t.Errorf("ilogb(8) through purego = %d, want 3", got)
	}
	var exp int32
	if got := table.frexp(8, &exp); got != 0.5 || exp != 4 {
		t.Errorf("frexp(8) through purego = %g·2^%d, want 0.5·2^4", got, exp)
	}
	t.Setenv("NEUSIM_PUREGO_TEST", "device")
	if got := goString(table.getenv("NEUSIM_PUREGO_TEST")); got != "device" {
		t.Errorf("getenv through purego = %q, want %q", got, "device")
	}
}

func TestOpenSearchNotFound(t *testing.T) {
	if _, err := Open(Options{}); err == nil {
		t.Skip("a CUDA device is present; the missing-library path cannot be shown here")
	}
	lib := library{what: "test", names: []string{"libneusim-does-not-exist.so.1"}}
	t.Setenv(LibraryDirsEnv, t.TempDir())
	_, _, err := lib.open("")
	if err == nil || !strings.Contains(err.Error(), "test library not found (tried libneusim-does-not-exist.so.1)") ||
		!strings.Contains(err.Error(), LibraryDirsEnv) {
		t.Errorf("error %v", err)
	}
}

// With no usable device, kernels.Open("auto") returns the CPU backend
// after exactly one warning line naming what is missing, and "cuda" is an
// error.
func TestKernelsOpenFallback(t *testing.T) {
	if b, err := Open(Options{}); err == nil {
		b.Close()
		t.Skip("a CUDA device is present; the fallback cannot be shown here")
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	b, err := kernels.Open("auto", kernels.OpenOptions{Workers: 1, Logger: log})
	if err != nil {
		t.Fatalf("auto: %v", err)
	}
	defer b.Close()
	if !strings.HasPrefix(b.Name(), "cpu") {
		t.Errorf("auto opened %s, want the CPU backend", b.Name())
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "level=WARN") || !strings.Contains(lines[0], "running on the CPU") {
		t.Errorf("auto logged %q, want one warning", logs.String())
	}

	_, err = kernels.Open("cuda", kernels.OpenOptions{})
	if err == nil || !strings.Contains(err.Error(), "kernels/cuda:") {
		t.Errorf("cuda: error %v, want the CUDA backend's error", err)
	}
	if _, err := kernels.Open("tpu", kernels.OpenOptions{}); err == nil || !strings.Contains(err.Error(), "auto, cpu, cuda") {
		t.Errorf("tpu: error %v, want the list of devices", err)
	}
}
