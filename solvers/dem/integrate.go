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
// [lo, hi) and wraps positions into the domain along periodic axes. It
// returns the largest squared displacement, m^2, since the positions ref
// of the last neighbour build (minimum image along periodic axes), which
// decides the next rebuild.
func (r *run) kickDrift(lo, hi int, ref []r3.Vec) float64 {
	s := &r.s
	h := r.dt / 2
	moved := 0.0
	for i := lo; i < hi; i++ {
		v := r3.Add(s.vel[i], r3.Scale(h*s.invMass[i], s.force[i]))
		s.vel[i] = v
		s.omega[i] = r3.Add(s.omega[i], r3.Scale(h*s.invInert[i], s.torque[i]))
		p := r3.Add(s.pos[i], r3.Scale(r.dt, v))
		if r.periodic {
			p = r.wrap(p)
		}
		s.pos[i] = p

		d := r3.Sub(p, ref[i])
		if r.periodic {
			d = r.pairs.nl.Box.MinImage(d)
		}
		moved = max(moved, d.X*d.X+d.Y*d.Y+d.Z*d.Z)
	}
	return moved
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

// kick applies the second half kick to particles [lo, hi) and returns the
// first index whose position, velocity or angular velocity is not finite,
// or -1.
func (r *run) kick(lo, hi int) int {
	s := &r.s
	h := r.dt / 2
	bad := -1
	for i := lo; i < hi; i++ {
		v := r3.Add(s.vel[i], r3.Scale(h*s.invMass[i], s.force[i]))
		w := r3.Add(s.omega[i], r3.Scale(h*s.invInert[i], s.torque[i]))
		s.vel[i] = v
		s.omega[i] = w
		p := s.pos[i]
		// NaN and Inf both turn x - x into NaN.
		sum := p.X + p.Y + p.Z + v.X + v.Y + v.Z + w.X + w.Y + w.Z
		if sum-sum != 0 && bad < 0 {
			bad = i
		}
	}
	return bad
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
