package kernels

// Backend is the float32 backend that the surrogate runs on.
type Backend = BackendOf[float32]

// BackendOf is the set of operations the surrogate needs, for element type
// T. Shapes are given as rows×cols; "N" is a number of rows (entities,
// edges) and every operation panics on a shape mismatch. Unless a method
// says it accumulates, it overwrites its destination.
type BackendOf[T Float] interface {
	// Name returns a short name such as "cpu-blas32".
	Name() string
	// Workers returns the number of goroutines the backend uses.
	Workers() int

	// NewTensor allocates a zeroed rows×cols tensor.
	NewTensor(rows, cols int) *Tensor[T]
	// Reshape sets the shape of t, reusing its storage when large enough.
	// Values are unspecified afterwards.
	Reshape(t *Tensor[T], rows, cols int)
	// Upload copies src (row-major, len t.Len()) into t.
	Upload(t *Tensor[T], src []T)
	// Download copies t into dst (row-major, len t.Len()).
	Download(dst []T, t *Tensor[T])
	// NewIndex returns an empty index; SetIndex fills it.
	NewIndex() *Index
	// SetIndex sets ix to a copy of rows.
	SetIndex(ix *Index, rows []int32)
	// NewCSR returns an empty CSR; SetCSR fills it.
	NewCSR() *CSR
	// SetCSR sets c to copies of offsets (destination rows + 1, starting
	// at 0, non-decreasing) and src (len offsets[last]).
	SetCSR(c *CSR, offsets, src []int32)

	// Zero sets every value of t to 0.
	Zero(t *Tensor[T])
	// Copy sets dst = src.
	Copy(dst, src *Tensor[T])
	// Scale sets x = alpha·x.
	Scale(x *Tensor[T], alpha T)
	// Axpy sets y = y + alpha·x.
	Axpy(alpha T, x, y *Tensor[T])
	// Mul sets dst = a ⊙ b elementwise.
	Mul(dst, a, b *Tensor[T])
	// SumSquares returns the sum of the squares of x, accumulated in
	// float64 in a fixed order.
	SumSquares(x *Tensor[T]) float64

	// Gemm sets C = alpha·op(A)·op(B) + beta·C, where op transposes when
	// the flag is set. C is m×n, op(A) is m×k and op(B) is k×n.
	Gemm(transA, transB bool, alpha T, a, b *Tensor[T], beta T, c *Tensor[T])
	// AddRowVector adds the 1×cols vector v to every row of x.
	AddRowVector(x, v *Tensor[T])
	// SumRows sets the 1×cols dst = beta·dst + the sum of the rows of x.
	SumRows(dst, x *Tensor[T], beta T)

	// SiLU sets y = x·sigmoid(x).
	SiLU(y, x *Tensor[T])
	// SiLUGrad sets dx = dy·d(silu)/dx at x.
	SiLUGrad(dx, x, dy *Tensor[T])
	// LayerNorm normalises each row of the N×D x to zero mean and unit
	// variance, then scales by the 1×D gamma and shifts by the 1×D beta.
	// It stores the N×1 row means and reciprocal standard deviations
	// 1/sqrt(var+eps) for LayerNormGrad.
	LayerNorm(y, mean, rstd, x, gamma, beta *Tensor[T], eps T)
	// LayerNormGrad sets dx and adds the parameter gradients into the 1×D
	// dgamma and dbeta.
	LayerNormGrad(dx, dgamma, dbeta, dy, x, mean, rstd, gamma *Tensor[T])

	// CopyCols sets dst[:, col0:col0+src.Cols()] = src.
	CopyCols(dst *Tensor[T], col0 int, src *Tensor[T])
	// AddCols sets dst = dst + src[:, col0:col0+dst.Cols()].
	AddCols(dst, src *Tensor[T], col0 int)
	// Gather sets dst[i,:] = src[ix[i],:].
	Gather(dst, src *Tensor[T], ix *Index)
	// SegmentSum sets dst[r,:] = beta·dst[r,:] + the sum of src[j,:] over
	// the sources j of row r, added in CSR order.
	SegmentSum(dst, src *Tensor[T], c *CSR, beta T)

	// BlockDiagMul sets the N×(H·bo) y = beta·y + x·W for the block-diagonal
	// W whose H blocks of size bi×bo are stacked in the (H·bi)×bo w, and
	// the N×(H·bi) x.
	BlockDiagMul(y, x, w *Tensor[T], heads int, beta T)
	// BlockDiagMulGrad sets dx = dy·Wᵀ (block-diagonal) and adds xᵀ·dy,
	// restricted to the blocks, into dw. Either of dx and dw may be nil.
	BlockDiagMulGrad(dx, dw, x, w, dy *Tensor[T], heads int)

	// AdamW applies one AdamW update to p from its gradient g and its
	// moment estimates m and v.
	AdamW(p, g, m, v *Tensor[T], s AdamWStep)

	// MLSTMStep advances a batch of mLSTM cells by one step.
	MLSTMStep(a MLSTMArgs[T])
	// MLSTMStepGrad back-propagates one mLSTM step.
	MLSTMStepGrad(a MLSTMArgs[T], g MLSTMGrads[T])
	// SLSTMStep advances a batch of sLSTM cells by one step.
	SLSTMStep(a SLSTMArgs[T])
	// SLSTMStepGrad back-propagates one sLSTM step.
	SLSTMStepGrad(a SLSTMArgs[T], g SLSTMGrads[T])
}

// AdamWStep holds the settings of one AdamW update (Loshchilov and
// Hutter 2019, "Decoupled weight decay regularization"):
//
//	m = β1·m + (1-β1)·g,  v = β2·v + (1-β2)·g²
//	p = p - LR·(m/(1-β1^t) / (sqrt(v/(1-β2^t)) + Eps) + WeightDecay·p)
type AdamWStep struct {
	LR, Beta1, Beta2, Eps, WeightDecay float64
	Step                               int // t, counted from 1
}
