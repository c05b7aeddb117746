package vtk

import (
	"bufio"
	"fmt"

	"gonum.org/v1/gonum/spatial/r3"
)

// vtkTriangle is the VTK cell type of a linear triangle.
const vtkTriangle = 5

// TriangleMesh is a surface of triangles, such as the walls of a case at
// one instant.
type TriangleMesh struct {
	Points    []r3.Vec   // vertices, m
	Triangles [][3]int32 // vertex indices into Points
	Wall      []int32    // per triangle, index of the wall in the case; nil for none
	Material  []int32    // per triangle, material index; nil for none
	Names     []string   // wall names, indexed by Wall; stored as field data
}

// Validate returns an error when an index is out of range or a per
// triangle slice has the wrong length.
func (m *TriangleMesh) Validate() error {
	for i, t := range m.Triangles {
		for _, v := range t {
			if v < 0 || int(v) >= len(m.Points) {
				return fmt.Errorf("triangle %d has vertex index %d, want [0, %d)", i, v, len(m.Points))
			}
		}
	}
	if m.Wall != nil && len(m.Wall) != len(m.Triangles) {
		return fmt.Errorf("Wall has %d entries for %d triangles", len(m.Wall), len(m.Triangles))
	}
	if m.Material != nil && len(m.Material) != len(m.Triangles) {
		return fmt.Errorf("Material has %d entries for %d triangles", len(m.Material), len(m.Triangles))
	}
	return nil
}

// WriteTriangles writes m as a VTK UnstructuredGrid file (.vtu) of
// triangle cells, with the wall and material indices as cell data and
// the simulated time t (s) as field data. The file is written to a
// temporary name and renamed.
func WriteTriangles(path string, m *TriangleMesh, t float64, enc Encoding) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("vtk: %s: %w", path, err)
	}
	return writeAtomic(path, func(w *bufio.Writer) error {
		return encodeTriangles(w, m, t, enc)
	})
}

func encodeTriangles(w *bufio.Writer, m *TriangleMesh, t float64, enc Encoding) error {
	units := []string{"Points=m", "TimeValue=s", "wall=1", "material=1"}
	for i, name := range m.Names {
		units = append(units, fmt.Sprintf("wall %d=%s", i, name))
	}
	n := len(m.Triangles)

	x := &xmlWriter{w: w, enc: enc}
	x.header("UnstructuredGrid", units[:4])
	x.printf("  <UnstructuredGrid>\n")
	x.fieldData("    ", t, units, nil)
	x.printf("    <Piece NumberOfPoints=\"%d\" NumberOfCells=\"%d\">\n", len(m.Points), n)

	x.printf("      <CellData>\n")
	if m.Wall != nil {
		x.array("        ", int32Array("wall", m.Wall), false)
	}
	if m.Material != nil {
		x.array("        ", int32Array("material", m.Material), false)
	}
	x.printf("      </CellData>\n")

	x.printf("      <Points>\n")
	x.array("        ", vecArray("Points", m.Points), false)
	x.printf("      </Points>\n")

	x.printf("      <Cells>\n")
	conn := &dataArray{name: "connectivity", typ: "Int32", components: 1, size: int64(12 * n), data: bytesOf(m.Triangles)}
	x.array("        ", conn, false)
	x.array("        ", rangeArray("offsets", n, 3, 3), false)
	x.array("        ", constUInt8Array("types", n, vtkTriangle), false)
	x.printf("      </Cells>\n")

	x.printf("    </Piece>\n")
	x.printf("  </UnstructuredGrid>\n")
	return x.finish()
}
