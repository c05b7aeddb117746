package surrogate

import (
	"fmt"
	"math/rand/v2"

	"github.com/neusim/neusim/kernels"
)

// Linear is the affine map y = x·W + b with W of shape In×Out and b of
// shape 1×Out, applied to the rows of an N×In input.
type Linear[T Float] struct {
	In, Out int
	W, B    *Param[T]
}

// LinearCache holds what Linear.Backward needs from one Forward call.
type LinearCache[T Float] struct {
	x, y, dx *kernels.Tensor[T]
}

func newLinear[T Float](b kernels.BackendOf[T], ps *Params[T], rng *rand.Rand, name string, in, out int) *Linear[T] {
	return &Linear[T]{In: in, Out: out,
		W: ps.add(b, name+".weight", in, out, uniformInit(rng, in)),
		B: ps.add(b, name+".bias", 1, out, uniformInit(rng, in)),
	}
}

// Forward returns the N×Out output for the N×In x; x must stay unchanged
// until Backward.
func (l *Linear[T]) Forward(b kernels.BackendOf[T], c *LinearCache[T], x *kernels.Tensor[T]) *kernels.Tensor[T] {
	if x.Cols() != l.In {
		panic(fmt.Sprintf("surrogate: Linear %s: input %v, want %d columns", l.W.Name, x, l.In))
	}
	c.x = x
	y := ensure(b, &c.y, x.Rows(), l.Out)
	b.Gemm(false, false, 1, x, l.W.Value, 0, y)
	b.AddRowVector(y, l.B.Value)
	return y
}

// Backward adds xᵀ·dy to the weight gradient and the column sums of dy to
// the bias gradient, and returns dx = dy·Wᵀ (N×In).
func (l *Linear[T]) Backward(b kernels.BackendOf[T], c *LinearCache[T], dy *kernels.Tensor[T]) *kernels.Tensor[T] {
	b.Gemm(true, false, 1, c.x, dy, 1, l.W.Grad)
	b.SumRows(l.B.Grad, dy, 1)
	dx := ensure(b, &c.dx, dy.Rows(), l.In)
	b.Gemm(false, true, 1, dy, l.W.Value, 0, dx)
	return dx
}

// LayerNorm normalises each row of an N×D input and applies the learned
// 1×D scale Gamma and shift Beta (Ba, Kiros and Hinton 2016).
type LayerNorm[T Float] struct {
	D           int
	Gamma, Beta *Param[T]
	Eps         T // added to the variance; 1e-5 as in PyTorch
}

// LayerNormCache holds what LayerNorm.Backward needs from one Forward call.
type LayerNormCache[T Float] struct {
	x, y, mean, rstd, dx *kernels.Tensor[T]
}

func newLayerNorm[T Float](b kernels.BackendOf[T], ps *Params[T], name string, d int) *LayerNorm[T] {
	return &LayerNorm[T]{D: d, Eps: 1e-5,
		Gamma: ps.add(b, name+".weight", 1, d, constInit(1)),
		Beta:  ps.add(b, name+".bias", 1, d, constInit(0)),
	}
}

// Forward returns the normalised N×D output.
func (l *LayerNorm[T]) Forward(b kernels.BackendOf[T], c *LayerNormCache[T], x *kernels.Tensor[T]) *kernels.Tensor[T] {
	c.x = x
	n := x.Rows()
	y := ensure(b, &c.y, n, l.D)
	b.LayerNorm(y, ensure(b, &c.mean, n, 1), ensure(b, &c.rstd, n, 1), x, l.Gamma.Value, l.Beta.Value, l.Eps)
	return y
}

// Backward adds the parameter gradients and returns dx (N×D).
func (l *LayerNorm[T]) Backward(b kernels.BackendOf[T], c *LayerNormCache[T], dy *kernels.Tensor[T]) *kernels.Tensor[T] {
	dx := ensure(b, &c.dx, dy.Rows(), l.D)
	b.LayerNormGrad(dx, l.Gamma.Grad, l.Beta.Grad, dy, c.x, c.mean, c.rstd, l.Gamma.Value)
	return dx
}

// SiLUCache holds the input and output of one SiLU activation,
// silu(x) = x·σ(x) (Elfwing, Uchibe and Doya 2018).
type SiLUCache[T Float] struct {
	x, y, dx *kernels.Tensor[T]
}

// SiLU returns silu(x), keeping x for SiLUBackward.
func SiLU[T Float](b kernels.BackendOf[T], c *SiLUCache[T], x *kernels.Tensor[T]) *kernels.Tensor[T] {
	c.x = x
	y := ensure(b, &c.y, x.Rows(), x.Cols())
	b.SiLU(y, x)
	return y
}

// SiLUBackward returns dx for the gradient dy of SiLU's output.
func SiLUBackward[T Float](b kernels.BackendOf[T], c *SiLUCache[T], dy *kernels.Tensor[T]) *kernels.Tensor[T] {
	dx := ensure(b, &c.dx, dy.Rows(), dy.Cols())
	b.SiLUGrad(dx, c.x, dy)
	return dx
}
