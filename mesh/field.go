package mesh

import "fmt"

// Location is where a field has its values: on grid nodes or on the cells
// between them.
type Location uint8

const (
	// AtPoints fields have one tuple per grid node (VTK PointData).
	AtPoints Location = iota
	// AtCells fields have one tuple per cell, (Dims[0]-1) x (Dims[1]-1) x
	// (Dims[2]-1) of them with the axes of one node clamped to 1 (VTK
	// CellData).
	AtCells
)

// Field is a named array of values over a grid, stored tuple by tuple:
// component c of tuple n is Data[n*Components+c]. Tuples follow the grid's
// linear node (or cell) order, x fastest.
type Field struct {
	Name       string   // for example "velocity"
	Unit       string   // SI unit of the values, for example "m/s"
	Components int      // values per tuple: 1 for a scalar, 3 for a vector
	Location   Location // nodes or cells
	Data       []float64
}

// NewField returns a zero-valued field with one tuple per node (AtPoints)
// or per cell (AtCells) of g.
func NewField(g *Grid, name, unit string, components int, loc Location) Field {
	if components < 1 {
		panic(fmt.Sprintf("mesh: field %q with %d components", name, components))
	}
	n := g.Len()
	if loc == AtCells {
		n = g.CellCount()
	}
	return Field{Name: name, Unit: unit, Components: components, Location: loc, Data: make([]float64, n*components)}
}

// Tuples returns the number of tuples in f.
func (f *Field) Tuples() int { return len(f.Data) / f.Components }

// Tuple returns the values of tuple n, aliasing f.Data.
func (f *Field) Tuple(n int) []float64 {
	return f.Data[n*f.Components : (n+1)*f.Components]
}

// CellDims returns the number of cells along each axis: one less than the
// nodes along axes with more than one node, and 1 along the others.
func (g *Grid) CellDims() [3]int {
	var d [3]int
	for a, n := range g.Dims {
		d[a] = max(n-1, 1)
	}
	return d
}

// CellCount returns the number of cells of g.
func (g *Grid) CellCount() int {
	d := g.CellDims()
	return d[0] * d[1] * d[2]
}

// Check returns an error when the length of f does not match g.
func (f *Field) Check(g *Grid) error {
	want := g.Len()
	where := "nodes"
	if f.Location == AtCells {
		want, where = g.CellCount(), "cells"
	}
	if f.Components < 1 || len(f.Data) != want*f.Components {
		return fmt.Errorf("mesh: field %q has %d values with %d components per tuple, want %d (one tuple per %s of a %v grid)",
			f.Name, len(f.Data), f.Components, want*max(f.Components, 1), where, g.Dims)
	}
	return nil
}
