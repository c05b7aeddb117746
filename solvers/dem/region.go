package dem

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
)

// region is a validated cases.Region with a containment test.
type region struct {
	cases.Region
	axis r3.Vec // unit axis of a cylinder
}

func newRegion(r cases.Region, where string) (region, error) {
	switch r.Type {
	case cases.RegionBox:
		if !(r.Max.X > r.Min.X && r.Max.Y > r.Min.Y && r.Max.Z > r.Min.Z) {
			return region{}, fmt.Errorf("%s: box region min %v max %v is empty; max must exceed min along every axis", where, r.Min, r.Max)
		}
		return region{Region: r}, nil
	case cases.RegionCylinder:
		n := r3.Norm(r.Axis)
		if !(n > 0) || math.IsInf(n, 0) || !(r.Radius > 0) || !(r.Length > 0) {
			return region{}, fmt.Errorf("%s: cylinder region with axis %v, radius %g m and length %g m; give a nonzero axis and positive radius and length", where, r.Axis, r.Radius, r.Length)
		}
		return region{Region: r, axis: r3.Scale(1/n, r.Axis)}, nil
	}
	return region{}, fmt.Errorf("%s: region type %q is unknown; use box or cylinder", where, r.Type)
}

// contains reports whether p lies inside the region, boundary included.
func (g *region) contains(p r3.Vec) bool {
	if g.Type == cases.RegionBox {
		return p.X >= g.Min.X && p.X <= g.Max.X && p.Y >= g.Min.Y && p.Y <= g.Max.Y && p.Z >= g.Min.Z && p.Z <= g.Max.Z
	}
	d := r3.Sub(p, g.Base)
	h := r3.Dot(d, g.axis)
	if h < 0 || h > g.Length {
		return false
	}
	radial := r3.Sub(d, r3.Scale(h, g.axis))
	return r3.Dot(radial, radial) <= g.Radius*g.Radius
}

// volume returns the region's volume, m^3.
func (g *region) volume() float64 {
	if g.Type == cases.RegionBox {
		d := r3.Sub(g.Max, g.Min)
		return d.X * d.Y * d.Z
	}
	return math.Pi * g.Radius * g.Radius * g.Length
}

// bounds returns an axis-aligned box containing the region, m.
func (g *region) bounds() (lo, hi r3.Vec) {
	if g.Type == cases.RegionBox {
		return g.Min, g.Max
	}
	c := r3.Add(g.Base, r3.Scale(g.Length/2, g.axis))
	h := g.Length/2 + g.Radius
	e := r3.Vec{X: h, Y: h, Z: h}
	return r3.Sub(c, e), r3.Add(c, e)
}

// sample returns a uniformly distributed point of the region shrunk by
// margin (m) on every side, so a sphere of radius margin centred there
// lies inside the region. ok is false when the shrunk region is empty.
func (g *region) sample(u1, u2, u3, margin float64) (p r3.Vec, ok bool) {
	if g.Type == cases.RegionBox {
		lo := r3.Add(g.Min, r3.Vec{X: margin, Y: margin, Z: margin})
		hi := r3.Sub(g.Max, r3.Vec{X: margin, Y: margin, Z: margin})
		if hi.X < lo.X || hi.Y < lo.Y || hi.Z < lo.Z {
			return r3.Vec{}, false
		}
		return r3.Vec{X: lo.X + u1*(hi.X-lo.X), Y: lo.Y + u2*(hi.Y-lo.Y), Z: lo.Z + u3*(hi.Z-lo.Z)}, true
	}
	rad := g.Radius - margin
	length := g.Length - 2*margin
	if rad < 0 || length < 0 {
		return r3.Vec{}, false
	}
	// Uniform in the disc: radius sqrt(u) R, angle 2 pi u.
	e1 := perpendicular(g.axis)
	e2 := r3.Cross(g.axis, e1)
	rr := rad * math.Sqrt(u1)
	phi := 2 * math.Pi * u2
	p = r3.Add(g.Base, r3.Scale(margin+u3*length, g.axis))
	p = r3.Add(p, r3.Scale(rr*math.Cos(phi), e1))
	p = r3.Add(p, r3.Scale(rr*math.Sin(phi), e2))
	return p, true
}

// perpendicular returns a unit vector perpendicular to the unit vector a.
func perpendicular(a r3.Vec) r3.Vec {
	t := r3.Vec{X: 1}
	if math.Abs(a.X) > 0.9 {
		t = r3.Vec{Y: 1}
	}
	return r3.Unit(r3.Cross(a, t))
}
