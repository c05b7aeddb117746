package kernels

import (
	"fmt"
	"runtime"
)

// grain is the number of values one chunk of an elementwise or row-wise
// operation covers; it fixes the chunk bounds independently of workers.
const grain = 8192

// CPU is the pure-Go backend. Matrix products go through gonum's blas32
// and blas64 (or OpenBLAS when built with the openblas tag), everything
// else through loops split over the workers.
type CPU[T Float] struct {
	pool    *pool
	j       job[T]
	partial []float64 // per-chunk partial sums of reductions
}

// NewCPU returns a CPU backend with the given number of worker goroutines;
// workers <= 0 means runtime.GOMAXPROCS(0). Call Close to stop the workers.
func NewCPU[T Float](workers int) *CPU[T] {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return &CPU[T]{pool: newPool(workers)}
}

// Close stops the worker goroutines. The backend must not be used after.
func (b *CPU[T]) Close() { b.pool.close() }

// Name returns "cpu-" followed by the matrix-product library.
func (b *CPU[T]) Name() string { return "cpu-" + gemmLibrary }

// Workers returns the number of worker goroutines.
func (b *CPU[T]) Workers() int { return b.pool.workers }

// NewTensor allocates a zeroed rows×cols tensor.
func (b *CPU[T]) NewTensor(rows, cols int) *Tensor[T] {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("kernels: NewTensor: negative shape %d×%d", rows, cols))
	}
	return &Tensor[T]{rows: rows, cols: cols, host: make([]T, rows*cols)}
}

// Reshape sets the shape of t, reusing its storage when large enough.
func (b *CPU[T]) Reshape(t *Tensor[T], rows, cols int) {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("kernels: Reshape: negative shape %d×%d", rows, cols))
	}
	n := rows * cols
	if n > cap(t.host) {
		// Grow by at least half so that slowly growing sizes (edge counts
		// during a rollout) reallocate only a few times.
		t.host = make([]T, n, max(n, cap(t.host)+cap(t.host)/2))
	}
	t.host = t.host[:n]
	t.rows, t.cols = rows, cols
}

// Upload copies src into t.
func (b *CPU[T]) Upload(t *Tensor[T], src []T) {
	if len(src) != t.Len() {
		panic(fmt.Sprintf("kernels: Upload: %d values into a %v tensor", len(src), t))
	}
	copy(t.host, src)
}

// Download copies t into dst.
func (b *CPU[T]) Download(dst []T, t *Tensor[T]) {
	if len(dst) != t.Len() {
		panic(fmt.Sprintf("kernels: Download: %v tensor into %d values", t, len(dst)))
	}
	copy(dst, t.host)
}

// NewIndex returns an empty index.
func (b *CPU[T]) NewIndex() *Index { return &Index{} }

// SetIndex sets ix to a copy of rows.
func (b *CPU[T]) SetIndex(ix *Index, rows []int32) {
	ix.host = append(ix.host[:0], rows...)
}

// NewCSR returns an empty CSR with zero destination rows.
func (b *CPU[T]) NewCSR() *CSR { return &CSR{offsets: []int32{0}} }

// SetCSR sets c to copies of offsets and src; it panics when offsets do
// not start at 0, decrease, or end beyond len(src).
func (b *CPU[T]) SetCSR(c *CSR, offsets, src []int32) {
	if len(offsets) == 0 || offsets[0] != 0 || int(offsets[len(offsets)-1]) != len(src) {
		panic(fmt.Sprintf("kernels: SetCSR: offsets must run from 0 to len(src)=%d", len(src)))
	}
	for r := 1; r < len(offsets); r++ {
		if offsets[r] < offsets[r-1] {
			panic(fmt.Sprintf("kernels: SetCSR: offsets decrease at row %d", r))
		}
	}
	c.offsets = append(c.offsets[:0], offsets...)
	c.src = append(c.src[:0], src...)
}

// dispatch runs the operation set up in b.j over rows×cols values in
// chunks of whole rows.
func (b *CPU[T]) dispatch(o opcode, rows, cols int) {
	b.dispatchReduce(o, rows, cols, 0)
}

// dispatchReduce is dispatch for a reduction that keeps width partial
// sums per chunk in b.j.partial.
func (b *CPU[T]) dispatchReduce(o opcode, rows, cols, width int) {
	rpc := 1
	if cols > 0 && cols < grain {
		rpc = grain / cols
	}
	b.j.op, b.j.rows, b.j.rowsPerChunk = o, rows, rpc
	n := b.j.chunks()
	b.j.partial = b.partials(n, width)
	b.pool.run(&b.j, n)
}

// partials returns a zeroed per-chunk scratch of n values per chunk.
func (b *CPU[T]) partials(chunks, n int) []float64 {
	need := chunks * n
	if need > cap(b.partial) {
		b.partial = make([]float64, need)
	}
	p := b.partial[:need]
	clear(p)
	return p
}

var (
	_ BackendOf[float32] = (*CPU[float32])(nil)
	_ BackendOf[float64] = (*CPU[float64])(nil)
)
