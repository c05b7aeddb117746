package mesh

import (
	"gonum.org/v1/gonum/spatial/r3"
)

// Solid is a region of space occupied by a wall, used to mark the solid
// nodes of a Grid.
type Solid interface {
	// Contains reports whether the point p, in m, lies inside the region.
	Contains(p r3.Vec) bool
}

// SolidBox is the axis-aligned box between Min and Max, in m.
type SolidBox struct {
	Min, Max r3.Vec // opposite corners, m
}

// Contains reports whether p lies in the closed box.
func (b SolidBox) Contains(p r3.Vec) bool {
	return p.X >= b.Min.X && p.X <= b.Max.X &&
		p.Y >= b.Min.Y && p.Y <= b.Max.Y &&
		p.Z >= b.Min.Z && p.Z <= b.Max.Z
}

// SolidCylinder is a solid circular cylinder around the segment from
// Start to End. A cylinder along z whose ends lie beyond the grid is the
// circle of a 2D grid.
type SolidCylinder struct {
	Start, End r3.Vec  // centres of the end faces, m
	Radius     float64 // m
}

// Contains reports whether p lies in the closed cylinder.
func (c SolidCylinder) Contains(p r3.Vec) bool {
	axis := r3.Sub(c.End, c.Start)
	length2 := r3.Norm2(axis)
	rel := r3.Sub(p, c.Start)
	if length2 == 0 {
		return false
	}
	s := r3.Dot(rel, axis) / length2
	if s < 0 || s > 1 {
		return false
	}
	radial := r3.Sub(rel, r3.Scale(s, axis))
	return r3.Norm2(radial) <= c.Radius*c.Radius
}

// SolidSphere is a solid ball, or a disc on a 2D grid.
type SolidSphere struct {
	Centre r3.Vec  // m
	Radius float64 // m
}

// Contains reports whether p lies in the closed ball.
func (s SolidSphere) Contains(p r3.Vec) bool {
	return r3.Norm2(r3.Sub(p, s.Centre)) <= s.Radius*s.Radius
}

// MarkSolid marks every node of g whose position lies inside one of the
// solids, and returns the number of nodes newly marked. Marks from earlier
// calls are kept.
func (g *Grid) MarkSolid(solids ...Solid) int {
	if g.Solid == nil {
		g.Solid = make([]bool, g.Len())
	}
	marked := 0
	for k := 0; k < g.Dims[2]; k++ {
		for j := 0; j < g.Dims[1]; j++ {
			for i := 0; i < g.Dims[0]; i++ {
				n := g.Index(i, j, k)
				if g.Solid[n] {
					continue
				}
				p := g.Point(i, j, k)
				for _, s := range solids {
					if s.Contains(p) {
						g.Solid[n] = true
						marked++
						break
					}
				}
			}
		}
	}
	return marked
}
