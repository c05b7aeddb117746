package cuda

import (
	"fmt"

	"github.com/neusim/neusim/kernels"
)

// AddRowVector adds the 1×cols v to every row of x.
func (b *Backend) AddRowVector(x, v *Tensor) {
	if v.Rows() != 1 || v.Cols() != x.Cols() {
		panic(fmt.Sprintf("kernels/cuda: AddRowVector: vector %v for a %v matrix", v, x))
	}
	b.enter()
	defer b.leave()
	b.params().ptr(b.mem(x)).ptr(b.mem(v)).i64(x.Rows()).i32(x.Cols())
	b.launch1D("k_add_row_vector", x.Len())
}

// rowChunks splits rows into chunks for column sums: enough chunks to keep
// the device busy, each summed in row order by one thread per column. The
// split depends only on rows.
func rowChunks(rows int) (chunks, chunkRows int) {
	if rows == 0 {
		return 0, 1
	}
	chunks = min((rows+63)/64, 1024)
	chunkRows = (rows + chunks - 1) / chunks
	return (rows + chunkRows - 1) / chunkRows, chunkRows
}

// finishColumns launches k_col_finish: dst = beta·dst + the chunk-ordered
// sum of the partials at offset off of each chunk's stride.
func (b *Backend) finishColumns(dst *Tensor, p uintptr, chunks, stride, off int, beta float32) {
	cols := dst.Cols()
	b.params().ptr(b.mem(dst)).ptr(p).i32(chunks).i32(cols).i32(stride).i32(off).f32(beta)
	b.launch("k_col_finish", uint32((cols+threads-1)/threads), 1, threads, 1, 0)
}

// SumRows sets the 1×cols dst = beta·dst + the sum of the rows of x;
// beta = 0 overwrites dst.
func (b *Backend) SumRows(dst, x *Tensor, beta float32) {
	if dst.Rows() != 1 || dst.Cols() != x.Cols() {
		panic(fmt.Sprintf("kernels/cuda: SumRows: destination %v for a %v matrix", dst, x))
	}
	b.enter()
	defer b.leave()
	cols := x.Cols()
	chunks, chunkRows := rowChunks(x.Rows())
	p := b.partials(chunks * cols)
	b.params().ptr(b.mem(x)).i64(x.Rows()).i32(cols).i64(chunkRows).ptr(p).i32(cols).i32(0)
	b.launch("k_col_partial", uint32((cols+threads-1)/threads), uint32(chunks), threads, 1, 0)
	b.finishColumns(dst, p, chunks, cols, 0, beta)
}

// LayerNorm normalises each row of x and stores the row means and
// reciprocal standard deviations for LayerNormGrad.
func (b *Backend) LayerNorm(y, mean, rstd, x, gamma, beta *Tensor, eps float32) {
	kernels.CheckSame("LayerNorm", y, x)
	if mean.Rows() != x.Rows() || rstd.Rows() != x.Rows() || mean.Cols() != 1 || rstd.Cols() != 1 ||
		gamma.Cols() != x.Cols() || beta.Cols() != x.Cols() || gamma.Rows() != 1 || beta.Rows() != 1 {
		panic(fmt.Sprintf("kernels/cuda: LayerNorm: x %v, mean %v, rstd %v, gamma %v, beta %v", x, mean, rstd, gamma, beta))
	}
	b.enter()
	defer b.leave()
	rows := x.Rows()
	b.params().ptr(b.mem(y)).ptr(b.mem(mean)).ptr(b.mem(rstd)).ptr(b.mem(x)).ptr(b.mem(gamma)).ptr(b.mem(beta)).
		i64(rows).i32(x.Cols()).f32(eps)
	b.launch("k_layernorm", warpGrid(rows), 1, threads, 1, 0)
}

// warpGrid returns the blocks for one warp per row.
func warpGrid(rows int) uint32 {
	const rowsPerBlock = threads / 32
	return uint32((rows + rowsPerBlock - 1) / rowsPerBlock)
}

// LayerNormGrad sets dx and adds the parameter gradients into dgamma and
// dbeta.
func (b *Backend) LayerNormGrad(dx, dgamma, dbeta, dy, x, mean, rstd, gamma *Tensor) {
	kernels.CheckSame("LayerNormGrad", dx, x)
	kernels.CheckSame("LayerNormGrad", dy, x)
	kernels.CheckSame("LayerNormGrad", dgamma, gamma)
	kernels.CheckSame("LayerNormGrad", dbeta, gamma)
	b.enter()
	defer b.leave()
	rows, cols := x.Rows(), x.Cols()
	b.params().ptr(b.mem(dx)).ptr(b.mem(dy)).ptr(b.mem(x)).ptr(b.mem(mean)).ptr(b.mem(rstd)).ptr(b.mem(gamma)).
		i64(rows).i32(cols)
	b.launch("k_layernorm_grad_x", warpGrid(rows), 1, threads, 1, 0)

	chunks, chunkRows := rowChunks(rows)
	p := b.partials(chunks * 2 * cols)
	b.params().ptr(b.mem(dy)).ptr(b.mem(x)).ptr(b.mem(mean)).ptr(b.mem(rstd)).i64(rows).i32(cols).i64(chunkRows).ptr(p)
	b.launch("k_layernorm_grad_partial", uint32((cols+threads-1)/threads), uint32(chunks), threads, 1, 0)
	b.finishColumns(dgamma, p, chunks, 2*cols, 0, 1)
	b.finishColumns(dbeta, p, chunks, 2*cols, cols, 1)
}

// CopyCols sets dst[:, col0:col0+src.Cols()] = src.
func (b *Backend) CopyCols(dst *Tensor, col0 int, src *Tensor) {
	if src.Rows() != dst.Rows() || col0 < 0 || col0+src.Cols() > dst.Cols() {
		panic(fmt.Sprintf("kernels/cuda: CopyCols: %v into columns %d.. of %v", src, col0, dst))
	}
	b.enter()
	defer b.leave()
	b.params().ptr(b.mem(dst)).i32(dst.Cols()).i32(col0).ptr(b.mem(src)).i64(src.Rows()).i32(src.Cols())
	b.launch1D("k_copy_cols", src.Len())
}

// AddCols sets dst = dst + src[:, col0:col0+dst.Cols()].
func (b *Backend) AddCols(dst, src *Tensor, col0 int) {
	if src.Rows() != dst.Rows() || col0 < 0 || col0+dst.Cols() > src.Cols() {
		panic(fmt.Sprintf("kernels/cuda: AddCols: columns %d.. of %v into %v", col0, src, dst))
	}
	b.enter()
	defer b.leave()
	b.params().ptr(b.mem(dst)).i32(dst.Cols()).ptr(b.mem(src)).i32(src.Cols()).i32(col0).i64(dst.Rows())
	b.launch1D("k_add_cols", dst.Len())
}

// Gather sets dst[i,:] = src[ix[i],:].
func (b *Backend) Gather(dst, src *Tensor, ix *kernels.Index) {
	if dst.Cols() != src.Cols() || dst.Rows() != ix.Len() {
		panic(fmt.Sprintf("kernels/cuda: Gather: %d rows of %v into %v", ix.Len(), src, dst))
	}
	b.enter()
	defer b.leave()
	b.params().ptr(b.mem(dst)).ptr(b.mem(src)).ptr(b.indexPtr(ix)).i64(dst.Rows()).i32(dst.Cols())
	b.launch1D("k_gather", dst.Len())
}

// SegmentSum sets dst[r,:] = beta·dst[r,:] + the sum of src[j,:] over the
// sources j of row r, added in CSR order; beta = 0 overwrites dst.
func (b *Backend) SegmentSum(dst, src *Tensor, c *kernels.CSR, beta float32) {
	if dst.Cols() != src.Cols() || dst.Rows() != c.Rows() {
		panic(fmt.Sprintf("kernels/cuda: SegmentSum: %v sources into %v with a CSR of %d rows", src, dst, c.Rows()))
	}
	off, srcRows := b.csrPtrs(c)
	b.enter()
	defer b.leave()
	b.params().ptr(b.mem(dst)).ptr(b.mem(src)).ptr(off).ptr(srcRows).i64(dst.Rows()).i32(dst.Cols()).f32(beta)
	b.launch1D("k_segment_sum", dst.Len())
}
