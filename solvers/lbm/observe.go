package lbm

import (
	"fmt"
	"math"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/mesh"
	"gonum.org/v1/gonum/spatial/r3"
)

// Observer evaluates the observables of a fluid case (cases.Fluid.Observables)
// on the frames of a run and keeps their time series.
type Observer struct {
	obs     []cases.FluidObservable
	grid    *mesh.Grid
	density float64 // kg/m^3
	solver  *Solver
	masks   [][]bool // per observable, the body of a force observable

	// Series holds one time series per observable, in the case's order.
	Series []ObservableSeries
}

// ObservableSeries is the time series of one observable of a fluid case.
type ObservableSeries struct {
	Name   string            `json:"name"`
	Type   string            `json:"type"`
	Unit   string            `json:"unit"`
	Note   string            `json:"note,omitempty"`
	Final  *ObservableValue  `json:"final,omitempty"` // the last frame
	Frames []ObservableValue `json:"frames"`
}

// ObservableValue is an observable at one frame. Only the fields of the
// observable's type are set.
type ObservableValue struct {
	Step int64   `json:"step"`
	Time float64 `json:"time_s"`

	// Force is the force on the obstacle, N (3D) or N/m (2D).
	Force *[3]float64 `json:"force,omitempty"`
	// DragCoefficient and LiftCoefficient are 2 F / (rho U^2 L) (2D) or
	// 2 F / (rho U^2 A) (3D) of the x and y components of the force.
	DragCoefficient *float64 `json:"drag_coefficient,omitempty"`
	LiftCoefficient *float64 `json:"lift_coefficient,omitempty"`

	PressureDifference *float64 `json:"pressure_difference_pa,omitempty"`

	// Distance (m from the start of the line) and Velocity (m/s) are the
	// samples of a profile.
	Distance []float64    `json:"distance_m,omitempty"`
	Velocity [][3]float64 `json:"velocity_m_per_s,omitempty"`
}

// NewObserver returns an observer of the observables of the fluid case c
// on grid g, the grid of the run with its solid mask. Force observables
// need the solver s, which must run on g. With s nil, as for the fluid
// surrogate, they keep an empty series with a note saying so.
func NewObserver(c *cases.Case, g *mesh.Grid, s *Solver) (*Observer, error) {
	if c == nil || c.Fluid == nil {
		return nil, fmt.Errorf("lbm: observer: the case has no fluid section")
	}
	f := c.Fluid
	o := &Observer{obs: f.Observables, grid: g, density: f.Density, solver: s}
	for _, ob := range f.Observables {
		series := ObservableSeries{Name: ob.Name, Type: ob.Type, Frames: []ObservableValue{}}
		var mask []bool
		switch ob.Type {
		case cases.FluidObsForce:
			series.Unit = "N"
			if g.Is2D() {
				series.Unit = "N/m"
			}
			if s == nil {
				series.Note = "not evaluated: forces need the populations of the lbm solver"
				break
			}
			solid, err := obstacleSolid(f.Obstacles[ob.Obstacle])
			if err != nil {
				return nil, fmt.Errorf("lbm: case %s: observable %s: %w", c.Name, ob.Name, err)
			}
			mask = s.Mask(solid)
			if !anyTrue(mask) {
				return nil, fmt.Errorf("lbm: case %s: observable %s: obstacle %s contains no grid node; enlarge it or refine fluid.grid.spacing",
					c.Name, ob.Name, f.ObstacleNames[ob.Obstacle])
			}
		case cases.FluidObsPressureDifference:
			series.Unit = "Pa"
		case cases.FluidObsProfile:
			series.Unit = "m/s"
		}
		o.masks = append(o.masks, mask)
		o.Series = append(o.Series, series)
	}
	return o, nil
}

func anyTrue(mask []bool) bool {
	for _, b := range mask {
		if b {
			return true
		}
	}
	return false
}

// Record evaluates every observable on one frame: the fields sent to a
// FieldSink (see Solver.Fields) at the given step and time, s. Forces
// come from the solver's current state, so Record must be called from
// the sink while the solver is at that step.
func (o *Observer) Record(step int64, time float64, fields []mesh.Field) error {
	if len(fields) < 2 || len(fields[0].Data) != 3*o.grid.Len() || len(fields[1].Data) != o.grid.Len() {
		return fmt.Errorf("lbm: observer: expected the velocity and pressure fields of %d nodes", o.grid.Len())
	}
	vel, pres := fields[0].Data, fields[1].Data
	for k, ob := range o.obs {
		v := ObservableValue{Step: step, Time: time}
		switch ob.Type {
		case cases.FluidObsForce:
			if o.solver == nil {
				continue
			}
			force, err := o.solver.BodyForce(o.masks[k])
			if err != nil {
				return err
			}
			v.Force = &[3]float64{force.X, force.Y, force.Z}
			scale := ob.ReferenceLength
			if !o.grid.Is2D() {
				scale = ob.ReferenceArea
			}
			if ob.ReferenceSpeed > 0 && scale > 0 {
				q := 0.5 * o.density * ob.ReferenceSpeed * ob.ReferenceSpeed * scale
				drag, lift := force.X/q, force.Y/q
				v.DragCoefficient, v.LiftCoefficient = &drag, &lift
			}
		case cases.FluidObsPressureDifference:
			pa, err := o.pressureAt(pres, ob.From)
			if err != nil {
				return fmt.Errorf("lbm: observable %s: from: %w", ob.Name, err)
			}
			pb, err := o.pressureAt(pres, ob.To)
			if err != nil {
				return fmt.Errorf("lbm: observable %s: to: %w", ob.Name, err)
			}
			dp := pa - pb
			v.PressureDifference = &dp
		case cases.FluidObsProfile:
			length := r3.Norm(r3.Sub(ob.To, ob.From))
			for i := 0; i < ob.Samples; i++ {
				t := float64(i) / float64(ob.Samples-1)
				p := r3.Add(ob.From, r3.Scale(t, r3.Sub(ob.To, ob.From)))
				v.Distance = append(v.Distance, t*length)
				v.Velocity = append(v.Velocity, o.velocityAt(vel, p))
			}
		}
		o.Series[k].Frames = append(o.Series[k].Frames, v)
		o.Series[k].Final = &o.Series[k].Frames[len(o.Series[k].Frames)-1]
	}
	return nil
}

// corners returns the grid nodes around p, m, with their multilinear
// interpolation weights. Points outside the node box are clamped to it,
// so a point between the outer nodes and the wall takes the outer values.
func (o *Observer) corners(p r3.Vec) (nodes [8]int, weights [8]float64) {
	g := o.grid
	x := [3]float64{(p.X - g.Origin.X) / g.Spacing, (p.Y - g.Origin.Y) / g.Spacing, (p.Z - g.Origin.Z) / g.Spacing}
	var lo [3]int
	var frac [3]float64
	for a := 0; a < 3; a++ {
		n := g.Dims[a]
		if n == 1 {
			continue
		}
		c := math.Min(math.Max(x[a], 0), float64(n-1))
		lo[a] = min(int(math.Floor(c)), n-2)
		frac[a] = c - float64(lo[a])
	}
	for c := 0; c < 8; c++ {
		idx := lo
		w := 1.0
		for a := 0; a < 3; a++ {
			bit := (c >> a) & 1
			if g.Dims[a] == 1 {
				if bit == 1 {
					w = 0
				}
				continue
			}
			idx[a] += bit
			if bit == 1 {
				w *= frac[a]
			} else {
				w *= 1 - frac[a]
			}
		}
		if w == 0 {
			idx = lo
		}
		nodes[c], weights[c] = g.Index(idx[0], idx[1], idx[2]), w
	}
	return nodes, weights
}

// velocityAt interpolates the velocity field at p, m/s; solid nodes count
// with zero velocity, the no-slip value.
func (o *Observer) velocityAt(vel []float64, p r3.Vec) [3]float64 {
	nodes, weights := o.corners(p)
	var u [3]float64
	for c, n := range nodes {
		for a := 0; a < 3; a++ {
			u[a] += weights[c] * vel[3*n+a]
		}
	}
	return u
}

// pressureAt interpolates the pressure field at p, Pa, from the fluid
// nodes around it, so a point on a staircase surface takes the pressure of
// the fluid next to it.
func (o *Observer) pressureAt(pres []float64, p r3.Vec) (float64, error) {
	nodes, weights := o.corners(p)
	var sum, wsum float64
	for c, n := range nodes {
		if o.grid.IsSolid(n) || weights[c] == 0 {
			continue
		}
		sum += weights[c] * pres[n]
		wsum += weights[c]
	}
	if wsum == 0 {
		return 0, fmt.Errorf("point %v m lies among solid nodes only; move it into the fluid", p)
	}
	return sum / wsum, nil
}

// obstacleSolid returns the solid region of a fluid obstacle.
func obstacleSolid(r cases.Region) (mesh.Solid, error) {
	switch r.Type {
	case cases.RegionBox:
		return mesh.SolidBox{Min: r.Min, Max: r.Max}, nil
	case cases.RegionCylinder:
		end := r3.Add(r.Base, r3.Scale(r.Length, r.Axis))
		return mesh.SolidCylinder{Start: r.Base, End: end, Radius: r.Radius}, nil
	}
	return nil, fmt.Errorf("obstacle type %q: use box or cylinder", r.Type)
}
