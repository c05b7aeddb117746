package cases

import (
	"math"

	"gonum.org/v1/gonum/spatial/r3"
)

// Contains reports whether p lies in the region, boundary included.
// A region of unknown type contains nothing.
func (r Region) Contains(p r3.Vec) bool {
	switch r.Type {
	case RegionBox:
		return r.Min.X <= p.X && p.X <= r.Max.X &&
			r.Min.Y <= p.Y && p.Y <= r.Max.Y &&
			r.Min.Z <= p.Z && p.Z <= r.Max.Z
	case RegionCylinder:
		d := r3.Sub(p, r.Base)
		h := r3.Dot(d, r.Axis)
		if h < 0 || h > r.Length {
			return false
		}
		return r3.Norm2(r3.Sub(d, r3.Scale(h, r.Axis))) <= r.Radius*r.Radius
	}
	return false
}

// Volume returns the volume of the region, m^3, or zero for a region of
// unknown type.
func (r Region) Volume() float64 {
	switch r.Type {
	case RegionBox:
		s := r3.Sub(r.Max, r.Min)
		return s.X * s.Y * s.Z
	case RegionCylinder:
		return math.Pi * r.Radius * r.Radius * r.Length
	}
	return 0
}

// bounds returns the corners of the axis-aligned box around the region.
// For a cylinder, the half-extent of an end disc along axis k is
// R sqrt(1 - a_k^2) for the unit axis a.
func (r Region) bounds() (lo, hi r3.Vec) {
	switch r.Type {
	case RegionBox:
		return r.Min, r.Max
	case RegionCylinder:
		top := r3.Add(r.Base, r3.Scale(r.Length, r.Axis))
		ext := func(a float64) float64 { return r.Radius * math.Sqrt(math.Max(0, 1-a*a)) }
		e := r3.Vec{X: ext(r.Axis.X), Y: ext(r.Axis.Y), Z: ext(r.Axis.Z)}
		lo = r3.Vec{X: math.Min(r.Base.X, top.X), Y: math.Min(r.Base.Y, top.Y), Z: math.Min(r.Base.Z, top.Z)}
		hi = r3.Vec{X: math.Max(r.Base.X, top.X), Y: math.Max(r.Base.Y, top.Y), Z: math.Max(r.Base.Z, top.Z)}
		return r3.Sub(lo, e), r3.Add(hi, e)
	}
	return r3.Vec{}, r3.Vec{}
}
