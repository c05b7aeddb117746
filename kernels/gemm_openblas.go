//go:build openblas

package kernels

// This file calls OpenBLAS's cblas_sgemm through cgo directly instead of
// gonum.org/v1/netlib: the call is a few lines, and it keeps a cgo-only
// module out of go.mod for the default pure-Go build. Build with
//
//	apt-get install libopenblas-dev
//	go test -tags openblas ./kernels/
//
// OpenBLAS runs single-threaded here, because the backend already splits
// C into tiles over its workers and one thread per tile keeps the results
// independent of the number of workers.

/*
#cgo LDFLAGS: -lopenblas
#include <cblas.h>
*/
import "C"

import "unsafe"

// gemmLibrary names the float32 matrix-product library.
const gemmLibrary = "openblas"

func init() {
	C.openblas_set_num_threads(1)
}

// sgemm computes one tile with OpenBLAS; the arguments are those of the
// blas32 version.
func sgemm(transA, transB bool, m, n, k int, alpha float32,
	a []float32, aRows, aCols, aStride int, b []float32, bRows, bCols, bStride int,
	beta float32, c []float32, ldc int) {
	ta, tb := uint32(C.CblasNoTrans), uint32(C.CblasNoTrans)
	if transA {
		ta = uint32(C.CblasTrans)
	}
	if transB {
		tb = uint32(C.CblasTrans)
	}
	if need := (aRows-1)*aStride + aCols; len(a) < need {
		panic("kernels: sgemm: A view out of range")
	}
	if need := (bRows-1)*bStride + bCols; len(b) < need {
		panic("kernels: sgemm: B view out of range")
	}
	if need := (m-1)*ldc + n; len(c) < need {
		panic("kernels: sgemm: C view out of range")
	}
	C.cblas_sgemm(C.CblasRowMajor, C.enum_CBLAS_TRANSPOSE(ta), C.enum_CBLAS_TRANSPOSE(tb),
		C.blasint(m), C.blasint(n), C.blasint(k), C.float(alpha),
		(*C.float)(unsafe.Pointer(&a[0])), C.blasint(aStride),
		(*C.float)(unsafe.Pointer(&b[0])), C.blasint(bStride),
		C.float(beta), (*C.float)(unsafe.Pointer(&c[0])), C.blasint(ldc))
}
