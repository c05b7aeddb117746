package surrogate

import (
	"fmt"
	"math"

	"github.com/neusim/neusim/kernels"
)

// Remap describes how the entities after a regrouping inherit the memory of the
// entities before it. New entity j takes the weighted sum of the states of
// the old entities Sources[Offsets[j]:Offsets[j+1]] with the matching
// Weights, normally the fractions of its mass that came from each. A new
// entity without sources starts from the zero state.
type Remap struct {
	Offsets []int32   // new entity count + 1, from 0, non-decreasing
	Sources []int32   // old entity indices
	Weights []float64 // one per source, ≥ 0
}

// validate reports an error for inconsistent sizes or indices.
func (r *Remap) validate(oldN int) error {
	if len(r.Offsets) == 0 || r.Offsets[0] != 0 || int(r.Offsets[len(r.Offsets)-1]) != len(r.Sources) || len(r.Weights) != len(r.Sources) {
		return fmt.Errorf("surrogate: remap: offsets must run from 0 to len(Sources) = %d, and Weights must match Sources (%d)", len(r.Sources), len(r.Weights))
	}
	for j := 1; j < len(r.Offsets); j++ {
		if r.Offsets[j] < r.Offsets[j-1] {
			return fmt.Errorf("surrogate: remap: offsets decrease at new entity %d", j-1)
		}
	}
	for k, s := range r.Sources {
		if s < 0 || int(s) >= oldN {
			return fmt.Errorf("surrogate: remap: source %d is entity %d, outside [0, %d)", k, s, oldN)
		}
		if w := r.Weights[k]; !(w >= 0) || math.IsInf(w, 0) {
			return fmt.Errorf("surrogate: remap: weight %d is %g, want a finite value ≥ 0", k, w)
		}
	}
	return nil
}

// stabiliserOf returns, for column col of state tensor t, the column of the
// stabiliser tensor that scales it, or -1 when the tensor is not scaled
// (the sLSTM hidden state). The stabiliser itself returns -2.
func (m *Model[T]) stabiliserOf(t, col int) int {
	switch blk := m.Mem.(type) {
	case *MLSTMBlock[T]:
		switch t {
		case 0:
			return col / (blk.DK * blk.DK)
		case 1:
			return col / blk.DK
		}
		return -2
	case *SLSTMBlock[T]:
		switch t {
		case 0, 1:
			return col
		case 2:
			return -2
		}
		return -1
	}
	panic("surrogate: unknown memory block")
}

// RemapMemory returns the memory of the regrouped entities. The xLSTM
// states C, n (and c, n) are stored scaled by exp(-m), so each source is
// first brought to the common stabiliser m_new = max of the sources' m:
// X_new = Σ w·X·exp(m - m_new). The mixed state is then the weighted sum
// of the unscaled states. It runs on the host; regrouping is rare.
func (m *Model[T]) RemapMemory(b kernels.BackendOf[T], old *Memory[T], r *Remap) (*Memory[T], error) {
	if old == nil {
		return nil, nil
	}
	oldN := old.Tensors[0].Rows()
	if err := r.validate(oldN); err != nil {
		return nil, err
	}
	newN := len(r.Offsets) - 1
	shapes := m.Mem.stateShapes()
	src := make([][]T, len(shapes))
	dst := make([][]T, len(shapes))
	stab := 2 // index of the stabiliser tensor in both blocks
	for t, cols := range shapes {
		src[t] = make([]T, oldN*cols)
		b.Download(src[t], old.Tensors[t])
		dst[t] = make([]T, newN*cols)
	}
	stabCols := shapes[stab]

	for j := 0; j < newN; j++ {
		lo, hi := r.Offsets[j], r.Offsets[j+1]

		// Common stabiliser per column: the largest among contributing sources.
		mNew := dst[stab][j*stabCols : (j+1)*stabCols]
		for c := range mNew {
			best := math.Inf(-1)
			for k := lo; k < hi; k++ {
				if r.Weights[k] > 0 {
					best = math.Max(best, float64(src[stab][int(r.Sources[k])*stabCols+c]))
				}
			}
			if math.IsInf(best, -1) {
				best = 0
			}
			mNew[c] = T(best)
		}

		// Weighted sums, rescaled to the common stabiliser.
		for t, cols := range shapes {
			if t == stab {
				continue
			}
			out := dst[t][j*cols : (j+1)*cols]
			for k := lo; k < hi; k++ {
				i, w := int(r.Sources[k]), r.Weights[k]
				if w == 0 {
					continue
				}
				for c := range out {
					scale := w
					if s := m.stabiliserOf(t, c); s >= 0 {
						scale *= math.Exp(float64(src[stab][i*stabCols+s] - mNew[s]))
					}
					out[c] += T(scale * float64(src[t][i*cols+c]))
				}
			}
		}
	}

	res := m.NewMemory(b, newN)
	for t := range shapes {
		b.Upload(res.Tensors[t], dst[t])
	}
	return res, nil
}
