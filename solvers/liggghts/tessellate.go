package liggghts

import (
	"bytes"
	"fmt"
	"math"

	"gonum.org/v1/gonum/spatial/r3"
)

// triangle is three vertices in m.
type triangle [3]r3.Vec

// perpendicular returns two unit vectors that form a right-handed
// orthonormal basis with the unit vector a.
func perpendicular(a r3.Vec) (u, v r3.Vec) {
	ref := r3.Vec{X: 1}
	if math.Abs(a.X) > 0.9 {
		ref = r3.Vec{Y: 1}
	}
	u = r3.Unit(r3.Cross(a, ref))
	v = r3.Cross(a, u)
	return u, v
}

// frustumTriangles returns the lateral surface of a frustum with base
// centre base, unit axis, radius r0 at the base and r1 at base +
// length*axis. It has segments facets around, and as many rows along the
// axis as make the facets about as long as they are wide.
func frustumTriangles(base, axis r3.Vec, r0, r1, length float64, segments int) []triangle {
	u, v := perpendicular(axis)
	width := 2 * math.Pi * max(r0, r1) / float64(segments)
	slant := math.Hypot(length, r1-r0)
	rows := max(1, int(math.Ceil(slant/width)))
	point := func(row, seg int) r3.Vec {
		f := float64(row) / float64(rows)
		r := r0 + (r1-r0)*f
		phi := 2 * math.Pi * float64(seg%segments) / float64(segments)
		radial := r3.Add(r3.Scale(r*math.Cos(phi), u), r3.Scale(r*math.Sin(phi), v))
		return r3.Add(r3.Add(base, r3.Scale(length*f, axis)), radial)
	}
	tris := make([]triangle, 0, 2*rows*segments)
	for row := range rows {
		for seg := range segments {
			a, b := point(row, seg), point(row, seg+1)
			c, d := point(row+1, seg+1), point(row+1, seg)
			if r0 > 0 || row > 0 {
				tris = append(tris, triangle{a, b, c})
			}
			if r1 > 0 || row < rows-1 {
				tris = append(tris, triangle{a, c, d})
			}
		}
	}
	return tris
}

// discTriangles returns a disc of the given radius centred on centre,
// normal to the unit axis, as rings of facets about as long as wide.
func discTriangles(centre, axis r3.Vec, radius float64, segments int) []triangle {
	width := 2 * math.Pi * radius / float64(segments)
	rings := max(1, int(math.Ceil(radius/width)))
	var tris []triangle
	for ring := range rings {
		r0 := radius * float64(ring) / float64(rings)
		r1 := radius * float64(ring+1) / float64(rings)
		// A flat annulus is a frustum of zero length.
		tris = append(tris, frustumTriangles(centre, axis, r0, r1, 0, segments)...)
	}
	return tris
}

// boxTriangles returns the six faces of an axis-aligned box.
func boxTriangles(lo, hi r3.Vec) []triangle {
	p := func(i, j, k int) r3.Vec {
		return r3.Vec{X: [2]float64{lo.X, hi.X}[i], Y: [2]float64{lo.Y, hi.Y}[j], Z: [2]float64{lo.Z, hi.Z}[k]}
	}
	quads := [][4]r3.Vec{
		{p(0, 0, 0), p(0, 1, 0), p(0, 1, 1), p(0, 0, 1)},
		{p(1, 0, 0), p(1, 0, 1), p(1, 1, 1), p(1, 1, 0)},
		{p(0, 0, 0), p(0, 0, 1), p(1, 0, 1), p(1, 0, 0)},
		{p(0, 1, 0), p(1, 1, 0), p(1, 1, 1), p(0, 1, 1)},
		{p(0, 0, 0), p(1, 0, 0), p(1, 1, 0), p(0, 1, 0)},
		{p(0, 0, 1), p(0, 1, 1), p(1, 1, 1), p(1, 0, 1)},
	}
	tris := make([]triangle, 0, 12)
	for _, q := range quads {
		tris = append(tris, triangle{q[0], q[1], q[2]}, triangle{q[0], q[2], q[3]})
	}
	return tris
}

// planeTriangles returns the part of the plane through point with unit
// normal n that lies inside the box [lo, hi], as a triangle fan. The
// polygon starts as a square larger than the box and is clipped by the
// box's six half-spaces (Sutherland and Hodgman, Commun. ACM 17 (1974)).
func planeTriangles(point, n, lo, hi r3.Vec) []triangle {
	centre := r3.Scale(0.5, r3.Add(lo, hi))
	centre = r3.Sub(centre, r3.Scale(r3.Dot(r3.Sub(centre, point), n), n))
	size := 2 * r3.Norm(r3.Sub(hi, lo))
	u, v := perpendicular(n)
	poly := []r3.Vec{
		r3.Add(centre, r3.Add(r3.Scale(-size, u), r3.Scale(-size, v))),
		r3.Add(centre, r3.Add(r3.Scale(size, u), r3.Scale(-size, v))),
		r3.Add(centre, r3.Add(r3.Scale(size, u), r3.Scale(size, v))),
		r3.Add(centre, r3.Add(r3.Scale(-size, u), r3.Scale(size, v))),
	}
	for axis := range 3 {
		poly = clip(poly, axis, component(lo, axis), 1)
		poly = clip(poly, axis, component(hi, axis), -1)
	}
	var tris []triangle
	for k := 1; k+1 < len(poly); k++ {
		tris = append(tris, triangle{poly[0], poly[k], poly[k+1]})
	}
	return tris
}

// clip keeps the part of a convex polygon where sign*(x[axis] - at) >= 0.
func clip(poly []r3.Vec, axis int, at, sign float64) []r3.Vec {
	var out []r3.Vec
	for k := range poly {
		a, b := poly[k], poly[(k+1)%len(poly)]
		da := sign * (component(a, axis) - at)
		db := sign * (component(b, axis) - at)
		if da >= 0 {
			out = append(out, a)
		}
		if (da >= 0) != (db >= 0) {
			f := da / (da - db)
			out = append(out, r3.Add(a, r3.Scale(f, r3.Sub(b, a))))
		}
	}
	return out
}

// stlASCII encodes triangles as an ASCII STL solid.
func stlASCII(name string, tris []triangle) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "solid %s\n", name)
	for _, t := range tris {
		n := r3.Cross(r3.Sub(t[1], t[0]), r3.Sub(t[2], t[0]))
		if l := r3.Norm(n); l > 0 {
			n = r3.Scale(1/l, n)
		}
		fmt.Fprintf(&b, "facet normal %s\nouter loop\n", vec(n))
		for _, p := range t {
			fmt.Fprintf(&b, "vertex %s\n", vec(p))
		}
		b.WriteString("endloop\nendfacet\n")
	}
	fmt.Fprintf(&b, "endsolid %s\n", name)
	return b.Bytes()
}
