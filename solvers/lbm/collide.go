package lbm

// relaxation holds the relaxation rates of the collision operator, in
// inverse time steps.
type relaxation struct {
	plus  float64 // rate of the even (symmetric) moments, 1/tau, sets the viscosity
	minus float64 // rate of the odd (antisymmetric) moments; equal to plus for BGK
}

// newRelaxation returns the rates for relaxation time tau. For TRT the odd
// rate follows from the magic parameter Lambda = (tau+ - 1/2)(tau- - 1/2)
// = 1/4 (Ginzburg, Verhaeghe & d'Humieres 2008, Commun. Comput. Phys.
// 3:427).
func newRelaxation(op Collision, tau float64) relaxation {
	if op == TRT {
		const magic = 0.25
		tauMinus := 0.5 + magic/(tau-0.5)
		return relaxation{plus: 1 / tau, minus: 1 / tauMinus}
	}
	return relaxation{plus: 1 / tau, minus: 1 / tau}
}

// kernel is the per-node arithmetic of one lattice: velocities as float
// components for the moment sums, and scratch space for one node.
type kernel struct {
	lat        *Lattice
	cx, cy, cz []float64
	w          []float64
	opp        []int
	rates      relaxation
	force      [3]float64 // body force density per unit lattice density, lattice units
}

func newKernel(lat *Lattice, rates relaxation, accel [3]float64) *kernel {
	k := &kernel{lat: lat, w: lat.W, opp: lat.Opp, rates: rates, force: accel}
	for _, c := range lat.C {
		k.cx = append(k.cx, float64(c[0]))
		k.cy = append(k.cy, float64(c[1]))
		k.cz = append(k.cz, float64(c[2]))
	}
	return k
}

// moments returns the density and velocity of the pre-collision
// populations f. The velocity includes half the body force, as Guo's
// forcing requires for second-order accuracy (Guo, Zheng & Shi 2002, eq.
// 20): rho u = sum_i f_i c_i + F/2, with F = rho a.
func (k *kernel) moments(f []float64) (rho float64, u [3]float64) {
	var mx, my, mz float64
	for i, fi := range f {
		rho += fi
		mx += fi * k.cx[i]
		my += fi * k.cy[i]
		mz += fi * k.cz[i]
	}
	u[0] = mx/rho + 0.5*k.force[0]
	u[1] = my/rho + 0.5*k.force[1]
	u[2] = mz/rho + 0.5*k.force[2]
	return rho, u
}

// postMoments returns the density and velocity of post-collision
// populations f. Collision conserves mass and adds the force F to the
// momentum, so rho u = sum_i f_i c_i - F/2.
func (k *kernel) postMoments(f []float64) (rho float64, u [3]float64) {
	rho, u = k.moments(f)
	for a := range u {
		u[a] -= k.force[a]
	}
	return rho, u
}

// equilibrium writes the second-order equilibrium populations
// f_i^eq = w_i rho (1 + 3 c.u + 9/2 (c.u)^2 - 3/2 u.u) to feq.
func (k *kernel) equilibrium(rho float64, u [3]float64, feq []float64) {
	usq := 1.5 * (u[0]*u[0] + u[1]*u[1] + u[2]*u[2])
	for i := range feq {
		cu := 3 * (k.cx[i]*u[0] + k.cy[i]*u[1] + k.cz[i]*u[2])
		feq[i] = k.w[i] * rho * (1 + cu + 0.5*cu*cu - usq)
	}
}

// collide relaxes the pre-collision populations f of one node toward
// equilibrium and adds the body force, writing the post-collision
// populations to out. feq and src are scratch slices of length Q.
//
// The odd and even parts f_i^-+ = (f_i -+ f_opp(i))/2 relax at their own
// rates (TRT; for BGK the rates are equal and this is the BGK update). The
// forcing term of Guo, Zheng & Shi (2002, eq. 19),
// S_i = w_i [3 (c_i - u) + 9 (c_i.u) c_i] . F, is split the same way and
// scaled by (1 - omega/2) with the rate of its part.
func (k *kernel) collide(f []float64, rho float64, u [3]float64, feq, src, out []float64) {
	k.equilibrium(rho, u, feq)

	fx, fy, fz := rho*k.force[0], rho*k.force[1], rho*k.force[2]
	forced := fx != 0 || fy != 0 || fz != 0
	if forced {
		for i := range src {
			cu := k.cx[i]*u[0] + k.cy[i]*u[1] + k.cz[i]*u[2]
			sx := 3*(k.cx[i]-u[0]) + 9*cu*k.cx[i]
			sy := 3*(k.cy[i]-u[1]) + 9*cu*k.cy[i]
			sz := 3*(k.cz[i]-u[2]) + 9*cu*k.cz[i]
			src[i] = k.w[i] * (sx*fx + sy*fy + sz*fz)
		}
	}

	wp, wm := k.rates.plus, k.rates.minus
	sp, sm := 1-0.5*wp, 1-0.5*wm
	for i := range out {
		j := k.opp[i]
		neqPlus := 0.5 * (f[i] + f[j] - feq[i] - feq[j])
		neqMinus := 0.5 * (f[i] - f[j] - feq[i] + feq[j])
		post := f[i] - wp*neqPlus - wm*neqMinus
		if forced {
			post += sp*0.5*(src[i]+src[j]) + sm*0.5*(src[i]-src[j])
		}
		out[i] = post
	}
}
