package grouping

import (
	"fmt"
	"slices"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/mesh"
)

// PointGrouping groups mesh points into connected super-nodes and holds
// the interpolation from super-nodes back to the points.
type PointGrouping struct {
	Node   []int32  // super-node of each point
	Start  []int32  // super-node c's points are Member[Start[c]:Start[c+1]]
	Member []int32  // point indices, ascending within each super-node
	Centre []r3.Vec // centroid of each super-node's points, m

	// Point i's value is the sum over j in [WStart[i], WStart[i+1]) of
	// Weight[j] times the value of super-node Source[j]. The weights of
	// a point sum to 1 and reproduce a linear field exactly (see
	// GroupPoints); they may be negative near the boundary.
	WStart []int32
	Source []int32
	Weight []float64
}

// Len returns the number of super-nodes.
func (p *PointGrouping) Len() int { return len(p.Start) - 1 }

// GroupPoints groups points into super-nodes of about target points each.
// neighbors[i] lists the points connected to point i (a direction listed
// once is enough). Every super-node is connected through these links.
//
// Points are split by recursive bisection across the principal axis of
// their coordinates until no part exceeds target points. Each part is then
// split into its connected components. A component of fewer than target/4
// points joins the adjacent super-node it shares most links with, which
// keeps every super-node connected. A component with no adjacent
// super-node, such as an isolated point, stays on its own.
//
// Interpolation back to a point uses the point's own super-node and the
// super-nodes linked to it, with inverse-square-distance weights corrected
// by the smallest change that makes them sum to 1 and reproduce the point's
// coordinates from the centroids. A linear field restricted by
// RestrictPoints (member means equal the field at the centroid) is thus
// prolonged back exactly, to rounding error, at every point whose
// interpolation centroids span the directions the points span; a point
// whose centroids span fewer (a line of super-nodes in a 3D mesh) is exact
// only along them.
func GroupPoints(points []r3.Vec, neighbors [][]int32, target int) (*PointGrouping, error) {
	n := len(points)
	if len(neighbors) != n {
		return nil, fmt.Errorf("grouping: %d neighbour lists for %d points; give one list per point", len(neighbors), n)
	}
	if target < 1 {
		return nil, fmt.Errorf("grouping: target is %d points per super-node; use a positive number", target)
	}
	adj, err := symmetricAdjacency(neighbors)
	if err != nil {
		return nil, err
	}

	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	node := make([]int32, n)
	parts := bisectPoints(points, idx, target)
	count := 0
	for _, part := range parts {
		count = splitComponents(adj, part, node, count)
	}
	mergeSmallComponents(adj, node, count, max(1, target/sizeRange))

	p := buildPointGrouping(points, node)
	p.interpolation(points, adj)
	return p, nil
}

// symmetricAdjacency returns the undirected neighbour lists, sorted and
// without duplicates or self links.
func symmetricAdjacency(neighbors [][]int32) ([][]int32, error) {
	n := len(neighbors)
	adj := make([][]int32, n)
	for i, list := range neighbors {
		for _, j := range list {
			if j < 0 || int(j) >= n {
				return nil, fmt.Errorf("grouping: point %d lists neighbour %d, outside [0, %d)", i, j, n)
			}
			if int(j) == i {
				continue
			}
			adj[i] = append(adj[i], j)
			adj[j] = append(adj[j], int32(i))
		}
	}
	for i := range adj {
		slices.Sort(adj[i])
		adj[i] = slices.Compact(adj[i])
	}
	return adj, nil
}

// bisectPoints splits idx across principal axes until parts have at most
// target points.
func bisectPoints(points []r3.Vec, idx []int32, target int) [][]int32 {
	if len(idx) <= target {
		return [][]int32{idx}
	}
	keys := principalProjection(points, idx)
	sorted := sortByKey(idx, keys, func(i int32) int64 { return int64(i) })
	mid := len(sorted) / 2
	return append(bisectPoints(points, sorted[:mid], target), bisectPoints(points, sorted[mid:], target)...)
}

// splitComponents labels the connected components of the points part,
// using links inside part only, with super-node ids from next on. It
// returns the next free id.
func splitComponents(adj [][]int32, part []int32, node []int32, next int) int {
	const unset = -1
	for _, i := range part {
		node[i] = unset
	}
	inPart := make(map[int32]bool, len(part))
	for _, i := range part {
		inPart[i] = true
	}
	var queue []int32
	for _, start := range part {
		if node[start] != unset {
			continue
		}
		node[start] = int32(next)
		queue = append(queue[:0], start)
		for len(queue) > 0 {
			i := queue[0]
			queue = queue[1:]
			for _, j := range adj[i] {
				if inPart[j] && node[j] == unset {
					node[j] = int32(next)
					queue = append(queue, j)
				}
			}
		}
		next++
	}
	return next
}

// mergeSmallComponents joins every super-node smaller than minSize to the
// adjacent super-node it shares the most links with (the lower id on a
// tie), in passes over the small ones, smallest first, until none can join. Ids are then renumbered
// densely in order of first point.
func mergeSmallComponents(adj [][]int32, node []int32, count, minSize int) {
	size := make([]int, count)
	members := make([][]int32, count)
	for i, c := range node {
		size[c]++
		members[c] = append(members[c], int32(i))
	}
	for changed := true; changed; {
		changed = false
		order := make([]int, 0, count)
		for c := 0; c < count; c++ {
			if size[c] > 0 && size[c] < minSize {
				order = append(order, c)
			}
		}
		slices.SortStableFunc(order, func(a, b int) int { return size[a] - size[b] })
		for _, c := range order {
			if size[c] == 0 || size[c] >= minSize {
				continue // joined by or grown from an earlier merge
			}
			t := strongestNeighbour(adj, node, members[c], int32(c))
			if t < 0 {
				continue
			}
			for _, i := range members[c] {
				node[i] = t
			}
			members[t] = append(members[t], members[c]...)
			size[t] += size[c]
			members[c], size[c] = nil, 0
			changed = true
		}
	}

	renumber := make([]int32, count)
	for c := range renumber {
		renumber[c] = -1
	}
	next := int32(0)
	for i, c := range node {
		if renumber[c] < 0 {
			renumber[c] = next
			next++
		}
		node[i] = renumber[c]
	}
}

// strongestNeighbour returns the super-node other than c that shares the
// most links with the points members, or -1.
func strongestNeighbour(adj [][]int32, node []int32, members []int32, c int32) int32 {
	links := map[int32]int{}
	for _, i := range members {
		for _, j := range adj[i] {
			if node[j] != c {
				links[node[j]]++
			}
		}
	}
	best, most := int32(-1), 0
	for t, k := range links {
		if k > most || (k == most && t < best) {
			best, most = t, k
		}
	}
	return best
}

func buildPointGrouping(points []r3.Vec, node []int32) *PointGrouping {
	count := 0
	for _, c := range node {
		count = max(count, int(c)+1)
	}
	p := &PointGrouping{Node: node, Start: make([]int32, count+1), Centre: make([]r3.Vec, count)}
	for _, c := range node {
		p.Start[c+1]++
	}
	for c := 0; c < count; c++ {
		p.Start[c+1] += p.Start[c]
	}
	p.Member = make([]int32, len(node))
	next := slices.Clone(p.Start[:count])
	for i, c := range node {
		p.Member[next[c]] = int32(i)
		next[c]++
		p.Centre[c] = r3.Add(p.Centre[c], points[i])
	}
	for c := range p.Centre {
		p.Centre[c] = r3.Scale(1/float64(p.Start[c+1]-p.Start[c]), p.Centre[c])
	}
	return p
}

// interpolation computes the weights from super-nodes to points.
func (p *PointGrouping) interpolation(points []r3.Vec, adj [][]int32) {
	// Super-node links from point links.
	links := make([][]int32, p.Len())
	for i, list := range adj {
		a := p.Node[i]
		for _, j := range list {
			if b := p.Node[j]; b != a {
				links[a] = append(links[a], b)
			}
		}
	}
	for c := range links {
		slices.Sort(links[c])
		links[c] = slices.Compact(links[c])
	}

	p.WStart = make([]int32, 1, len(points)+1)
	var src []int32
	for i, x := range points {
		c := p.Node[i]
		src = append(append(src[:0], c), links[c]...)
		w := linearWeights(x, src, p.Centre)
		p.Source = append(p.Source, src...)
		p.Weight = append(p.Weight, w...)
		p.WStart = append(p.WStart, int32(len(p.Source)))
	}
}

// linearWeights returns weights over the centres src that sum to 1 and
// reproduce x: inverse-square-distance weights w0 plus the least-norm
// correction Aᵀ(AAᵀ)⁺(b - A w0), where A's columns are (1, c_j - x) and
// b = (1, 0, 0, 0). Centres are taken relative to x for conditioning.
func linearWeights(x r3.Vec, src []int32, centre []r3.Vec) []float64 {
	n := len(src)
	w := make([]float64, n)
	d := make([]r3.Vec, n)
	var sum float64
	for j, c := range src {
		d[j] = r3.Sub(centre[c], x)
		q := r3.Norm2(d[j])
		if q == 0 {
			clear(w)
			w[j] = 1
			return w
		}
		w[j] = 1 / q
		sum += w[j]
	}
	for j := range w {
		w[j] /= sum
	}
	if n == 1 {
		return w
	}

	// Residual of the constraints and the 4x4 normal matrix AAᵀ.
	var res [4]float64
	var aat [16]float64
	res[0] = 1
	for j := 0; j < n; j++ {
		col := [4]float64{1, d[j].X, d[j].Y, d[j].Z}
		for r := 0; r < 4; r++ {
			res[r] -= col[r] * w[j]
			for s := 0; s < 4; s++ {
				aat[4*r+s] += col[r] * col[s]
			}
		}
	}
	var vals [4]float64
	var vecs [16]float64
	symEigen(aat[:], 4, vals[:], vecs[:])
	var y [4]float64 // (AAᵀ)⁺ res
	for k := 0; k < 4; k++ {
		if vals[k] <= 1e-12*vals[0] {
			continue
		}
		var proj float64
		for r := 0; r < 4; r++ {
			proj += vecs[4*r+k] * res[r]
		}
		for r := 0; r < 4; r++ {
			y[r] += vecs[4*r+k] * proj / vals[k]
		}
	}
	for j := 0; j < n; j++ {
		w[j] += y[0] + d[j].X*y[1] + d[j].Y*y[2] + d[j].Z*y[3]
	}
	return w
}

// RestrictPoints returns the mean of values over each super-node's points;
// values has width entries per point. It panics on a length mismatch.
func (p *PointGrouping) RestrictPoints(values []float64, width int) []float64 {
	if len(values) != len(p.Node)*width {
		panic("grouping: RestrictPoints: values length is not points times width")
	}
	out := make([]float64, p.Len()*width)
	for c := 0; c < p.Len(); c++ {
		members := p.Member[p.Start[c]:p.Start[c+1]]
		dst := out[c*width : (c+1)*width]
		for _, i := range members {
			for d := range dst {
				dst[d] += values[int(i)*width+d]
			}
		}
		for d := range dst {
			dst[d] /= float64(len(members))
		}
	}
	return out
}

// ProlongPoints interpolates super-node values (width per super-node) back
// to the points. It panics on a length mismatch.
func (p *PointGrouping) ProlongPoints(super []float64, width int) []float64 {
	if len(super) != p.Len()*width {
		panic("grouping: ProlongPoints: values length is not super-nodes times width")
	}
	out := make([]float64, len(p.Node)*width)
	for i := range p.Node {
		dst := out[i*width : (i+1)*width]
		for j := p.WStart[i]; j < p.WStart[i+1]; j++ {
			src := super[int(p.Source[j])*width : (int(p.Source[j])+1)*width]
			for d := range dst {
				dst[d] += p.Weight[j] * src[d]
			}
		}
	}
	return out
}

// GridPoints returns the node positions of a structured grid with links
// between nodes that are adjacent along an axis, in the grid's node
// order. Solid nodes are included: their values are whatever the field
// stores there.
func GridPoints(g *mesh.Grid) ([]r3.Vec, [][]int32) {
	pts := make([]r3.Vec, g.Len())
	nbr := make([][]int32, g.Len())
	for n := range pts {
		i, j, k := g.Coords(n)
		pts[n] = g.Point(i, j, k)
		if i+1 < g.Dims[0] {
			nbr[n] = append(nbr[n], int32(g.Index(i+1, j, k)))
		}
		if j+1 < g.Dims[1] {
			nbr[n] = append(nbr[n], int32(g.Index(i, j+1, k)))
		}
		if k+1 < g.Dims[2] {
			nbr[n] = append(nbr[n], int32(g.Index(i, j, k+1)))
		}
	}
	return pts, nbr
}
