package liggghts

import (
	"bytes"
	"fmt"
	"math"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
)

// dataFileName is the name of the initial-state data file in a work
// directory.
const dataFileName = "initial.data"

// dataFile encodes f as a LIGGGHTS data file for atom_style granular:
// Atoms lines "id type diameter density x y z" and Velocities lines
// "id vx vy vz wx wy wz". Atom ids are particle ids plus one, because
// LIGGGHTS ids start at 1.
func dataFile(c *cases.Case, f *particles.Frame) ([]byte, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("liggghts: initial frame: %w", err)
	}
	lo, hi := c.Domain.Min, c.Domain.Max
	var b bytes.Buffer
	fmt.Fprintf(&b, "LIGGGHTS data written by neusim for case %s at step %d\n\n", c.Name, f.Step)
	fmt.Fprintf(&b, "%d atoms\n%d atom types\n", f.Len(), len(c.Materials))
	fmt.Fprintf(&b, "%s %s xlo xhi\n%s %s ylo yhi\n%s %s zlo zhi\n\n", g(lo.X), g(hi.X), g(lo.Y), g(hi.Y), g(lo.Z), g(hi.Z))

	b.WriteString("Atoms\n\n")
	for i := range f.ID {
		id, m, r, p := f.ID[i], int(f.Material[i]), f.Radius[i], f.Pos[i]
		switch {
		case id < 0 || id >= math.MaxInt32-1:
			return nil, fmt.Errorf("liggghts: initial frame: particle id %d outside [0, %d), the range of LIGGGHTS atom ids", id, math.MaxInt32-1)
		case m < 0 || m >= len(c.Materials):
			return nil, fmt.Errorf("liggghts: initial frame: particle %d has material %d outside [0, %d)", id, m, len(c.Materials))
		case !(r > 0) || !(f.Mass[i] > 0):
			return nil, fmt.Errorf("liggghts: initial frame: particle %d has radius %g m and mass %g kg; both must be positive", id, r, f.Mass[i])
		case !inside(p.X, lo.X, hi.X, c.Domain.Periodic[0]) || !inside(p.Y, lo.Y, hi.Y, c.Domain.Periodic[1]) || !inside(p.Z, lo.Z, hi.Z, c.Domain.Periodic[2]):
			return nil, fmt.Errorf("liggghts: initial frame: particle %d at %v lies outside the domain [%v, %v)", id, p, lo, hi)
		}
		density := f.Mass[i] / (4 * math.Pi / 3 * r * r * r)
		fmt.Fprintf(&b, "%d %d %s %s %s %s %s\n", id+1, m+1, g(2*r), g(density), g(p.X), g(p.Y), g(p.Z))
	}

	b.WriteString("\nVelocities\n\n")
	for i := range f.ID {
		fmt.Fprintf(&b, "%d %s %s\n", f.ID[i]+1, vec(f.Vel[i]), vec(f.Omega[i]))
	}
	return b.Bytes(), nil
}

// inside reports whether x lies in [lo, hi), the range LIGGGHTS accepts
// for atoms along a fixed boundary. Periodic coordinates are wrapped by
// LIGGGHTS and always accepted.
func inside(x, lo, hi float64, periodic bool) bool {
	return periodic || (x >= lo && x < hi)
}
