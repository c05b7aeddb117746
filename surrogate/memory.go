package surrogate

import (
	"fmt"
	"math/rand/v2"

	"github.com/neusim/neusim/kernels"
)

// MemoryKind selects the recurrent memory each entity carries.
type MemoryKind string

const (
	MemoryNone  MemoryKind = "none"  // no memory: the model is Markovian
	MemoryMLSTM MemoryKind = "mlstm" // matrix-memory LSTM, one DK×DK matrix per head
	MemorySLSTM MemoryKind = "slstm" // scalar-memory LSTM with recurrent mixing within heads
)

// Memory is the recurrent state of N entities. For mLSTM the tensors are
// C (N×(Heads·DK·DK)), n (N×(Heads·DK)) and m (N×Heads); for sLSTM they
// are c, n, m and h, each N×Latent. Row i belongs to entity i.
type Memory[T Float] struct {
	Tensors []*kernels.Tensor[T]
}

// memoryBlock is the memory cell with its input normalisation and
// projections. It maps the N×L node latent x to the N×L hidden output h.
type memoryBlock[T Float] interface {
	// stateShapes returns the column counts of the state tensors.
	stateShapes() []int
	// gradCount returns how many leading state tensors carry gradients.
	gradCount() int
	forward(b kernels.BackendOf[T], c *memoryCache[T], x *kernels.Tensor[T], s0, s1 *Memory[T]) *kernels.Tensor[T]
	// backward takes dh and the gradients with respect to s1 in ds, leaves
	// those with respect to s0 in ds and returns dx.
	backward(b kernels.BackendOf[T], c *memoryCache[T], dh *kernels.Tensor[T], ds *Memory[T]) *kernels.Tensor[T]
}

// memoryCache holds what a memory block's backward needs from one step.
type memoryCache[T Float] struct {
	norm            LayerNormCache[T]
	lin             [6]LinearCache[T]
	q, k, v         *kernels.Tensor[T] // projections (the Linear caches own them)
	ig, fg, og, pre *kernels.Tensor[T]
	h               *kernels.Tensor[T]
	s0, s1          *Memory[T]
	dq, dk, dv      *kernels.Tensor[T]
	di, df, do      *kernels.Tensor[T]
	dpre, dx, dh    *kernels.Tensor[T]
}

// MLSTMBlock is LayerNorm followed by linear projections of the node latent
// to the queries, keys, values and gates of an mLSTM cell with Heads heads
// of size DK = Latent/Heads (Beck et al. 2024).
type MLSTMBlock[T Float] struct {
	Heads, DK int
	Norm      *LayerNorm[T]
	Q, K, V   *Linear[T]
	I, F, O   *Linear[T]
}

func newMLSTMBlock[T Float](b kernels.BackendOf[T], ps *Params[T], rng *rand.Rand, latent, heads int) *MLSTMBlock[T] {
	if heads < 1 || latent%heads != 0 {
		panic(fmt.Sprintf("surrogate: mLSTM: latent %d is not a multiple of %d heads", latent, heads))
	}
	m := &MLSTMBlock[T]{Heads: heads, DK: latent / heads}
	m.Norm = newLayerNorm(b, ps, "memory.norm", latent)
	m.Q = newLinear(b, ps, rng, "memory.q", latent, latent)
	m.K = newLinear(b, ps, rng, "memory.k", latent, latent)
	m.V = newLinear(b, ps, rng, "memory.v", latent, latent)
	m.I = newLinear(b, ps, rng, "memory.igate", latent, heads)
	m.F = newLinear(b, ps, rng, "memory.fgate", latent, heads)
	m.O = newLinear(b, ps, rng, "memory.ogate", latent, latent)
	// A forget-gate bias of +3 starts the memory long-lived (σ(3) ≈ 0.95),
	// within the range 3 to 6 that the xLSTM authors initialise it to.
	b.Upload(m.F.B.Value, fill[T](heads, 3))
	return m
}

func fill[T Float](n int, v T) []T {
	s := make([]T, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func (m *MLSTMBlock[T]) stateShapes() []int {
	return []int{m.Heads * m.DK * m.DK, m.Heads * m.DK, m.Heads}
}

func (m *MLSTMBlock[T]) gradCount() int { return 2 }

func (m *MLSTMBlock[T]) args(c *memoryCache[T]) kernels.MLSTMArgs[T] {
	return kernels.MLSTMArgs[T]{Heads: m.Heads, DK: m.DK, DV: m.DK, Q: c.q, K: c.k, V: c.v,
		I: c.ig, F: c.fg, O: c.og,
		C0: c.s0.Tensors[0], N0: c.s0.Tensors[1], M0: c.s0.Tensors[2],
		C1: c.s1.Tensors[0], N1: c.s1.Tensors[1], M1: c.s1.Tensors[2], H: c.h}
}

func (m *MLSTMBlock[T]) forward(b kernels.BackendOf[T], c *memoryCache[T], x *kernels.Tensor[T], s0, s1 *Memory[T]) *kernels.Tensor[T] {
	xn := m.Norm.Forward(b, &c.norm, x)
	c.q = m.Q.Forward(b, &c.lin[0], xn)
	c.k = m.K.Forward(b, &c.lin[1], xn)
	c.v = m.V.Forward(b, &c.lin[2], xn)
	c.ig = m.I.Forward(b, &c.lin[3], xn)
	c.fg = m.F.Forward(b, &c.lin[4], xn)
	c.og = m.O.Forward(b, &c.lin[5], xn)
	c.s0, c.s1 = s0, s1
	ensure(b, &c.h, x.Rows(), x.Cols())
	b.MLSTMStep(m.args(c))
	return c.h
}

func (m *MLSTMBlock[T]) backward(b kernels.BackendOf[T], c *memoryCache[T], dh *kernels.Tensor[T], ds *Memory[T]) *kernels.Tensor[T] {
	n := dh.Rows()
	g := kernels.MLSTMGrads[T]{DH: dh, DC: ds.Tensors[0], DN: ds.Tensors[1],
		DQ: ensure(b, &c.dq, n, c.q.Cols()), DK: ensure(b, &c.dk, n, c.k.Cols()), DV: ensure(b, &c.dv, n, c.v.Cols()),
		DI: ensure(b, &c.di, n, m.Heads), DF: ensure(b, &c.df, n, m.Heads), DO: ensure(b, &c.do, n, c.og.Cols())}
	b.MLSTMStepGrad(m.args(c), g)

	// The normalised input feeds all six projections: sum their gradients.
	dxn := ensure(b, &c.dx, n, m.Q.In)
	b.Copy(dxn, m.Q.Backward(b, &c.lin[0], g.DQ))
	b.Axpy(1, m.K.Backward(b, &c.lin[1], g.DK), dxn)
	b.Axpy(1, m.V.Backward(b, &c.lin[2], g.DV), dxn)
	b.Axpy(1, m.I.Backward(b, &c.lin[3], g.DI), dxn)
	b.Axpy(1, m.F.Backward(b, &c.lin[4], g.DF), dxn)
	b.Axpy(1, m.O.Backward(b, &c.lin[5], g.DO), dxn)
	return m.Norm.Backward(b, &c.norm, dxn)
}

// SLSTMBlock is LayerNorm, an input projection W to the four gates and a
// block-diagonal recurrent matrix R (one Size×4·Size block per head) that
// mixes the previous hidden state within each head, feeding an sLSTM cell
// (Beck et al. 2024).
type SLSTMBlock[T Float] struct {
	Heads, Size int
	Norm        *LayerNorm[T]
	W           *Linear[T] // latent → 4·latent, per head [z i f o]
	R           *Param[T]  // (Heads·Size)×(4·Size)
}

func newSLSTMBlock[T Float](b kernels.BackendOf[T], ps *Params[T], rng *rand.Rand, latent, heads int) *SLSTMBlock[T] {
	if heads < 1 || latent%heads != 0 {
		panic(fmt.Sprintf("surrogate: sLSTM: latent %d is not a multiple of %d heads", latent, heads))
	}
	s := &SLSTMBlock[T]{Heads: heads, Size: latent / heads}
	s.Norm = newLayerNorm(b, ps, "memory.norm", latent)
	s.W = newLinear(b, ps, rng, "memory.w", latent, 4*latent)
	s.R = ps.add(b, "memory.r", latent, 4*s.Size, uniformInit(rng, s.Size))
	bias := make([]T, 4*latent)
	for h := 0; h < heads; h++ {
		for j := 0; j < s.Size; j++ {
			bias[h*4*s.Size+2*s.Size+j] = 3 // forget gate, as for the mLSTM
		}
	}
	b.Upload(s.W.B.Value, bias)
	return s
}

func (s *SLSTMBlock[T]) stateShapes() []int {
	w := s.Heads * s.Size
	return []int{w, w, w, w}
}

// gradCount is 4: c, n, the unused m slot and h, whose gradient flows
// through the recurrent matrix.
func (s *SLSTMBlock[T]) gradCount() int { return 4 }

func (s *SLSTMBlock[T]) args(c *memoryCache[T]) kernels.SLSTMArgs[T] {
	return kernels.SLSTMArgs[T]{Heads: s.Heads, Size: s.Size, Pre: c.pre,
		C0: c.s0.Tensors[0], N0: c.s0.Tensors[1], M0: c.s0.Tensors[2],
		C1: c.s1.Tensors[0], N1: c.s1.Tensors[1], M1: c.s1.Tensors[2], H: c.s1.Tensors[3]}
}

func (s *SLSTMBlock[T]) forward(b kernels.BackendOf[T], c *memoryCache[T], x *kernels.Tensor[T], s0, s1 *Memory[T]) *kernels.Tensor[T] {
	xn := s.Norm.Forward(b, &c.norm, x)
	c.pre = s.W.Forward(b, &c.lin[0], xn)
	b.BlockDiagMul(c.pre, s0.Tensors[3], s.R.Value, s.Heads, 1)
	c.s0, c.s1 = s0, s1
	b.SLSTMStep(s.args(c))
	return s1.Tensors[3]
}

func (s *SLSTMBlock[T]) backward(b kernels.BackendOf[T], c *memoryCache[T], dh *kernels.Tensor[T], ds *Memory[T]) *kernels.Tensor[T] {
	n := dh.Rows()
	// The output h1 reaches the loss directly and through the next step's
	// recurrence, whose gradient arrives in ds.Tensors[3].
	dtot := ensure(b, &c.dh, n, dh.Cols())
	b.Copy(dtot, dh)
	b.Axpy(1, ds.Tensors[3], dtot)
	dpre := ensure(b, &c.dpre, n, c.pre.Cols())
	b.SLSTMStepGrad(s.args(c), kernels.SLSTMGrads[T]{DH: dtot, DC: ds.Tensors[0], DN: ds.Tensors[1], DPre: dpre})
	b.BlockDiagMulGrad(ds.Tensors[3], s.R.Grad, c.s0.Tensors[3], s.R.Value, dpre, s.Heads)
	return s.Norm.Backward(b, &c.norm, s.W.Backward(b, &c.lin[0], dpre))
}
