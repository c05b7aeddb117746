package fields

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/mesh"
	"github.com/neusim/neusim/particles"
)

// CoveringGrid returns a grid of the given spacing (m) that covers the
// kernel support of every particle of f, so that CoarseGrain conserves
// mass and momentum on it. Its nodes lie on the lattice of multiples of
// spacing, so grids of successive frames share their nodes.
func CoveringGrid(f *particles.Frame, spacing float64, opt Options) (*mesh.Grid, error) {
	if !(spacing > 0) || math.IsInf(spacing, 0) {
		return nil, fmt.Errorf("fields: cell size %g m: want a positive, finite size", spacing)
	}
	if f.Len() == 0 {
		return nil, errors.New("fields: frame has no particles to cover")
	}
	lo := r3.Vec{X: math.Inf(1), Y: math.Inf(1), Z: math.Inf(1)}
	hi := r3.Scale(-1, lo)
	for _, p := range f.Pos {
		lo = r3.Vec{X: math.Min(lo.X, p.X), Y: math.Min(lo.Y, p.Y), Z: math.Min(lo.Z, p.Z)}
		hi = r3.Vec{X: math.Max(hi.X, p.X), Y: math.Max(hi.Y, p.Y), Z: math.Max(hi.Z, p.Z)}
	}
	c := opt.Kernel.cutoff(opt.Width)
	margin := r3.Vec{X: c, Y: c, Z: c}
	return LatticeGrid(r3.Sub(lo, margin), r3.Add(hi, margin), spacing)
}

// LatticeGrid returns the smallest grid with nodes on the lattice of
// multiples of spacing (m) that contains the box [min, max] (m).
func LatticeGrid(min, max r3.Vec, spacing float64) (*mesh.Grid, error) {
	if !(spacing > 0) || math.IsInf(spacing, 0) {
		return nil, fmt.Errorf("fields: cell size %g m: want a positive, finite size", spacing)
	}
	for _, v := range []float64{min.X, min.Y, min.Z, max.X, max.Y, max.Z} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("fields: grid box %v to %v m is not finite: a particle position may be NaN or infinite", min, max)
		}
	}
	var dims [3]int
	var origin [3]float64
	for a, lohi := range [3][2]float64{{min.X, max.X}, {min.Y, max.Y}, {min.Z, max.Z}} {
		i0 := math.Floor(lohi[0] / spacing)
		i1 := math.Ceil(lohi[1] / spacing)
		if n := i1 - i0 + 1; n > 1<<24 {
			return nil, fmt.Errorf("fields: grid of cell size %g m over %g m has %g nodes along an axis: use a larger cell size", spacing, lohi[1]-lohi[0], n)
		}
		dims[a] = int(i1-i0) + 1
		origin[a] = i0 * spacing
	}
	return mesh.NewGrid(dims[0], dims[1], dims[2], spacing, r3.Vec{X: origin[0], Y: origin[1], Z: origin[2]})
}
