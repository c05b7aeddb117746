package particles

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"gonum.org/v1/gonum/spatial/r3"
)

// Box is the region a neighbour search works in. Along a periodic axis,
// Min and Max bound one period and distances follow the minimum-image
// convention. Along other axes the box only sizes the cell grid: particles
// outside it are still found, in the edge cells.
type Box struct {
	Min, Max r3.Vec  // corners, m
	Periodic [3]bool // periodic along x, y, z
}

// Length returns the edge lengths of b, m.
func (b Box) Length() r3.Vec { return r3.Sub(b.Max, b.Min) }

// MinImage returns the displacement d mapped to its nearest periodic
// image along the periodic axes of b. Other components are unchanged.
func (b Box) MinImage(d r3.Vec) r3.Vec {
	if b.Periodic[0] {
		l := b.Max.X - b.Min.X
		d.X -= l * math.Round(d.X/l)
	}
	if b.Periodic[1] {
		l := b.Max.Y - b.Min.Y
		d.Y -= l * math.Round(d.Y/l)
	}
	if b.Periodic[2] {
		l := b.Max.Z - b.Min.Z
		d.Z -= l * math.Round(d.Z/l)
	}
	return d
}

// maxCells caps the cell grid of a NeighborList, which is also held to
// eight times the particle count (at least minCells). A box much larger than
// the space its particles fill would otherwise clear and scan mostly
// empty cells at every build. Past the cap the cells grow, which costs
// distance checks but never misses a pair.
const (
	maxCells = 1 << 24
	minCells = 4096
)

// NeighborList is a Verlet list built with linked cells: it holds every
// pair of particles whose surfaces are closer than Skin, each pair once.
//
// The list is in compressed-row form: the neighbours j > i of particle i
// are Neighbors[Start[i]:Start[i+1]], in ascending order, so pairs are
// sorted by (i, j). That order lets a solver carry per-pair history
// across rebuilds by a sorted merge.
//
// A list stays valid while no particle has moved more than Skin/2 since
// the last Build: two particles can then have closed the gap between them
// by at most Skin. NeedsRebuild checks that condition.
type NeighborList struct {
	Box  Box
	Skin float64 // m, > 0

	// Workers is the number of goroutines Build scans rows with; 0 or 1
	// means serial. The list does not depend on it.
	Workers int

	Start     []int32 // row offsets, len N+1 after Build
	Neighbors []int32 // column indices

	refPos   []r3.Vec // positions at the last Build
	cellOf   []int32
	cellHead []int32 // first index into order for each cell, len cells+1
	order    []int32 // particle indices sorted by cell, then index
	dims     [3]int
	cellSize r3.Vec
	reach    [3][]reachCells // per axis and cell coordinate, see axisReach
	chunkNb  [][]int32       // per-chunk neighbour buffers of a parallel build
}

// NewNeighborList returns an empty list over box with the given skin in m.
// It panics when skin is not positive, a programmer error.
func NewNeighborList(box Box, skin float64) *NeighborList {
	if !(skin > 0) {
		panic(fmt.Sprintf("particles: neighbour skin %g m, want > 0", skin))
	}
	return &NeighborList{Box: box, Skin: skin}
}

// Pairs returns the number of pairs in the list.
func (nl *NeighborList) Pairs() int { return len(nl.Neighbors) }

// Reference returns the positions at the last Build, m, for callers
// that fold the displacement check of NeedsRebuild into their own loop.
// The slice must not be modified.
func (nl *NeighborList) Reference() []r3.Vec { return nl.refPos }

// NeedsRebuild reports whether any particle in pos moved more than Skin/2
// since the last Build, or whether the number of particles changed.
// Displacements across a periodic boundary count by their minimum image.
func (nl *NeighborList) NeedsRebuild(pos []r3.Vec) bool {
	if len(pos) != len(nl.refPos) || nl.Start == nil {
		return true
	}
	limit := nl.Skin * nl.Skin / 4
	periodic := nl.Box.Periodic != [3]bool{}
	for i, p := range pos {
		d := r3.Sub(p, nl.refPos[i])
		if periodic {
			d = nl.Box.MinImage(d)
		}
		if d.X*d.X+d.Y*d.Y+d.Z*d.Z > limit {
			return true
		}
	}
	return false
}

// Build rebuilds the list for the particles at pos with the given radii,
// both of length N. A pair (i, j) is listed when the distance between
// centres is below radius[i] + radius[j] + Skin.
//
// Build returns an error when the configuration cannot be searched
// correctly: a position that is not finite, a periodic length shorter
// than twice the largest cut-off (the minimum image would then be
// ambiguous), or more pairs than an int32 index can address.
func (nl *NeighborList) Build(pos []r3.Vec, radius []float64) error {
	n := len(pos)
	if len(radius) != n {
		panic(fmt.Sprintf("particles: neighbour build with %d positions and %d radii", n, len(radius)))
	}
	if n > math.MaxInt32 {
		return fmt.Errorf("particles: neighbour build with %d particles, at most %d supported", n, math.MaxInt32)
	}
	rmax := 0.0
	for i, r := range radius {
		rmax = max(rmax, r)
		p := pos[i]
		if math.IsNaN(p.X+p.Y+p.Z) || math.IsInf(p.X+p.Y+p.Z, 0) {
			return fmt.Errorf("particles: neighbour build: particle index %d has non-finite position %v", i, p)
		}
	}
	cutoff := 2*rmax + nl.Skin
	if err := nl.setupGrid(cutoff, min(maxCells, max(minCells, 8*n))); err != nil {
		return err
	}
	nl.binParticles(pos)
	if err := nl.collectPairs(pos, radius); err != nil {
		return err
	}
	nl.refPos = append(nl.refPos[:0], pos...)
	return nil
}

// setupGrid sizes the cell grid so that every cell is at least cutoff
// wide and there are at most cellLimit cells, and finds the neighbour
// cells of every cell coordinate along each axis.
func (nl *NeighborList) setupGrid(cutoff float64, cellLimit int) error {
	b := nl.Box
	length := [3]float64{b.Max.X - b.Min.X, b.Max.Y - b.Min.Y, b.Max.Z - b.Min.Z}
	for a := range 3 {
		if !(length[a] > 0) {
			return fmt.Errorf("particles: neighbour box has length %g m along axis %d, want > 0", length[a], a)
		}
		if b.Periodic[a] && length[a] < 2*cutoff {
			return fmt.Errorf("particles: periodic length %g m along axis %d is shorter than twice the cut-off %g m (largest diameter plus skin); enlarge the periodic box or reduce the skin", length[a], a, cutoff)
		}
	}
	size := cutoff
	for {
		total := 1
		for a := range 3 {
			nl.dims[a] = max(1, int(length[a]/size))
			total *= nl.dims[a]
		}
		if total <= cellLimit {
			break
		}
		size *= 1.26 // about 2 times fewer cells per iteration
	}
	nl.cellSize = r3.Vec{X: length[0] / float64(nl.dims[0]), Y: length[1] / float64(nl.dims[1]), Z: length[2] / float64(nl.dims[2])}

	for a := range 3 {
		nl.reach[a] = resize(nl.reach[a], nl.dims[a])
		for c := range nl.dims[a] {
			nl.reach[a][c] = nl.axisReach(c, a)
		}
	}
	return nil
}

// reachCells are the distinct cell coordinates along one axis within one
// cell of a given coordinate: cells[:n], ascending, which also form the
// contiguous runs lo[r] to hi[r] inclusive for r < runs.
type reachCells struct {
	n, runs int
	cells   [3]int32
	lo, hi  [2]int32
}

// axisReach returns the cells along axis a within one cell of c. Along an
// axis with fewer than three cells the offsets -1, 0 and 1 reach the same
// cell twice (periodic) or leave the grid, and each distinct reachable
// cell is kept once, so no pair is counted twice. A periodic wrap splits
// the cells into two runs.
func (nl *NeighborList) axisReach(c, a int) reachCells {
	var r reachCells
	for o := -1; o <= 1; o++ {
		if w, ok := nl.wrap(c+o, a); ok && !slices.Contains(r.cells[:r.n], int32(w)) {
			r.cells[r.n] = int32(w)
			r.n++
		}
	}
	slices.Sort(r.cells[:r.n])
	for k, x := range r.cells[:r.n] {
		if k > 0 && x == r.cells[k-1]+1 {
			r.hi[r.runs-1] = x
			continue
		}
		r.lo[r.runs], r.hi[r.runs] = x, x
		r.runs++
	}
	return r
}

// cellCoord returns the cell index of x along axis a, clamped to the grid
// on non-periodic axes and wrapped on periodic ones.
func (nl *NeighborList) cellCoord(x, lo, size float64, a int) int {
	c := int(math.Floor((x - lo) / size))
	n := nl.dims[a]
	if nl.Box.Periodic[a] {
		c %= n
		if c < 0 {
			c += n
		}
		return c
	}
	return min(max(c, 0), n-1)
}

// binParticles sorts the particles into cells by a counting sort, which
// keeps ascending particle order within each cell.
func (nl *NeighborList) binParticles(pos []r3.Vec) {
	n := len(pos)
	cells := nl.dims[0] * nl.dims[1] * nl.dims[2]
	nl.cellOf = resize(nl.cellOf, n)
	nl.cellHead = resize(nl.cellHead, cells+1)
	clear(nl.cellHead)
	b := nl.Box
	for i, p := range pos {
		cx := nl.cellCoord(p.X, b.Min.X, nl.cellSize.X, 0)
		cy := nl.cellCoord(p.Y, b.Min.Y, nl.cellSize.Y, 1)
		cz := nl.cellCoord(p.Z, b.Min.Z, nl.cellSize.Z, 2)
		c := int32((cz*nl.dims[1]+cy)*nl.dims[0] + cx)
		nl.cellOf[i] = c
		nl.cellHead[c+1]++
	}
	for c := range cells {
		nl.cellHead[c+1] += nl.cellHead[c]
	}
	nl.order = resize(nl.order, n)
	fill := resize([]int32(nil), cells)
	copy(fill, nl.cellHead[:cells])
	for i := range n {
		c := nl.cellOf[i]
		nl.order[fill[c]] = int32(i)
		fill[c]++
	}
}

// collectPairs scans the stencil cells of every particle and keeps the
// partners with a larger index within the cut-off. Rows are split into
// contiguous ranges scanned in parallel, each into its own buffer, and
// the buffers are joined in row order, so the list does not depend on
// Workers.
func (nl *NeighborList) collectPairs(pos []r3.Vec, radius []float64) error {
	n := len(pos)
	nl.Start = resize(nl.Start, n+1)
	chunks := 1
	if nl.Workers > 1 && n >= 4096 {
		chunks = 4 * nl.Workers
	}
	for len(nl.chunkNb) < chunks {
		nl.chunkNb = append(nl.chunkNb, nil)
	}
	var wg sync.WaitGroup
	for k := range chunks {
		lo, hi := k*n/chunks, (k+1)*n/chunks
		scan := func() { nl.chunkNb[k] = nl.scanRows(pos, radius, lo, hi, nl.chunkNb[k][:0]) }
		if chunks == 1 {
			scan()
		} else {
			wg.Go(scan)
		}
	}
	wg.Wait()

	total := 0
	for k := range chunks {
		total += len(nl.chunkNb[k])
	}
	if total > math.MaxInt32 {
		return fmt.Errorf("particles: neighbour list overflow: %d pairs for %d particles, more than an int32 index addresses (%d); reduce the skin or the particle count", total, n, math.MaxInt32)
	}
	nl.Neighbors = resize(nl.Neighbors, total)
	offset := 0
	for k := range chunks {
		lo, hi := k*n/chunks, (k+1)*n/chunks
		// Chunk-local row starts become global by the chunk's offset.
		for i := lo; i < hi; i++ {
			nl.Start[i] += int32(offset)
		}
		offset += copy(nl.Neighbors[offset:], nl.chunkNb[k])
	}
	nl.Start[n] = int32(total)
	return nil
}

// scanRows appends the neighbours of rows [lo, hi) to dst and sets
// Start[i] for those rows relative to the start of dst.
func (nl *NeighborList) scanRows(pos []r3.Vec, radius []float64, lo, hi int, dst []int32) []int32 {
	dims := nl.dims
	periodic := nl.Box.Periodic != [3]bool{}
	for i := lo; i < hi; i++ {
		rowStart := len(dst)
		nl.Start[i] = int32(rowStart)
		c := int(nl.cellOf[i])
		cx := c % dims[0]
		cy := (c / dims[0]) % dims[1]
		cz := c / (dims[0] * dims[1])
		pi, ri := pos[i], radius[i]
		rx, ry, rz := &nl.reach[0][cx], &nl.reach[1][cy], &nl.reach[2][cz]
		for _, z := range rz.cells[:rz.n] {
			for _, y := range ry.cells[:ry.n] {
				// The cells of a run along x are adjacent in the grid, so
				// their particles are one range of order.
				row := (int(z)*dims[1] + int(y)) * dims[0]
				for r := range rx.runs {
					from, to := nl.cellHead[row+int(rx.lo[r])], nl.cellHead[row+int(rx.hi[r])+1]
					dst = nl.appendNear(dst, i, pi, ri, pos, radius, nl.order[from:to], periodic)
				}
			}
		}
		slices.Sort(dst[rowStart:])
	}
	return dst
}

// appendNear appends to dst the candidates j > i within the cut-off of
// particle i at pi with radius ri.
func (nl *NeighborList) appendNear(dst []int32, i int, pi r3.Vec, ri float64, pos []r3.Vec, radius []float64, candidates []int32, periodic bool) []int32 {
	for _, j := range candidates {
		if int(j) <= i {
			continue
		}
		d := r3.Sub(pi, pos[j])
		if periodic {
			d = nl.Box.MinImage(d)
		}
		cut := ri + radius[j] + nl.Skin
		if d.X*d.X+d.Y*d.Y+d.Z*d.Z < cut*cut {
			dst = append(dst, j)
		}
	}
	return dst
}

// wrap maps a cell coordinate along axis a into the grid, reporting false
// for a coordinate outside a non-periodic grid.
func (nl *NeighborList) wrap(c, a int) (int, bool) {
	n := nl.dims[a]
	if c >= 0 && c < n {
		return c, true
	}
	if !nl.Box.Periodic[a] {
		return 0, false
	}
	return ((c % n) + n) % n, true
}

// BruteForcePairs returns the same compressed-row pair list as
// NeighborList.Build by checking all N(N-1)/2 pairs. It is the reference
// the cell search is tested and benchmarked against.
func BruteForcePairs(box Box, skin float64, pos []r3.Vec, radius []float64) (start, neighbors []int32) {
	n := len(pos)
	start = make([]int32, n+1)
	for i := range n {
		start[i] = int32(len(neighbors))
		for j := i + 1; j < n; j++ {
			d := box.MinImage(r3.Sub(pos[i], pos[j]))
			cut := radius[i] + radius[j] + skin
			if d.X*d.X+d.Y*d.Y+d.Z*d.Z < cut*cut {
				neighbors = append(neighbors, int32(j))
			}
		}
	}
	start[n] = int32(len(neighbors))
	return start, neighbors
}
