package kernels

// opcode names the operation a job runs.
type opcode int

const (
	opScale opcode = iota
	opAxpy
	opMul
	opSumSquares
	opGemm
	opAddRowVector
	opSumRows
	opSiLU
	opSiLUGrad
	opLayerNorm
	opLayerNormGrad
	opCopyCols
	opAddCols
	opGather
	opSegmentSum
	opBlockDiagMul
	opBlockDiagGradX
	opBlockDiagGradW
	opAdamW
	opMLSTM
	opMLSTMGrad
	opSLSTM
	opSLSTMGrad
)

// job holds the operands of the operation in flight. The backend owns one
// job and reuses it, so dispatching an operation allocates nothing.
type job[T Float] struct {
	op           opcode
	rows         int
	rowsPerChunk int
	partial      []float64

	a, b, c, d, e, f, g, h *Tensor[T]
	ix                     *Index
	csr                    *CSR
	alpha, beta, eps       T
	n0, n1                 int

	gemm gemmPlan[T]
	adam AdamWStep
	ml   MLSTMArgs[T]
	mg   MLSTMGrads[T]
	sl   SLSTMArgs[T]
	sg   SLSTMGrads[T]
}

func (j *job[T]) chunks() int {
	return (j.rows + j.rowsPerChunk - 1) / j.rowsPerChunk
}

func (j *job[T]) runChunk(c int) {
	lo := c * j.rowsPerChunk
	hi := min(lo+j.rowsPerChunk, j.rows)
	switch j.op {
	case opScale:
		scaleRows(j, lo, hi)
	case opAxpy:
		axpyRows(j, lo, hi)
	case opMul:
		mulRows(j, lo, hi)
	case opSumSquares:
		sumSquaresRows(j, c, lo, hi)
	case opGemm:
		j.gemm.tile(c)
	case opAddRowVector:
		addRowVectorRows(j, lo, hi)
	case opSumRows:
		sumRowsRows(j, c, lo, hi)
	case opSiLU:
		siluRows(j, lo, hi)
	case opSiLUGrad:
		siluGradRows(j, lo, hi)
	case opLayerNorm:
		layerNormRows(j, lo, hi)
	case opLayerNormGrad:
		layerNormGradRows(j, c, lo, hi)
	case opCopyCols:
		copyColsRows(j, lo, hi)
	case opAddCols:
		addColsRows(j, lo, hi)
	case opGather:
		gatherRows(j, lo, hi)
	case opSegmentSum:
		segmentSumRows(j, lo, hi)
	case opBlockDiagMul:
		blockDiagMulRows(j, lo, hi)
	case opBlockDiagGradX:
		blockDiagGradXRows(j, lo, hi)
	case opBlockDiagGradW:
		blockDiagGradWRows(j, lo, hi)
	case opAdamW:
		adamWRows(j, lo, hi)
	case opMLSTM:
		mlstmRows(&j.ml, lo, hi)
	case opMLSTMGrad:
		mlstmGradRows(&j.ml, &j.mg, lo, hi)
	case opSLSTM:
		slstmRows(&j.sl, lo, hi)
	case opSLSTMGrad:
		slstmGradRows(&j.sl, &j.sg, lo, hi)
	default:
		panic("kernels: unknown opcode")
	}
}
