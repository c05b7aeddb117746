package kernels

import "fmt"

// Float is the element type of a tensor.
type Float interface {
	float32 | float64
}

// Tensor is a row-major matrix of Rows()×Cols() values owned by a backend.
// Its storage is private to the backend: use Upload and Download to move
// values in and out.
type Tensor[T Float] struct {
	rows, cols int
	host       []T // CPU storage; len is rows*cols, cap may be larger
	dev        any // device storage of a device backend (see DeviceData)
}

// Rows returns the number of rows of t.
func (t *Tensor[T]) Rows() int { return t.rows }

// Cols returns the number of columns of t.
func (t *Tensor[T]) Cols() int { return t.cols }

// Len returns Rows()*Cols().
func (t *Tensor[T]) Len() int { return t.rows * t.cols }

// String returns the shape of t, for panic messages and logs.
func (t *Tensor[T]) String() string {
	if t == nil {
		return "nil"
	}
	return fmt.Sprintf("%d×%d", t.rows, t.cols)
}

// Index is a backend-owned vector of row numbers.
type Index struct {
	host []int32
	dev  any // device copy of a device backend
}

// Len returns the number of entries of ix.
func (ix *Index) Len() int { return len(ix.host) }

// CSR lists, for each of Rows() destination rows, the source rows that
// SegmentSum adds into it, in a fixed order: the sources of destination r
// are Src[Offsets[r]:Offsets[r+1]].
type CSR struct {
	offsets []int32
	src     []int32
	dev     any // device copy of a device backend
}

// Rows returns the number of destination rows of c.
func (c *CSR) Rows() int { return len(c.offsets) - 1 }

// NNZ returns the number of source entries of c.
func (c *CSR) NNZ() int { return len(c.src) }

func checkSame[T Float](op string, a, b *Tensor[T]) {
	if a.rows != b.rows || a.cols != b.cols {
		panic(fmt.Sprintf("kernels: %s: shape mismatch %v and %v", op, a, b))
	}
}
