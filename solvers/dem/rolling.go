package dem

import (
	"math"

	"gonum.org/v1/gonum/spatial/r3"
)

// rollingTorque returns the rolling-resistance torque M acting on body i,
// N m; body j receives -M. wRel = omega_i - omega_j is the relative
// angular velocity (rad/s) and n the unit contact normal.
//
// Constant directional torque (LIGGGHTS rolling_friction cdt, Zhou et al.
// 1999, Physica A 269:536): M = -mu_r R* kn*delta w/|w|, with the
// component along n removed. As in LIGGGHTS the magnitude uses the
// elastic normal force kn*delta, not the damped one.
//
// Elastic-plastic spring-dashpot (Ai et al. 2011, Powder Technology
// 206:269, model C; rolling stiffness k_r = 2.25 k_n mu_r^2 R*^2 as in
// LIGGGHTS rolling_friction epsd2): the spring torque accumulates
// -k_r w_t dt in the history roll, is limited to mu_r R* |F_n| (full
// mobilisation, no damping then) and otherwise receives the dashpot
// -eta_r 2 sqrt(I_r k_r) w_t, with I_r the rolling inertia of the pair.
// Unlike LIGGGHTS, the stored spring torque is projected onto the current
// contact plane each step, the same rotation the tangential spring gets.
func (l *law) rollingTorque(pc *pairCoeffs, kn, delta, fn, rStar, inertia float64, n, wRel r3.Vec, dt float64, roll *r3.Vec) r3.Vec {
	switch l.rolling {
	case rollingConstantTorque:
		w := norm(wRel)
		if w == 0 || pc.muR == 0 {
			return r3.Vec{}
		}
		m := r3.Scale(-pc.muR*rStar*kn*delta/w, wRel)
		return r3.Sub(m, r3.Scale(r3.Dot(m, n), n))

	case rollingEPSD:
		if pc.muR == 0 {
			return r3.Vec{}
		}
		wt := r3.Sub(wRel, r3.Scale(r3.Dot(wRel, n), n))
		kr := 2.25 * kn * pc.muR * pc.muR * rStar * rStar
		spring := r3.Sub(*roll, r3.Scale(r3.Dot(*roll, n), n))
		spring = r3.Sub(spring, r3.Scale(kr*dt, wt))
		limit := pc.muR * rStar * math.Abs(fn)
		if mag := norm(spring); mag > limit {
			spring = r3.Scale(limit/mag, spring)
			*roll = spring
			return spring
		}
		*roll = spring
		cr := pc.rollEta * 2 * math.Sqrt(inertia*kr)
		return r3.Sub(spring, r3.Scale(cr, wt))
	}
	return r3.Vec{}
}
