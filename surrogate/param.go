package surrogate

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neusim/neusim/kernels"
)

// Float is the element type of a model: float32 in production, float64 for
// the reference that gradient checks run against.
type Float = kernels.Float

// Param is a trainable tensor with its gradient and AdamW moments.
type Param[T Float] struct {
	Name  string // unique name, the tensor name in checkpoints
	Value *kernels.Tensor[T]
	Grad  *kernels.Tensor[T] // accumulated by Backward, cleared by ZeroGrad
	M, V  *kernels.Tensor[T] // AdamW first and second moments
}

// Params is the ordered list of a model's parameters. The order is fixed by
// construction and is the order of checkpoints and of the optimizer.
type Params[T Float] struct {
	List []*Param[T]
}

// add creates a rows×cols parameter initialised by init.
func (ps *Params[T]) add(b kernels.BackendOf[T], name string, rows, cols int, init func(i int) float64) *Param[T] {
	for _, p := range ps.List {
		if p.Name == name {
			panic(fmt.Sprintf("surrogate: duplicate parameter name %q", name))
		}
	}
	p := &Param[T]{Name: name, Value: b.NewTensor(rows, cols), Grad: b.NewTensor(rows, cols),
		M: b.NewTensor(rows, cols), V: b.NewTensor(rows, cols)}
	v := make([]T, rows*cols)
	for i := range v {
		v[i] = T(init(i))
	}
	b.Upload(p.Value, v)
	ps.List = append(ps.List, p)
	return p
}

// uniformInit returns U(-1/sqrt(fanIn), 1/sqrt(fanIn)) draws from rng, the
// default initialisation of PyTorch's nn.Linear.
func uniformInit(rng *rand.Rand, fanIn int) func(int) float64 {
	bound := 1 / math.Sqrt(float64(fanIn))
	return func(int) float64 { return (2*rng.Float64() - 1) * bound }
}

func constInit(c float64) func(int) float64 { return func(int) float64 { return c } }

// ZeroGrad clears every gradient.
func (ps *Params[T]) ZeroGrad(b kernels.BackendOf[T]) {
	for _, p := range ps.List {
		b.Zero(p.Grad)
	}
}

// Count returns the number of scalar parameters.
func (ps *Params[T]) Count() int {
	n := 0
	for _, p := range ps.List {
		n += p.Value.Len()
	}
	return n
}

// ensure sets *t to a rows×cols tensor, allocating it on first use and
// reusing its storage afterwards.
func ensure[T Float](b kernels.BackendOf[T], t **kernels.Tensor[T], rows, cols int) *kernels.Tensor[T] {
	if *t == nil {
		*t = b.NewTensor(rows, cols)
	} else {
		b.Reshape(*t, rows, cols)
	}
	return *t
}
