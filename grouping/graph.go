package grouping

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/spatial/r3"
)

// Extent returns the radius of entity k, m: the radius sqrt(5 λ) of the
// uniform ball whose covariance has the entity's largest shape eigenvalue
// λ, plus the mean member radius, so that a one-particle entity has its
// particle's radius. An entity without members has extent zero.
func (e *Entities) Extent(k int) float64 {
	if e.Mass[k] == 0 {
		return 0
	}
	vals, _ := e.Shape[k].Eigen()
	return math.Sqrt(5*max(vals[0], 0)) + e.MeanRadius[k]
}

// Graph is an undirected neighbour graph of entities in compressed rows:
// entity k's neighbours are Neighbor[Start[k]:Start[k+1]] in ascending
// order, each with the gap Gap[j] between the two extents. Every edge is
// stored in both directions.
type Graph struct {
	Start    []int32
	Neighbor []int32
	Gap      []float64 // centre distance minus both extents, m; negative when the extents overlap
}

// Neighbors returns entity k's neighbours. The slice aliases g.
func (g *Graph) Neighbors(k int) []int32 { return g.Neighbor[g.Start[k]:g.Start[k+1]] }

// NeighborGraph links every pair of entities whose extents come closer
// than cutoff (m): |c_a - c_b| - extent_a - extent_b < cutoff. Entities
// without members have no neighbours. The search bins centres into cells
// no smaller than twice the largest extent plus the cutoff, so only the
// 27 surrounding cells need to be scanned. The result does not depend on
// the worker count.
func NeighborGraph(e *Entities, cutoff float64, workers int) *Graph {
	k := e.Len()
	extent := make([]float64, k)
	parallelFor(k, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			extent[i] = e.Extent(i)
		}
	})
	cells := newCellList(e, extent, cutoff)

	lists := make([][]int32, k)
	gaps := make([][]float64, k)
	parallelFor(k, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if e.Mass[i] == 0 {
				continue
			}
			lists[i], gaps[i] = cells.neighbours(e, extent, i, cutoff)
		}
	})

	g := &Graph{Start: make([]int32, k+1)}
	for i := 0; i < k; i++ {
		g.Neighbor = append(g.Neighbor, lists[i]...)
		g.Gap = append(g.Gap, gaps[i]...)
		g.Start[i+1] = int32(len(g.Neighbor))
	}
	return g
}

// cellList bins entity centres into a regular grid.
type cellList struct {
	origin r3.Vec
	size   float64
	dims   [3]int
	start  []int32 // entities of cell c are entity[start[c]:start[c+1]]
	entity []int32
}

// maxCells bounds the grid to a few cells per entity, so that widely
// spread entities do not allocate a huge empty grid. Larger cells only
// cost more distance checks, never missed pairs.
const maxCells = 1 << 22

func newCellList(e *Entities, extent []float64, cutoff float64) *cellList {
	lo := r3.Vec{X: math.Inf(1), Y: math.Inf(1), Z: math.Inf(1)}
	hi := r3.Scale(-1, lo)
	var maxExtent float64
	active := 0
	for i, c := range e.Centre {
		if e.Mass[i] == 0 {
			continue
		}
		active++
		lo = r3.Vec{X: min(lo.X, c.X), Y: min(lo.Y, c.Y), Z: min(lo.Z, c.Z)}
		hi = r3.Vec{X: max(hi.X, c.X), Y: max(hi.Y, c.Y), Z: max(hi.Z, c.Z)}
		maxExtent = max(maxExtent, extent[i])
	}
	cl := &cellList{origin: lo, size: 2*maxExtent + max(cutoff, 0)}
	if active == 0 {
		cl.dims = [3]int{1, 1, 1}
		cl.start = make([]int32, 2)
		return cl
	}
	span := r3.Sub(hi, lo)
	limit := min(maxCells, 8*active+8)
	for {
		if cl.size > 0 {
			cl.dims = [3]int{cellCount(span.X, cl.size), cellCount(span.Y, cl.size), cellCount(span.Z, cl.size)}
		} else {
			cl.dims = [3]int{1, 1, 1}
		}
		if cl.dims[0]*cl.dims[1]*cl.dims[2] <= limit {
			break
		}
		cl.size *= 2
	}

	// Counting sort of entities by cell keeps ascending entity order
	// inside each cell.
	n := cl.dims[0] * cl.dims[1] * cl.dims[2]
	cell := make([]int32, e.Len())
	cl.start = make([]int32, n+1)
	for i, c := range e.Centre {
		if e.Mass[i] == 0 {
			cell[i] = -1
			continue
		}
		cell[i] = int32(cl.index(cl.coords(c)))
		cl.start[cell[i]+1]++
	}
	for c := 0; c < n; c++ {
		cl.start[c+1] += cl.start[c]
	}
	cl.entity = make([]int32, cl.start[n])
	next := slices.Clone(cl.start[:n])
	for i, c := range cell {
		if c >= 0 {
			cl.entity[next[c]] = int32(i)
			next[c]++
		}
	}
	return cl
}

func cellCount(span, size float64) int {
	return max(1, int(span/size)+1)
}

func (cl *cellList) coords(p r3.Vec) [3]int {
	d := r3.Sub(p, cl.origin)
	c := [3]int{0, 0, 0}
	if cl.size > 0 {
		c = [3]int{int(d.X / cl.size), int(d.Y / cl.size), int(d.Z / cl.size)}
	}
	for a := 0; a < 3; a++ {
		c[a] = min(max(c[a], 0), cl.dims[a]-1)
	}
	return c
}

func (cl *cellList) index(c [3]int) int {
	return (c[2]*cl.dims[1]+c[1])*cl.dims[0] + c[0]
}

// neighbours returns the entities within cutoff of entity i's extent, in
// ascending order, with their gaps.
func (cl *cellList) neighbours(e *Entities, extent []float64, i int, cutoff float64) ([]int32, []float64) {
	var out []int32
	var gaps []float64
	c := cl.coords(e.Centre[i])
	for dz := -1; dz <= 1; dz++ {
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				n := [3]int{c[0] + dx, c[1] + dy, c[2] + dz}
				if n[0] < 0 || n[1] < 0 || n[2] < 0 || n[0] >= cl.dims[0] || n[1] >= cl.dims[1] || n[2] >= cl.dims[2] {
					continue
				}
				cell := cl.index(n)
				for _, j := range cl.entity[cl.start[cell]:cl.start[cell+1]] {
					if int(j) == i {
						continue
					}
					gap := r3.Norm(r3.Sub(e.Centre[i], e.Centre[j])) - extent[i] - extent[j]
					if gap < cutoff {
						out = append(out, j)
						gaps = append(gaps, gap)
					}
				}
			}
		}
	}
	sortTogether(out, gaps)
	return out, gaps
}

// sortTogether sorts ids ascending and permutes vals alongside.
func sortTogether(ids []int32, vals []float64) {
	order := make([]int, len(ids))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return int(ids[a]) - int(ids[b]) })
	sid := make([]int32, len(ids))
	sv := make([]float64, len(vals))
	for i, o := range order {
		sid[i], sv[i] = ids[o], vals[o]
	}
	copy(ids, sid)
	copy(vals, sv)
}
