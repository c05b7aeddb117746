package cuda

import (
	"fmt"

	"github.com/neusim/neusim/kernels"
)

// Gemm sets C = alpha·op(A)·op(B) + beta·C through cuBLAS, or the tiled
// kernel when the backend was opened without cuBLAS. beta = 0 overwrites C.
//
// cuBLAS is column-major; a row-major matrix is its column-major
// transpose, so the row-major C = op(A)·op(B) is computed as the
// column-major Cᵀ = op(B)ᵀ·op(A)ᵀ, with the operands swapped.
func (b *Backend) Gemm(transA, transB bool, alpha float32, a, bm *Tensor, beta float32, c *Tensor) {
	m, k := a.Rows(), a.Cols()
	if transA {
		m, k = k, m
	}
	kb, n := bm.Rows(), bm.Cols()
	if transB {
		kb, n = n, kb
	}
	if k != kb || c.Rows() != m || c.Cols() != n {
		panic(fmt.Sprintf("kernels/cuda: Gemm: op(A) %d×%d, op(B) %d×%d, C %v", m, k, kb, n, c))
	}
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		b.Scale(c, beta)
		return
	}
	b.enter()
	defer b.leave()
	if b.handle == 0 {
		b.gemmTiled(transA, transB, m, n, k, alpha, b.mem(a), b.mem(bm), beta, b.mem(c))
		return
	}
	res := b.blas.cublasSgemm(b.handle, cublasOp(transB), cublasOp(transA), int32(n), int32(m), int32(k),
		&alpha, b.mem(bm), int32(bm.Cols()), b.mem(a), int32(a.Cols()), &beta, b.mem(c), int32(n))
	if res != 0 {
		panic(fmt.Sprintf("kernels/cuda: cublasSgemm %d×%d×%d failed with status %d", m, n, k, res))
	}
}

// gemmTiled launches k_gemm_tiled. The caller has entered.
func (b *Backend) gemmTiled(transA, transB bool, m, n, k int, alpha float32, a, bm uintptr, beta float32, c uintptr) {
	const tile = 16
	flag := func(t bool) int {
		if t {
			return 1
		}
		return 0
	}
	b.params().i32(flag(transA)).i32(flag(transB)).i32(m).i32(n).i32(k).f32(alpha).ptr(a).ptr(bm).f32(beta).ptr(c)
	b.launch("k_gemm_tiled", uint32((n+tile-1)/tile), uint32((m+tile-1)/tile), tile, tile, 0)
}

// GemmTiled is Gemm through the backend's own tiled kernel, whatever the
// backend was opened with; the device check compares it with cuBLAS.
func (b *Backend) GemmTiled(transA, transB bool, alpha float32, a, bm *Tensor, beta float32, c *Tensor) {
	m, k := a.Rows(), a.Cols()
	if transA {
		m, k = k, m
	}
	n := bm.Cols()
	if transB {
		n = bm.Rows()
	}
	if c.Rows() != m || c.Cols() != n {
		panic(fmt.Sprintf("kernels/cuda: GemmTiled: op(A) %d×%d, C %v", m, k, c))
	}
	b.enter()
	defer b.leave()
	b.gemmTiled(transA, transB, m, n, k, alpha, b.mem(a), b.mem(bm), beta, b.mem(c))
}

// BlockDiagMul sets y = beta·y + x·blockdiag(W); beta = 0 overwrites y.
func (b *Backend) BlockDiagMul(y, x, w *Tensor, heads int, beta float32) {
	bi, bo := kernels.CheckBlockDiag("BlockDiagMul", y, x, w, heads)
	b.enter()
	defer b.leave()
	b.params().ptr(b.mem(y)).ptr(b.mem(x)).ptr(b.mem(w)).i64(x.Rows()).i32(heads).i32(bi).i32(bo).f32(beta)
	b.launch1D("k_block_diag_mul", y.Len())
}

// BlockDiagMulGrad sets dx = dy·blockdiag(W)ᵀ and adds the block parts of
// xᵀ·dy into dw; dx or dw may be nil to skip it.
func (b *Backend) BlockDiagMulGrad(dx, dw, x, w, dy *Tensor, heads int) {
	bi, bo := kernels.CheckBlockDiag("BlockDiagMulGrad", dy, x, w, heads)
	b.enter()
	defer b.leave()
	rows := x.Rows()
	if dx != nil {
		kernels.CheckSame("BlockDiagMulGrad", dx, x)
		b.params().ptr(b.mem(dx)).ptr(b.mem(w)).ptr(b.mem(dy)).i64(rows).i32(heads).i32(bi).i32(bo)
		b.launch1D("k_block_diag_grad_x", dx.Len())
	}
	if dw != nil {
		kernels.CheckSame("BlockDiagMulGrad", dw, w)
		wlen := w.Len()
		chunks, chunkRows := rowChunks(rows)
		p := b.partials(chunks * wlen)
		b.params().ptr(b.mem(x)).ptr(b.mem(dy)).i64(rows).i32(heads).i32(bi).i32(bo).i64(chunkRows).ptr(p)
		b.launch("k_block_diag_grad_w_partial", uint32((wlen+threads-1)/threads), uint32(chunks), threads, 1, 0)
		// dw viewed as one row of wlen columns for the chunk sum.
		b.params().ptr(b.mem(dw)).ptr(p).i32(chunks).i32(wlen).i32(wlen).i32(0).f32(1)
		b.launch("k_col_finish", uint32((wlen+threads-1)/threads), 1, threads, 1, 0)
	}
}
