package kernels

import "fmt"

func checkBlockDiag[T Float](op string, y, x, w *Tensor[T], heads int) (bi, bo int) {
	if heads < 1 || x.cols%heads != 0 {
		panic(fmt.Sprintf("kernels: %s: %d heads for x %v", op, heads, x))
	}
	bi, bo = x.cols/heads, w.cols
	if w.rows != x.cols || y.rows != x.rows || y.cols != heads*bo {
		panic(fmt.Sprintf("kernels: %s: x %v, w %v, y %v with %d heads", op, x, w, y, heads))
	}
	return bi, bo
}

// BlockDiagMul sets y = beta·y + x·blockdiag(W).
func (b *CPU[T]) BlockDiagMul(y, x, w *Tensor[T], heads int, beta T) {
	checkBlockDiag("BlockDiagMul", y, x, w, heads)
	b.j.a, b.j.b, b.j.c, b.j.n0, b.j.beta = y, x, w, heads, beta
	b.dispatch(opBlockDiagMul, x.rows, y.cols)
}

func blockDiagMulRows[T Float](j *job[T], lo, hi int) {
	y, x, w, heads := j.a, j.b, j.c, j.n0
	bi, bo := x.cols/heads, w.cols
	for r := lo; r < hi; r++ {
		for h := 0; h < heads; h++ {
			yr := y.host[r*y.cols+h*bo : r*y.cols+(h+1)*bo]
			for c := range yr {
				yr[c] *= j.beta
			}
			xr := x.host[r*x.cols+h*bi : r*x.cols+(h+1)*bi]
			for i, xv := range xr {
				wr := w.host[(h*bi+i)*bo : (h*bi+i+1)*bo]
				for c := range yr {
					yr[c] += xv * wr[c]
				}
			}
		}
	}
}

// BlockDiagMulGrad sets dx = dy·blockdiag(W)ᵀ and adds the block parts of
// xᵀ·dy into dw; dx or dw may be nil to skip it.
func (b *CPU[T]) BlockDiagMulGrad(dx, dw, x, w, dy *Tensor[T], heads int) {
	checkBlockDiag("BlockDiagMulGrad", dy, x, w, heads)
	b.j.b, b.j.c, b.j.d, b.j.n0 = x, w, dy, heads
	if dx != nil {
		checkSame("BlockDiagMulGrad", dx, x)
		b.j.a = dx
		b.dispatch(opBlockDiagGradX, x.rows, x.cols)
	}
	if dw != nil {
		checkSame("BlockDiagMulGrad", dw, w)
		b.j.a = dw
		// One chunk per row of dw: each sums over all N rows in order.
		b.j.op, b.j.rows, b.j.rowsPerChunk = opBlockDiagGradW, w.rows, 1
		b.pool.run(&b.j, w.rows)
	}
}

func blockDiagGradXRows[T Float](j *job[T], lo, hi int) {
	dx, w, dy, heads := j.a, j.c, j.d, j.n0
	bi, bo := dx.cols/heads, w.cols
	for r := lo; r < hi; r++ {
		for h := 0; h < heads; h++ {
			dyr := dy.host[r*dy.cols+h*bo : r*dy.cols+(h+1)*bo]
			for i := 0; i < bi; i++ {
				wr := w.host[(h*bi+i)*bo : (h*bi+i+1)*bo]
				var s T
				for c, g := range dyr {
					s += g * wr[c]
				}
				dx.host[r*dx.cols+h*bi+i] = s
			}
		}
	}
}

func blockDiagGradWRows[T Float](j *job[T], lo, hi int) {
	dw, x, dy, heads := j.a, j.b, j.d, j.n0
	bi, bo := x.cols/heads, dw.cols
	for row := lo; row < hi; row++ {
		h := row / bi
		out := dw.host[row*bo : (row+1)*bo]
		for r := 0; r < x.rows; r++ {
			xv := x.host[r*x.cols+row]
			dyr := dy.host[r*dy.cols+h*bo : r*dy.cols+(h+1)*bo]
			for c, g := range dyr {
				out[c] += xv * g
			}
		}
	}
}
