package cuda

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/neusim/neusim/internal/atomicfile"
)

// sources holds the CUDA C of every kernel. NVRTC compiles them at run
// time, so the binary needs no CUDA toolkit to build.
//
//go:embed cu/*.cuh cu/*.cu
var sources embed.FS

// Source returns the CUDA C program the backend compiles: common.cuh
// followed by the .cu files in name order.
func Source() string {
	var b strings.Builder
	head, err := sources.ReadFile("cu/common.cuh")
	if err != nil {
		panic("kernels/cuda: embedded cu/common.cuh missing: " + err.Error())
	}
	b.Write(head)
	names, _ := fs.Glob(sources, "cu/*.cu")
	sort.Strings(names)
	for _, n := range names {
		src, _ := sources.ReadFile(n)
		fmt.Fprintf(&b, "\n// ---- %s ----\n", n)
		b.Write(src)
	}
	return b.String()
}

// kernelNames lists the kernels the backend looks up in the module.
var kernelNames = []string{
	"k_scale", "k_axpy", "k_mul", "k_silu", "k_silu_grad", "k_adamw", "k_sum_squares",
	"k_add_row_vector", "k_col_partial", "k_col_finish", "k_layernorm", "k_layernorm_grad_x",
	"k_layernorm_grad_partial", "k_copy_cols", "k_add_cols", "k_gather", "k_segment_sum",
	"k_block_diag_mul", "k_block_diag_grad_x", "k_block_diag_grad_w_partial",
	"k_mlstm_step", "k_mlstm_step_grad", "k_slstm_step", "k_slstm_step_grad", "k_gemm_tiled",
	"k_cell_count", "k_cell_fill", "k_pair_count", "k_pair_fill",
}

// KernelNames returns the names of the kernels the backend launches.
func KernelNames() []string { return append([]string(nil), kernelNames...) }

// DefaultCacheDir returns the directory compiled modules are kept in:
// the user cache directory (XDG_CACHE_HOME or ~/.cache) + neusim/cuda.
func DefaultCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "neusim", "cuda")
}

// cacheName returns the file name of the compiled module for this source,
// device and compiler. The key covers the source hash, the compute
// capability, the driver version and NVRTC's version, so a new driver, a
// new NVRTC or an edited kernel compiles afresh.
func cacheName(src string, info DeviceInfo, nvrtcVersion string) string {
	h := sha256.Sum256([]byte(src + "\x00" + nvrtcVersion))
	return fmt.Sprintf("%s-drv%d-nvrtc%s-%s.bin", info.Arch(), info.DriverVersion, nvrtcVersion, hex.EncodeToString(h[:12]))
}

// loadOrCompile returns the module image for src, from the cache in dir
// when present, or compiled by NVRTC and then written to the cache. An
// empty dir disables the cache. A cache that cannot be written costs a
// recompilation next time, not a failure.
func loadOrCompile(n *nvrtcAPI, src string, info DeviceInfo, dir string) (image []byte, origin string, err error) {
	var path string
	if dir != "" {
		path = filepath.Join(dir, cacheName(src, info, n.version()))
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return b, "cache " + path, nil
		}
	}
	image, kind, err := n.compile(src, "neusim_kernels.cu", info.Arch())
	if err != nil {
		return nil, "", err
	}
	origin = "NVRTC " + n.version() + " (" + kind + ")"
	if path != "" {
		if err := os.MkdirAll(dir, 0o755); err == nil {
			if err := atomicfile.WriteFile(path, image, 0o644); err == nil {
				origin += ", cached in " + path
			}
		}
	}
	return image, origin, nil
}
