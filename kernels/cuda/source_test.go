package cuda

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// findClang returns a clang that can compile CUDA for sm_90 (clang 16 or
// newer), or "".
func findClang() string {
	for _, name := range []string{"clang-21", "clang-20", "clang-19", "clang-18", "clang-17", "clang-16", "clang"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// The embedded CUDA C must compile without any CUDA header, as NVRTC
// compiles it, and define every kernel the backend looks up. Without a
// GPU, clang's CUDA front end and NVPTX back end stand in for NVRTC: they
// compile the source to PTX for sm_90, with a prelude declaring what NVRTC
// provides implicitly. Debian's clang-19 package provides it.
func TestSourceCompilesWithClang(t *testing.T) {
	clang := findClang()
	if clang == "" {
		t.Skip("no clang on PATH (apt-get install clang-19); the CUDA source was not compiled")
	}
	prelude, err := os.ReadFile("testdata/clang_prelude.cuh")
	if err != nil {
		t.Fatal(err)
	}

	// Compile to PTX, warnings as errors.
	dir := t.TempDir()
	src := filepath.Join(dir, "kernels.cu")
	if err := os.WriteFile(src, append(prelude, Source()...), 0o644); err != nil {
		t.Fatal(err)
	}
	ptx := filepath.Join(dir, "kernels.ptx")
	cmd := exec.Command(clang, "-x", "cuda", "--cuda-gpu-arch=sm_90", "-nocudainc", "-nocudalib",
		"--cuda-device-only", "-S", "-O2", "-Wall", "-Werror", src, "-o", ptx)
	if out, err := cmd.CombinedOutput(); err != nil {
		if strings.Contains(string(out), "unsupported CUDA gpu architecture") {
			t.Skipf("%s cannot target sm_90: %s", clang, out)
		}
		t.Fatalf("%s failed: %v\n%s", clang, err, out)
	}

	// Every kernel the backend looks up is an entry point.
	code, err := os.ReadFile(ptx)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range kernelNames {
		if !strings.Contains(string(code), ".entry "+name+"(") {
			t.Errorf("kernel %s is not defined by the embedded source", name)
		}
	}
}

// Source is the program NVRTC compiles: it must start with the shared
// definitions and contain every .cu file once.
func TestSourceAssembly(t *testing.T) {
	src := Source()
	if !strings.HasPrefix(src, "// Definitions shared by every kernel") {
		t.Errorf("source does not start with common.cuh: %.60q", src)
	}
	for _, f := range []string{"blockdiag.cu", "elementwise.cu", "gemm.cu", "lstm.cu", "pairs.cu", "rows.cu"} {
		if n := strings.Count(src, "// ---- cu/"+f+" ----"); n != 1 {
			t.Errorf("%s appears %d times", f, n)
		}
	}
	if strings.Contains(src, "#include") {
		t.Error("the source includes a header; NVRTC runs without an include path")
	}
}
