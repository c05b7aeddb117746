package liggghts

import (
	"bufio"
	"fmt"
	"io"
	"iter"
	"math"
	"strconv"
	"strings"

	"github.com/neusim/neusim/particles"
)

// DumpOptions controls how LIGGGHTS dump files become frames. The zero
// value works for dumps that have a mass column.
type DumpOptions struct {
	// TimeStep is the integration step in s; a frame's Time is its step
	// times TimeStep, unless the dump has an "ITEM: TIME" section.
	TimeStep float64

	// Densities maps atom types to particle densities in kg/m^3, used to
	// compute masses from radii when the dump has no mass column.
	Densities map[int]float64

	// Materials maps atom types to material indices. Types not in the map
	// become material type-1.
	Materials map[int]int32

	// IDOffset is added to every atom id to form the particle id.
	IDOffset int64
}

func (o DumpOptions) material(typ int) int32 {
	if m, ok := o.Materials[typ]; ok {
		return m
	}
	return int32(typ - 1)
}

// dumpReader parses the text of "dump custom" files, one snapshot at a
// time. Each snapshot is a sequence of ITEM sections: TIMESTEP, optional
// TIME and UNITS, NUMBER OF ATOMS, BOX BOUNDS, and ATOMS with the column
// names.
type dumpReader struct {
	sc   *bufio.Scanner
	name string
	line int
	opt  DumpOptions
}

// ReadDump returns the frames of the LIGGGHTS or LAMMPS "dump custom"
// text in r, in file order; name labels error messages. Columns may come
// in any order. Required: id, type, x y z (or xu yu zu, or scaled xs ys
// zs), vx vy vz, and radius or diameter. Optional: omegax omegay omegaz
// (zero when missing) and mass (computed from the radius and
// opt.Densities when missing). Iteration stops at the first error, which
// names the file and line.
func ReadDump(r io.Reader, name string, opt DumpOptions) iter.Seq2[*particles.Frame, error] {
	return func(yield func(*particles.Frame, error) bool) {
		d := &dumpReader{sc: bufio.NewScanner(r), name: name, opt: opt}
		d.sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
		for {
			f, err := d.next()
			if err == io.EOF {
				return
			}
			if !yield(f, err) || err != nil {
				return
			}
		}
	}
}

func (d *dumpReader) errorf(format string, args ...any) error {
	return fmt.Errorf("liggghts: %s:%d: %s", d.name, d.line, fmt.Sprintf(format, args...))
}

// readLine returns the next line, or io.EOF at the end of the input.
func (d *dumpReader) readLine() (string, error) {
	if !d.sc.Scan() {
		if err := d.sc.Err(); err != nil {
			return "", d.errorf("read: %v", err)
		}
		return "", io.EOF
	}
	d.line++
	return strings.TrimSpace(d.sc.Text()), nil
}

// mustLine is readLine where the end of input is an error.
func (d *dumpReader) mustLine(what string) (string, error) {
	s, err := d.readLine()
	if err == io.EOF {
		return "", d.errorf("unexpected end of file, expected %s", what)
	}
	return s, err
}

// next parses one snapshot. It returns io.EOF when the input ends before
// a snapshot starts.
func (d *dumpReader) next() (*particles.Frame, error) {
	var item string
	for item == "" {
		s, err := d.readLine()
		if err != nil {
			return nil, err
		}
		item = s
	}
	f := &particles.Frame{}
	natoms := -1
	var lo, hi [3]float64
	haveStep := false
	for {
		if !strings.HasPrefix(item, "ITEM:") {
			return nil, d.errorf("expected an ITEM: line, found %q", clip80(item))
		}
		key := strings.TrimSpace(strings.TrimPrefix(item, "ITEM:"))
		switch {
		case key == "TIMESTEP":
			s, err := d.mustLine("the step number")
			if err != nil {
				return nil, err
			}
			step, err := strconv.ParseInt(s, 10, 64)
			if err != nil || step < 0 {
				return nil, d.errorf("invalid step number %q; expected a non-negative integer", clip80(s))
			}
			f.Step, haveStep = step, true
			f.Time = float64(step) * d.opt.TimeStep

		case key == "TIME":
			s, err := d.mustLine("the simulated time")
			if err != nil {
				return nil, err
			}
			t, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(t) || math.IsInf(t, 0) {
				return nil, d.errorf("invalid time %q; expected a number of seconds", clip80(s))
			}
			f.Time = t

		case key == "UNITS":
			if _, err := d.mustLine("the unit style"); err != nil {
				return nil, err
			}

		case key == "NUMBER OF ATOMS":
			s, err := d.mustLine("the number of atoms")
			if err != nil {
				return nil, err
			}
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return nil, d.errorf("invalid number of atoms %q; expected a non-negative integer", clip80(s))
			}
			natoms = n

		case strings.HasPrefix(key, "BOX BOUNDS"):
			for axis := range 3 {
				s, err := d.mustLine("box bounds")
				if err != nil {
					return nil, err
				}
				fields := strings.Fields(s)
				if len(fields) < 2 {
					return nil, d.errorf("box bounds line %q has %d values, expected lo hi", clip80(s), len(fields))
				}
				if lo[axis], err = d.float(fields[0], "box lower bound"); err != nil {
					return nil, err
				}
				if hi[axis], err = d.float(fields[1], "box upper bound"); err != nil {
					return nil, err
				}
			}

		case strings.HasPrefix(key, "ATOMS"):
			if !haveStep {
				return nil, d.errorf("ITEM: ATOMS before ITEM: TIMESTEP")
			}
			if natoms < 0 {
				return nil, d.errorf("ITEM: ATOMS before ITEM: NUMBER OF ATOMS")
			}
			cols, err := d.columns(strings.Fields(strings.TrimPrefix(key, "ATOMS")))
			if err != nil {
				return nil, err
			}
			if err := d.atoms(f, natoms, cols, lo, hi); err != nil {
				return nil, err
			}
			return f, nil

		default:
			return nil, d.errorf("unknown section %q; expected TIMESTEP, TIME, UNITS, NUMBER OF ATOMS, BOX BOUNDS or ATOMS", clip80(item))
		}
		s, err := d.mustLine("an ITEM: line")
		if err != nil {
			return nil, err
		}
		item = s
	}
}

func (d *dumpReader) float(s, what string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, d.errorf("invalid %s %q; expected a finite number", what, clip80(s))
	}
	return v, nil
}

func clip80(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
