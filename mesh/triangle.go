package mesh

import "gonum.org/v1/gonum/spatial/r3"

// triRegion is the feature of a triangle ABC that holds the point of the
// triangle closest to a query point.
type triRegion uint8

const (
	regionFace    triRegion = iota
	regionEdgeAB            // edge 0, vertices 0 and 1
	regionEdgeBC            // edge 1, vertices 1 and 2
	regionEdgeCA            // edge 2, vertices 2 and 0
	regionVertexA           // vertex 0
	regionVertexB           // vertex 1
	regionVertexC           // vertex 2
)

// closestOnTriangle returns the point of triangle abc closest to p and
// the Voronoi region it lies in. It tests the vertex regions, then the
// edge regions, then the face, with the barycentric tests of Ericson,
// Real-Time Collision Detection (Morgan Kaufmann, 2005), section 5.1.5,
// so each region test costs a few dot products and no square root.
func closestOnTriangle(p, a, b, c r3.Vec) (r3.Vec, triRegion) {
	ab, ac := r3.Sub(b, a), r3.Sub(c, a)

	ap := r3.Sub(p, a)
	d1, d2 := r3.Dot(ab, ap), r3.Dot(ac, ap)
	if d1 <= 0 && d2 <= 0 {
		return a, regionVertexA
	}

	bp := r3.Sub(p, b)
	d3, d4 := r3.Dot(ab, bp), r3.Dot(ac, bp)
	if d3 >= 0 && d4 <= d3 {
		return b, regionVertexB
	}

	vc := d1*d4 - d3*d2
	if vc <= 0 && d1 >= 0 && d3 <= 0 {
		v := d1 / (d1 - d3)
		return r3.Add(a, r3.Scale(v, ab)), regionEdgeAB
	}

	cp := r3.Sub(p, c)
	d5, d6 := r3.Dot(ab, cp), r3.Dot(ac, cp)
	if d6 >= 0 && d5 <= d6 {
		return c, regionVertexC
	}

	vb := d5*d2 - d1*d6
	if vb <= 0 && d2 >= 0 && d6 <= 0 {
		w := d2 / (d2 - d6)
		return r3.Add(a, r3.Scale(w, ac)), regionEdgeCA
	}

	va := d3*d6 - d5*d4
	if va <= 0 && d4-d3 >= 0 && d5-d6 >= 0 {
		w := (d4 - d3) / ((d4 - d3) + (d5 - d6))
		return r3.Add(b, r3.Scale(w, r3.Sub(c, b))), regionEdgeBC
	}

	// Inside the face: barycentric coordinates (1 - v - w, v, w).
	denom := 1 / (va + vb + vc)
	v, w := vb*denom, vc*denom
	return r3.Add(a, r3.Add(r3.Scale(v, ab), r3.Scale(w, ac))), regionFace
}
