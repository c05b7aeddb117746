package cuda

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"unsafe"

	"github.com/ebitengine/purego"
)

// library describes one shared library the backend loads: what it is, the
// file names to try (newest first) and the environment variable or option
// that overrides the search.
type library struct {
	what  string   // "CUDA driver", "NVRTC", "cuBLAS"
	names []string // sonames, tried in order
}

var (
	driverLib = library{what: "CUDA driver", names: []string{"libcuda.so.1", "libcuda.so"}}
	nvrtcLib  = library{what: "NVRTC", names: []string{"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"}}
	cublasLib = library{what: "cuBLAS", names: []string{"libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"}}
)

// LibraryDirsEnv names the environment variable holding extra directories
// (separated by colons) searched first for the CUDA libraries.
const LibraryDirsEnv = "NEUSIM_CUDA_LIBS"

// searchDirs returns the directories tried after the dynamic linker's own
// search (LD_LIBRARY_PATH, the ld.so cache): the CUDA toolkit's default
// prefixes and the lib folders of NVIDIA's Python wheels (nvidia/cu13/lib
// for CUDA 13, nvidia/cuda_nvrtc/lib and nvidia/cublas/lib for CUDA 12),
// which is where NVRTC and cuBLAS often are on machines without a toolkit
// on the linker's path.
func searchDirs() []string {
	dirs := []string{"/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib"}
	for _, pattern := range []string{
		"/usr/local/cuda-*/lib64",
		"/usr/local/lib/python3*/dist-packages/nvidia/*/lib",
		"/usr/lib/python3/dist-packages/nvidia/*/lib",
		"/usr/local/lib/python3*/site-packages/nvidia/*/lib",
		"/opt/*/.venv/lib/python3*/site-packages/nvidia/*/lib",
		"/opt/*/lib/python3*/site-packages/nvidia/*/lib",
	} {
		m, _ := filepath.Glob(pattern)
		dirs = append(dirs, m...)
	}
	return dirs
}

// open loads lib from path when path is set, or else searches the
// directories of LibraryDirsEnv, the dynamic linker's path and
// searchDirs. The error is one line naming the library and what was tried.
func (lib library) open(path string) (handle uintptr, loaded string, err error) {
	const mode = purego.RTLD_NOW | purego.RTLD_GLOBAL
	if path != "" {
		h, err := purego.Dlopen(path, mode)
		if err != nil {
			return 0, "", fmt.Errorf("kernels/cuda: %s library %s could not be loaded: %v", lib.what, path, oneLine(err))
		}
		return h, path, nil
	}

	var candidates []string
	for _, dir := range filepath.SplitList(os.Getenv(LibraryDirsEnv)) {
		if dir != "" {
			for _, n := range lib.names {
				candidates = append(candidates, filepath.Join(dir, n))
			}
		}
	}
	candidates = append(candidates, lib.names...)
	for _, dir := range searchDirs() {
		for _, n := range lib.names {
			if p := filepath.Join(dir, n); fileExists(p) {
				candidates = append(candidates, p)
			}
		}
	}
	for _, c := range candidates {
		h, err := purego.Dlopen(c, mode)
		if err == nil {
			return h, c, nil
		}
	}
	return 0, "", fmt.Errorf("kernels/cuda: %s library not found (tried %s); install it or set %s to the directory that holds it",
		lib.what, strings.Join(lib.names, ", "), LibraryDirsEnv)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// bind sets every func field of the struct that table points to from the
// symbol named in its `sym` tag. A missing symbol is an error naming it,
// which is what a library of the wrong kind or an old version gives.
func bind(table any, handle uintptr, lib library, file string) error {
	v := reflect.ValueOf(table).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		sym := f.Tag.Get("sym")
		if sym == "" {
			continue
		}
		addr, err := purego.Dlsym(handle, sym)
		if err != nil || addr == 0 {
			return fmt.Errorf("kernels/cuda: %s library %s lacks the symbol %s; it is not a %s library, or too old (CUDA 11.2 or newer is needed)",
				lib.what, file, sym, lib.what)
		}
		// The fields are unexported, so reflection cannot hand out their
		// address directly; NewAt makes a pointer of the same type to them.
		fptr := reflect.NewAt(f.Type, unsafe.Pointer(v.Field(i).UnsafeAddr())).Interface()
		purego.RegisterFunc(fptr, addr)
	}
	return nil
}

// oneLine joins the lines of err, since dlerror messages may span several.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// goString copies the NUL-terminated C string at p.
func goString(p *byte) string {
	if p == nil {
		return ""
	}
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return string(unsafe.Slice(p, n))
}
