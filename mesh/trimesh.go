package mesh

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/spatial/r3"
)

// Contact keys of a triangle mesh carry the feature kind in bits 60 and
// up: a face is keyed by its triangle's index in the input list, an edge
// by its two welded vertex indices i < j as i*nv + j, a vertex by its
// welded index.
const featureShift = 60

// triMesh is a triangle mesh wall. It has no inside: a sphere is pushed
// toward the side of the mesh its centre is on.
//
// A sphere gets one contact per local minimum of its distance to the
// mesh surface. It thus feels one force where it rests on a flat region
// made of many triangles, even on their shared edges and vertices, and
// one force per face in a concave corner. A face contact
// is always such a minimum. An edge or vertex contact is one only when
// no triangle sharing that edge or vertex comes closer to the centre;
// otherwise the sphere is really touching the face of that neighbour
// (or a different feature), and the edge or vertex contact would add a
// second force. Contacts at the same point found through different
// triangles (a point on a shared edge, say) are merged.
//
// NOTE: a sphere rolling across a flat mesh changes Key at every shared
// edge (face, edge, next face), so tangential history kept per key
// restarts there. The local-minimum test costs O(k^2) for k triangles
// within reach, which matters only for spheres much larger than the
// triangles.
type triMesh struct {
	verts []r3.Vec   // welded vertices, m
	tris  [][3]int32 // vertex indices of non-degenerate triangles
	input []int32    // index of each triangle in the input list
	norms []r3.Vec   // unit normals, (B - A) x (C - A) direction

	triEdges  [][3]int32 // edge index of edges AB, BC and CA of each triangle
	edgeVerts [][2]int32 // welded vertex indices of each edge, ascending
	edgeStart []int32    // edge e's triangles are edgeTris[edgeStart[e]:edgeStart[e+1]]
	edgeTris  []int32
	vertStart []int32 // vertex v's triangles are vertTris[vertStart[v]:vertStart[v+1]]
	vertTris  []int32

	lo, hi r3.Vec   // bounding box, m
	scale  float64  // bounding-box diagonal, m
	index  *triGrid // contact search, nil for meshes small enough to scan
	tree   *triBVH  // nearest-point search, nil with index
}

// bruteLimit is the triangle count below which queries scan every
// triangle instead of using the grid.
const bruteLimit = 32

// newTriMesh welds the vertices of tris, drops degenerate triangles and
// builds the adjacency and the grid.
func newTriMesh(tris [][3]r3.Vec) (*triMesh, error) {
	if len(tris) == 0 {
		return nil, fmt.Errorf("mesh has no triangles: check that the STL file contains facets")
	}
	m := &triMesh{}
	m.lo = r3.Vec{X: math.Inf(1), Y: math.Inf(1), Z: math.Inf(1)}
	m.hi = r3.Scale(-1, m.lo)
	for i, t := range tris {
		for _, v := range t {
			if !finite(v) {
				return nil, fmt.Errorf("triangle %d (counting from 0) has a vertex %v that is not finite: fix or remove it in the STL file", i, v)
			}
			m.lo, m.hi = minVec(m.lo, v), maxVec(m.hi, v)
		}
	}
	m.scale = r3.Norm(r3.Sub(m.hi, m.lo))

	m.weld(tris)
	if len(m.tris) == 0 {
		return nil, fmt.Errorf("all %d triangles are degenerate (zero area after welding vertices closer than %g m): check the STL file and its scale", len(tris), weldTolerance*m.scale)
	}
	m.buildAdjacency()
	if len(m.tris) >= bruteLimit {
		m.index = newTriGrid(m.verts, m.tris)
		m.tree = newTriBVH(m.verts, m.tris)
	}
	return m, nil
}

// weldTolerance is the distance, relative to the bounding-box diagonal,
// below which vertices are merged. STL stores float32 coordinates, whose
// relative precision is about 6e-8, so copies of one vertex written by
// different triangles agree to well within it.
const weldTolerance = 1e-7

func (m *triMesh) weld(tris [][3]r3.Vec) {
	tol := weldTolerance * m.scale
	if tol == 0 {
		tol = math.SmallestNonzeroFloat64
	}
	cellOf := func(v r3.Vec) [3]int64 {
		return [3]int64{int64(math.Floor(v.X / tol)), int64(math.Floor(v.Y / tol)), int64(math.Floor(v.Z / tol))}
	}
	cells := make(map[[3]int64][]int32)
	find := func(v r3.Vec) int32 {
		c := cellOf(v)
		for dx := int64(-1); dx <= 1; dx++ {
			for dy := int64(-1); dy <= 1; dy++ {
				for dz := int64(-1); dz <= 1; dz++ {
					for _, i := range cells[[3]int64{c[0] + dx, c[1] + dy, c[2] + dz}] {
						if r3.Norm(r3.Sub(m.verts[i], v)) <= tol {
							return i
						}
					}
				}
			}
		}
		i := int32(len(m.verts))
		m.verts = append(m.verts, v)
		cells[c] = append(cells[c], i)
		return i
	}

	for k, t := range tris {
		ids := [3]int32{find(t[0]), find(t[1]), find(t[2])}
		if ids[0] == ids[1] || ids[1] == ids[2] || ids[2] == ids[0] {
			continue
		}
		a, b, c := m.verts[ids[0]], m.verts[ids[1]], m.verts[ids[2]]
		n := r3.Cross(r3.Sub(b, a), r3.Sub(c, a))
		if r3.Norm(n) <= tol*tol {
			continue
		}
		m.tris = append(m.tris, ids)
		m.input = append(m.input, int32(k))
		m.norms = append(m.norms, r3.Unit(n))
	}
}

// buildAdjacency numbers the edges and lists the triangles around every
// edge and vertex in compressed-row form.
func (m *triMesh) buildAdjacency() {
	edgeID := make(map[[2]int32]int32)
	m.triEdges = make([][3]int32, len(m.tris))
	for t, ids := range m.tris {
		for k := 0; k < 3; k++ {
			i, j := ids[k], ids[(k+1)%3]
			if i > j {
				i, j = j, i
			}
			e, ok := edgeID[[2]int32{i, j}]
			if !ok {
				e = int32(len(m.edgeVerts))
				edgeID[[2]int32{i, j}] = e
				m.edgeVerts = append(m.edgeVerts, [2]int32{i, j})
			}
			m.triEdges[t][k] = e
		}
	}

	m.edgeStart, m.edgeTris = csr(len(m.edgeVerts), len(m.tris), func(t int) [3]int32 { return m.triEdges[t] })
	m.vertStart, m.vertTris = csr(len(m.verts), len(m.tris), func(t int) [3]int32 { return m.tris[t] })
}

// csr lists, for each of n items, the triangles that name it, given the
// three items each triangle names.
func csr(n, ntri int, items func(t int) [3]int32) (start, list []int32) {
	start = make([]int32, n+1)
	for t := 0; t < ntri; t++ {
		for _, x := range items(t) {
			start[x+1]++
		}
	}
	for i := 0; i < n; i++ {
		start[i+1] += start[i]
	}
	list = make([]int32, start[n])
	fill := append([]int32(nil), start[:n]...)
	for t := 0; t < ntri; t++ {
		for _, x := range items(t) {
			list[fill[x]] = int32(t)
			fill[x]++
		}
	}
	return start, list
}

func finite(v r3.Vec) bool {
	return !math.IsNaN(v.X+v.Y+v.Z) && !math.IsInf(v.X+v.Y+v.Z, 0)
}

func (m *triMesh) bounds() (min, max r3.Vec) { return m.lo, m.hi }

// candidate is the point of one triangle closest to a sphere centre.
type candidate struct {
	tri    int32
	region triRegion
	point  r3.Vec
	dist   float64
}

func (m *triMesh) closest(p r3.Vec, t int32) (r3.Vec, triRegion) {
	ids := m.tris[t]
	return closestOnTriangle(p, m.verts[ids[0]], m.verts[ids[1]], m.verts[ids[2]])
}

// contacts implements shape.
func (m *triMesh) contacts(p r3.Vec, r float64, dst []Contact) []Contact {
	var buf [32]candidate
	cands := m.gather(p, r, buf[:0])
	return m.resolve(p, r, cands, dst)
}

// contactsBrute is contacts with every triangle tested, for checking
// the grid.
func (m *triMesh) contactsBrute(p r3.Vec, r float64, dst []Contact) []Contact {
	var cands []candidate
	for t := range m.tris {
		cands = m.consider(p, r, int32(t), cands)
	}
	return m.resolve(p, r, cands, dst)
}

// consider appends triangle t to cands when it is closer than r to p.
func (m *triMesh) consider(p r3.Vec, r float64, t int32, cands []candidate) []candidate {
	c, region := m.closest(p, t)
	d := r3.Norm(r3.Sub(p, c))
	if d >= r {
		return cands
	}
	return append(cands, candidate{tri: t, region: region, point: c, dist: d})
}

// gather returns the triangles closer than r to p.
func (m *triMesh) gather(p r3.Vec, r float64, cands []candidate) []candidate {
	if m.index == nil {
		for t := range m.tris {
			cands = m.consider(p, r, int32(t), cands)
		}
		return cands
	}
	return m.index.gather(m, p, r, cands)
}
