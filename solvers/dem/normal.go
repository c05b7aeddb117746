package dem

import "math"

// normalStiffness returns the normal spring coefficient k_n, N/m, such
// that the elastic normal force is k_n delta, and the normal contact
// stiffness S_n = dF/d(delta), N/m, that the damping is scaled with.
//
// Hertz (Johnson, Contact Mechanics, 1985, eq. 4.22):
// F = 4/3 E* sqrt(R*) delta^(3/2), so k_n = 4/3 E* sqrt(R* delta) and
// S_n = 2 E* sqrt(R* delta), as in LIGGGHTS normal_model_hertz.h.
// Linear: k_n = S_n = the case's constant.
// The argument root is contactRoot's sqrt(R* delta), m.
func (l *law) normalStiffness(pc *pairCoeffs, root float64) (kn, sn float64) {
	if l.normal == normalLinear {
		return pc.kn, pc.kn
	}
	return 4.0 / 3.0 * pc.eStar * root, 2 * pc.eStar * root
}

// contactRoot returns sqrt(R* delta), m, which scales every Hertz-Mindlin
// stiffness, or 0 for the linear model, which does not use it.
func (l *law) contactRoot(delta, rStar float64) float64 {
	if l.normal == normalLinear {
		return 0
	}
	return math.Sqrt(rStar * delta)
}

// normalForce returns the signed magnitude of the normal force on body i
// along the normal pointing from j to i, N: the elastic part kn*delta
// plus the dashpot -gammaN*vn, where vn < 0 while the bodies approach.
// The sum is clipped at zero because dry contacts do not attract.
func normalForce(kn, delta, gammaN, vn float64) float64 {
	return max(0, kn*delta-gammaN*vn)
}
