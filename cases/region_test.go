package cases

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"
)

func TestRegionContains(t *testing.T) {
	box := Region{Type: RegionBox, Min: r3.Vec{X: 0, Y: 0, Z: 0}, Max: r3.Vec{X: 1, Y: 2, Z: 3}}
	cyl := Region{Type: RegionCylinder, Base: r3.Vec{X: 1, Y: 1, Z: 1}, Axis: r3.Vec{Z: 1}, Radius: 0.5, Length: 2}
	for _, tc := range []struct {
		r    Region
		p    r3.Vec
		want bool
	}{
		{box, r3.Vec{X: 0.5, Y: 1, Z: 1.5}, true},
		{box, r3.Vec{X: 1, Y: 2, Z: 3}, true}, // corner, boundary included
		{box, r3.Vec{X: 1.01, Y: 1, Z: 1}, false},
		{box, r3.Vec{X: 0.5, Y: -0.01, Z: 1}, false},
		{cyl, r3.Vec{X: 1, Y: 1, Z: 1}, true},
		{cyl, r3.Vec{X: 1.5, Y: 1, Z: 3}, true},
		{cyl, r3.Vec{X: 1.36, Y: 1.36, Z: 2}, false}, // 0.509 from the axis
		{cyl, r3.Vec{X: 1, Y: 1, Z: 3.01}, false},
		{cyl, r3.Vec{X: 1, Y: 1, Z: 0.99}, false},
		{Region{}, r3.Vec{}, false},
	} {
		if got := tc.r.Contains(tc.p); got != tc.want {
			t.Errorf("%s region Contains(%v) = %v, want %v", tc.r.Type, tc.p, got, tc.want)
		}
	}
}

// TestRegionVolume checks Volume, Contains and bounds against each other
// by Monte Carlo: the fraction of uniform points in the bounding box that
// the region contains, times the box volume, estimates the volume.
func TestRegionVolume(t *testing.T) {
	axis := r3.Unit(r3.Vec{X: 1, Y: 2, Z: 2})
	for _, r := range []Region{
		{Type: RegionBox, Min: r3.Vec{X: -1, Y: 0, Z: 2}, Max: r3.Vec{X: 1, Y: 0.5, Z: 3}},
		{Type: RegionCylinder, Base: r3.Vec{X: 0.1, Y: -0.2, Z: 0.3}, Axis: axis, Radius: 0.2, Length: 0.7},
		{Type: RegionCylinder, Base: r3.Vec{}, Axis: r3.Vec{Y: -1}, Radius: 1, Length: 0.1},
	} {
		lo, hi := r.bounds()
		span := r3.Sub(hi, lo)
		rng := rand.New(rand.NewPCG(1, 2))
		const n = 200_000
		in := 0
		for range n {
			p := r3.Add(lo, r3.Vec{X: rng.Float64() * span.X, Y: rng.Float64() * span.Y, Z: rng.Float64() * span.Z})
			if r.Contains(p) {
				in++
			}
		}
		est := float64(in) / n * span.X * span.Y * span.Z
		// The standard error of the fraction is at most 0.5/sqrt(n),
		// about 0.1 percent of the box; allow five of them.
		if tol := 5 * 0.5 / math.Sqrt(n) * span.X * span.Y * span.Z; math.Abs(est-r.Volume()) > tol {
			t.Errorf("%s region: Volume() = %g, Monte Carlo estimate %g +- %g", r.Type, r.Volume(), est, tol)
		}
		// The bounds are tight: the region reaches each face of the box.
		if r.Type == RegionCylinder {
			top := r3.Add(r.Base, r3.Scale(r.Length, r.Axis))
			if lo.X > math.Min(r.Base.X, top.X) || hi.Z < math.Max(r.Base.Z, top.Z) {
				t.Errorf("bounds %v %v miss the axis ends", lo, hi)
			}
		}
	}
	if v := (Region{}).Volume(); v != 0 {
		t.Errorf("empty region volume %g", v)
	}
}
