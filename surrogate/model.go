package surrogate

import (
	"fmt"
	"math/rand/v2"

	"github.com/neusim/neusim/kernels"
)

// OutWidth is the width of the decoder output per entity: the
// acceleration (3) and the change of the affine velocity gradient over
// one step (9, row-major), both in normalised units.
const OutWidth = 12

// Config is the architecture of a model. The zero value of a field means
// its documented default; Defaults fills them in.
type Config struct {
	NodeIn int // node feature width (required)
	EdgeIn int // edge feature width (required)
	WallIn int // wall feature width (required)

	Latent int        // latent width of nodes and edges; default 128 as in GNS
	Width  int        // hidden width of every MLP; default Latent
	Hidden int        // hidden layers per MLP; default 2 as in GNS
	Steps  int        // message-passing steps; default 10 as in GNS
	Memory MemoryKind // per-entity memory; default MemoryMLSTM
	Heads  int        // memory heads; default 4, must divide Latent
}

// Defaults returns c with zero fields set to their defaults.
func (c Config) Defaults() Config {
	if c.Latent == 0 {
		c.Latent = 128
	}
	if c.Width == 0 {
		c.Width = c.Latent
	}
	if c.Hidden == 0 {
		c.Hidden = 2
	}
	if c.Steps == 0 {
		c.Steps = 10
	}
	if c.Memory == "" {
		c.Memory = MemoryMLSTM
	}
	if c.Heads == 0 {
		c.Heads = 4
	}
	return c
}

// Validate reports an error for an unusable configuration.
func (c Config) Validate() error {
	switch {
	case c.NodeIn < 1 || c.EdgeIn < 1 || c.WallIn < 1:
		return fmt.Errorf("surrogate: config: feature widths node %d, edge %d, wall %d must be positive", c.NodeIn, c.EdgeIn, c.WallIn)
	case c.Latent < 1 || c.Width < 1 || c.Hidden < 0 || c.Steps < 0:
		return fmt.Errorf("surrogate: config: latent %d, width %d, hidden %d, steps %d must be positive", c.Latent, c.Width, c.Hidden, c.Steps)
	case c.Memory != MemoryNone && c.Memory != MemoryMLSTM && c.Memory != MemorySLSTM:
		return fmt.Errorf("surrogate: config: memory %q, want none, mlstm or slstm", c.Memory)
	case c.Memory != MemoryNone && (c.Heads < 1 || c.Latent%c.Heads != 0):
		return fmt.Errorf("surrogate: config: %d heads do not divide latent width %d", c.Heads, c.Latent)
	}
	return nil
}

// Model is the encode-process-decode graph network with per-entity memory
// described in the package documentation.
type Model[T Float] struct {
	Cfg    Config
	Params Params[T]

	NodeEnc, EdgeEnc, WallEnc *MLP[T]
	EdgeMLP, WallMLP, NodeMLP []*MLP[T] // one of each per message-passing step
	Mem                       memoryBlock[T]
	Decoder                   *MLP[T]
}

// NewModel builds a model with weights drawn from seed.
func NewModel[T Float](b kernels.BackendOf[T], cfg Config, seed uint64) (*Model[T], error) {
	cfg = cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x6e657573696d))
	m := &Model[T]{Cfg: cfg}
	ps := &m.Params
	L, W, H := cfg.Latent, cfg.Width, cfg.Hidden
	m.NodeEnc = newMLP(b, ps, rng, "encoder.node", cfg.NodeIn, W, H, L, true)
	m.EdgeEnc = newMLP(b, ps, rng, "encoder.edge", cfg.EdgeIn, W, H, L, true)
	m.WallEnc = newMLP(b, ps, rng, "encoder.wall", cfg.WallIn, W, H, L, true)
	for s := 0; s < cfg.Steps; s++ {
		p := fmt.Sprintf("processor.%d.", s)
		m.EdgeMLP = append(m.EdgeMLP, newMLP(b, ps, rng, p+"edge", 3*L, W, H, L, true))
		m.WallMLP = append(m.WallMLP, newMLP(b, ps, rng, p+"wall", 2*L, W, H, L, true))
		m.NodeMLP = append(m.NodeMLP, newMLP(b, ps, rng, p+"node", 3*L, W, H, L, true))
	}
	switch cfg.Memory {
	case MemoryMLSTM:
		m.Mem = newMLSTMBlock(b, ps, rng, L, cfg.Heads)
	case MemorySLSTM:
		m.Mem = newSLSTMBlock(b, ps, rng, L, cfg.Heads)
	}
	m.Decoder = newMLP(b, ps, rng, "decoder", L, W, H, OutWidth, false)
	return m, nil
}

// NewMemory returns a zero memory state for n entities (nil for a model
// without memory). Zero is the xLSTM initial state: with c = n = 0 the
// stabiliser's initial value does not affect any output.
func (m *Model[T]) NewMemory(b kernels.BackendOf[T], n int) *Memory[T] {
	if m.Mem == nil {
		return nil
	}
	s := &Memory[T]{}
	for _, cols := range m.Mem.stateShapes() {
		s.Tensors = append(s.Tensors, b.NewTensor(n, cols))
	}
	return s
}

// ResizeMemory sets s to a zero state for n entities, reusing its storage.
func (m *Model[T]) ResizeMemory(b kernels.BackendOf[T], s *Memory[T], n int) {
	if s == nil {
		return
	}
	for i, cols := range m.Mem.stateShapes() {
		b.Reshape(s.Tensors[i], n, cols)
		b.Zero(s.Tensors[i])
	}
}

// StepCache holds the activations of one model step for Backward. A
// window of K steps trained with backpropagation through time needs K
// caches; a rollout needs one.
type StepCache[T Float] struct {
	nodeEnc, edgeEnc, wallEnc MLPCache[T]
	proc                      []procCache[T]
	mem                       memoryCache[T]
	dec                       MLPCache[T]
	decIn                     *kernels.Tensor[T]
	g                         *DeviceGraph[T]

	// Backward workspace.
	dx, de, dw, tmpN, tmpE, tmpW *kernels.Tensor[T]
}

// procCache holds one message-passing step's concatenated inputs,
// gathered node latents, sums and residual outputs.
type procCache[T Float] struct {
	edgeIn, wallIn, nodeIn *kernels.Tensor[T]
	gather, gatherW        *kernels.Tensor[T]
	aggE, aggW             *kernels.Tensor[T]
	edge, wall, node       MLPCache[T]
	x, e, w                *kernels.Tensor[T] // outputs after the residual
}
