package dem

import "gonum.org/v1/gonum/spatial/r3"

// contact is the geometry and kinematics of one touching pair, body i
// against body j, where j is another particle or a wall.
type contact struct {
	n     r3.Vec  // unit normal pointing from j to i
	delta float64 // overlap, m, > 0

	rStar   float64 // effective radius R*, m (r_i for a wall)
	mStar   float64 // effective mass m*, kg (m_i for a wall)
	inertia float64 // rolling inertia of the pair for epsd, kg m^2
	armI    float64 // distance from the centre of i to the contact point, m
	armJ    float64 // same for j, m; unused for a wall

	vRel   r3.Vec // v_i - v_j of the centres (v_j: wall velocity at the contact), m/s
	omegaI r3.Vec // angular velocity of i, rad/s
	omegaJ r3.Vec // angular velocity of j, rad/s; zero for a wall
}

// contactResult is the effect of one contact: force and torque on body i
// and the torque on body j. The force on j is -force.
type contactResult struct {
	force   r3.Vec // N
	torqueI r3.Vec // N m
	torqueJ r3.Vec // N m
}

// resolve applies the contact law to c with the pair coefficients pc and
// advances the contact's tangential history shear (m) and rolling history
// roll (N m) over the time step dt (s).
func (l *law) resolve(pc *pairCoeffs, c *contact, dt float64, shear, roll *r3.Vec) contactResult {
	// Relative velocity of i with respect to j at the contact point: the
	// centre velocities plus omega x arm for each body, where the contact
	// point is -armI n from i and +armJ n from j.
	spin := r3.Add(r3.Scale(c.armI, c.omegaI), r3.Scale(c.armJ, c.omegaJ))
	vc := r3.Sub(c.vRel, r3.Cross(spin, c.n))
	vn := r3.Dot(vc, c.n)
	vt := r3.Sub(vc, r3.Scale(vn, c.n))

	// Normal part: spring and dashpot, clipped at zero.
	root := l.contactRoot(c.delta, c.rStar)
	kn, sn := l.normalStiffness(pc, root)
	gammaN := l.dashpot(pc.beta, sn, c.mStar)
	fn := normalForce(kn, c.delta, gammaN, vn)

	// Tangential part: history spring and dashpot, Coulomb limited. The
	// dashpot scales with sqrt(k_t m*) like the normal one, so it is the
	// normal one times the pair's constant sqrt(k_t / S_n).
	kt := l.tangentialStiffness(pc, root)
	gammaT := gammaN * pc.dampingT
	ft := tangentialForce(kt, gammaT, pc.mu, fn, c.n, vt, dt, shear)

	// The tangential force acts at the contact point, giving each body
	// the torque (-arm n) x F_t.
	nxft := r3.Cross(c.n, ft)
	res := contactResult{
		force:   r3.Add(r3.Scale(fn, c.n), ft),
		torqueI: r3.Scale(-c.armI, nxft),
		torqueJ: r3.Scale(-c.armJ, nxft),
	}

	// Rolling resistance: equal and opposite torques.
	if l.rolling != rollingNone {
		m := l.rollingTorque(pc, kn, c.delta, fn, c.rStar, c.inertia, c.n, r3.Sub(c.omegaI, c.omegaJ), dt, roll)
		res.torqueI = r3.Add(res.torqueI, m)
		res.torqueJ = r3.Sub(res.torqueJ, m)
	}
	return res
}
