package validate

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
)

// Series is one observable sampled at every frame of a run.
type Series struct {
	Name string    `json:"name"`
	Type string    `json:"type"`
	Unit string    `json:"unit"`
	Time []float64 `json:"time"` // s

	// Values contains one entry per frame for scalar observables.
	// Vectors contains one entry per frame for vector observables, and
	// Values is then nil.
	Values  []float64    `json:"values,omitempty"`
	Vectors [][3]float64 `json:"vectors,omitempty"`
}

// Recorder follows a run and records every observable of its case.
// It implements solvers.Sink. The zero value is not usable; call
// NewRecorder.
type Recorder struct {
	c      *cases.Case
	series []Series

	// planeSide contains, per plane_mass observable, the side of the plane
	// each particle id was on in the previous frame (+1 or -1).
	planeSide []map[int64]int8
	planeNet  []float64 // net mass crossed so far, kg

	counts      []int   // particles in the domain at each frame
	initialMass float64 // kg, particle mass in the first frame

	// present contains the ids of the previous frame, to count particles that
	// vanished without passing through an outlet.
	present    map[int64]bool
	outletSeen int64 // outlet count summed over outlets at the previous frame
	lost       int
}

// NewRecorder returns a Recorder for the observables of c.
func NewRecorder(c *cases.Case) *Recorder {
	r := &Recorder{c: c}
	for _, o := range c.Observables {
		s := Series{Name: o.Name, Type: o.Type, Unit: unitOf(o.Type)}
		r.series = append(r.series, s)
		if o.Type == cases.ObsPlaneMass {
			r.planeSide = append(r.planeSide, map[int64]int8{})
		} else {
			r.planeSide = append(r.planeSide, nil)
		}
		r.planeNet = append(r.planeNet, 0)
	}
	return r
}

func unitOf(kind string) string {
	switch kind {
	case cases.ObsOutletMass, cases.ObsPlaneMass, cases.ObsRegionMass:
		return "kg"
	case cases.ObsKineticEnergy:
		return "J"
	case cases.ObsCenterOfMass, cases.ObsRunout:
		return "m"
	}
	return ""
}

// WriteFrame records every observable of the case at frame f.
func (r *Recorder) WriteFrame(f *particles.Frame) error {
	if len(r.counts) == 0 {
		for _, m := range f.Mass {
			r.initialMass += m
		}
	}
	r.counts = append(r.counts, f.Len())
	r.countLost(f)

	for i, o := range r.c.Observables {
		s := &r.series[i]
		s.Time = append(s.Time, f.Time)
		switch o.Type {
		case cases.ObsOutletMass:
			if o.Outlet >= len(f.OutletMass) {
				return fmt.Errorf("validate: observable %s: frame at step %d has %d outlet tallies, want outlet %d", o.Name, f.Step, len(f.OutletMass), o.Outlet)
			}
			s.Values = append(s.Values, f.OutletMass[o.Outlet])
		case cases.ObsPlaneMass:
			s.Values = append(s.Values, r.crossPlane(i, o, f))
		case cases.ObsKineticEnergy:
			s.Values = append(s.Values, KineticEnergy(f))
		case cases.ObsCenterOfMass:
			c := CenterOfMass(f)
			s.Vectors = append(s.Vectors, [3]float64{c.X, c.Y, c.Z})
		case cases.ObsRegionMass:
			s.Values = append(s.Values, regionMass(o.Region, f))
		case cases.ObsRunout:
			s.Values = append(s.Values, runout(o.Normal, f))
		default:
			return fmt.Errorf("validate: observable %s: unknown type %q", o.Name, o.Type)
		}
	}
	return nil
}

// Series returns the recorded series in case order. The slices are owned
// by the recorder.
func (r *Recorder) Series() []Series { return r.series }

// countLost adds to r.lost the particles of the previous frame that are
// missing from f and not accounted for by the growth of the outlet counts:
// particles that left the domain elsewhere, or that a solver dropped.
func (r *Recorder) countLost(f *particles.Frame) {
	var outlets int64
	for _, n := range f.OutletCount {
		outlets += n
	}
	if r.present != nil {
		gone := 0
		for _, id := range f.ID {
			if r.present[id] {
				r.present[id] = false // seen again
			}
		}
		for id, missing := range r.present {
			if missing {
				gone++
			}
			delete(r.present, id)
		}
		r.lost += max(gone-int(outlets-r.outletSeen), 0)
	} else {
		r.present = make(map[int64]bool, f.Len())
	}
	for _, id := range f.ID {
		r.present[id] = true
	}
	r.outletSeen = outlets
}

// LostParticles returns how many particles vanished between frames
// without being counted by an outlet, such as particles that left the
// domain through a boundary that is not an outlet.
func (r *Recorder) LostParticles() int { return r.lost }

// ParticleCounts returns the number of particles at each recorded frame.
func (r *Recorder) ParticleCounts() []int { return r.counts }

// InitialMass returns the particle mass in the first frame, kg.
func (r *Recorder) InitialMass() float64 { return r.initialMass }

// KineticEnergy returns the translational plus rotational kinetic energy
// of the particles in f, J, treating each particle as a solid sphere
// (moment of inertia 2/5 m r^2).
func KineticEnergy(f *particles.Frame) float64 {
	var e float64
	for i := range f.ID {
		m := f.Mass[i]
		v2 := r3.Dot(f.Vel[i], f.Vel[i])
		w2 := r3.Dot(f.Omega[i], f.Omega[i])
		inertia := 0.4 * m * f.Radius[i] * f.Radius[i]
		e += 0.5*m*v2 + 0.5*inertia*w2
	}
	return e
}

// CenterOfMass returns the mass-weighted mean position of the particles
// in f, m. It returns NaN components for an empty frame.
func CenterOfMass(f *particles.Frame) r3.Vec {
	var sum r3.Vec
	var mass float64
	for i := range f.ID {
		sum = r3.Add(sum, r3.Scale(f.Mass[i], f.Pos[i]))
		mass += f.Mass[i]
	}
	if mass == 0 {
		return r3.Vec{X: math.NaN(), Y: math.NaN(), Z: math.NaN()}
	}
	return r3.Scale(1/mass, sum)
}

func regionMass(reg cases.Region, f *particles.Frame) float64 {
	var m float64
	for i := range f.ID {
		if reg.Contains(f.Pos[i]) {
			m += f.Mass[i]
		}
	}
	return m
}

// runout returns the largest particle-centre coordinate along axis, m,
// or NaN for an empty frame.
func runout(axis r3.Vec, f *particles.Frame) float64 {
	best := math.Inf(-1)
	for i := range f.ID {
		best = math.Max(best, r3.Dot(axis, f.Pos[i]))
	}
	if math.IsInf(best, -1) {
		return math.NaN()
	}
	return best
}

// crossPlane updates and returns the net mass, kg, that crossed the plane
// of observable i in its normal direction since the first frame. A
// particle counts when its centre changes side between two frames in
// which it is present.
func (r *Recorder) crossPlane(i int, o cases.Observable, f *particles.Frame) float64 {
	side := r.planeSide[i]
	for k, id := range f.ID {
		var s int8 = -1
		if r3.Dot(r3.Sub(f.Pos[k], o.Point), o.Normal) >= 0 {
			s = 1
		}
		if prev, ok := side[id]; ok && prev != s {
			r.planeNet[i] += float64(s) * f.Mass[k]
		}
		side[id] = s
	}
	return r.planeNet[i]
}
