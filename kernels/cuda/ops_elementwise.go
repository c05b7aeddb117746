package cuda

import (
	"fmt"
	"math"

	"github.com/neusim/neusim/kernels"
)

// Tensor is the float32 tensor type of the backend.
type Tensor = kernels.Tensor[float32]

// Scale sets x = alpha·x.
func (b *Backend) Scale(x *Tensor, alpha float32) {
	b.enter()
	defer b.leave()
	b.params().ptr(b.mem(x)).i64(x.Len()).f32(alpha)
	b.launch1D("k_scale", x.Len())
}

// Axpy sets y = y + alpha·x.
func (b *Backend) Axpy(alpha float32, x, y *Tensor) {
	kernels.CheckSame("Axpy", x, y)
	b.enter()
	defer b.leave()
	b.params().f32(alpha).ptr(b.mem(x)).ptr(b.mem(y)).i64(x.Len())
	b.launch1D("k_axpy", x.Len())
}

// Mul sets dst = x ⊙ y.
func (b *Backend) Mul(dst, x, y *Tensor) {
	kernels.CheckSame("Mul", dst, x)
	kernels.CheckSame("Mul", dst, y)
	b.enter()
	defer b.leave()
	b.params().ptr(b.mem(dst)).ptr(b.mem(x)).ptr(b.mem(y)).i64(dst.Len())
	b.launch1D("k_mul", dst.Len())
}

// SumSquares returns the sum of the squares of x, accumulated in float64:
// fixed per-block partial sums on the device, added in block order here.
func (b *Backend) SumSquares(x *Tensor) float64 {
	n := x.Len()
	if n == 0 {
		return 0
	}
	b.enter()
	defer b.leave()
	grid := b.gridFor(n)
	p := b.partials(int(grid))
	b.params().ptr(b.mem(x)).i64(n).ptr(p)
	b.launch("k_sum_squares", grid, 1, threads, 1, 0)
	var s float64
	for _, v := range b.downloadPartials(int(grid)) {
		s += v
	}
	return s
}

// SiLU sets y = x·σ(x).
func (b *Backend) SiLU(y, x *Tensor) {
	kernels.CheckSame("SiLU", y, x)
	b.enter()
	defer b.leave()
	b.params().ptr(b.mem(y)).ptr(b.mem(x)).i64(x.Len())
	b.launch1D("k_silu", x.Len())
}

// SiLUGrad sets dx = dy·d(silu)/dx at x.
func (b *Backend) SiLUGrad(dx, x, dy *Tensor) {
	kernels.CheckSame("SiLUGrad", dx, x)
	kernels.CheckSame("SiLUGrad", dx, dy)
	b.enter()
	defer b.leave()
	b.params().ptr(b.mem(dx)).ptr(b.mem(x)).ptr(b.mem(dy)).i64(x.Len())
	b.launch1D("k_silu_grad", x.Len())
}

// AdamW applies one AdamW update to p from its gradient g and its moment
// estimates m and v.
func (b *Backend) AdamW(p, g, m, v *Tensor, s kernels.AdamWStep) {
	kernels.CheckSame("AdamW", p, g)
	kernels.CheckSame("AdamW", p, m)
	kernels.CheckSame("AdamW", p, v)
	if s.Step < 1 {
		panic(fmt.Sprintf("kernels/cuda: AdamW: step %d, want >= 1", s.Step))
	}
	c1 := 1 - math.Pow(s.Beta1, float64(s.Step))
	c2 := 1 - math.Pow(s.Beta2, float64(s.Step))
	b.enter()
	defer b.leave()
	b.params().ptr(b.mem(p)).ptr(b.mem(g)).ptr(b.mem(m)).ptr(b.mem(v)).i64(p.Len()).
		f64(s.LR).f64(s.Beta1).f64(s.Beta2).f64(s.Eps).f64(s.WeightDecay).f64(c1).f64(c2)
	b.launch1D("k_adamw", p.Len())
}
