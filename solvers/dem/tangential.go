package dem

import (
	"math"

	"gonum.org/v1/gonum/spatial/r3"
)

// tangentialStiffness returns the tangential spring coefficient k_t, N/m.
// Hertz-Mindlin: S_t = 8 G* sqrt(R* delta) (Mindlin 1949, no-slip form as
// in LIGGGHTS normal_model_hertz.h). Linear: the case's constant.
// The argument root is contactRoot's sqrt(R* delta), m.
func (l *law) tangentialStiffness(pc *pairCoeffs, root float64) float64 {
	if l.normal == normalLinear {
		return pc.kt
	}
	return 8 * pc.gStar * root
}

// tangentialForce advances the tangential spring of one contact by the
// tangential slip velocity vt (m/s) over dt and returns the tangential
// force on body i, N.
//
// The history shear (m) is the accumulated tangential displacement. It is
// first incremented, then projected onto the current contact plane with
// normal n, which rotates it with the contact as the pair rolls. The
// force is -kt*shear - gammaT*vt while the spring part stays below the
// Coulomb limit mu |F_n|. Above the limit the spring is truncated so that
// its force equals the limit and the dashpot is dropped, which is the
// LIGGGHTS 3.x tangential_model_history behaviour.
func tangentialForce(kt, gammaT, mu, fn float64, n, vt r3.Vec, dt float64, shear *r3.Vec) r3.Vec {
	s := r3.Add(*shear, r3.Scale(dt, vt))
	s = r3.Sub(s, r3.Scale(r3.Dot(s, n), n))

	// Compare squares so the common sticking case needs no square root.
	limit := mu * math.Abs(fn)
	if spring2 := kt * kt * r3.Dot(s, s); spring2 > limit*limit {
		spring := math.Sqrt(spring2)
		s = r3.Scale(limit/spring, s)
		*shear = s
		return r3.Scale(-kt, s)
	}
	*shear = s
	return r3.Sub(r3.Scale(-kt, s), r3.Scale(gammaT, vt))
}

// norm returns |v|. It is math.Sqrt of the dot product, faster than
// r3.Norm's overflow-safe math.Hypot and exact enough for contact forces.
func norm(v r3.Vec) float64 { return math.Sqrt(v.X*v.X + v.Y*v.Y + v.Z*v.Z) }
