package kernels

import (
	"fmt"
	"math"
)

// Zero sets every value of t to 0.
func (b *CPU[T]) Zero(t *Tensor[T]) { clear(t.host) }

// Copy sets dst = src.
func (b *CPU[T]) Copy(dst, src *Tensor[T]) {
	checkSame("Copy", dst, src)
	copy(dst.host, src.host)
}

// Scale sets x = alpha·x.
func (b *CPU[T]) Scale(x *Tensor[T], alpha T) {
	b.j.a, b.j.alpha = x, alpha
	b.dispatch(opScale, x.Len(), 1)
}

func scaleRows[T Float](j *job[T], lo, hi int) {
	x := j.a.host[lo:hi]
	for i := range x {
		x[i] *= j.alpha
	}
}

// Axpy sets y = y + alpha·x.
func (b *CPU[T]) Axpy(alpha T, x, y *Tensor[T]) {
	checkSame("Axpy", x, y)
	b.j.a, b.j.b, b.j.alpha = x, y, alpha
	b.dispatch(opAxpy, x.Len(), 1)
}

func axpyRows[T Float](j *job[T], lo, hi int) {
	x, y := j.a.host[lo:hi], j.b.host[lo:hi]
	for i := range x {
		y[i] += j.alpha * x[i]
	}
}

// Mul sets dst = a ⊙ b.
func (b *CPU[T]) Mul(dst, x, y *Tensor[T]) {
	checkSame("Mul", dst, x)
	checkSame("Mul", dst, y)
	b.j.a, b.j.b, b.j.c = dst, x, y
	b.dispatch(opMul, dst.Len(), 1)
}

func mulRows[T Float](j *job[T], lo, hi int) {
	d, x, y := j.a.host[lo:hi], j.b.host[lo:hi], j.c.host[lo:hi]
	for i := range d {
		d[i] = x[i] * y[i]
	}
}

// SumSquares returns the sum of squares of x in float64.
func (b *CPU[T]) SumSquares(x *Tensor[T]) float64 {
	b.j.a = x
	b.dispatchReduce(opSumSquares, x.Len(), 1, 1)
	var s float64
	for _, p := range b.j.partial {
		s += p
	}
	return s
}

func sumSquaresRows[T Float](j *job[T], c, lo, hi int) {
	var s float64
	for _, v := range j.a.host[lo:hi] {
		s += float64(v) * float64(v)
	}
	j.partial[c] = s
}

// SiLU sets y = x·σ(x).
func (b *CPU[T]) SiLU(y, x *Tensor[T]) {
	checkSame("SiLU", y, x)
	b.j.a, b.j.b = y, x
	b.dispatch(opSiLU, x.Len(), 1)
}

func siluRows[T Float](j *job[T], lo, hi int) {
	y, x := j.a.host[lo:hi], j.b.host[lo:hi]
	for i, v := range x {
		y[i] = v * sigmoid(v)
	}
}

// SiLUGrad sets dx = dy·(σ(x) + x·σ(x)·(1-σ(x))).
func (b *CPU[T]) SiLUGrad(dx, x, dy *Tensor[T]) {
	checkSame("SiLUGrad", dx, x)
	checkSame("SiLUGrad", dx, dy)
	b.j.a, b.j.b, b.j.c = dx, x, dy
	b.dispatch(opSiLUGrad, x.Len(), 1)
}

func siluGradRows[T Float](j *job[T], lo, hi int) {
	dx, x, dy := j.a.host[lo:hi], j.b.host[lo:hi], j.c.host[lo:hi]
	for i, v := range x {
		s := sigmoid(v)
		dx[i] = dy[i] * (s + v*s*(1-s))
	}
}

// AdamW applies one AdamW update to p.
func (b *CPU[T]) AdamW(p, g, m, v *Tensor[T], s AdamWStep) {
	checkSame("AdamW", p, g)
	checkSame("AdamW", p, m)
	checkSame("AdamW", p, v)
	if s.Step < 1 {
		panic(fmt.Sprintf("kernels: AdamW: step %d, want >= 1", s.Step))
	}
	b.j.a, b.j.b, b.j.c, b.j.d, b.j.adam = p, g, m, v, s
	b.dispatch(opAdamW, p.Len(), 1)
}

func adamWRows[T Float](j *job[T], lo, hi int) {
	s := j.adam
	c1 := 1 - math.Pow(s.Beta1, float64(s.Step))
	c2 := 1 - math.Pow(s.Beta2, float64(s.Step))
	p, g, m, v := j.a.host[lo:hi], j.b.host[lo:hi], j.c.host[lo:hi], j.d.host[lo:hi]
	for i := range p {
		gi := float64(g[i])
		mi := s.Beta1*float64(m[i]) + (1-s.Beta1)*gi
		vi := s.Beta2*float64(v[i]) + (1-s.Beta2)*gi*gi
		m[i], v[i] = T(mi), T(vi)
		step := (mi/c1)/(math.Sqrt(vi/c2)+s.Eps) + s.WeightDecay*float64(p[i])
		p[i] = T(float64(p[i]) - s.LR*step)
	}
}

func sigmoid[T Float](x T) T {
	if x >= 0 {
		return T(1 / (1 + math.Exp(-float64(x))))
	}
	e := math.Exp(float64(x))
	return T(e / (1 + e))
}

// logSigmoid returns log σ(x) without overflow.
func logSigmoid(x float64) float64 {
	if x >= 0 {
		return -math.Log1p(math.Exp(-x))
	}
	return x - math.Log1p(math.Exp(x))
}
