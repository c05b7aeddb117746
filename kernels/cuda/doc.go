// Package cuda is the CUDA backend of package kernels. It loads the CUDA
// driver (libcuda.so.1), NVRTC (libnvrtc) and cuBLAS (libcublas) at run
// time with github.com/ebitengine/purego, so it builds with
// CGO_ENABLED=0, without a CUDA toolkit, and the same binary runs on
// machines with and without a GPU.
//
// # Why not gorgonia.org/cu
//
// gorgonia.org/cu binds the driver API through cgo, so it needs cuda.h and
// a C compiler to build, and its package initialisation calls cuInit and
// exits the process when no GPU is present. A program that imports it
// cannot then fall back to the CPU, so one binary could not serve laptops,
// CI machines and GPU servers.
//
// # Loading
//
// Open looks for each library by its soname through the dynamic linker
// (LD_LIBRARY_PATH, the ld.so cache), after the directories of the
// NEUSIM_CUDA_LIBS environment variable and before /usr/local/cuda and the
// lib folders of NVIDIA's Python wheels. A missing library, a library
// without the expected symbols (for example an unrelated libm.so.6 given
// as the driver) or a machine without a device gives an error of one line
// that names what is missing; nothing is loaded at package initialisation.
// Importing the package registers the "cuda" device with kernels.Open, so
// that --device auto uses it when it opens and falls back to the CPU when
// it does not.
//
// # Kernels
//
// The kernels are CUDA C embedded in the binary (cu/*.cu). NVRTC compiles
// them on first use for the device's compute capability into a CUBIN,
// which is cached under DefaultCacheDir(), keyed by the compute
// capability, the driver and NVRTC versions and a hash of the source. A
// later run loads the cached module without compiling.
//
// Every kernel implements the contract of the CPU backend's operation of
// the same name; CompareWithReference checks them against the float64 CPU
// backend. Reductions are deterministic: column sums add fixed chunks of
// rows in row order and then the chunks in order, SegmentSum adds the
// sources of a row in CSR order, and SumSquares adds fixed per-block
// partials in block order. Operations with a beta argument overwrite their
// destination when beta is 0, as BLAS does, so a destination holding NaN
// is not propagated.
//
// # Precision
//
// All tensors are float32. LayerNorm statistics, column sums, AdamW and
// the gradient kernels accumulate in float64 like the CPU backend. Gemm
// uses cuBLAS in full FP32 by default; Options.TF32 rounds the inputs to
// 10-bit mantissas on tensor cores, which gives relative errors near
// 1e-3 instead of 1e-6 and is therefore off unless asked for.
//
// # Failures
//
// Open returns errors. Once open, a shape mismatch panics as in package
// kernels, and so does a device failure in the middle of an operation
// (out of memory, a failed launch), with the CUDA error name: the
// Backend interface returns no errors. Index values are not range-checked
// on the device; callers validate them (surrogate.Graph.Validate does).
//
// # Concurrency
//
// Like every backend, it runs one operation at a time. Each method makes
// the context current on its goroutine's OS thread for the duration of
// the call, so a backend may be used from any one goroutine at a time.
// Device memory of a tensor is freed when the tensor is garbage collected.
package cuda
