package grouping

import (
	"container/heap"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/spatial/r3"
)

// sizeRange bounds entity sizes around the target. The fit splits every
// entity larger than sizeRange*target and never makes one smaller than
// target/sizeRange. Quiet regions thus get entities up to four times the
// target, and high-shear regions down to a quarter of it.
const sizeRange = 4

// bisector builds a grouping of a window's reference particles by
// recursive bisection in feature space.
type bisector struct {
	w       *window
	feat    [][6]float64 // per reference particle
	hash    []uint64     // seeded tie-break key per reference particle
	perm    []int32      // reference particles, leaves are ranges of it
	keys    []float64    // projection scratch, aligned with perm
	workers int
}

// leaf is a range perm[lo:hi] with its normalised affine error and, once
// prepared, its split at mid with the children's errors and the gain
// err - errLo - errHi.
type leaf struct {
	lo, hi, mid  int
	err          float64
	errLo, errHi float64
	gain         float64
}

// newBisector prepares the features: position in units of length, and
// the window-mean velocity deviation in units of the RMS deviation, times
// weight.
func newBisector(w *window, length, weight float64, seed uint64, workers int) *bisector {
	n := w.n()
	b := &bisector{w: w, feat: make([][6]float64, n), hash: make([]uint64, n),
		perm: make([]int32, n), keys: make([]float64, n), workers: workers}
	ref := w.frames[0]
	vel := w.meanVelocity()

	var m float64
	var mv r3.Vec
	for i, v := range vel {
		m += ref.Mass[i]
		mv = r3.Add(mv, r3.Scale(ref.Mass[i], v))
	}
	mean := r3.Scale(1/m, mv)
	var dev float64
	for i, v := range vel {
		dev += ref.Mass[i] * r3.Norm2(r3.Sub(v, mean))
	}
	velScale := 0.0
	if dev > 0 {
		velScale = weight / math.Sqrt(dev/m)
	}

	for i := range b.feat {
		p, d := ref.Pos[i], r3.Sub(vel[i], mean)
		b.feat[i] = [6]float64{p.X / length, p.Y / length, p.Z / length,
			d.X * velScale, d.Y * velScale, d.Z * velScale}
		b.hash[i] = splitmix(uint64(ref.ID[i]) ^ seed)
		b.perm[i] = int32(i)
	}
	return b
}

// build returns the leaves of a bisection into about count entities of
// sizes in [minSize, maxSize] where the error allows.
//
// First every range larger than maxSize is bisected, subtrees in parallel.
// Then the split that lowers the total affine error most is applied,
// repeatedly, until there are count leaves or no leaf can be split without
// making a part smaller than minSize. Each leaf's split is computed when
// the leaf is made, so its gain is known before it is chosen. Ties go to
// the larger leaf, then to the one earlier in perm, so the result does not
// depend on the worker count.
func (b *bisector) build(count, minSize, maxSize int) []leaf {
	big := b.splitLarge(0, len(b.perm), maxSize, minSize)

	parallelFor(len(big), b.workers, func(lo, hi int) {
		buf := make([]fitError, len(b.w.frames))
		for k := lo; k < hi; k++ {
			big[k].err = b.leafError(big[k].lo, big[k].hi, buf)
			b.prepare(&big[k], minSize, buf)
		}
	})
	h := &leafHeap{}
	*h = append(*h, big...)
	heap.Init(h)

	buf := make([]fitError, len(b.w.frames))
	for h.Len() < count {
		l := heap.Pop(h).(leaf)
		if math.IsInf(l.gain, -1) {
			heap.Push(h, l) // no leaf can be split further
			break
		}
		lo := leaf{lo: l.lo, hi: l.mid, err: l.errLo}
		hi := leaf{lo: l.mid, hi: l.hi, err: l.errHi}
		b.prepare(&lo, minSize, buf)
		b.prepare(&hi, minSize, buf)
		heap.Push(h, lo)
		heap.Push(h, hi)
	}
	return *h
}

// prepare splits l's range and records the children's errors and the
// error reduction the split would bring, so that build can apply the most
// useful split first. A leaf too small to split gets gain -Inf.
func (b *bisector) prepare(l *leaf, minSize int, buf []fitError) {
	l.gain = math.Inf(-1)
	if l.hi-l.lo < 2*minSize {
		return
	}
	l.mid = b.split(l.lo, l.hi, minSize)
	l.errLo = b.leafError(l.lo, l.mid, buf)
	l.errHi = b.leafError(l.mid, l.hi, buf)
	l.gain = l.err - l.errLo - l.errHi
}

// splitLarge bisects perm[lo:hi] until every part has at most maxSize
// particles, returning the parts in perm order. Large subtrees run in
// their own goroutines; they touch disjoint ranges of perm and keys.
func (b *bisector) splitLarge(lo, hi, maxSize, minSize int) []leaf {
	if hi-lo <= maxSize || hi-lo < 2*minSize {
		return []leaf{{lo: lo, hi: hi}}
	}
	mid := b.split(lo, hi, minSize)
	var left, right []leaf
	if hi-lo > 1<<15 && b.workers != 1 && runtime.GOMAXPROCS(0) > 1 {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			left = b.splitLarge(lo, mid, maxSize, minSize)
		}()
		right = b.splitLarge(mid, hi, maxSize, minSize)
		wg.Wait()
	} else {
		left = b.splitLarge(lo, mid, maxSize, minSize)
		right = b.splitLarge(mid, hi, maxSize, minSize)
	}
	return append(left, right...)
}

// roundingError is the normalised error per unit mass and frame below
// which a leaf counts as exactly reconstructed: a position residual of
// 1e-10 diameters or a velocity residual of 1e-10 RMS speeds. Without it,
// rounding noise would decide which of two exact leaves is split first,
// when the larger one should be.
const roundingError = 1e-20

func (b *bisector) leafError(lo, hi int, buf []fitError) float64 {
	seg := b.perm[lo:hi]
	b.w.affineError(seg, buf)
	e := b.w.objective(buf)
	var m float64
	for _, i := range seg {
		m += b.w.frames[0].Mass[i]
	}
	if e <= roundingError*m*float64(len(buf)) {
		return 0
	}
	return e
}

// split reorders perm[lo:hi] into two parts and returns the boundary.
//
// The cut is normal to the principal axis of the part's features, as in
// Boley's principal direction divisive partitioning (Data Mining and
// Knowledge Discovery 2, 1998). It is placed by one-dimensional two-means
// on the projections instead of at the mean, so that a coherent group
// meets the cut at its gap to the rest. When that leaves a side with
// fewer than minSize particles, the cut falls back to the median.
func (b *bisector) split(lo, hi, minSize int) int {
	seg, keys := b.perm[lo:hi], b.keys[lo:hi]
	axis, centre := b.principalAxis(seg)
	for j, i := range seg {
		f := &b.feat[i]
		var s float64
		for d := 0; d < 6; d++ {
			s += axis[d] * (f[d] - centre[d])
		}
		keys[j] = s
	}

	cut := twoMeansThreshold(keys)
	mid := partitionBelow(seg, keys, cut)
	if mid < minSize || len(seg)-mid < minSize {
		mid = len(seg) / 2
		b.selectNth(seg, keys, mid)
	}
	return lo + mid
}

// principalAxis returns the unit eigenvector of the largest eigenvalue of
// the feature covariance of seg, and the feature centroid.
func (b *bisector) principalAxis(seg []int32) (axis, centre [6]float64) {
	for _, i := range seg {
		for d := 0; d < 6; d++ {
			centre[d] += b.feat[i][d]
		}
	}
	for d := range centre {
		centre[d] /= float64(len(seg))
	}
	var cov [36]float64
	for _, i := range seg {
		var x [6]float64
		for d := 0; d < 6; d++ {
			x[d] = b.feat[i][d] - centre[d]
		}
		for p := 0; p < 6; p++ {
			for q := p; q < 6; q++ {
				cov[6*p+q] += x[p] * x[q]
			}
		}
	}
	for p := 0; p < 6; p++ {
		for q := 0; q < p; q++ {
			cov[6*p+q] = cov[6*q+p]
		}
	}
	var vals [6]float64
	var vecs [36]float64
	symEigen(cov[:], 6, vals[:], vecs[:])
	for d := 0; d < 6; d++ {
		axis[d] = vecs[6*d]
	}
	return axis, centre
}

// twoMeansThreshold runs Lloyd's iteration for two clusters on the real
// line, starting from a cut at zero (the centroid), and returns the cut.
func twoMeansThreshold(keys []float64) float64 {
	cut := 0.0
	for iter := 0; iter < 30; iter++ {
		var s1, s2 float64
		var n1, n2 int
		for _, k := range keys {
			if k <= cut {
				s1 += k
				n1++
			} else {
				s2 += k
				n2++
			}
		}
		if n1 == 0 || n2 == 0 {
			return cut
		}
		next := (s1/float64(n1) + s2/float64(n2)) / 2
		if next == cut {
			break
		}
		cut = next
	}
	return cut
}

// partitionBelow moves the entries with keys[j] <= cut to the front of
// seg (keys moving along) and returns their count.
func partitionBelow(seg []int32, keys []float64, cut float64) int {
	i := 0
	for j := range seg {
		if keys[j] <= cut {
			seg[i], seg[j] = seg[j], seg[i]
			keys[i], keys[j] = keys[j], keys[i]
			i++
		}
	}
	return i
}

// selectNth reorders seg and keys so that the first n entries are the n
// smallest by (key, seeded hash of the particle id), by quickselect with a
// median-of-three pivot.
func (b *bisector) selectNth(seg []int32, keys []float64, n int) {
	less := func(x, y int) bool {
		if keys[x] != keys[y] {
			return keys[x] < keys[y]
		}
		return b.hash[seg[x]] < b.hash[seg[y]]
	}
	swap := func(x, y int) {
		seg[x], seg[y] = seg[y], seg[x]
		keys[x], keys[y] = keys[y], keys[x]
	}
	lo, hi := 0, len(seg)-1
	for lo < hi {
		m := lo + (hi-lo)/2
		if less(m, lo) {
			swap(m, lo)
		}
		if less(hi, lo) {
			swap(hi, lo)
		}
		if less(hi, m) {
			swap(hi, m)
		}
		swap(m, hi) // pivot at hi
		p := lo
		for j := lo; j < hi; j++ {
			if less(j, hi) {
				swap(j, p)
				p++
			}
		}
		swap(p, hi)
		switch {
		case p == n:
			return
		case p < n:
			lo = p + 1
		default:
			hi = p - 1
		}
	}
}

// splitmix is the SplitMix64 finaliser, a bijective 64-bit mixing
// function used here to order tied particles by seed.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// leafHeap is a max-heap of leaves by gain, then size, then position.
type leafHeap []leaf

func (h leafHeap) Len() int { return len(h) }
func (h leafHeap) Less(i, j int) bool {
	a, b := h[i], h[j]
	if a.gain != b.gain {
		return a.gain > b.gain
	}
	if a.hi-a.lo != b.hi-b.lo {
		return a.hi-a.lo > b.hi-b.lo
	}
	return a.lo < b.lo
}
func (h leafHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *leafHeap) Push(x any)   { *h = append(*h, x.(leaf)) }
func (h *leafHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
