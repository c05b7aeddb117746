package mesh

import (
	"fmt"

	"gonum.org/v1/gonum/spatial/r3"
)

// Grid is a structured grid of nodes with uniform spacing, in two or three
// dimensions. A two-dimensional grid has Dims[2] == 1 and lies in the plane
// z = Origin.Z.
//
// Node (i, j, k) sits at Origin + (i, j, k) * Spacing and has the linear
// index i + Dims[0]*(j + Dims[1]*k), so x varies fastest. This is the
// point order of a VTK ImageData (.vti) file, whose Origin, Spacing and
// WholeExtent "0 Dims[0]-1 0 Dims[1]-1 0 Dims[2]-1" are the fields below.
//
// Solid marks nodes inside walls. It is nil until MarkSolid is called; a
// nil Solid means every node is fluid.
type Grid struct {
	Dims    [3]int  // nodes along x, y and z, each >= 1
	Spacing float64 // node spacing, m, the same along every axis
	Origin  r3.Vec  // position of node (0, 0, 0), m
	Solid   []bool  // per node, true inside a wall; nil when none is
}

// NewGrid returns a grid of nx by ny by nz nodes (nz = 1 for a 2D grid)
// with spacing dx in m and node (0, 0, 0) at origin in m.
func NewGrid(nx, ny, nz int, dx float64, origin r3.Vec) (*Grid, error) {
	if nx < 1 || ny < 1 || nz < 1 {
		return nil, fmt.Errorf("mesh: grid dimensions %d x %d x %d: each must be at least 1 (use nz = 1 for a 2D grid)", nx, ny, nz)
	}
	if !(dx > 0) {
		return nil, fmt.Errorf("mesh: grid spacing %g m: must be positive", dx)
	}
	const maxNodes = 1 << 31
	if n := float64(nx) * float64(ny) * float64(nz); n >= maxNodes {
		return nil, fmt.Errorf("mesh: grid of %d x %d x %d nodes has %.3g nodes, more than the limit of %d: use a coarser spacing", nx, ny, nz, n, maxNodes)
	}
	return &Grid{Dims: [3]int{nx, ny, nz}, Spacing: dx, Origin: origin}, nil
}

// Is2D reports whether g has a single layer of nodes along z.
func (g *Grid) Is2D() bool { return g.Dims[2] == 1 }

// Len returns the number of nodes.
func (g *Grid) Len() int { return g.Dims[0] * g.Dims[1] * g.Dims[2] }

// Index returns the linear index of node (i, j, k). It panics when the node
// is outside the grid.
func (g *Grid) Index(i, j, k int) int {
	if i < 0 || i >= g.Dims[0] || j < 0 || j >= g.Dims[1] || k < 0 || k >= g.Dims[2] {
		panic(fmt.Sprintf("mesh: node (%d, %d, %d) outside grid of %v nodes", i, j, k, g.Dims))
	}
	return i + g.Dims[0]*(j+g.Dims[1]*k)
}

// Coords returns the node indices (i, j, k) of linear index n.
func (g *Grid) Coords(n int) (i, j, k int) {
	if n < 0 || n >= g.Len() {
		panic(fmt.Sprintf("mesh: node index %d outside grid of %d nodes", n, g.Len()))
	}
	i = n % g.Dims[0]
	n /= g.Dims[0]
	return i, n % g.Dims[1], n / g.Dims[1]
}

// Point returns the position of node (i, j, k) in m.
func (g *Grid) Point(i, j, k int) r3.Vec {
	return r3.Vec{
		X: g.Origin.X + float64(i)*g.Spacing,
		Y: g.Origin.Y + float64(j)*g.Spacing,
		Z: g.Origin.Z + float64(k)*g.Spacing,
	}
}

// Extent returns the corners of the box spanned by the node positions, m.
func (g *Grid) Extent() (min, max r3.Vec) {
	return g.Origin, g.Point(g.Dims[0]-1, g.Dims[1]-1, g.Dims[2]-1)
}

// IsSolid reports whether node n lies inside a wall.
func (g *Grid) IsSolid(n int) bool { return g.Solid != nil && g.Solid[n] }

// SolidCount returns the number of solid nodes.
func (g *Grid) SolidCount() int {
	count := 0
	for _, s := range g.Solid {
		if s {
			count++
		}
	}
	return count
}
