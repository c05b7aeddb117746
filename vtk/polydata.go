package vtk

import (
	"bufio"
	"fmt"
	"slices"

	"github.com/neusim/neusim/particles"
)

// particleUnits lists the SI unit of every array a particle file can
// contain. Files of frames without entity ids have no entity array.
var particleUnits = []string{
	"Points=m", "velocity=m/s", "angular_velocity=rad/s", "radius=m", "mass=kg",
	"id=1", "material=1", "entity=1", "TimeValue=s", "step=1", "outlet_count=1", "outlet_mass=kg",
}

// particleUnitsFor returns the units of the arrays of f's particle file.
func particleUnitsFor(f *particles.Frame) []string {
	if f.Entity != nil {
		return particleUnits
	}
	return slices.DeleteFunc(slices.Clone(particleUnits), func(u string) bool { return u == "entity=1" })
}

// WriteParticles writes frame f as a VTK PolyData file (.vtp) with one
// point per particle centre (m) and a vertex cell per point, so that
// ParaView draws them. Point data are velocity (m/s), angular_velocity
// (rad/s), radius (m), mass (kg), id, material and, when f has entity
// ids, entity. Field data hold the simulated time (TimeValue, s), the step, the cumulative
// outlet counts and masses (kg) and the units. The file is written to a
// temporary name and renamed.
func WriteParticles(path string, f *particles.Frame, enc Encoding) error {
	if err := f.Validate(); err != nil {
		return fmt.Errorf("vtk: %s: %w", path, err)
	}
	return writeAtomic(path, func(w *bufio.Writer) error {
		return encodeParticles(w, f, enc)
	})
}

func encodeParticles(w *bufio.Writer, f *particles.Frame, enc Encoding) error {
	n := f.Len()
	x := &xmlWriter{w: w, enc: enc}
	units := particleUnitsFor(f)
	x.header("PolyData", units)
	x.printf("  <PolyData>\n")
	x.fieldData("    ", f.Time, units, []*dataArray{
		int64Array("step", []int64{f.Step}),
		int64Array("outlet_count", f.OutletCount),
		float64Array("outlet_mass", 1, f.OutletMass),
	})
	x.printf("    <Piece NumberOfPoints=\"%d\" NumberOfVerts=\"%d\" NumberOfLines=\"0\" NumberOfStrips=\"0\" NumberOfPolys=\"0\">\n", n, n)

	x.printf("      <PointData Scalars=\"radius\" Vectors=\"velocity\">\n")
	for _, a := range []*dataArray{
		vecArray("velocity", f.Vel),
		vecArray("angular_velocity", f.Omega),
		float64Array("radius", 1, f.Radius),
		float64Array("mass", 1, f.Mass),
		int64Array("id", f.ID),
		int32Array("material", f.Material),
	} {
		x.array("        ", a, false)
	}
	if f.Entity != nil {
		x.array("        ", int32Array("entity", f.Entity), false)
	}
	x.printf("      </PointData>\n")

	x.printf("      <Points>\n")
	x.array("        ", vecArray("Points", f.Pos), false)
	x.printf("      </Points>\n")

	x.printf("      <Verts>\n")
	x.array("        ", rangeArray("connectivity", n, 0, 1), false)
	x.array("        ", rangeArray("offsets", n, 1, 1), false)
	x.printf("      </Verts>\n")

	x.printf("    </Piece>\n")
	x.printf("  </PolyData>\n")
	return x.finish()
}
