package mesh

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/spatial/r3"
)

// resolve turns the triangles closer than r to p into contacts: faces
// always, edges and vertices only at local minima of the distance, and
// one contact per point (see triMesh). The new contacts are sorted by
// feature and key, and do not depend on the order of cands.
func (m *triMesh) resolve(p r3.Vec, r float64, cands []candidate, dst []Contact) []Contact {
	// Round-off in the closest points is far below tol. Points closer
	// than near are one point of the surface even where the mesh does
	// not say so: unwelded copies of a vertex, or a vertex lying on the
	// edge of another triangle (a T-junction).
	tol := 1e-9*r + 1e-12*m.scale
	near := math.Max(tol, weldTolerance*m.scale)
	sortByTriangle(cands)
	start := len(dst)
	for _, c := range cands {
		kind, key, incident := m.feature(c)
		if kind != FeatureFace && !m.localMinimum(c, incident, cands, tol, near) {
			continue
		}
		contact := m.contact(p, r, c, kind, key)

		merged := false
		for i := start; i < len(dst); i++ {
			old := &dst[i]
			if old.Key != key && r3.Norm(r3.Sub(old.Point, contact.Point)) > near {
				continue
			}
			// The same point found through several triangles: keep the
			// face over an edge over a vertex, then the lowest key.
			if kind < old.Feature || kind == old.Feature && key < old.Key {
				*old = contact
			}
			merged = true
			break
		}
		if !merged {
			dst = append(dst, contact)
		}
	}

	sortContacts(dst[start:])
	return dst
}

// sortContacts sorts the few contacts of one query by feature and key,
// by insertion because sort.Slice allocates.
func sortContacts(cs []Contact) {
	less := func(a, b *Contact) bool {
		return a.Feature < b.Feature || a.Feature == b.Feature && a.Key < b.Key
	}
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && less(&cs[j], &cs[j-1]); j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

// sortByTriangle sorts the few candidates of one query by insertion.
func sortByTriangle(cands []candidate) {
	for i := 1; i < len(cands); i++ {
		for j := i; j > 0 && cands[j].tri < cands[j-1].tri; j-- {
			cands[j], cands[j-1] = cands[j-1], cands[j]
		}
	}
}

// feature returns the kind and key of the feature that holds the closest
// point of a candidate, and the triangles sharing that feature.
func (m *triMesh) feature(c candidate) (Feature, int64, []int32) {
	switch c.region {
	case regionEdgeAB, regionEdgeBC, regionEdgeCA:
		e := m.triEdges[c.tri][c.region-regionEdgeAB]
		ij := m.edgeVerts[e]
		key := int64(FeatureEdge)<<featureShift | int64(ij[0])*int64(len(m.verts)) + int64(ij[1])
		return FeatureEdge, key, m.edgeTris[m.edgeStart[e]:m.edgeStart[e+1]]
	case regionVertexA, regionVertexB, regionVertexC:
		v := m.tris[c.tri][c.region-regionVertexA]
		key := int64(FeatureVertex)<<featureShift | int64(v)
		return FeatureVertex, key, m.vertTris[m.vertStart[v]:m.vertStart[v+1]]
	}
	return FeatureFace, int64(m.input[c.tri]), nil
}

// localMinimum reports whether the point e of an edge or vertex
// candidate c is a local minimum of the distance over the mesh surface:
// no triangle containing e has its own closest point elsewhere, because
// then points of that triangle next to e are closer. Triangles sharing
// the feature contain e exactly, and any other candidate triangle that
// passes within near of e counts too, which covers T-junctions.
//
// Comparing points rather than distances matters: a centre that projects
// into a neighbour face a distance delta from the edge is closer to that
// face by only delta^2/(2 d). Every triangle containing e is closer than
// r, so it is among the candidates unless round-off put it just beyond
// the sphere.
func (m *triMesh) localMinimum(c candidate, incident []int32, cands []candidate, tol, near float64) bool {
	for _, o := range cands {
		gap := r3.Norm(r3.Sub(o.point, c.point))
		if o.tri == c.tri || gap <= tol {
			continue
		}
		if slices.Contains(incident, o.tri) {
			return false
		}
		if gap <= near {
			continue
		}
		a := m.verts[m.tris[o.tri][0]]
		if math.Abs(r3.Dot(r3.Sub(c.point, a), m.norms[o.tri])) > near {
			continue // e is off the plane of o, so o does not contain it
		}
		x, _ := m.closest(c.point, o.tri)
		if r3.Norm(r3.Sub(x, c.point)) <= near {
			return false
		}
	}
	return true
}

// contact builds the contact of candidate c. A face pushes along its
// normal, oriented toward the centre; an edge or vertex pushes along the
// line from the point to the centre.
func (m *triMesh) contact(p r3.Vec, r float64, c candidate, kind Feature, key int64) Contact {
	n := m.norms[c.tri]
	d := r3.Sub(p, c.point)
	normal := n
	if r3.Dot(d, n) < 0 {
		normal = r3.Scale(-1, n)
	}
	if kind != FeatureFace && c.dist > 0 {
		normal = r3.Scale(1/c.dist, d)
	}
	return Contact{Point: c.point, Normal: normal, Overlap: r - c.dist, Feature: kind, Key: key}
}

// nearest implements shape.
func (m *triMesh) nearest(p r3.Vec) (point, normal r3.Vec) {
	var tri int32
	var dist float64
	if m.index == nil {
		tri, point, dist = m.nearestBrute(p)
	} else {
		tri, point, dist = m.tree.nearest(m, p)
	}
	if dist > 1e-12*m.scale {
		return point, r3.Scale(1/dist, r3.Sub(p, point))
	}
	return point, m.norms[tri]
}

func (m *triMesh) nearestBrute(p r3.Vec) (tri int32, point r3.Vec, dist float64) {
	dist = math.Inf(1)
	for t := range m.tris {
		c, _ := m.closest(p, int32(t))
		if d := r3.Norm(r3.Sub(p, c)); d < dist {
			tri, point, dist = int32(t), c, d
		}
	}
	return tri, point, dist
}
