// Package kernels holds the hot loops of the surrogate behind one
// interface, Backend, so that the CUDA backend (package kernels/cuda) can
// keep the same data on the device. Open selects a backend by name: "cpu",
// "cuda", or "auto" for CUDA where it opens and the CPU elsewhere.
// RadiusPairs is the binned radius search of the entity graph.
//
// # Storage
//
// A Tensor is a row-major matrix of rows×cols values owned by the backend
// that created it. Callers never index its storage: values cross the
// boundary only through Upload and Download. The CPU backend keeps a Go
// slice, a device backend would keep a device pointer. An Index is a
// backend-owned vector of int32 row numbers, and a CSR is a
// compressed-sparse-row list of source rows per destination row.
//
// Tensors grow but never shrink: Reshape reuses the existing storage when
// it is large enough, so a loop whose sizes do not grow allocates nothing
// after its first pass.
//
// # Precision
//
// Production code uses float32 (Backend is BackendOf[float32]). The same
// code instantiated with float64 is the reference that gradient checks by
// finite differences run against.
//
// # Failures
//
// A shape mismatch is a programmer error and panics with a message that
// starts with "kernels:" and names the operation and the shapes. Kernels
// return no errors: the callers check their inputs and their results for
// non-finite values.
//
// # Determinism
//
// Work is split into chunks whose bounds depend only on the problem size,
// never on the number of workers, and every reduction sums its per-chunk
// partial results in chunk order. SegmentSum adds the source rows of each
// destination row in the order the CSR lists them. Results are therefore
// bit-identical for any number of workers.
//
// # Concurrency
//
// A backend runs one operation at a time; its methods must not be called
// from several goroutines at once. Each operation may use all of the
// backend's workers.
package kernels
