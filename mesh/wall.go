package mesh

import "gonum.org/v1/gonum/spatial/r3"

// Feature is the part of a wall surface a contact point lies on. Triangle
// meshes distinguish faces, edges and vertices so that a sphere touching
// two triangles at their shared edge feels one force, not two.
type Feature uint8

const (
	FeatureFace Feature = iota
	FeatureEdge
	FeatureVertex
)

// Contact is one touching point between a sphere and a wall.
type Contact struct {
	Point    r3.Vec  // closest point on the wall, m
	Normal   r3.Vec  // unit vector from Point toward the sphere centre
	Overlap  float64 // sphere radius minus centre distance to Point, m, > 0
	Velocity r3.Vec  // wall velocity at Point, m/s
	Feature  Feature
	// Key identifies the touched feature stably over time within one
	// wall (face, edge or vertex index, or primitive face number), so a
	// solver can keep tangential history per contact.
	Key int64
}

// Surface is the query interface of a wall at a given simulated time.
type Surface interface {
	// Contacts appends to dst every contact of the sphere with centre p
	// and radius r (both in m) with the wall at time t (s), and returns
	// the extended slice. A sphere that touches nothing adds nothing.
	Contacts(p r3.Vec, r float64, t float64, dst []Contact) []Contact

	// Nearest returns the wall point closest to p at time t, the unit
	// normal there pointing toward p, and the wall velocity at that
	// point in m/s. For points on the wall the normal is the surface
	// normal on the side where particles live.
	Nearest(p r3.Vec, t float64) (point, normal, velocity r3.Vec)

	// Bounds returns the axis-aligned box containing the wall at time t, m.
	Bounds(t float64) (min, max r3.Vec)
}
