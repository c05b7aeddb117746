package kernels

import (
	"fmt"
	"math"
)

// AddRowVector adds the 1×cols v to every row of x.
func (b *CPU[T]) AddRowVector(x, v *Tensor[T]) {
	if v.rows != 1 || v.cols != x.cols {
		panic(fmt.Sprintf("kernels: AddRowVector: vector %v for a %v matrix", v, x))
	}
	b.j.a, b.j.b = x, v
	b.dispatch(opAddRowVector, x.rows, x.cols)
}

func addRowVectorRows[T Float](j *job[T], lo, hi int) {
	x, v, n := j.a.host, j.b.host, j.a.cols
	for r := lo; r < hi; r++ {
		row := x[r*n : (r+1)*n]
		for i := range row {
			row[i] += v[i]
		}
	}
}

// SumRows sets dst = beta·dst + Σ_r x[r,:].
func (b *CPU[T]) SumRows(dst, x *Tensor[T], beta T) {
	if dst.rows != 1 || dst.cols != x.cols {
		panic(fmt.Sprintf("kernels: SumRows: destination %v for a %v matrix", dst, x))
	}
	b.j.a = x
	b.dispatchReduce(opSumRows, x.rows, x.cols, x.cols)
	b.finishColumnSums(dst, b.j.partial, 0, beta)
}

// finishColumnSums sets dst = beta·dst + the chunk-ordered sum of the
// partials at offset off of each chunk's stride.
func (b *CPU[T]) finishColumnSums(dst *Tensor[T], partial []float64, off int, beta T) {
	n := dst.cols
	stride := len(partial) / max(b.j.chunks(), 1)
	for i := 0; i < n; i++ {
		var s float64
		for c := 0; c < b.j.chunks(); c++ {
			s += partial[c*stride+off+i]
		}
		dst.host[i] = T(float64(beta*dst.host[i]) + s)
	}
}

func sumRowsRows[T Float](j *job[T], c, lo, hi int) {
	x, n := j.a.host, j.a.cols
	p := j.partial[c*n : (c+1)*n]
	for r := lo; r < hi; r++ {
		for i, v := range x[r*n : (r+1)*n] {
			p[i] += float64(v)
		}
	}
}

// LayerNorm normalises the rows of x (Ba, Kiros and Hinton 2016).
func (b *CPU[T]) LayerNorm(y, mean, rstd, x, gamma, beta *Tensor[T], eps T) {
	checkSame("LayerNorm", y, x)
	if mean.rows != x.rows || rstd.rows != x.rows || mean.cols != 1 || rstd.cols != 1 ||
		gamma.cols != x.cols || beta.cols != x.cols || gamma.rows != 1 || beta.rows != 1 {
		panic(fmt.Sprintf("kernels: LayerNorm: x %v, mean %v, rstd %v, gamma %v, beta %v", x, mean, rstd, gamma, beta))
	}
	b.j.a, b.j.b, b.j.c, b.j.d, b.j.e, b.j.f, b.j.eps = y, mean, rstd, x, gamma, beta, eps
	b.dispatch(opLayerNorm, x.rows, x.cols)
}

func layerNormRows[T Float](j *job[T], lo, hi int) {
	y, mean, rstd, x, gamma, beta := j.a.host, j.b.host, j.c.host, j.d.host, j.e.host, j.f.host
	n := j.d.cols
	for r := lo; r < hi; r++ {
		row := x[r*n : (r+1)*n]
		var mu float64
		for _, v := range row {
			mu += float64(v)
		}
		mu /= float64(n)
		var variance float64
		for _, v := range row {
			d := float64(v) - mu
			variance += d * d
		}
		variance /= float64(n)
		rs := 1 / math.Sqrt(variance+float64(j.eps))
		mean[r], rstd[r] = T(mu), T(rs)
		out := y[r*n : (r+1)*n]
		for i, v := range row {
			out[i] = T((float64(v)-mu)*rs)*gamma[i] + beta[i]
		}
	}
}

// LayerNormGrad sets dx = rstd·(g - mean(g) - x̂·mean(g·x̂)) with g = dy·γ
// and adds Σ dy·x̂ into dgamma and Σ dy into dbeta.
func (b *CPU[T]) LayerNormGrad(dx, dgamma, dbeta, dy, x, mean, rstd, gamma *Tensor[T]) {
	checkSame("LayerNormGrad", dx, x)
	checkSame("LayerNormGrad", dy, x)
	checkSame("LayerNormGrad", dgamma, gamma)
	checkSame("LayerNormGrad", dbeta, gamma)
	b.j.a, b.j.b, b.j.c, b.j.d, b.j.e, b.j.f, b.j.g = dx, dy, x, mean, rstd, gamma, nil
	n := x.cols
	b.dispatchReduce(opLayerNormGrad, x.rows, n, 2*n)
	b.finishColumnSums(dgamma, b.j.partial, 0, 1)
	b.finishColumnSums(dbeta, b.j.partial, n, 1)
}

func layerNormGradRows[T Float](j *job[T], c, lo, hi int) {
	dx, dy, x, mean, rstd, gamma := j.a.host, j.b.host, j.c.host, j.d.host, j.e.host, j.f.host
	n := j.c.cols
	p := j.partial[c*2*n : (c+1)*2*n]
	for r := lo; r < hi; r++ {
		mu, rs := float64(mean[r]), float64(rstd[r])
		xr, dyr, dxr := x[r*n:(r+1)*n], dy[r*n:(r+1)*n], dx[r*n:(r+1)*n]
		var mg, mgx float64
		for i := range xr {
			xh := (float64(xr[i]) - mu) * rs
			g := float64(dyr[i]) * float64(gamma[i])
			mg += g
			mgx += g * xh
			p[i] += float64(dyr[i]) * xh
			p[n+i] += float64(dyr[i])
		}
		mg /= float64(n)
		mgx /= float64(n)
		for i := range xr {
			xh := (float64(xr[i]) - mu) * rs
			g := float64(dyr[i]) * float64(gamma[i])
			dxr[i] = T(rs * (g - mg - xh*mgx))
		}
	}
}

// CopyCols sets dst[:, col0:col0+src.Cols()] = src.
func (b *CPU[T]) CopyCols(dst *Tensor[T], col0 int, src *Tensor[T]) {
	if src.rows != dst.rows || col0 < 0 || col0+src.cols > dst.cols {
		panic(fmt.Sprintf("kernels: CopyCols: %v into columns %d.. of %v", src, col0, dst))
	}
	b.j.a, b.j.b, b.j.n0 = dst, src, col0
	b.dispatch(opCopyCols, src.rows, src.cols)
}

func copyColsRows[T Float](j *job[T], lo, hi int) {
	dst, src := j.a, j.b
	for r := lo; r < hi; r++ {
		copy(dst.host[r*dst.cols+j.n0:r*dst.cols+j.n0+src.cols], src.host[r*src.cols:(r+1)*src.cols])
	}
}

// AddCols sets dst = dst + src[:, col0:col0+dst.Cols()].
func (b *CPU[T]) AddCols(dst, src *Tensor[T], col0 int) {
	if src.rows != dst.rows || col0 < 0 || col0+dst.cols > src.cols {
		panic(fmt.Sprintf("kernels: AddCols: columns %d.. of %v into %v", col0, src, dst))
	}
	b.j.a, b.j.b, b.j.n0 = dst, src, col0
	b.dispatch(opAddCols, dst.rows, dst.cols)
}

func addColsRows[T Float](j *job[T], lo, hi int) {
	dst, src := j.a, j.b
	for r := lo; r < hi; r++ {
		d := dst.host[r*dst.cols : (r+1)*dst.cols]
		s := src.host[r*src.cols+j.n0:]
		for i := range d {
			d[i] += s[i]
		}
	}
}

// Gather sets dst[i,:] = src[ix[i],:].
func (b *CPU[T]) Gather(dst, src *Tensor[T], ix *Index) {
	if dst.cols != src.cols || dst.rows != ix.Len() {
		panic(fmt.Sprintf("kernels: Gather: %d rows of %v into %v", ix.Len(), src, dst))
	}
	b.j.a, b.j.b, b.j.ix = dst, src, ix
	b.dispatch(opGather, dst.rows, dst.cols)
}

func gatherRows[T Float](j *job[T], lo, hi int) {
	dst, src, n := j.a.host, j.b.host, j.a.cols
	for i := lo; i < hi; i++ {
		r := int(j.ix.host[i])
		copy(dst[i*n:(i+1)*n], src[r*n:(r+1)*n])
	}
}

// SegmentSum sets dst[r,:] = beta·dst[r,:] + Σ src[j,:] in CSR order.
func (b *CPU[T]) SegmentSum(dst, src *Tensor[T], c *CSR, beta T) {
	if dst.cols != src.cols || dst.rows != c.Rows() {
		panic(fmt.Sprintf("kernels: SegmentSum: %v sources into %v with a CSR of %d rows", src, dst, c.Rows()))
	}
	b.j.a, b.j.b, b.j.csr, b.j.beta = dst, src, c, beta
	b.dispatch(opSegmentSum, dst.rows, dst.cols)
}

func segmentSumRows[T Float](j *job[T], lo, hi int) {
	dst, src, n := j.a.host, j.b.host, j.a.cols
	for r := lo; r < hi; r++ {
		d := dst[r*n : (r+1)*n]
		if j.beta == 0 {
			clear(d)
		} else if j.beta != 1 {
			for i := range d {
				d[i] *= j.beta
			}
		}
		for _, e := range j.csr.src[j.csr.offsets[r]:j.csr.offsets[r+1]] {
			s := src[int(e)*n : (int(e)+1)*n]
			for i := range d {
				d[i] += s[i]
			}
		}
	}
}
