package mesh

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/spatial/r3"
)

// triBVH is a bounding-volume hierarchy of axis-aligned boxes over the
// triangles of a mesh, built by splitting at the median centroid along
// the longest axis. Nearest-point queries descend into the closer child
// first and skip boxes farther than the best distance so far, so a query
// costs about log n box tests however far the point is from the mesh.
type triBVH struct {
	nodes []bvhNode
	order []int32 // triangle indices; each leaf owns a contiguous run
}

type bvhNode struct {
	lo, hi       r3.Vec // bounding box, m
	left, right  int32  // child node indices, -1 in a leaf
	start, count int32  // a leaf's triangles are order[start:start+count]
}

// bvhLeafSize is the most triangles a leaf holds.
const bvhLeafSize = 4

func newTriBVH(verts []r3.Vec, tris [][3]int32) *triBVH {
	boxes := make([][2]r3.Vec, len(tris))
	centres := make([]r3.Vec, len(tris))
	for t, ids := range tris {
		a, b, c := verts[ids[0]], verts[ids[1]], verts[ids[2]]
		boxes[t] = [2]r3.Vec{minVec(a, minVec(b, c)), maxVec(a, maxVec(b, c))}
		centres[t] = r3.Scale(1.0/3, r3.Add(a, r3.Add(b, c)))
	}
	h := &triBVH{order: make([]int32, len(tris))}
	for i := range h.order {
		h.order[i] = int32(i)
	}
	h.nodes = make([]bvhNode, 0, 2*len(tris)/bvhLeafSize+1)
	h.build(0, len(tris), boxes, centres)
	return h
}

// build adds the node over order[start:end] and its subtree, and returns
// the node's index.
func (h *triBVH) build(start, end int, boxes [][2]r3.Vec, centres []r3.Vec) int32 {
	lo, hi := boxes[h.order[start]][0], boxes[h.order[start]][1]
	clo, chi := centres[h.order[start]], centres[h.order[start]]
	for _, t := range h.order[start:end] {
		lo, hi = minVec(lo, boxes[t][0]), maxVec(hi, boxes[t][1])
		clo, chi = minVec(clo, centres[t]), maxVec(chi, centres[t])
	}
	id := int32(len(h.nodes))
	h.nodes = append(h.nodes, bvhNode{lo: lo, hi: hi, left: -1, right: -1, start: int32(start), count: int32(end - start)})
	if end-start <= bvhLeafSize {
		return id
	}

	ext := r3.Sub(chi, clo)
	axis := 0
	if ext.Y > ext.X {
		axis = 1
	}
	if ext.Z > component(ext, axis) {
		axis = 2
	}
	slices.SortFunc(h.order[start:end], func(a, b int32) int {
		ca, cb := component(centres[a], axis), component(centres[b], axis)
		switch {
		case ca < cb:
			return -1
		case ca > cb:
			return 1
		}
		return int(a - b)
	})
	mid := (start + end) / 2
	left := h.build(start, mid, boxes, centres)
	right := h.build(mid, end, boxes, centres)
	h.nodes[id].left, h.nodes[id].right = left, right
	return id
}

// nearest returns the triangle closest to p, its closest point and the
// distance. Of triangles at the same distance it returns the one with
// the lowest index among those it tests.
func (h *triBVH) nearest(m *triMesh, p r3.Vec) (tri int32, point r3.Vec, dist float64) {
	best2 := math.Inf(1)
	var buf [64]int32
	stack := append(buf[:0], 0)
	for len(stack) > 0 {
		n := &h.nodes[stack[len(stack)-1]]
		stack = stack[:len(stack)-1]
		if boxDistance2(p, n.lo, n.hi) > best2 {
			continue
		}
		if n.left < 0 {
			for _, t := range h.order[n.start : n.start+n.count] {
				c, _ := m.closest(p, t)
				d2 := r3.Norm2(r3.Sub(p, c))
				if d2 < best2 || d2 == best2 && t < tri {
					tri, point, best2 = t, c, d2
				}
			}
			continue
		}

		// Push the farther child first so the closer one is searched
		// first and tightens the bound.
		dl := boxDistance2(p, h.nodes[n.left].lo, h.nodes[n.left].hi)
		dr := boxDistance2(p, h.nodes[n.right].lo, h.nodes[n.right].hi)
		if dl < dr {
			stack = append(stack, n.right, n.left)
		} else {
			stack = append(stack, n.left, n.right)
		}
	}
	return tri, point, math.Sqrt(best2)
}
