package mesh

import (
	"math"

	"gonum.org/v1/gonum/spatial/r3"
)

// triGrid is a uniform grid of cubic cells over a triangle mesh. Each
// triangle is listed in every cell its bounding box overlaps, so a query
// visits only the triangles near the query point.
type triGrid struct {
	origin r3.Vec  // lower corner, m
	cell   float64 // cell edge, m
	dims   [3]int
	start  []int32     // cell c lists items[start[c]:start[c+1]]
	items  []int32     // triangle indices
	triLo  [][3]int32  // lowest cell of each triangle's box
	triBox [][2]r3.Vec // bounding box of each triangle, m
}

// maxCellsPerTriangle bounds the grid size for closed or sparse meshes,
// where most cells of a grid sized to the triangles would be empty.
const maxCellsPerTriangle = 4

func newTriGrid(verts []r3.Vec, tris [][3]int32) *triGrid {
	lo := r3.Vec{X: math.Inf(1), Y: math.Inf(1), Z: math.Inf(1)}
	hi := r3.Scale(-1, lo)
	mean := 0.0
	for _, t := range tris {
		a, b, c := verts[t[0]], verts[t[1]], verts[t[2]]
		tlo, thi := minVec(a, minVec(b, c)), maxVec(a, maxVec(b, c))
		lo, hi = minVec(lo, tlo), maxVec(hi, thi)
		ext := r3.Sub(thi, tlo)
		mean += math.Max(ext.X, math.Max(ext.Y, ext.Z))
	}
	mean /= float64(len(tris))
	size := r3.Sub(hi, lo)

	// Cells about the size of a triangle, enlarged while the grid has
	// too many cells.
	g := &triGrid{origin: lo, cell: mean}
	if g.cell <= 0 {
		g.cell = math.Max(size.X, math.Max(size.Y, size.Z))
	}
	for {
		n := 1
		for a := 0; a < 3; a++ {
			g.dims[a] = max(1, int(math.Ceil(component(size, a)/g.cell)))
			n *= g.dims[a]
		}
		if n <= maxCellsPerTriangle*len(tris)+64 {
			break
		}
		g.cell *= 1.25
	}

	g.fill(verts, tris)
	return g
}

// fill lists every triangle in the cells its bounding box overlaps.
func (g *triGrid) fill(verts []r3.Vec, tris [][3]int32) {
	ncell := g.dims[0] * g.dims[1] * g.dims[2]
	g.start = make([]int32, ncell+1)
	g.triLo = make([][3]int32, len(tris))
	g.triBox = make([][2]r3.Vec, len(tris))
	ranges := make([][2][3]int, len(tris))
	for t, ids := range tris {
		a, b, c := verts[ids[0]], verts[ids[1]], verts[ids[2]]
		g.triBox[t] = [2]r3.Vec{minVec(a, minVec(b, c)), maxVec(a, maxVec(b, c))}
		lo, hi := g.cellRange(g.triBox[t][0], g.triBox[t][1])
		ranges[t] = [2][3]int{lo, hi}
		g.triLo[t] = [3]int32{int32(lo[0]), int32(lo[1]), int32(lo[2])}
		g.eachCell(lo, hi, func(cell int) { g.start[cell+1]++ })
	}
	for c := 0; c < ncell; c++ {
		g.start[c+1] += g.start[c]
	}
	g.items = make([]int32, g.start[ncell])
	fill := append([]int32(nil), g.start[:ncell]...)
	for t := range tris {
		g.eachCell(ranges[t][0], ranges[t][1], func(cell int) {
			g.items[fill[cell]] = int32(t)
			fill[cell]++
		})
	}
}

func (g *triGrid) eachCell(lo, hi [3]int, fn func(cell int)) {
	for k := lo[2]; k <= hi[2]; k++ {
		for j := lo[1]; j <= hi[1]; j++ {
			for i := lo[0]; i <= hi[0]; i++ {
				fn(g.index(i, j, k))
			}
		}
	}
}

func (g *triGrid) index(i, j, k int) int { return (k*g.dims[1]+j)*g.dims[0] + i }

// cellCoord returns the cell coordinate of x along axis a, clamped to
// the grid.
func (g *triGrid) cellCoord(x float64, a int) int {
	c := int(math.Floor((x - component(g.origin, a)) / g.cell))
	return min(max(c, 0), g.dims[a]-1)
}

func (g *triGrid) cellRange(lo, hi r3.Vec) (clo, chi [3]int) {
	for a := 0; a < 3; a++ {
		clo[a] = g.cellCoord(component(lo, a), a)
		chi[a] = g.cellCoord(component(hi, a), a)
	}
	return clo, chi
}

// gather appends the triangles closer than r to p. A triangle listed in
// several visited cells is tested only in the lowest of them, the cell
// whose coordinates are the larger of the triangle's and the query's
// lowest cell along each axis.
func (g *triGrid) gather(m *triMesh, p r3.Vec, r float64, cands []candidate) []candidate {
	ext := r3.Vec{X: r, Y: r, Z: r}
	qlo, qhi := r3.Sub(p, ext), r3.Add(p, ext)
	if qhi.X < m.lo.X || qhi.Y < m.lo.Y || qhi.Z < m.lo.Z || qlo.X > m.hi.X || qlo.Y > m.hi.Y || qlo.Z > m.hi.Z {
		return cands
	}
	lo, hi := g.cellRange(qlo, qhi)
	for k := lo[2]; k <= hi[2]; k++ {
		for j := lo[1]; j <= hi[1]; j++ {
			for i := lo[0]; i <= hi[0]; i++ {
				cell := g.index(i, j, k)
				for _, t := range g.items[g.start[cell]:g.start[cell+1]] {
					tl := g.triLo[t]
					if i != max(int(tl[0]), lo[0]) || j != max(int(tl[1]), lo[1]) || k != max(int(tl[2]), lo[2]) {
						continue
					}
					if boxDistance2(p, g.triBox[t][0], g.triBox[t][1]) >= r*r {
						continue
					}
					cands = m.consider(p, r, t, cands)
				}
			}
		}
	}
	return cands
}

// boxDistance2 returns the squared distance from p to the box [lo, hi].
func boxDistance2(p, lo, hi r3.Vec) float64 {
	return r3.Norm2(r3.Sub(p, clampToBox(p, lo, hi)))
}
