package surrogate

import (
	"fmt"

	"github.com/neusim/neusim/kernels"
)

// Forward runs the model for one step on the uploaded graph g and returns
// the N×OutWidth output in normalised units. The memory advances from s0 to
// s1 (both nil without memory; s1 must not alias s0). c keeps what Backward
// needs and the returned tensor belongs to c.
func (m *Model[T]) Forward(b kernels.BackendOf[T], c *StepCache[T], g *DeviceGraph[T], s0, s1 *Memory[T]) *kernels.Tensor[T] {
	if (m.Mem == nil) != (s0 == nil) || (s0 == nil) != (s1 == nil) {
		panic(fmt.Sprintf("surrogate: Forward: memory %q with states %v and %v", m.Cfg.Memory, s0 != nil, s1 != nil))
	}
	c.g = g
	L := m.Cfg.Latent

	// Encode nodes, edges and wall edges into latents.
	x := m.NodeEnc.Forward(b, &c.nodeEnc, g.Nodes)
	e := m.EdgeEnc.Forward(b, &c.edgeEnc, g.Edges)
	w := m.WallEnc.Forward(b, &c.wallEnc, g.Walls)

	// Process: message passing with residual connections.
	if len(c.proc) != m.Cfg.Steps {
		c.proc = make([]procCache[T], m.Cfg.Steps)
	}
	for s := range c.proc {
		p := &c.proc[s]

		// Edge update from [edge, sender, receiver].
		ein := ensure(b, &p.edgeIn, g.E, 3*L)
		gather := ensure(b, &p.gather, g.E, L)
		b.CopyCols(ein, 0, e)
		b.Gather(gather, x, g.Senders)
		b.CopyCols(ein, L, gather)
		b.Gather(gather, x, g.Receivers)
		b.CopyCols(ein, 2*L, gather)
		msg := m.EdgeMLP[s].Forward(b, &p.edge, ein)

		// Wall-edge update from [wall edge, receiver].
		win := ensure(b, &p.wallIn, g.W, 2*L)
		gatherW := ensure(b, &p.gatherW, g.W, L)
		b.CopyCols(win, 0, w)
		b.Gather(gatherW, x, g.WallReceivers)
		b.CopyCols(win, L, gatherW)
		wmsg := m.WallMLP[s].Forward(b, &p.wall, win)

		// Node update from [node, Σ incoming edge messages, Σ wall messages].
		aggE, aggW := ensure(b, &p.aggE, g.N, L), ensure(b, &p.aggW, g.N, L)
		b.SegmentSum(aggE, msg, g.ByReceiver, 0)
		b.SegmentSum(aggW, wmsg, g.WallByReceiver, 0)
		nin := ensure(b, &p.nodeIn, g.N, 3*L)
		b.CopyCols(nin, 0, x)
		b.CopyCols(nin, L, aggE)
		b.CopyCols(nin, 2*L, aggW)
		upd := m.NodeMLP[s].Forward(b, &p.node, nin)

		// Residual connections.
		x = residual(b, &p.x, x, upd)
		e = residual(b, &p.e, e, msg)
		w = residual(b, &p.w, w, wmsg)
	}

	// Memory, whose hidden output is added to the decoder input.
	if m.Mem != nil {
		h := m.Mem.forward(b, &c.mem, x, s0, s1)
		x = residual(b, &c.decIn, x, h)
	}
	return m.Decoder.Forward(b, &c.dec, x)
}

func residual[T Float](b kernels.BackendOf[T], dst **kernels.Tensor[T], x, dx *kernels.Tensor[T]) *kernels.Tensor[T] {
	out := ensure(b, dst, x.Rows(), x.Cols())
	b.Copy(out, x)
	b.Axpy(1, dx, out)
	return out
}

// Backward accumulates the parameter gradients of the step recorded in c
// for the gradient dout of its output. ds holds the gradients with respect
// to the memory state after the step and is overwritten with those with
// respect to the state before it (nil without memory).
func (m *Model[T]) Backward(b kernels.BackendOf[T], c *StepCache[T], dout *kernels.Tensor[T], ds *Memory[T]) {
	g := c.g
	L := m.Cfg.Latent

	// Decoder and memory.
	ddec := m.Decoder.Backward(b, &c.dec, dout)
	dx := ensure(b, &c.dx, g.N, L)
	b.Copy(dx, ddec)
	if m.Mem != nil {
		b.Axpy(1, m.Mem.backward(b, &c.mem, ddec, ds), dx)
	}

	// Processor steps in reverse. dx, de and dw are the gradients with
	// respect to the latents after the step; the residual passes them on.
	de, dw := ensure(b, &c.de, g.E, L), ensure(b, &c.dw, g.W, L)
	b.Zero(de)
	b.Zero(dw)
	tmpN, tmpE, tmpW := ensure(b, &c.tmpN, g.N, L), ensure(b, &c.tmpE, g.E, L), ensure(b, &c.tmpW, g.W, L)
	for s := len(c.proc) - 1; s >= 0; s-- {
		p := &c.proc[s]

		// Node update.
		dnin := m.NodeMLP[s].Backward(b, &p.node, dx)
		b.AddCols(dx, dnin, 0)

		// Edge messages: the node sum scatters back along receivers.
		b.Zero(tmpN)
		b.AddCols(tmpN, dnin, L)
		b.Gather(tmpE, tmpN, g.Receivers)
		b.Axpy(1, de, tmpE)
		dein := m.EdgeMLP[s].Backward(b, &p.edge, tmpE)
		b.AddCols(de, dein, 0)
		b.Zero(tmpE)
		b.AddCols(tmpE, dein, L)
		b.SegmentSum(dx, tmpE, g.BySender, 1)
		b.Zero(tmpE)
		b.AddCols(tmpE, dein, 2*L)
		b.SegmentSum(dx, tmpE, g.ByReceiver, 1)

		// Wall messages.
		b.Zero(tmpN)
		b.AddCols(tmpN, dnin, 2*L)
		b.Gather(tmpW, tmpN, g.WallReceivers)
		b.Axpy(1, dw, tmpW)
		dwin := m.WallMLP[s].Backward(b, &p.wall, tmpW)
		b.AddCols(dw, dwin, 0)
		b.Zero(tmpW)
		b.AddCols(tmpW, dwin, L)
		b.SegmentSum(dx, tmpW, g.WallByReceiver, 1)
	}

	// Encoders.
	m.NodeEnc.Backward(b, &c.nodeEnc, dx)
	m.EdgeEnc.Backward(b, &c.edgeEnc, de)
	m.WallEnc.Backward(b, &c.wallEnc, dw)
}

// NewMemoryGrad returns a zero gradient of the memory state for n
// entities, the value to start backpropagation through time with.
func (m *Model[T]) NewMemoryGrad(b kernels.BackendOf[T], n int) *Memory[T] {
	return m.NewMemory(b, n)
}
