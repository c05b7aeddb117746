package mesh

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
)

// Wall is a rigid wall of a case with its prescribed motion. It
// implements Surface: queries at time t move the query point into the
// wall's reference frame (the wall at t = 0), query the static shape and
// move the result back. The contact velocity is the rigid-body velocity
// v + omega x (x - c(t)) of the wall at the contact point, where c(t) is
// the rotation axis point carried by the translation.
//
// Contacts per wall type:
//
//   - plane, box, cylinder, cone: the wall contains the particles, and
//     each face pushes toward its inner side (see shape). Keys: 0 for a
//     plane; 0 to 5 for the box faces at min x, max x, min y, max y, min
//     z, max z; for cylinders and cones 0 for the lateral surface, 1 and
//     2 for the caps at Base and at the top, and 3 and 4 for the rims
//     there, which are edge contacts.
//   - stl: two-sided, one contact per local minimum of the distance (see
//     triMesh). Degenerate triangles are dropped. Keys are described at
//     featureShift.
//
// A Wall is immutable after construction except for SetPlaneExtent, and
// its queries are safe for concurrent use.
type Wall struct {
	name      string
	kind      string
	material  int
	removedAt float64
	motion    rigidMotion
	shape     shape

	hasExtent            bool
	extentMin, extentMax r3.Vec // plane tessellation box, m
}

// NewWall builds the wall described by w. It returns an error naming the
// wall and the field when the geometry is invalid.
func NewWall(w cases.Wall) (*Wall, error) {
	out := &Wall{
		name:      w.Name,
		kind:      w.Type,
		material:  w.Material,
		removedAt: w.RemovedAt,
		motion:    newRigidMotion(w.Motion),
	}
	if w.Motion.AngularSpeed != 0 && !finiteNonzero(w.Motion.RotationAxis) {
		return nil, fmt.Errorf("mesh: wall %q: motion has angular speed %g rad/s but rotation axis %v: set a nonzero rotation axis", w.Name, w.Motion.AngularSpeed, w.Motion.RotationAxis)
	}
	if !finite(w.Motion.Velocity) || !finite(w.Motion.AxisPoint) || math.IsNaN(w.Motion.AngularSpeed) || math.IsInf(w.Motion.AngularSpeed, 0) {
		return nil, fmt.Errorf("mesh: wall %q: motion velocity %v, axis point %v and angular speed %g must be finite", w.Name, w.Motion.Velocity, w.Motion.AxisPoint, w.Motion.AngularSpeed)
	}
	s, err := newShape(w)
	if err != nil {
		return nil, err
	}
	out.shape = s
	return out, nil
}

func newShape(w cases.Wall) (shape, error) {
	switch w.Type {
	case cases.WallPlane:
		if !finiteNonzero(w.Normal) {
			return nil, fmt.Errorf("mesh: wall %q: plane normal %v is zero or not finite: set a nonzero normal", w.Name, w.Normal)
		}
		if !finite(w.Point) {
			return nil, fmt.Errorf("mesh: wall %q: plane point %v is not finite", w.Name, w.Point)
		}
		return &planeShape{point: w.Point, normal: r3.Unit(w.Normal)}, nil

	case cases.WallBox:
		if !(w.Min.X < w.Max.X && w.Min.Y < w.Max.Y && w.Min.Z < w.Max.Z) || !finite(w.Min) || !finite(w.Max) {
			return nil, fmt.Errorf("mesh: wall %q: box min %v must be finite and below max %v along every axis", w.Name, w.Min, w.Max)
		}
		return &boxShape{min: w.Min, max: w.Max}, nil

	case cases.WallCylinder, cases.WallCone:
		top := w.Radius
		if w.Type == cases.WallCone {
			top = w.RadiusTop
		}
		if !finiteNonzero(w.Axis) {
			return nil, fmt.Errorf("mesh: wall %q: %s axis %v is zero or not finite: set a nonzero axis", w.Name, w.Type, w.Axis)
		}
		if !finite(w.Base) {
			return nil, fmt.Errorf("mesh: wall %q: %s base %v is not finite", w.Name, w.Type, w.Base)
		}
		if !(w.Length > 0) || math.IsInf(w.Length, 0) {
			return nil, fmt.Errorf("mesh: wall %q: %s length %g m must be positive", w.Name, w.Type, w.Length)
		}
		if !(w.Radius >= 0 && top >= 0) || w.Radius+top == 0 || math.IsInf(w.Radius+top, 0) {
			return nil, fmt.Errorf("mesh: wall %q: %s radii %g m and %g m must be non-negative, finite and not both zero", w.Name, w.Type, w.Radius, top)
		}
		return newRevolvedShape(w.Base, w.Axis, w.Radius, top, w.Length, w.CapBottom, w.CapTop), nil

	case cases.WallSTL:
		m, err := newTriMesh(w.Triangles)
		if err != nil {
			return nil, fmt.Errorf("mesh: wall %q (%s): %w", w.Name, w.File, err)
		}
		return m, nil
	}
	return nil, fmt.Errorf("mesh: wall %q: unknown type %q: use plane, box, cylinder, cone or stl", w.Name, w.Type)
}

func finiteNonzero(v r3.Vec) bool {
	n := r3.Norm(v)
	return n > 0 && !math.IsInf(n, 0) && !math.IsNaN(n)
}

// Name returns the wall's name from the case.
func (w *Wall) Name() string { return w.name }

// Type returns the wall type, one of the cases.Wall* constants.
func (w *Wall) Type() string { return w.kind }

// Material returns the wall's index into Case.Materials.
func (w *Wall) Material() int { return w.material }

// Active reports whether the wall exists at time t (s): a wall with a
// RemovedAt time disappears from that time on. Contacts of an inactive
// wall are empty; Nearest and Bounds still describe its geometry, so
// callers that collect wall features skip walls that are not Active.
func (w *Wall) Active(t float64) bool {
	return w.removedAt <= 0 || t < w.removedAt
}

// SetPlaneExtent sets the box, in case coordinates (m), that Triangulate
// clips a plane wall to, usually the simulation domain. It has no effect
// on contacts and on walls of other types.
func (w *Wall) SetPlaneExtent(min, max r3.Vec) {
	w.hasExtent, w.extentMin, w.extentMax = true, min, max
}

// Contacts implements Surface.
func (w *Wall) Contacts(p r3.Vec, r float64, t float64, dst []Contact) []Contact {
	if !w.Active(t) {
		return dst
	}
	q := w.motion.at(t)
	n := len(dst)
	dst = w.shape.contacts(q.toLocal(p), r, dst)
	if q.identity {
		return dst
	}
	for i := n; i < len(dst); i++ {
		c := &dst[i]
		c.Point = q.toWorld(c.Point)
		c.Normal = q.vectorToWorld(c.Normal)
		c.Velocity = q.velocityAt(c.Point)
	}
	return dst
}

// Nearest implements Surface. It returns the geometry of inactive walls
// too (see Active).
func (w *Wall) Nearest(p r3.Vec, t float64) (point, normal, velocity r3.Vec) {
	q := w.motion.at(t)
	point, normal = w.shape.nearest(q.toLocal(p))
	if q.identity {
		return point, normal, r3.Vec{}
	}
	point = q.toWorld(point)
	return point, q.vectorToWorld(normal), q.velocityAt(point)
}

// Bounds implements Surface. For a moving wall it is the box around the
// moved corners of the reference-frame box, which contains the wall but
// may be larger than needed. A plane's bounds are infinite along every
// axis it is not perpendicular to, and along all axes once it rotates.
func (w *Wall) Bounds(t float64) (min, max r3.Vec) {
	lo, hi := w.shape.bounds()
	q := w.motion.at(t)
	if q.identity {
		return lo, hi
	}
	if !finiteBox(lo, hi) {
		if q.axis == (r3.Vec{}) || q.sin == 0 && q.cos == 1 {
			shift := r3.Sub(q.center, q.origin)
			return r3.Add(lo, shift), r3.Add(hi, shift)
		}
		inf := math.Inf(1)
		return r3.Vec{X: -inf, Y: -inf, Z: -inf}, r3.Vec{X: inf, Y: inf, Z: inf}
	}
	min = r3.Vec{X: math.Inf(1), Y: math.Inf(1), Z: math.Inf(1)}
	max = r3.Scale(-1, min)
	for c := 0; c < 8; c++ {
		corner := lo
		if c&1 != 0 {
			corner.X = hi.X
		}
		if c&2 != 0 {
			corner.Y = hi.Y
		}
		if c&4 != 0 {
			corner.Z = hi.Z
		}
		x := q.toWorld(corner)
		min, max = minVec(min, x), maxVec(max, x)
	}
	return min, max
}

func finiteBox(lo, hi r3.Vec) bool {
	for a := 0; a < 3; a++ {
		if math.IsInf(component(lo, a), 0) || math.IsInf(component(hi, a), 0) {
			return false
		}
	}
	return true
}

var _ Surface = (*Wall)(nil)
