package grouping

import (
	"slices"

	"github.com/neusim/neusim/particles"
)

// Remap carries per-entity state from one grouping to the next in
// compressed rows: new entity c takes the weighted sum over its parents,
// Parent[Start[c]:Start[c+1]] with weights Weight[Start[c]:Start[c+1]].
// A parent's weight is the fraction of c's mass that came from it, so the
// weights of c sum to the fraction of its mass that had a parent: 1
// unless c contains particles that belonged to no entity before.
type Remap struct {
	Start  []int32
	Parent []int32
	Weight []float64
	Old    int // number of old entities
}

// Len returns the number of new entities.
func (r *Remap) Len() int { return len(r.Start) - 1 }

// newRemap computes the mass-weighted parent weights of the entities of
// nb from the old binding ob, both bound to f.
func newRemap(ob, nb *Binding, f *particles.Frame) *Remap {
	k := nb.Grouping.Len()
	r := &Remap{Start: make([]int32, 1, k+1), Old: ob.Grouping.Len()}
	for c := 0; c < k; c++ {
		var total float64
		parents := map[int32]float64{}
		var order []int32
		for _, i := range nb.Members(c) {
			m := f.Mass[i]
			total += m
			p := ob.Entity[i]
			if p == particles.NoEntity {
				continue
			}
			if _, ok := parents[p]; !ok {
				order = append(order, p)
			}
			parents[p] += m
		}
		slices.Sort(order)
		for _, p := range order {
			r.Parent = append(r.Parent, p)
			r.Weight = append(r.Weight, parents[p]/total)
		}
		r.Start = append(r.Start, int32(len(r.Parent)))
	}
	return r
}

// RemapState returns the state of the new entities from the state of the
// old ones, both flat with width values per entity. A new entity without
// parents gets zeros. It panics when len(state) is not r.Old*width.
func RemapState(r *Remap, state []float32, width int) []float32 {
	if len(state) != r.Old*width {
		panic("grouping: RemapState: state length is not old entities times width")
	}
	out := make([]float32, r.Len()*width)
	for c := 0; c < r.Len(); c++ {
		dst := out[c*width : (c+1)*width]
		for j := r.Start[c]; j < r.Start[c+1]; j++ {
			w := r.Weight[j]
			src := state[int(r.Parent[j])*width : (int(r.Parent[j])+1)*width]
			for d := range dst {
				dst[d] += float32(w * float64(src[d]))
			}
		}
	}
	return out
}

// RemapRows is RemapState for state stored as one slice per entity, all
// of the same width. It panics when len(state) is not r.Old.
func RemapRows(r *Remap, state [][]float32) [][]float32 {
	if len(state) != r.Old {
		panic("grouping: RemapRows: state has another length than the old entity count")
	}
	width := 0
	if len(state) > 0 {
		width = len(state[0])
	}
	flat := make([]float32, 0, len(state)*width)
	for _, s := range state {
		if len(s) != width {
			panic("grouping: RemapRows: rows differ in width")
		}
		flat = append(flat, s...)
	}
	out := RemapState(r, flat, width)
	rows := make([][]float32, r.Len())
	for c := range rows {
		rows[c] = out[c*width : (c+1)*width : (c+1)*width]
	}
	return rows
}
