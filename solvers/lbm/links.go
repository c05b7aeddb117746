package lbm

import (
	"github.com/neusim/neusim/mesh"
)

// linkBC is the boundary condition on a link that leaves the fluid, in
// lattice units.
type linkBC struct {
	kind FaceKind  // Wall (including moving walls and solid nodes), Velocity or Pressure
	u    [3]float64 // wall or inflow velocity, lattice units
	rho  float64    // lattice density of a Pressure face
}

// links records where each fluid node pulls its populations from.
//
// Interior nodes, whose neighbours in every direction are fluid nodes
// inside the grid, pull population i from node n - offset[i]. Every other
// fluid node has a slot s >= 0, and source[s*Q+i] is either the node to
// pull population i from (after periodic wrapping) or, when negative, the
// boundary condition -1-source of the link that ends outside the fluid.
type links struct {
	offset []int   // per velocity, linear offset of the node the population streams from
	slot   []int32 // per node, -1 for interior nodes
	source []int32 // per slot and velocity, source node or -1-boundary index
	bcs    []linkBC
}

// facePriority orders the faces a diagonal link can leave through at an
// edge or corner of the grid: walls win over inlets, and inlets over
// outlets, so no-slip holds at the corners of a channel.
var facePriority = [4]int{Wall: 0, Velocity: 1, Pressure: 2, Periodic: 3}

// buildLinks classifies every link of every fluid node of g.
func buildLinks(g *mesh.Grid, lat *Lattice, faces [6]Face, units Units) *links {
	n := g.Len()
	l := &links{offset: make([]int, lat.Q), slot: make([]int32, n)}
	nx, ny := g.Dims[0], g.Dims[1]
	for i, c := range lat.C {
		l.offset[i] = c[0] + nx*(c[1]+ny*c[2])
	}

	// Boundary 0 is the stationary wall of solid nodes, then one per face.
	l.bcs = append(l.bcs, linkBC{kind: Wall, rho: 1})
	faceBC := [6]int32{}
	for f, face := range faces {
		u := face.Velocity
		faceBC[f] = int32(len(l.bcs))
		l.bcs = append(l.bcs, linkBC{
			kind: face.Kind,
			u:    [3]float64{units.LatticeSpeed(u.X), units.LatticeSpeed(u.Y), units.LatticeSpeed(u.Z)},
			rho:  units.LatticeDensity(face.Pressure),
		})
	}

	row := make([]int32, lat.Q)
	for node := 0; node < n; node++ {
		l.slot[node] = -1
		if g.IsSolid(node) {
			continue
		}
		i0, j0, k0 := g.Coords(node)
		interior := true
		for q, c := range lat.C {
			row[q] = l.classify(g, faces, faceBC, [3]int{i0 - c[0], j0 - c[1], k0 - c[2]})
			if row[q] != int32(node-l.offset[q]) {
				interior = false
			}
		}
		if !interior {
			l.slot[node] = int32(len(l.source) / lat.Q)
			l.source = append(l.source, row...)
		}
	}
	return l
}

// classify returns the source node of a link whose upstream node has grid
// coordinates p, or -1-b for boundary condition b.
func (l *links) classify(g *mesh.Grid, faces [6]Face, faceBC [6]int32, p [3]int) int32 {
	best, bestRank := -1, len(facePriority)
	for a := 0; a < 3; a++ {
		f := -1
		switch {
		case p[a] < 0:
			f = 2 * a
		case p[a] >= g.Dims[a]:
			f = 2*a + 1
		}
		if f < 0 {
			continue
		}
		kind := faces[f].Kind
		if g.Dims[a] == 1 && a == 2 {
			kind = Periodic
		}
		if kind == Periodic {
			p[a] = (p[a] + g.Dims[a]) % g.Dims[a]
			continue
		}
		if rank := facePriority[kind]; rank < bestRank {
			best, bestRank = f, rank
		}
	}
	if best >= 0 {
		return -1 - faceBC[best]
	}
	src := g.Index(p[0], p[1], p[2])
	if g.IsSolid(src) {
		return -1
	}
	return int32(src)
}
