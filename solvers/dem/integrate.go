package dem

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/spatial/r3"
)

// Velocity Verlet (Swope et al. 1982, J. Chem. Phys. 76:637) splits a
// step into a half kick, a drift, a force computation and a second half
// kick. The dashpots see the half-step velocity, as in LIGGGHTS
// fix nve/sphere.

// kickDrift applies the first half kick and the drift to particles
// [lo, hi). It returns the largest squared displacement, m^2, since the
// positions ref of the last neighbour build, which decides the next
// rebuild.
func (r *run) kickDrift(lo, hi int, ref []r3.Vec) float64 {
	s := &r.s
	h := r.dt / 2
	moved := 0.0
	for i := lo; i < hi; i++ {
		v := kick(s.vel[i], s.force[i], h*s.invMass[i])
		s.vel[i] = v
		s.omega[i] = kick(s.omega[i], s.torque[i], h*s.invInert[i])

		// Drift, and the displacement that decides the next rebuild.
		p := r3.Add(s.pos[i], r3.Scale(r.dt, v))
		d := r3.Sub(p, ref[i])
		if r.periodic {
			p, d = r.wrapDisplaced(p, ref[i])
		}
		s.pos[i] = p
		moved = max(moved, d.X*d.X+d.Y*d.Y+d.Z*d.Z)
	}
	return moved
}

// kick returns the velocity v (m/s) after half a step under force f (N),
// given hm, the half step over the mass (s/kg), or the same for an
// angular velocity, torque and moment of inertia.
func kick(v, f r3.Vec, hm float64) r3.Vec {
	return r3.Add(v, r3.Scale(hm, f))
}

// wrapDisplaced returns the drifted position p (m) wrapped into the
// domain along periodic axes and its displacement from ref, the position
// at the last neighbour build, by the minimum image (m).
func (r *run) wrapDisplaced(p, ref r3.Vec) (r3.Vec, r3.Vec) {
	p = r.wrap(p)
	return p, r.pairs.nl.Box.MinImage(r3.Sub(p, ref))
}

// wrap maps p into [Min, Max) along the periodic axes of the domain.
func (r *run) wrap(p r3.Vec) r3.Vec {
	d := r.domain
	if d.Periodic[0] && (p.X < d.Min.X || p.X >= d.Max.X) {
		l := d.Max.X - d.Min.X
		p.X -= l * math.Floor((p.X-d.Min.X)/l)
	}
	if d.Periodic[1] && (p.Y < d.Min.Y || p.Y >= d.Max.Y) {
		l := d.Max.Y - d.Min.Y
		p.Y -= l * math.Floor((p.Y-d.Min.Y)/l)
	}
	if d.Periodic[2] && (p.Z < d.Min.Z || p.Z >= d.Max.Z) {
		l := d.Max.Z - d.Min.Z
		p.Z -= l * math.Floor((p.Z-d.Min.Z)/l)
	}
	return p
}

// finite reports whether a position, velocity and angular velocity are
// all finite: NaN and Inf both turn x - x into NaN.
func finite(p, v, w r3.Vec) bool {
	sum := p.X + p.Y + p.Z + v.X + v.Y + v.Z + w.X + w.Y + w.Z
	return sum-sum == 0
}

// BlowUpError reports a run stopped by numerical trouble.
type BlowUpError struct {
	Step       int64   // step at which the trouble was detected
	Time       float64 // simulated time, s
	ParticleID int64   // particle concerned
	Quantity   string  // faulty quantity, such as "overlap" or "non-finite velocity"
	Value      string  // the offending value with its unit
}

func (e *BlowUpError) Error() string {
	return fmt.Sprintf("dem: blow-up at step %d (t = %.6g s): particle %d has %s %s; likely causes: time step too large for the contact stiffness, Young's modulus too low for the impact speed, or particles inserted overlapping",
		e.Step, e.Time, e.ParticleID, e.Quantity, e.Value)
}

// nonFiniteError describes particle i with a non-finite state.
func (r *run) nonFiniteError(i int) error {
	s := &r.s
	q, v := "position", fmt.Sprintf("%v m", s.pos[i])
	if sum := s.vel[i].X + s.vel[i].Y + s.vel[i].Z; sum-sum != 0 {
		q, v = "velocity", fmt.Sprintf("%v m/s", s.vel[i])
	} else if sum := s.omega[i].X + s.omega[i].Y + s.omega[i].Z; sum-sum != 0 {
		q, v = "angular velocity", fmt.Sprintf("%v rad/s", s.omega[i])
	}
	return &BlowUpError{Step: r.step, Time: r.time(), ParticleID: s.id[i], Quantity: "non-finite " + q, Value: v}
}
