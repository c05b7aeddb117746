package liggghts

import (
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/particles"
)

// dumpColumnIndex holds the position of each known column in an ATOMS
// line, -1 when absent.
type dumpColumnIndex struct {
	n          int // columns per line
	id, typ    int
	pos        [3]int
	scaled     bool // positions are fractions of the box (xs ys zs)
	vel, omega [3]int
	radius     int
	diameter   bool // the radius column holds diameters
	mass       int
}

// columns maps the column names of an ITEM: ATOMS line.
func (d *dumpReader) columns(names []string) (dumpColumnIndex, error) {
	c := dumpColumnIndex{n: len(names), id: -1, typ: -1, radius: -1, mass: -1}
	for i := range 3 {
		c.pos[i], c.vel[i], c.omega[i] = -1, -1, -1
	}
	seen := map[string]bool{}
	for i, name := range names {
		if seen[name] {
			return c, d.errorf("column %q appears twice", name)
		}
		seen[name] = true
		switch name {
		case "id":
			c.id = i
		case "type":
			c.typ = i
		case "x", "y", "z", "xu", "yu", "zu":
			c.pos[name[0]-'x'] = i
		case "xs", "ys", "zs":
			c.pos[name[0]-'x'] = i
			c.scaled = true
		case "vx", "vy", "vz":
			c.vel[name[1]-'x'] = i
		case "omegax", "omegay", "omegaz":
			c.omega[name[5]-'x'] = i
		case "radius":
			c.radius = i
		case "diameter":
			c.radius, c.diameter = i, true
		case "mass":
			c.mass = i
		}
	}
	if seen["radius"] && seen["diameter"] {
		return c, d.errorf("both radius and diameter columns; keep one")
	}
	required := []struct {
		name  string
		index int
	}{
		{"id", c.id}, {"type", c.typ},
		{"x", c.pos[0]}, {"y", c.pos[1]}, {"z", c.pos[2]},
		{"vx", c.vel[0]}, {"vy", c.vel[1]}, {"vz", c.vel[2]},
		{"radius", c.radius},
	}
	for _, r := range required {
		if r.index < 0 {
			return c, d.errorf("missing column %s in ITEM: ATOMS %s; add it to the dump custom command", r.name, strings.Join(names, " "))
		}
	}
	scaled := 0
	for _, name := range []string{"xs", "ys", "zs"} {
		if seen[name] {
			scaled++
		}
	}
	if scaled != 0 && scaled != 3 {
		return c, d.errorf("positions mix scaled (xs ys zs) and unscaled columns; dump all three the same way")
	}
	return c, nil
}

// atoms reads n ATOMS lines into f.
func (d *dumpReader) atoms(f *particles.Frame, n int, c dumpColumnIndex, lo, hi [3]float64) error {
	// n comes from the file, so the slices grow as lines arrive instead of
	// trusting it for one large allocation.
	f.Resize(0)
	ids := make(map[int64]bool, min(n, 1<<16))
	for range n {
		s, err := d.mustLine("an atom line")
		if err != nil {
			return err
		}
		fields := strings.Fields(s)
		if len(fields) != c.n {
			return d.errorf("atom line has %d values, expected %d (one per column)", len(fields), c.n)
		}
		id, err := strconv.ParseInt(fields[c.id], 10, 64)
		if err != nil {
			return d.errorf("invalid atom id %q; expected an integer", clip80(fields[c.id]))
		}
		if ids[id] {
			return d.errorf("atom id %d appears twice in the snapshot at step %d", id, f.Step)
		}
		ids[id] = true
		typ, err := strconv.Atoi(fields[c.typ])
		if err != nil || typ < 1 {
			return d.errorf("invalid atom type %q; expected a positive integer", clip80(fields[c.typ]))
		}

		var pos, vel, omega [3]float64
		for k := range 3 {
			if pos[k], err = d.float(fields[c.pos[k]], "position"); err != nil {
				return err
			}
			if c.scaled {
				pos[k] = lo[k] + pos[k]*(hi[k]-lo[k])
			}
			if vel[k], err = d.float(fields[c.vel[k]], "velocity"); err != nil {
				return err
			}
			if c.omega[k] >= 0 {
				if omega[k], err = d.float(fields[c.omega[k]], "angular velocity"); err != nil {
					return err
				}
			}
		}
		radius, err := d.float(fields[c.radius], "radius")
		if err != nil {
			return err
		}
		if c.diameter {
			radius /= 2
		}
		if radius <= 0 {
			return d.errorf("atom %d has radius %g m; radii must be positive", id, radius)
		}
		mass, err := d.mass(fields, c, typ, radius)
		if err != nil {
			return err
		}

		f.ID = append(f.ID, id+d.opt.IDOffset)
		f.Pos = append(f.Pos, r3.Vec{X: pos[0], Y: pos[1], Z: pos[2]})
		f.Vel = append(f.Vel, r3.Vec{X: vel[0], Y: vel[1], Z: vel[2]})
		f.Omega = append(f.Omega, r3.Vec{X: omega[0], Y: omega[1], Z: omega[2]})
		f.Radius = append(f.Radius, radius)
		f.Mass = append(f.Mass, mass)
		f.Material = append(f.Material, d.opt.material(typ))
	}
	return nil
}

// mass returns the atom's mass from its column, or from its radius and
// the density of its type, kg.
func (d *dumpReader) mass(fields []string, c dumpColumnIndex, typ int, radius float64) (float64, error) {
	if c.mass >= 0 {
		m, err := d.float(fields[c.mass], "mass")
		if err != nil {
			return 0, err
		}
		if m <= 0 {
			return 0, d.errorf("mass %g kg must be positive", m)
		}
		return m, nil
	}
	rho, ok := d.opt.Densities[typ]
	if !ok || rho <= 0 {
		return 0, d.errorf("missing column mass and no density for atom type %d; add mass to the dump custom command or give the density of each type", typ)
	}
	m := rho * 4 * math.Pi / 3 * radius * radius * radius
	if !(m > 0) || math.IsInf(m, 0) {
		return 0, d.errorf("mass %g kg from radius %g m and density %g kg/m^3 is not a positive finite number", m, radius, rho)
	}
	return m, nil
}
