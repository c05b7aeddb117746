package kernels

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
)

// maxCells bounds the number of cells of RadiusPairs; a sparse cloud over a
// large box gets larger cells instead of more of them.
const maxCells = 1 << 22

// CellGrid is the binning of RadiusPairs: cubic cells of side Size (m, at
// least the search radius) over the bounding box of the points, starting
// at Origin, Dims cells along each axis.
type CellGrid struct {
	Origin [3]float64
	Size   float64
	Dims   [3]int
}

// NewCellGrid returns the grid for the N×3 row-major points pos and the
// search radius (m).
func NewCellGrid(pos []float64, radius float64) CellGrid {
	if !(radius > 0) || len(pos)%3 != 0 {
		panic(fmt.Sprintf("kernels: NewCellGrid: radius %g m and %d coordinates", radius, len(pos)))
	}
	lo := [3]float64{math.Inf(1), math.Inf(1), math.Inf(1)}
	hi := [3]float64{math.Inf(-1), math.Inf(-1), math.Inf(-1)}
	for i := 0; i < len(pos); i += 3 {
		for d := 0; d < 3; d++ {
			lo[d], hi[d] = math.Min(lo[d], pos[i+d]), math.Max(hi[d], pos[i+d])
		}
	}
	// Cells a little larger than the radius keep every pair closer than
	// radius within adjacent cells despite the rounding of the division
	// that bins them.
	g := CellGrid{Size: radius * (1 + 1e-9), Dims: [3]int{1, 1, 1}}
	if len(pos) == 0 {
		return g
	}
	g.Origin = lo
	for {
		total := 1
		for d := 0; d < 3; d++ {
			g.Dims[d] = int((hi[d]-lo[d])/g.Size) + 1
			total *= g.Dims[d]
		}
		if total <= maxCells {
			return g
		}
		g.Size *= 2
	}
}

// Cell returns the cell coordinates of point p.
func (g CellGrid) Cell(p []float64) [3]int {
	var c [3]int
	for d := 0; d < 3; d++ {
		c[d] = min(int((p[d]-g.Origin[d])/g.Size), g.Dims[d]-1)
	}
	return c
}

// Index returns the linear index of cell c, x fastest.
func (g CellGrid) Index(c [3]int) int { return (c[2]*g.Dims[1]+c[1])*g.Dims[0] + c[0] }

// RadiusPairs returns the directed pairs (senders[e], receivers[e]) of
// distinct points closer than radius (m), |p_s - p_r| < radius with the
// distance computed as sqrt((dx²+dy²)+dz²) in float64. Pairs are sorted by
// receiver and, for each receiver, by sender: the pairs and the order of a
// brute-force scan over all receivers and senders. pos holds N×3
// row-major coordinates in m. Points are binned into cells no smaller than
// radius, so each receiver scans the 27 cells around its own. The result
// does not depend on workers (zero means one per receiver chunk up to
// GOMAXPROCS).
func RadiusPairs(pos []float64, radius float64, workers int) (senders, receivers []int32) {
	n := len(pos) / 3
	g := NewCellGrid(pos, radius)

	// Counting sort of the points by cell, ascending point index within a
	// cell.
	cells := g.Dims[0] * g.Dims[1] * g.Dims[2]
	start := make([]int32, cells+1)
	cellOf := make([]int32, n)
	for i := 0; i < n; i++ {
		c := g.Index(g.Cell(pos[3*i : 3*i+3]))
		cellOf[i] = int32(c)
		start[c+1]++
	}
	for c := 0; c < cells; c++ {
		start[c+1] += start[c]
	}
	sorted := make([]int32, n)
	next := slices.Clone(start[:cells])
	for i, c := range cellOf {
		sorted[next[c]] = int32(i)
		next[c]++
	}

	// Senders of every receiver, in chunks of receivers.
	const chunk = 1024
	chunks := (n + chunk - 1) / chunk
	lists := make([][]int32, n)
	run := func(k int) {
		for r := k * chunk; r < min((k+1)*chunk, n); r++ {
			lists[r] = sendersOf(pos, r, radius, g, start, sorted, lists[r][:0])
		}
	}
	parallelChunks(chunks, workers, run)

	total := 0
	for _, l := range lists {
		total += len(l)
	}
	senders, receivers = make([]int32, 0, total), make([]int32, 0, total)
	for r, l := range lists {
		senders = append(senders, l...)
		for range l {
			receivers = append(receivers, int32(r))
		}
	}
	return senders, receivers
}

// sendersOf appends to dst the points within radius of point r, ascending.
func sendersOf(pos []float64, r int, radius float64, g CellGrid, start, sorted []int32, dst []int32) []int32 {
	c := g.Cell(pos[3*r : 3*r+3])
	for z := max(c[2]-1, 0); z <= min(c[2]+1, g.Dims[2]-1); z++ {
		for y := max(c[1]-1, 0); y <= min(c[1]+1, g.Dims[1]-1); y++ {
			for x := max(c[0]-1, 0); x <= min(c[0]+1, g.Dims[0]-1); x++ {
				k := g.Index([3]int{x, y, z})
				for _, s := range sorted[start[k]:start[k+1]] {
					if int(s) != r && pairDistance(pos, int(s), r) < radius {
						dst = append(dst, s)
					}
				}
			}
		}
	}
	slices.Sort(dst)
	return dst
}

// pairDistance is |p_a - p_b| with the sums in a fixed order.
func pairDistance(p []float64, a, b int) float64 {
	dx, dy, dz := p[3*a]-p[3*b], p[3*a+1]-p[3*b+1], p[3*a+2]-p[3*b+2]
	return math.Sqrt(dx*dx + dy*dy + dz*dz)
}

// parallelChunks runs f(0..chunks-1) on up to workers goroutines.
func parallelChunks(chunks, workers int, f func(k int)) {
	if workers <= 0 {
		workers = maxProcs()
	}
	workers = min(workers, chunks)
	if workers <= 1 {
		for k := 0; k < chunks; k++ {
			f(k)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int, chunks)
	for k := 0; k < chunks; k++ {
		next <- k
	}
	close(next)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				f(k)
			}
		}()
	}
	wg.Wait()
}

func maxProcs() int { return runtime.GOMAXPROCS(0) }

// PairSearcher is a backend that runs the radius search of RadiusPairs
// itself, with the same pairs in the same order (the CUDA backend does).
type PairSearcher interface {
	RadiusPairs(pos []float64, radius float64) (senders, receivers []int32)
}

// SearchPairs returns RadiusPairs(pos, radius) computed by b when b is a
// PairSearcher, else on the CPU with workers goroutines.
func SearchPairs(b any, pos []float64, radius float64, workers int) (senders, receivers []int32) {
	if s, ok := b.(PairSearcher); ok {
		return s.RadiusPairs(pos, radius)
	}
	return RadiusPairs(pos, radius, workers)
}
