package mesh

import (
	"math"

	"gonum.org/v1/gonum/spatial/r3"
)

// shape is a wall geometry in its reference frame (the wall at t = 0).
// Its contacts leave Velocity zero, and Wall fills it in from the motion.
//
// Primitive shapes (plane, box, cylinder, cone) contain the particles.
// Each face has an inner side, and a sphere whose centre is within one
// radius of a face, on either side of it, is pushed toward the inner side
// with Overlap = r - s, where s is the signed distance of the centre from
// the face (positive inside). A sphere whose centre has crossed a face
// thus gets an overlap larger than its radius and is pushed back rather
// than out, and a sphere farther than one radius outside feels nothing.
// Different faces are different contact partners, as in DEM practice: a
// sphere in a box corner touches three faces and gets three contacts.
type shape interface {
	contacts(p r3.Vec, r float64, dst []Contact) []Contact
	nearest(p r3.Vec) (point, normal r3.Vec)
	bounds() (min, max r3.Vec)
}

// planeShape is an infinite plane; particles live on the side Normal
// points to.
type planeShape struct {
	point  r3.Vec // a point on the plane, m
	normal r3.Vec // unit normal toward the particles
}

func (s *planeShape) contacts(p r3.Vec, r float64, dst []Contact) []Contact {
	d := r3.Dot(r3.Sub(p, s.point), s.normal)
	if d >= r || d <= -r {
		return dst
	}
	return append(dst, Contact{
		Point:   r3.Sub(p, r3.Scale(d, s.normal)),
		Normal:  s.normal,
		Overlap: r - d,
		Feature: FeatureFace,
	})
}

func (s *planeShape) nearest(p r3.Vec) (point, normal r3.Vec) {
	d := r3.Dot(r3.Sub(p, s.point), s.normal)
	point = r3.Sub(p, r3.Scale(d, s.normal))
	if d < 0 {
		return point, r3.Scale(-1, s.normal)
	}
	return point, s.normal
}

// bounds of a plane are infinite except along an axis the plane is
// perpendicular to.
func (s *planeShape) bounds() (min, max r3.Vec) {
	inf := math.Inf(1)
	min = r3.Vec{X: -inf, Y: -inf, Z: -inf}
	max = r3.Vec{X: inf, Y: inf, Z: inf}
	for a := 0; a < 3; a++ {
		if math.Abs(component(s.normal, a)) == 1 {
			setComponent(&min, a, component(s.point, a))
			setComponent(&max, a, component(s.point, a))
		}
	}
	return min, max
}

// boxShape is an axis-aligned box that contains the particles. Face k
// (0 to 5) lies on axis k/2, at Min for even k and at Max for odd k, and
// its Key is k. A centre outside the box beyond an edge or a corner, where
// it projects onto no face, gets no contact: only escaped particles are
// there.
type boxShape struct {
	min, max r3.Vec // corners, m
}

// faceDistance returns the signed distance of p from face k, positive
// inside, and the inward unit normal of that face.
func (s *boxShape) faceDistance(p r3.Vec, k int) (float64, r3.Vec) {
	a := k / 2
	var n r3.Vec
	if k%2 == 0 {
		setComponent(&n, a, 1)
		return component(p, a) - component(s.min, a), n
	}
	setComponent(&n, a, -1)
	return component(s.max, a) - component(p, a), n
}

// onFace reports whether p projects onto the closed rectangle of face k.
func (s *boxShape) onFace(p r3.Vec, k int) bool {
	a := k / 2
	for b := 0; b < 3; b++ {
		if b == a {
			continue
		}
		x := component(p, b)
		if x < component(s.min, b) || x > component(s.max, b) {
			return false
		}
	}
	return true
}

func (s *boxShape) contacts(p r3.Vec, r float64, dst []Contact) []Contact {
	for k := 0; k < 6; k++ {
		d, n := s.faceDistance(p, k)
		if d >= r || d <= -r || !s.onFace(p, k) {
			continue
		}
		dst = append(dst, Contact{
			Point:   r3.Sub(p, r3.Scale(d, n)),
			Normal:  n,
			Overlap: r - d,
			Feature: FeatureFace,
			Key:     int64(k),
		})
	}
	return dst
}

func (s *boxShape) nearest(p r3.Vec) (point, normal r3.Vec) {
	q := clampToBox(p, s.min, s.max)
	if q != p {
		return q, r3.Unit(r3.Sub(p, q))
	}
	best := math.Inf(1)
	for k := 0; k < 6; k++ {
		d, n := s.faceDistance(p, k)
		if d < best {
			best = d
			point, normal = r3.Sub(p, r3.Scale(d, n)), n
		}
	}
	return point, normal
}

func (s *boxShape) bounds() (min, max r3.Vec) { return s.min, s.max }

func component(v r3.Vec, a int) float64 {
	switch a {
	case 0:
		return v.X
	case 1:
		return v.Y
	default:
		return v.Z
	}
}

func setComponent(v *r3.Vec, a int, x float64) {
	switch a {
	case 0:
		v.X = x
	case 1:
		v.Y = x
	default:
		v.Z = x
	}
}

func clampToBox(p, min, max r3.Vec) r3.Vec {
	return r3.Vec{
		X: math.Min(math.Max(p.X, min.X), max.X),
		Y: math.Min(math.Max(p.Y, min.Y), max.Y),
		Z: math.Min(math.Max(p.Z, min.Z), max.Z),
	}
}

// perpendicular returns a unit vector perpendicular to the unit vector a.
func perpendicular(a r3.Vec) r3.Vec {
	ref := r3.Vec{X: 1}
	if math.Abs(a.X) > 0.9 {
		ref = r3.Vec{Y: 1}
	}
	return r3.Unit(r3.Cross(a, ref))
}
