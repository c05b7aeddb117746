package mesh

import (
	"math"

	"gonum.org/v1/gonum/spatial/r3"
)

// Keys of the features of a cylinder or cone wall.
const (
	keyLateral   = 0 // lateral surface
	keyCapBottom = 1 // disk closing the Base end
	keyCapTop    = 2 // disk closing the top end
	keyRimBottom = 3 // circle where the lateral surface ends at Base
	keyRimTop    = 4 // circle where the lateral surface ends at the top
)

// revolvedShape is a cylinder or a cone frustum: the surface swept by the
// meridian segment from (r0, 0) to (r1, length) in (radius, height)
// coordinates about the axis through base, optionally closed by disks at
// either end. Particles are contained inside.
//
// The closest point of a surface of revolution to p lies in the meridian
// half-plane through p, so each query reduces to a 2D segment problem.
type revolvedShape struct {
	base, axis        r3.Vec  // base centre, m, and unit axis
	r0, r1, length    float64 // radius at base and at the top, length, m
	capBottom, capTop bool
	perp              r3.Vec  // unit vector normal to axis, for points on the axis
	dRho, slant       float64 // r1 - r0 and the meridian length, m
	outRho, outHeight float64 // outward unit normal of the meridian
	scale             float64 // size used for round-off tolerances, m
}

func newRevolvedShape(base, axis r3.Vec, r0, r1, length float64, capBottom, capTop bool) *revolvedShape {
	s := &revolvedShape{
		base: base, axis: r3.Unit(axis), r0: r0, r1: r1, length: length,
		capBottom: capBottom, capTop: capTop,
	}
	s.perp = perpendicular(s.axis)
	s.dRho = r1 - r0
	s.slant = math.Hypot(s.dRho, length)
	s.outRho, s.outHeight = length/s.slant, -s.dRho/s.slant
	s.scale = math.Max(math.Max(r0, r1), length)
	return s
}

// meridian returns the height of p along the axis, its distance from the
// axis and the unit radial direction of its meridian half-plane.
func (s *revolvedShape) meridian(p r3.Vec) (h, rho float64, radial r3.Vec) {
	d := r3.Sub(p, s.base)
	h = r3.Dot(d, s.axis)
	off := r3.Sub(d, r3.Scale(h, s.axis))
	rho = r3.Norm(off)
	if rho <= 1e-14*s.scale {
		return h, rho, s.perp
	}
	return h, rho, r3.Scale(1/rho, off)
}

func (s *revolvedShape) at(h, rho float64, radial r3.Vec) r3.Vec {
	return r3.Add(s.base, r3.Add(r3.Scale(h, s.axis), r3.Scale(rho, radial)))
}

// lateral returns the parameter of the point of the meridian segment
// closest to (rho, h), clamped to [0, 1], and that point.
func (s *revolvedShape) lateral(h, rho float64) (t, cRho, cH float64) {
	t = ((rho-s.r0)*s.dRho + h*s.length) / (s.slant * s.slant)
	t = math.Min(math.Max(t, 0), 1)
	return t, s.r0 + t*s.dRho, t * s.length
}

// inwardNormal is the unit normal of the lateral surface in the meridian
// half-plane of radial, pointing to the inside.
func (s *revolvedShape) inwardNormal(radial r3.Vec) r3.Vec {
	return r3.Scale(-1, r3.Add(r3.Scale(s.outRho, radial), r3.Scale(s.outHeight, s.axis)))
}

func (s *revolvedShape) contacts(p r3.Vec, r float64, dst []Contact) []Contact {
	h, rho, radial := s.meridian(p)
	t, cRho, cH := s.lateral(h, rho)

	// Lateral surface: a face contact where p projects inside the
	// segment, a rim contact at an open end.
	switch {
	case t > 0 && t < 1:
		sd := (cRho-rho)*s.outRho + (cH-h)*s.outHeight
		if sd < r && sd > -r {
			dst = append(dst, Contact{
				Point: s.at(cH, cRho, radial), Normal: s.inwardNormal(radial),
				Overlap: r - sd, Feature: FeatureFace, Key: keyLateral,
			})
		}
	case t == 0 && !s.capBottom:
		dst = appendRim(dst, p, r, s.at(0, s.r0, radial), keyRimBottom)
	case t == 1 && !s.capTop:
		dst = appendRim(dst, p, r, s.at(s.length, s.r1, radial), keyRimTop)
	}

	// Caps: a face contact where p projects inside the disk; otherwise
	// the rim, which only the cap reports at a closed end, and only where
	// the lateral surface is no closer than the rim (t clamped to that
	// end), because elsewhere the rim is not a local distance minimum.
	if s.capBottom {
		if rho <= s.r0 {
			dst = appendCap(dst, h, r, s.at(0, rho, radial), s.axis, keyCapBottom)
		} else if t == 0 {
			dst = appendRim(dst, p, r, s.at(0, s.r0, radial), keyRimBottom)
		}
	}
	if s.capTop {
		if rho <= s.r1 {
			dst = appendCap(dst, s.length-h, r, s.at(s.length, rho, radial), r3.Scale(-1, s.axis), keyCapTop)
		} else if t == 1 {
			dst = appendRim(dst, p, r, s.at(s.length, s.r1, radial), keyRimTop)
		}
	}
	return dst
}

// appendCap adds the contact with a cap disk at signed distance sd
// (positive inside) when it is within one radius.
func appendCap(dst []Contact, sd, r float64, point, inward r3.Vec, key int64) []Contact {
	if sd >= r || sd <= -r {
		return dst
	}
	return append(dst, Contact{
		Point: point, Normal: inward, Overlap: r - sd, Feature: FeatureFace, Key: key,
	})
}

// appendRim adds an edge contact with the rim point when the sphere
// reaches it. The normal runs from the rim to the centre.
func appendRim(dst []Contact, p r3.Vec, r float64, point r3.Vec, key int64) []Contact {
	d := r3.Sub(p, point)
	dist := r3.Norm(d)
	if dist >= r || dist == 0 {
		return dst
	}
	return append(dst, Contact{
		Point: point, Normal: r3.Scale(1/dist, d), Overlap: r - dist, Feature: FeatureEdge, Key: key,
	})
}

func (s *revolvedShape) nearest(p r3.Vec) (point, normal r3.Vec) {
	h, rho, radial := s.meridian(p)
	_, cRho, cH := s.lateral(h, rho)
	point = s.at(cH, cRho, radial)
	normal = s.inwardNormal(radial)
	best := math.Hypot(cRho-rho, cH-h)

	if s.capBottom {
		q := s.at(0, math.Min(rho, s.r0), radial)
		if d := r3.Norm(r3.Sub(p, q)); d < best {
			best, point, normal = d, q, s.axis
		}
	}
	if s.capTop {
		q := s.at(s.length, math.Min(rho, s.r1), radial)
		if d := r3.Norm(r3.Sub(p, q)); d < best {
			best, point, normal = d, q, r3.Scale(-1, s.axis)
		}
	}
	if best > 1e-12*s.scale {
		normal = r3.Scale(1/best, r3.Sub(p, point))
	}
	return point, normal
}

// bounds returns the box around the two end circles; a circle of radius
// rc about the axis a spans rc sqrt(1 - a_i^2) along axis i.
func (s *revolvedShape) bounds() (min, max r3.Vec) {
	top := r3.Add(s.base, r3.Scale(s.length, s.axis))
	ext := func(rc float64) r3.Vec {
		return r3.Vec{
			X: rc * math.Sqrt(math.Max(0, 1-s.axis.X*s.axis.X)),
			Y: rc * math.Sqrt(math.Max(0, 1-s.axis.Y*s.axis.Y)),
			Z: rc * math.Sqrt(math.Max(0, 1-s.axis.Z*s.axis.Z)),
		}
	}
	e0, e1 := ext(s.r0), ext(s.r1)
	min = minVec(r3.Sub(s.base, e0), r3.Sub(top, e1))
	max = maxVec(r3.Add(s.base, e0), r3.Add(top, e1))
	return min, max
}

func minVec(a, b r3.Vec) r3.Vec {
	return r3.Vec{X: math.Min(a.X, b.X), Y: math.Min(a.Y, b.Y), Z: math.Min(a.Z, b.Z)}
}

func maxVec(a, b r3.Vec) r3.Vec {
	return r3.Vec{X: math.Max(a.X, b.X), Y: math.Max(a.Y, b.Y), Z: math.Max(a.Z, b.Z)}
}
