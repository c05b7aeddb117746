package kernels

import "fmt"

// The methods in this file let a backend in another package (kernels/cuda)
// keep its own storage in the tensors, indexes and CSRs it creates. Code
// that only uses a backend never needs them.

// NewDeviceTensor returns a rows×cols tensor whose values live in data, the
// storage of a device backend. The CPU backend must not be given such a
// tensor.
func NewDeviceTensor[T Float](rows, cols int, data any) *Tensor[T] {
	return &Tensor[T]{rows: rows, cols: cols, dev: data}
}

// DeviceData returns the device storage of t, or nil for a CPU tensor.
func (t *Tensor[T]) DeviceData() any { return t.dev }

// SetDeviceShape sets the shape of t and its device storage; a device
// backend calls it from Reshape.
func (t *Tensor[T]) SetDeviceShape(rows, cols int, data any) {
	t.rows, t.cols, t.dev = rows, cols, data
}

// SetDevice sets ix to a host copy of rows, which Len reports and device
// backends may read back, and to the device copy data.
func (ix *Index) SetDevice(rows []int32, data any) {
	ix.host = append(ix.host[:0], rows...)
	ix.dev = data
}

// DeviceData returns the device copy of ix, or nil.
func (ix *Index) DeviceData() any { return ix.dev }

// Rows returns the host copy of the row numbers of ix. Callers must not
// modify it.
func (ix *Index) Rows() []int32 { return ix.host }

// SetDevice sets c to host copies of offsets and src, which Rows, NNZ and
// the accessors report, and to the device copy data. It does not check the
// offsets; a backend checks them with CheckCSR first.
func (c *CSR) SetDevice(offsets, src []int32, data any) {
	c.offsets = append(c.offsets[:0], offsets...)
	c.src = append(c.src[:0], src...)
	c.dev = data
}

// DeviceData returns the device copy of c, or nil.
func (c *CSR) DeviceData() any { return c.dev }

// Offsets returns the host copy of the row offsets of c (Rows()+1 values).
// Callers must not modify it.
func (c *CSR) Offsets() []int32 { return c.offsets }

// Sources returns the host copy of the source rows of c (NNZ() values).
// Callers must not modify it.
func (c *CSR) Sources() []int32 { return c.src }

// CheckCSR panics unless offsets start at 0, never decrease and end at
// len(src), the rules SetCSR enforces.
func CheckCSR(offsets, src []int32) {
	if len(offsets) == 0 || offsets[0] != 0 || int(offsets[len(offsets)-1]) != len(src) {
		panic(fmt.Sprintf("kernels: SetCSR: offsets must run from 0 to len(src)=%d", len(src)))
	}
	for r := 1; r < len(offsets); r++ {
		if offsets[r] < offsets[r-1] {
			panic(fmt.Sprintf("kernels: SetCSR: offsets decrease at row %d", r))
		}
	}
}

// CheckSame panics with a message naming op unless a and b have the same
// shape.
func CheckSame[T Float](op string, a, b *Tensor[T]) { checkSame(op, a, b) }

// CheckBlockDiag panics unless y, x and w fit BlockDiagMul with heads
// heads, and returns the block sizes bi and bo.
func CheckBlockDiag[T Float](op string, y, x, w *Tensor[T], heads int) (bi, bo int) {
	return checkBlockDiag(op, y, x, w, heads)
}

// Check panics with a message naming op unless the shapes of a agree.
func (a *MLSTMArgs[T]) Check(op string) { a.check(op) }

// Check panics unless the shapes of g match those of a.
func (g *MLSTMGrads[T]) Check(a *MLSTMArgs[T]) { g.check(a) }

// Check panics with a message naming op unless the shapes of a agree.
func (a *SLSTMArgs[T]) Check(op string) { a.check(op) }
