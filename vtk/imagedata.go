package vtk

import (
	"bufio"
	"fmt"
	"strconv"

	"github.com/neusim/neusim/mesh"
)

// WriteImageData writes fields over a structured grid as a VTK ImageData
// file (.vti). Fields at points become point data, fields at cells cell
// data; a field's Components may be 1 (scalar), 3 (vector) or 9 (3x3
// tensor, row-major, as ParaView expects). The simulated time t (s) and
// the unit of every field are stored as field data. The file is written
// to a temporary name and renamed.
func WriteImageData(path string, g *mesh.Grid, fields []mesh.Field, t float64, enc Encoding) error {
	for i := range fields {
		if err := fields[i].Check(g); err != nil {
			return fmt.Errorf("vtk: %s: %w", path, err)
		}
	}
	return writeAtomic(path, func(w *bufio.Writer) error {
		return encodeImageData(w, g, fields, t, enc)
	})
}

func encodeImageData(w *bufio.Writer, g *mesh.Grid, fields []mesh.Field, t float64, enc Encoding) error {
	units := []string{"Origin=m", "Spacing=m", "TimeValue=s"}
	for _, f := range fields {
		units = append(units, f.Name+"="+f.Unit)
	}
	extent := fmt.Sprintf("0 %d 0 %d 0 %d", g.Dims[0]-1, g.Dims[1]-1, g.Dims[2]-1)
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	origin := num(g.Origin.X) + " " + num(g.Origin.Y) + " " + num(g.Origin.Z)
	h := num(g.Spacing)

	x := &xmlWriter{w: w, enc: enc}
	x.header("ImageData", units)
	x.printf("  <ImageData WholeExtent=%q Origin=%q Spacing=%q Direction=\"1 0 0 0 1 0 0 0 1\">\n", extent, origin, h+" "+h+" "+h)
	x.fieldData("    ", t, units, nil)
	x.printf("    <Piece Extent=%q>\n", extent)
	for _, loc := range []struct {
		where mesh.Location
		tag   string
	}{{mesh.AtPoints, "PointData"}, {mesh.AtCells, "CellData"}} {
		x.printf("      <%s>\n", loc.tag)
		for i := range fields {
			if f := &fields[i]; f.Location == loc.where {
				x.array("        ", float64Array(f.Name, f.Components, f.Data), false)
			}
		}
		x.printf("      </%s>\n", loc.tag)
	}
	x.printf("    </Piece>\n")
	x.printf("  </ImageData>\n")
	return x.finish()
}
