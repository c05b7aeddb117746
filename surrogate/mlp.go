package surrogate

import (
	"math/rand/v2"
	"strconv"

	"github.com/neusim/neusim/kernels"
)

// MLP is Linear → SiLU → … → Linear with Hidden hidden layers of width
// Width, optionally followed by LayerNorm as in the encoder and processor
// of Sanchez-Gonzalez et al. 2020 ("Learning to simulate complex physics
// with graph networks"). It maps N×In to N×Out.
type MLP[T Float] struct {
	Layers []*Linear[T]
	Norm   *LayerNorm[T] // nil for no output normalisation
}

// MLPCache holds what MLP.Backward needs from one Forward call.
type MLPCache[T Float] struct {
	lin  []LinearCache[T]
	act  []SiLUCache[T]
	norm LayerNormCache[T]
}

func newMLP[T Float](b kernels.BackendOf[T], ps *Params[T], rng *rand.Rand, name string,
	in, width, hidden, out int, norm bool) *MLP[T] {
	m := &MLP[T]{}
	d := in
	for l := 0; l < hidden; l++ {
		m.Layers = append(m.Layers, newLinear(b, ps, rng, name+".linear"+strconv.Itoa(l), d, width))
		d = width
	}
	m.Layers = append(m.Layers, newLinear(b, ps, rng, name+".linear"+strconv.Itoa(hidden), d, out))
	if norm {
		m.Norm = newLayerNorm(b, ps, name+".norm", out)
	}
	return m
}

// In returns the input width.
func (m *MLP[T]) In() int { return m.Layers[0].In }

// Out returns the output width.
func (m *MLP[T]) Out() int { return m.Layers[len(m.Layers)-1].Out }

// Forward returns the N×Out output for the N×In x.
func (m *MLP[T]) Forward(b kernels.BackendOf[T], c *MLPCache[T], x *kernels.Tensor[T]) *kernels.Tensor[T] {
	if c.lin == nil {
		c.lin = make([]LinearCache[T], len(m.Layers))
		c.act = make([]SiLUCache[T], len(m.Layers)-1)
	}
	for l, lin := range m.Layers {
		x = lin.Forward(b, &c.lin[l], x)
		if l < len(m.Layers)-1 {
			x = SiLU(b, &c.act[l], x)
		}
	}
	if m.Norm != nil {
		x = m.Norm.Forward(b, &c.norm, x)
	}
	return x
}

// Backward accumulates the parameter gradients and returns dx (N×In).
func (m *MLP[T]) Backward(b kernels.BackendOf[T], c *MLPCache[T], dy *kernels.Tensor[T]) *kernels.Tensor[T] {
	if m.Norm != nil {
		dy = m.Norm.Backward(b, &c.norm, dy)
	}
	for l := len(m.Layers) - 1; l >= 0; l-- {
		if l < len(m.Layers)-1 {
			dy = SiLUBackward(b, &c.act[l], dy)
		}
		dy = m.Layers[l].Backward(b, &c.lin[l], dy)
	}
	return dy
}
