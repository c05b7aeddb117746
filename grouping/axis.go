package grouping

import (
	"slices"

	"gonum.org/v1/gonum/spatial/r3"
)

// principalProjection returns the offsets of the points pos[i], i in idx,
// from their centroid, projected on the eigenvector of the largest
// eigenvalue of their covariance: the coordinate along which they spread
// most.
func principalProjection(pos []r3.Vec, idx []int32) []float64 {
	var c r3.Vec
	for _, i := range idx {
		c = r3.Add(c, pos[i])
	}
	c = r3.Scale(1/float64(len(idx)), c)

	var s Sym3
	for _, i := range idx {
		s.addOuter(1, r3.Sub(pos[i], c))
	}
	_, vecs := s.Eigen()
	axis := r3.Vec{X: vecs[0], Y: vecs[3], Z: vecs[6]}

	keys := make([]float64, len(idx))
	for j, i := range idx {
		keys[j] = r3.Dot(axis, r3.Sub(pos[i], c))
	}
	return keys
}

// sortByKey returns idx ordered by keys (aligned with idx), ties ordered
// by tie(i) ascending.
func sortByKey(idx []int32, keys []float64, tie func(i int32) int64) []int32 {
	order := make([]int, len(idx))
	for j := range order {
		order[j] = j
	}
	slices.SortFunc(order, func(a, b int) int {
		switch {
		case keys[a] < keys[b]:
			return -1
		case keys[a] > keys[b]:
			return 1
		}
		ta, tb := tie(idx[a]), tie(idx[b])
		switch {
		case ta < tb:
			return -1
		case ta > tb:
			return 1
		}
		return 0
	})
	sorted := make([]int32, len(idx))
	for j, o := range order {
		sorted[j] = idx[o]
	}
	return sorted
}
