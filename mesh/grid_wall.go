package mesh

import (
	"fmt"
	"math"

	"github.com/neusim/neusim/cases"
	"gonum.org/v1/gonum/spatial/r3"
)

// SolidFromWall returns the region on the far side of a case wall from
// where particles and fluid live, at the wall's initial position:
//
//   - plane: the half-space behind the normal;
//   - box, cylinder, cone: everything outside the container (a cylinder
//     without caps is open along its axis);
//   - stl: the inside of the closed triangle mesh, by its winding number.
//
// Wall motion is not followed: the grid's solid mask is fixed.
func SolidFromWall(w cases.Wall) (Solid, error) {
	switch w.Type {
	case cases.WallPlane:
		n := r3.Norm(w.Normal)
		if n == 0 {
			return nil, fmt.Errorf("mesh: wall %q: plane normal is zero", w.Name)
		}
		return halfSpace{point: w.Point, normal: r3.Scale(1/n, w.Normal)}, nil
	case cases.WallBox:
		return outside{SolidBox{Min: w.Min, Max: w.Max}}, nil
	case cases.WallCylinder, cases.WallCone:
		top := w.Radius
		if w.Type == cases.WallCone {
			top = w.RadiusTop
		}
		n := r3.Norm(w.Axis)
		if n == 0 || w.Length <= 0 {
			return nil, fmt.Errorf("mesh: wall %q: %s needs a non-zero Axis and a positive Length", w.Name, w.Type)
		}
		return outsideFrustum{
			base: w.Base, axis: r3.Scale(1/n, w.Axis), length: w.Length,
			radius: w.Radius, radiusTop: top, capBottom: w.CapBottom, capTop: w.CapTop,
		}, nil
	case cases.WallSTL:
		if len(w.Triangles) < 4 {
			return nil, fmt.Errorf("mesh: wall %q: %d triangles cannot enclose a volume", w.Name, len(w.Triangles))
		}
		return SolidTriangles{Triangles: w.Triangles}, nil
	}
	return nil, fmt.Errorf("mesh: wall %q: type %q has no inside test; use plane, box, cylinder, cone or stl", w.Name, w.Type)
}

type halfSpace struct{ point, normal r3.Vec }

func (h halfSpace) Contains(p r3.Vec) bool { return r3.Dot(r3.Sub(p, h.point), h.normal) < 0 }

type outside struct{ Solid }

func (o outside) Contains(p r3.Vec) bool { return !o.Solid.Contains(p) }

// outsideFrustum is the outside of a cylinder or cone container: points
// farther from the axis than the local radius, and points beyond a
// closed end.
type outsideFrustum struct {
	base, axis        r3.Vec
	length            float64
	radius, radiusTop float64
	capBottom, capTop bool
}

func (c outsideFrustum) Contains(p r3.Vec) bool {
	rel := r3.Sub(p, c.base)
	s := r3.Dot(rel, c.axis)
	if (s < 0 && c.capBottom) || (s > c.length && c.capTop) {
		return true
	}
	frac := math.Max(0, math.Min(1, s/c.length))
	r := c.radius + frac*(c.radiusTop-c.radius)
	radial := r3.Sub(rel, r3.Scale(s, c.axis))
	return r3.Norm(radial) > r
}

// SolidTriangles is the inside of a closed triangle mesh, in m. A point is
// inside when the winding number of the mesh around it, the sum of the
// signed solid angles of its triangles over 4 pi, exceeds 1/2 in
// magnitude: it is 1 inside a closed mesh and 0 outside, and the
// threshold tolerates small gaps. The solid angle of a triangle is
// 2 atan2(a.(b x c), |a||b||c| + (a.b)|c| + (b.c)|a| + (c.a)|b|) for the
// vertices a, b, c relative to the point (Van Oosterom & Strackee 1983,
// IEEE Trans. Biomed. Eng. 30:125). Either winding order works, because
// the sign of the total is ignored.
//
// NOTE: each query visits every triangle, so marking a grid costs nodes x
// triangles; meshes of many thousand triangles on fine grids are slow.
type SolidTriangles struct {
	Triangles [][3]r3.Vec
}

// Contains reports whether p lies inside the mesh.
func (m SolidTriangles) Contains(p r3.Vec) bool {
	var total float64
	for _, t := range m.Triangles {
		a, b, c := r3.Sub(t[0], p), r3.Sub(t[1], p), r3.Sub(t[2], p)
		la, lb, lc := r3.Norm(a), r3.Norm(b), r3.Norm(c)
		num := r3.Dot(a, r3.Cross(b, c))
		den := la*lb*lc + r3.Dot(a, b)*lc + r3.Dot(b, c)*la + r3.Dot(c, a)*lb
		total += 2 * math.Atan2(num, den)
	}
	return math.Abs(total)/(4*math.Pi) > 0.5
}
