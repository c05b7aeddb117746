package lbm

import (
	"github.com/neusim/neusim/mesh"
)

// linkBC is the boundary condition on a link that leaves the fluid, in
// lattice units.
type linkBC struct {
	kind FaceKind   // Wall (including moving walls and solid nodes), Velocity or Pressure
	u    [3]float64 // wall or inflow velocity, lattice units
	rho  float64    // lattice density of a Pressure face

	// For a Pressure link: the fluid node in the outer layer next to the
	// ghost node the link starts from (anchor), and the node one layer
	// further inside (inner, -1 when there is none). The ghost's state is
	// extrapolated from them.
	anchor, inner int32
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
// outlets, so no-slip holds at the corners of a channel. Between two
// walls the face with the lower index wins.
//
// NOTE: at the two ends of a moving lid the corner link belongs to the
// side wall, so one corner node loses and the other gains the mass of one
// momentum term per step. Total mass stays conserved, and letting the lid
// win instead left an undamped oscillation in the 65 x 65 cavity.
var facePriority = [4]int{Wall: 0, Velocity: 1, Pressure: 2, Periodic: 3}

// linkBuilder carries what buildLinks needs while it classifies links.
type linkBuilder struct {
	*links
	g      *mesh.Grid
	faces  [6]Face
	units  Units
	faceBC [6]int32 // boundary index of each face without a per-link state
}

// buildLinks classifies every link of every fluid node of g.
func buildLinks(g *mesh.Grid, lat *Lattice, faces [6]Face, units Units) *links {
	n := g.Len()
	b := &linkBuilder{
		links: &links{offset: make([]int, lat.Q), slot: make([]int32, n)},
		g:     g, faces: faces, units: units,
	}
	nx, ny := g.Dims[0], g.Dims[1]
	for i, c := range lat.C {
		b.offset[i] = c[0] + nx*(c[1]+ny*c[2])
	}

	// Boundary 0 is the stationary wall of solid nodes, then one per face.
	b.bcs = append(b.bcs, linkBC{kind: Wall, rho: 1})
	for f, face := range faces {
		u := face.Velocity
		b.faceBC[f] = int32(len(b.bcs))
		b.bcs = append(b.bcs, linkBC{
			kind: face.Kind,
			u:    [3]float64{units.LatticeSpeed(u.X), units.LatticeSpeed(u.Y), units.LatticeSpeed(u.Z)},
			rho:  1,
		})
	}

	row := make([]int32, lat.Q)
	for node := 0; node < n; node++ {
		b.slot[node] = -1
		if g.IsSolid(node) {
			continue
		}
		i0, j0, k0 := g.Coords(node)
		interior := true
		for q, c := range lat.C {
			row[q] = b.link(node, [3]int{i0, j0, k0}, c)
			if row[q] != int32(node-b.offset[q]) {
				interior = false
			}
		}
		if !interior {
			b.slot[node] = int32(len(b.source) / lat.Q)
			b.source = append(b.source, row...)
		}
	}
	return b.links
}

// link returns the source entry of the link that brings velocity c to the
// node with grid coordinates at.
func (b *linkBuilder) link(node int, at, c [3]int) int32 {
	ghost := [3]int{at[0] - c[0], at[1] - c[1], at[2] - c[2]}
	src, face := b.classify(ghost)
	if face < 0 {
		return src
	}
	switch b.faces[face].Kind {
	case Velocity:
		if b.faces[face].Profile != nil {
			return b.profileBC(face, at, c)
		}
	case Pressure:
		return b.outletBC(node, face, ghost)
	}
	return -1 - b.faceBC[face]
}

// profileBC adds the boundary condition of the link from the node with
// grid coordinates at toward -c through a Velocity face with a profile, and
// returns its code. The profile is evaluated where the link crosses the
// face, half a spacing from the node.
func (b *linkBuilder) profileBC(face int, at, c [3]int) int32 {
	p := b.g.Point(at[0], at[1], at[2])
	h := 0.5 * b.g.Spacing
	p.X -= h * float64(c[0])
	p.Y -= h * float64(c[1])
	p.Z -= h * float64(c[2])
	u := b.faces[face].Profile(p)
	b.bcs = append(b.bcs, linkBC{
		kind: Velocity,
		u:    [3]float64{b.units.LatticeSpeed(u.X), b.units.LatticeSpeed(u.Y), b.units.LatticeSpeed(u.Z)},
		rho:  1,
	})
	return int32(-len(b.bcs))
}

// outletBC adds the boundary condition of a link from the ghost node with
// grid coordinates ghost, beyond Pressure face f, to node, and returns its
// code. The ghost's anchor is the outer-layer node next to it along the
// face normal. Where that node is not fluid, at an edge of the face, the
// receiving node is used instead.
func (b *linkBuilder) outletBC(node, f int, ghost [3]int) int32 {
	axis, step := f/2, 1
	if f%2 == 1 {
		step = -1
	}
	anchor := ghost
	anchor[axis] += step
	anchorNode, ok := b.fluidNode(anchor)
	if !ok {
		anchorNode = node
		anchor[0], anchor[1], anchor[2] = b.g.Coords(node)
	}
	inner := anchor
	inner[axis] += step
	innerNode, ok := b.fluidNode(inner)
	if !ok {
		innerNode = -1
	}
	b.bcs = append(b.bcs, linkBC{
		kind:   Pressure,
		rho:    b.units.LatticeDensity(b.faces[f].Pressure),
		anchor: int32(anchorNode),
		inner:  int32(innerNode),
	})
	return int32(-len(b.bcs))
}

// fluidNode returns the index of the fluid node at grid coordinates p,
// wrapped across periodic faces, and whether there is one.
func (b *linkBuilder) fluidNode(p [3]int) (int, bool) {
	for a := 0; a < 3; a++ {
		if p[a] >= 0 && p[a] < b.g.Dims[a] {
			continue
		}
		if !b.periodic(a) {
			return 0, false
		}
		p[a] = (p[a]%b.g.Dims[a] + b.g.Dims[a]) % b.g.Dims[a]
	}
	n := b.g.Index(p[0], p[1], p[2])
	return n, !b.g.IsSolid(n)
}

// periodic reports whether the faces normal to axis a are periodic; the
// z faces of a 2D grid always are.
func (b *linkBuilder) periodic(a int) bool {
	return b.faces[2*a].Kind == Periodic || (a == 2 && b.g.Dims[2] == 1)
}

// classify returns the source node of a link whose upstream node has grid
// coordinates p, -1 when that node is solid, or the face the link leaves
// the grid through (face >= 0).
func (b *linkBuilder) classify(p [3]int) (src int32, face int) {
	best, bestRank := -1, len(facePriority)
	for a := 0; a < 3; a++ {
		f := -1
		switch {
		case p[a] < 0:
			f = 2 * a
		case p[a] >= b.g.Dims[a]:
			f = 2*a + 1
		}
		if f < 0 {
			continue
		}
		if b.periodic(a) {
			p[a] = (p[a] + b.g.Dims[a]) % b.g.Dims[a]
			continue
		}
		if rank := facePriority[b.faces[f].Kind]; rank < bestRank {
			best, bestRank = f, rank
		}
	}
	if best >= 0 {
		return 0, best
	}
	node := b.g.Index(p[0], p[1], p[2])
	if b.g.IsSolid(node) {
		return -1, -1
	}
	return int32(node), -1
}
