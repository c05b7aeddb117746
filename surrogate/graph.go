package surrogate

import (
	"fmt"

	"github.com/neusim/neusim/kernels"
)

// Graph is the input of one model step, in normalised units, as plain
// row-major arrays. N is the number of entities, E the number of
// entity-entity edges and W the number of entity-wall edges.
type Graph struct {
	N     int
	Nodes []float32 // N×NodeIn node features

	// Edges run from Senders[e] to Receivers[e], sorted by receiver (the
	// order in which incoming messages are summed). Both directions of a
	// neighbour pair are separate edges.
	Senders, Receivers []int32   // E each, entity indices in [0, N)
	Edges              []float32 // E×EdgeIn edge features

	// WallReceivers[w] is the entity that wall edge w points to.
	WallReceivers []int32   // W entity indices in [0, N)
	Walls         []float32 // W×WallIn wall features

	counts, order []int32 // scratch of Features.Build
}

// Validate reports an error when the sizes of g do not match the widths of
// cfg or an index is out of range or the edges are not sorted by receiver.
func (g *Graph) Validate(cfg Config) error {
	if g.N < 0 || len(g.Nodes) != g.N*cfg.NodeIn {
		return fmt.Errorf("surrogate: graph: %d node feature values, want N×NodeIn = %d×%d", len(g.Nodes), g.N, cfg.NodeIn)
	}
	e := len(g.Senders)
	if len(g.Receivers) != e || len(g.Edges) != e*cfg.EdgeIn {
		return fmt.Errorf("surrogate: graph: %d senders, %d receivers and %d edge feature values, want E, E and E×%d",
			e, len(g.Receivers), len(g.Edges), cfg.EdgeIn)
	}
	w := len(g.WallReceivers)
	if len(g.Walls) != w*cfg.WallIn {
		return fmt.Errorf("surrogate: graph: %d wall feature values for %d wall edges, want %d each", len(g.Walls), w, cfg.WallIn)
	}
	for i := 0; i < e; i++ {
		if s, r := g.Senders[i], g.Receivers[i]; s < 0 || int(s) >= g.N || r < 0 || int(r) >= g.N {
			return fmt.Errorf("surrogate: graph: edge %d joins %d and %d, outside [0, %d)", i, s, r, g.N)
		}
		if i > 0 && g.Receivers[i] < g.Receivers[i-1] {
			return fmt.Errorf("surrogate: graph: edge %d has receiver %d after %d; sort edges by receiver", i, g.Receivers[i], g.Receivers[i-1])
		}
	}
	for i, r := range g.WallReceivers {
		if r < 0 || int(r) >= g.N {
			return fmt.Errorf("surrogate: graph: wall edge %d points to entity %d, outside [0, %d)", i, r, g.N)
		}
	}
	return nil
}

// DeviceGraph is a Graph uploaded to a backend, with the index structures
// the gather and segment-sum kernels need. Upload reuses its storage.
type DeviceGraph[T Float] struct {
	N, E, W                int
	Nodes, Edges, Walls    *kernels.Tensor[T]
	Senders, Receivers     *kernels.Index
	WallReceivers          *kernels.Index
	ByReceiver, BySender   *kernels.CSR // N rows listing edge ids
	WallByReceiver         *kernels.CSR // N rows listing wall edge ids
	offsets, order, counts []int32
	scratch                []T
}

// Upload copies g (already validated) to the backend.
func (d *DeviceGraph[T]) Upload(b kernels.BackendOf[T], g *Graph, cfg Config) {
	if d.Senders == nil {
		d.Senders, d.Receivers, d.WallReceivers = b.NewIndex(), b.NewIndex(), b.NewIndex()
		d.ByReceiver, d.BySender, d.WallByReceiver = b.NewCSR(), b.NewCSR(), b.NewCSR()
	}
	d.N, d.E, d.W = g.N, len(g.Senders), len(g.WallReceivers)
	d.uploadValues(b, &d.Nodes, g.Nodes, d.N, cfg.NodeIn)
	d.uploadValues(b, &d.Edges, g.Edges, d.E, cfg.EdgeIn)
	d.uploadValues(b, &d.Walls, g.Walls, d.W, cfg.WallIn)
	b.SetIndex(d.Senders, g.Senders)
	b.SetIndex(d.Receivers, g.Receivers)
	b.SetIndex(d.WallReceivers, g.WallReceivers)
	d.setCSR(b, d.ByReceiver, g.Receivers)
	d.setCSR(b, d.BySender, g.Senders)
	d.setCSR(b, d.WallByReceiver, g.WallReceivers)
}

func (d *DeviceGraph[T]) uploadValues(b kernels.BackendOf[T], t **kernels.Tensor[T], v []float32, rows, cols int) {
	ensure(b, t, rows, cols)
	d.scratch = d.scratch[:0]
	for _, x := range v {
		d.scratch = append(d.scratch, T(x))
	}
	b.Upload(*t, d.scratch)
}

// setCSR groups the items by their key with a stable counting sort, so each
// row lists its items in increasing item order.
func (d *DeviceGraph[T]) setCSR(b kernels.BackendOf[T], c *kernels.CSR, key []int32) {
	d.counts = resizeZero(d.counts, d.N+1)
	for _, k := range key {
		d.counts[k+1]++
	}
	for r := 0; r < d.N; r++ {
		d.counts[r+1] += d.counts[r]
	}
	d.offsets = append(d.offsets[:0], d.counts...)
	d.order = resizeZero(d.order, len(key))
	for i, k := range key {
		d.order[d.counts[k]] = int32(i)
		d.counts[k]++
	}
	b.SetCSR(c, d.offsets, d.order)
}

// resizeZero returns s resized to n zeros, reusing its storage when large enough.
func resizeZero(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	s = s[:n]
	clear(s)
	return s
}
