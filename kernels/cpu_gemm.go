package kernels

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// gemmTile is the side of the square tiles of C that one chunk of Gemm
// computes. Each tile is one serial library call that sums over the whole
// k dimension, so results do not depend on the number of workers. It
// matches gonum's internal block size, below which gonum stays serial.
const gemmTile = 64

// gemmPlan holds the operands of a Gemm split into tiles of C.
type gemmPlan[T Float] struct {
	transA, transB bool
	alpha, beta    T
	a, b, c        *Tensor[T]
	m, n, k        int
	tilesN         int
}

// Gemm sets C = alpha·op(A)·op(B) + beta·C.
func (b *CPU[T]) Gemm(transA, transB bool, alpha T, a, bm *Tensor[T], beta T, c *Tensor[T]) {
	m, k := a.rows, a.cols
	if transA {
		m, k = k, m
	}
	kb, n := bm.rows, bm.cols
	if transB {
		kb, n = n, kb
	}
	if k != kb || c.rows != m || c.cols != n {
		panic(fmt.Sprintf("kernels: Gemm: op(A) %d×%d, op(B) %d×%d, C %v", m, k, kb, n, c))
	}
	if k == 0 {
		b.Scale(c, beta)
		return
	}
	tilesM := (m + gemmTile - 1) / gemmTile
	tilesN := (n + gemmTile - 1) / gemmTile
	b.j.gemm = gemmPlan[T]{transA: transA, transB: transB, alpha: alpha, beta: beta,
		a: a, b: bm, c: c, m: m, n: n, k: k, tilesN: tilesN}
	b.j.op = opGemm
	b.pool.run(&b.j, tilesM*tilesN)
}

// tile computes tile t of C with one library call.
func (p *gemmPlan[T]) tile(t int) {
	i0, j0 := (t/p.tilesN)*gemmTile, (t%p.tilesN)*gemmTile
	i1, j1 := min(i0+gemmTile, p.m), min(j0+gemmTile, p.n)

	aOff, aRows, aCols, aStride := i0*p.k, i1-i0, p.k, p.k
	if p.transA {
		aOff, aRows, aCols, aStride = i0, p.k, i1-i0, p.m
	}
	bOff, bRows, bCols, bStride := j0, p.k, j1-j0, p.n
	if p.transB {
		bOff, bRows, bCols, bStride = j0*p.k, j1-j0, p.k, p.k
	}
	cOff := i0*p.n + j0

	switch a := any(p.a.host).(type) {
	case []float32:
		bh := any(p.b.host).([]float32)
		ch := any(p.c.host).([]float32)
		sgemm(p.transA, p.transB, i1-i0, j1-j0, p.k, float32(p.alpha),
			a[aOff:], aRows, aCols, aStride, bh[bOff:], bRows, bCols, bStride,
			float32(p.beta), ch[cOff:], p.n)
	case []float64:
		bh := any(p.b.host).([]float64)
		ch := any(p.c.host).([]float64)
		blas64.Gemm(transFlag(p.transA), transFlag(p.transB), float64(p.alpha),
			blas64.General{Rows: aRows, Cols: aCols, Stride: aStride, Data: a[aOff:]},
			blas64.General{Rows: bRows, Cols: bCols, Stride: bStride, Data: bh[bOff:]},
			float64(p.beta),
			blas64.General{Rows: i1 - i0, Cols: j1 - j0, Stride: p.n, Data: ch[cOff:]})
	}
}

func transFlag(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}
