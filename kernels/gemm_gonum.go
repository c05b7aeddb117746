//go:build !openblas

package kernels

import "gonum.org/v1/gonum/blas/blas32"

// gemmLibrary names the float32 matrix-product library.
const gemmLibrary = "blas32"

// sgemm computes one tile with gonum's pure-Go blas32. A and B are the
// stored (untransposed) sub-matrices with their shapes and strides.
func sgemm(transA, transB bool, m, n, k int, alpha float32,
	a []float32, aRows, aCols, aStride int, b []float32, bRows, bCols, bStride int,
	beta float32, c []float32, ldc int) {
	blas32.Gemm(transFlag(transA), transFlag(transB), alpha,
		blas32.General{Rows: aRows, Cols: aCols, Stride: aStride, Data: a},
		blas32.General{Rows: bRows, Cols: bCols, Stride: bStride, Data: b},
		beta,
		blas32.General{Rows: m, Cols: n, Stride: ldc, Data: c})
}
