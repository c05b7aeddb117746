package plugin

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
)

// frameChecker checks the frames of one run in order.
type frameChecker struct {
	c        *cases.Case
	frames   int
	lastTime float64
	lastStep int64
	ids      map[int64]struct{} // reused between frames
}

// check returns an error describing what is wrong with f, or nil. Beyond
// the column lengths it checks what a solver inside neusim guarantees:
// finite positions, velocities and angular velocities, positive finite
// radii and masses, material indices of the case, unique ids, outlet
// counters of the case's outlets, and a time and step that do not go
// backwards.
func (fc *frameChecker) check(f *particles.Frame) error {
	if err := f.Validate(); err != nil {
		return err
	}
	if !isFinite(f.Time) {
		return fmt.Errorf("time %v s: want a finite number", f.Time)
	}
	if fc.frames > 0 && (f.Time < fc.lastTime || f.Step < fc.lastStep) {
		return fmt.Errorf("step %d at time %g s follows step %d at %g s: frames must come in time order", f.Step, f.Time, fc.lastStep, fc.lastTime)
	}
	if err := fc.checkOutlets(f); err != nil {
		return err
	}
	if err := fc.checkParticles(f); err != nil {
		return err
	}
	fc.frames++
	fc.lastTime, fc.lastStep = f.Time, f.Step
	return nil
}

func (fc *frameChecker) checkOutlets(f *particles.Frame) error {
	n := len(fc.c.Outlets)
	if len(f.OutletCount) != n || len(f.OutletMass) != n {
		return fmt.Errorf("frame at step %d has %d outlet counts and %d outlet masses, want %d each (one per outlet of case %s)",
			f.Step, len(f.OutletCount), len(f.OutletMass), n, fc.c.Name)
	}
	for i, m := range f.OutletMass {
		if !isFinite(m) || m < 0 || f.OutletCount[i] < 0 {
			return fmt.Errorf("frame at step %d: outlet %d has count %d and mass %v kg: want non-negative finite values", f.Step, i, f.OutletCount[i], m)
		}
	}
	return nil
}

func (fc *frameChecker) checkParticles(f *particles.Frame) error {
	if fc.ids == nil {
		fc.ids = make(map[int64]struct{}, f.Len())
	}
	clear(fc.ids)
	materials := int32(len(fc.c.Materials))
	for i, id := range f.ID {
		if _, dup := fc.ids[id]; dup {
			return fmt.Errorf("frame at step %d: particle id %d appears twice", f.Step, id)
		}
		fc.ids[id] = struct{}{}

		for _, v := range []struct {
			name string
			unit string
			x    r3.Vec
		}{{"position", "m", f.Pos[i]}, {"velocity", "m/s", f.Vel[i]}, {"angular velocity", "rad/s", f.Omega[i]}} {
			if !isFinite(v.x.X) || !isFinite(v.x.Y) || !isFinite(v.x.Z) {
				return fmt.Errorf("frame at step %d: particle %d has %s %v %s: want finite values", f.Step, id, v.name, v.x, v.unit)
			}
		}
		if r := f.Radius[i]; !isFinite(r) || r <= 0 {
			return fmt.Errorf("frame at step %d: particle %d has radius %v m: want a positive finite value", f.Step, id, r)
		}
		if m := f.Mass[i]; !isFinite(m) || m <= 0 {
			return fmt.Errorf("frame at step %d: particle %d has mass %v kg: want a positive finite value", f.Step, id, m)
		}
		if k := f.Material[i]; k < 0 || k >= materials {
			return fmt.Errorf("frame at step %d: particle %d has material %d: case %s has materials 0 to %d", f.Step, id, k, fc.c.Name, materials-1)
		}
	}
	return nil
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
