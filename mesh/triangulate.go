package mesh

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/spatial/r3"
)

// DefaultResolution is the number of segments around a cylinder or cone
// that Triangulate uses when given a resolution below 3.
const DefaultResolution = 48

// planeHalfSize is half the side, m, of the square Triangulate draws for
// a plane without an extent (see SetPlaneExtent).
const planeHalfSize = 0.5

// Triangulate tessellates wall w at time t (s) for output, such as VTK
// polydata of the walls. Points are in m; triangles index points. Each
// triangle's right-handed normal points to the side particles live on,
// except for STL walls, which keep the orientation of the file.
// Resolution is the number of segments around a cylinder or cone; below
// 3 it is DefaultResolution. A plane is clipped to the box given to
// SetPlaneExtent, or drawn as a 1 m square centred on its Point without
// one. A removed wall is tessellated all the same; check Active.
func Triangulate(w *Wall, t float64, resolution int) (points []r3.Vec, triangles [][3]int32) {
	q := w.motion.at(t)
	switch s := w.shape.(type) {
	case *planeShape:
		return w.triangulatePlane(q.toWorld(s.point), q.vectorToWorld(s.normal))
	case *boxShape:
		points, triangles = triangulateBox(s)
	case *revolvedShape:
		if resolution < 3 {
			resolution = DefaultResolution
		}
		points, triangles = triangulateRevolved(s, resolution)
	case *triMesh:
		points = append(points, s.verts...)
		triangles = append(triangles, s.tris...)
	}
	for i := range points {
		points[i] = q.toWorld(points[i])
	}
	return points, triangles
}

// triangulatePlane returns the polygon where the plane through point
// with unit normal n meets the extent box, split into a fan.
func (w *Wall) triangulatePlane(point, n r3.Vec) ([]r3.Vec, [][3]int32) {
	u := perpendicular(n)
	v := r3.Cross(n, u)
	var poly []r3.Vec
	if !w.hasExtent {
		for _, c := range [4][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}} {
			poly = append(poly, r3.Add(point, r3.Add(r3.Scale(c[0]*planeHalfSize, u), r3.Scale(c[1]*planeHalfSize, v))))
		}
	} else {
		poly = clipPlaneToBox(point, n, w.extentMin, w.extentMax)
	}
	if len(poly) < 3 {
		return nil, nil
	}

	// Order the vertices counterclockwise about n.
	var centre r3.Vec
	for _, x := range poly {
		centre = r3.Add(centre, x)
	}
	centre = r3.Scale(1/float64(len(poly)), centre)
	angle := func(x r3.Vec) float64 {
		d := r3.Sub(x, centre)
		return math.Atan2(r3.Dot(d, v), r3.Dot(d, u))
	}
	sort.Slice(poly, func(i, j int) bool { return angle(poly[i]) < angle(poly[j]) })

	tris := make([][3]int32, 0, len(poly)-2)
	for i := 1; i+1 < len(poly); i++ {
		tris = append(tris, [3]int32{0, int32(i), int32(i + 1)})
	}
	return poly, tris
}

// clipPlaneToBox returns the points where the plane crosses the twelve
// edges of the box, without repeats (a plane through a corner crosses
// three edges there).
func clipPlaneToBox(point, n, lo, hi r3.Vec) []r3.Vec {
	tol := 1e-12 * r3.Norm(r3.Sub(hi, lo))
	var out []r3.Vec
	add := func(x r3.Vec) {
		for _, y := range out {
			if r3.Norm(r3.Sub(x, y)) <= tol {
				return
			}
		}
		out = append(out, x)
	}
	for a := 0; a < 3; a++ {
		b, c := (a+1)%3, (a+2)%3
		for k := 0; k < 4; k++ {
			// Edge along axis a at corner (b, c) chosen by the bits of k.
			var p0, p1 r3.Vec
			setComponent(&p0, a, component(lo, a))
			setComponent(&p1, a, component(hi, a))
			for _, pair := range [2]struct {
				axis int
				high bool
			}{{b, k&1 != 0}, {c, k&2 != 0}} {
				x := component(lo, pair.axis)
				if pair.high {
					x = component(hi, pair.axis)
				}
				setComponent(&p0, pair.axis, x)
				setComponent(&p1, pair.axis, x)
			}
			s0 := r3.Dot(r3.Sub(p0, point), n)
			s1 := r3.Dot(r3.Sub(p1, point), n)
			switch {
			case s0 == 0 && s1 == 0:
				add(p0)
				add(p1)
			case s0 == 0:
				add(p0)
			case s1 == 0:
				add(p1)
			case s0*s1 < 0:
				add(r3.Add(p0, r3.Scale(s0/(s0-s1), r3.Sub(p1, p0))))
			}
		}
	}
	return out
}

// triangulateBox returns the six faces of a box as twelve triangles
// whose normals point inward.
func triangulateBox(s *boxShape) ([]r3.Vec, [][3]int32) {
	points := make([]r3.Vec, 8)
	for c := range points {
		x := s.min
		if c&1 != 0 {
			x.X = s.max.X
		}
		if c&2 != 0 {
			x.Y = s.max.Y
		}
		if c&4 != 0 {
			x.Z = s.max.Z
		}
		points[c] = x
	}
	// Corners of each face, counterclockwise seen from inside the box.
	faces := [6][4]int32{
		{0, 2, 6, 4}, // x = min
		{1, 5, 7, 3}, // x = max
		{0, 4, 5, 1}, // y = min
		{2, 3, 7, 6}, // y = max
		{0, 1, 3, 2}, // z = min
		{4, 6, 7, 5}, // z = max
	}
	tris := make([][3]int32, 0, 12)
	for _, f := range faces {
		tris = append(tris, [3]int32{f[0], f[1], f[2]}, [3]int32{f[0], f[2], f[3]})
	}
	return points, tris
}

// triangulateRevolved returns the lateral surface of a cylinder or cone
// as n quads split in two, and a fan for each cap. An end of radius zero
// is a single apex point.
func triangulateRevolved(s *revolvedShape, n int) ([]r3.Vec, [][3]int32) {
	v := r3.Cross(s.axis, s.perp)
	var points []r3.Vec
	ring := func(h, rho float64) []int32 {
		if rho == 0 {
			points = append(points, s.at(h, 0, s.perp))
			idx := make([]int32, n)
			for i := range idx {
				idx[i] = int32(len(points) - 1)
			}
			return idx
		}
		idx := make([]int32, n)
		for i := range idx {
			phi := 2 * math.Pi * float64(i) / float64(n)
			radial := r3.Add(r3.Scale(math.Cos(phi), s.perp), r3.Scale(math.Sin(phi), v))
			idx[i] = int32(len(points))
			points = append(points, s.at(h, rho, radial))
		}
		return idx
	}
	bottom, top := ring(0, s.r0), ring(s.length, s.r1)

	// Seen from inside, going around the axis counterclockwise when
	// looking down from the top, a lateral quad runs bottom[i],
	// top[i], top[i+1], bottom[i+1].
	var tris [][3]int32
	for i := 0; i < n; i++ {
		j := (i + 1) % n
		if s.r0 > 0 {
			tris = append(tris, [3]int32{bottom[i], top[i], bottom[j]})
		}
		if s.r1 > 0 {
			tris = append(tris, [3]int32{top[i], top[j], bottom[j]})
		}
	}
	if s.capBottom && s.r0 > 0 {
		centre := int32(len(points))
		points = append(points, s.base)
		for i := 0; i < n; i++ {
			tris = append(tris, [3]int32{centre, bottom[i], bottom[(i+1)%n]})
		}
	}
	if s.capTop && s.r1 > 0 {
		centre := int32(len(points))
		points = append(points, s.at(s.length, 0, s.perp))
		for i := 0; i < n; i++ {
			tris = append(tris, [3]int32{centre, top[(i+1)%n], top[i]})
		}
	}
	return points, tris
}
