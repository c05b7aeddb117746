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

// kernel is the per-node arithmetic of one lattice.
//
// The collision works on pairs of opposite velocities (c, -c). The even
// and odd parts of a pair, f^+- = (f_c +- f_-c)/2, relax toward the
// matching parts of the equilibrium
// f_i^eq = w_i rho (1 + 3 c.u + 9/2 (c.u)^2 - 3/2 u.u) at their own rates
// (TRT; for BGK the rates are equal and this is the BGK update). The
// forcing term of Guo, Zheng & Shi (2002),
// S_i = w_i [3 (c_i - u) + 9 (c_i.u) c_i] . F, splits into the even part
// w (9 (c.u)(c.F) - 3 u.F) and the odd part 3 w c.F, each scaled by
// (1 - omega/2) with the rate of its part.
type kernel struct {
	lat        *Lattice
	cx, cy, cz []float64
	w          []float64
	opp        []int
	pairs      [][2]int // (i, Opp[i]) for every moving velocity i < Opp[i]

	wp, wm float64    // even and odd relaxation rates
	sp, sm float64    // forcing factors 1 - wp/2 and 1 - wm/2
	force  [3]float64 // body acceleration, lattice units
}

func newKernel(lat *Lattice, rates relaxation, accel [3]float64) *kernel {
	k := &kernel{
		lat: lat, w: lat.W, opp: lat.Opp, force: accel,
		wp: rates.plus, wm: rates.minus, sp: 1 - rates.plus/2, sm: 1 - rates.minus/2,
	}
	for i, c := range lat.C {
		k.cx = append(k.cx, float64(c[0]))
		k.cy = append(k.cy, float64(c[1]))
		k.cz = append(k.cz, float64(c[2]))
		if i < lat.Opp[i] {
			k.pairs = append(k.pairs, [2]int{i, lat.Opp[i]})
		}
	}
	return k
}

// moments returns the density and velocity of the pre-collision
// populations f. The velocity includes half the body force, as Guo's
// forcing requires for second-order accuracy (Guo, Zheng & Shi 2002):
// rho u = sum_i f_i c_i + F/2, with F = rho a.
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

// equilibrium writes the second-order equilibrium populations to feq.
func (k *kernel) equilibrium(rho float64, u [3]float64, feq []float64) {
	usq := 1.5 * (u[0]*u[0] + u[1]*u[1] + u[2]*u[2])
	for i := range feq {
		cu := 3 * (k.cx[i]*u[0] + k.cy[i]*u[1] + k.cz[i]*u[2])
		feq[i] = k.w[i] * rho * (1 + cu + 0.5*cu*cu - usq)
	}
}

// equilibriumAt returns the equilibrium population of velocity i.
func (k *kernel) equilibriumAt(i int, rho float64, u [3]float64) float64 {
	cu := 3 * (k.cx[i]*u[0] + k.cy[i]*u[1] + k.cz[i]*u[2])
	return k.w[i] * rho * (1 + cu + 0.5*cu*cu - 1.5*(u[0]*u[0]+u[1]*u[1]+u[2]*u[2]))
}

// collide replaces the pre-collision populations f of one node, with
// density rho and velocity u, by the post-collision populations.
func (k *kernel) collide(f []float64, rho float64, u [3]float64) {
	fx, fy, fz := rho*k.force[0], rho*k.force[1], rho*k.force[2]
	base := 1 - 1.5*(u[0]*u[0]+u[1]*u[1]+u[2]*u[2])
	uF := u[0]*fx + u[1]*fy + u[2]*fz

	f[0] = k.relaxRest(f[0], k.w[0], rho, base, uF)
	for _, p := range k.pairs {
		i, j := p[0], p[1]
		cu := k.cx[i]*u[0] + k.cy[i]*u[1] + k.cz[i]*u[2]
		cF := k.cx[i]*fx + k.cy[i]*fy + k.cz[i]*fz
		f[i], f[j] = k.relaxPair(f[i], f[j], k.w[i], rho, base, cu, cF, uF)
	}
}

// relaxRest returns the post-collision rest population.
func (k *kernel) relaxRest(f0, w, rho, base, uF float64) float64 {
	return f0 - k.wp*(f0-w*rho*base) - k.sp*3*w*uF
}

// relaxPair returns the post-collision populations of the velocities c and
// -c, with weight w, from their pre-collision values fc and fo; base is
// 1 - 3/2 u.u, cu = c.u, cF = c.F and uF = u.F.
func (k *kernel) relaxPair(fc, fo, w, rho, base, cu, cF, uF float64) (float64, float64) {
	wrho := w * rho
	return relax(fc, fo,
		wrho*(base+4.5*cu*cu), 3*wrho*cu,
		k.sp*w*(9*cu*cF-3*uF), k.sm*3*w*cF,
		k.wp, k.wm)
}

// relax returns the post-collision populations of a pair of opposite
// velocities from their pre-collision values fc and fo. The other
// arguments are the even and odd parts of their equilibrium, the even and
// odd forcing terms (already scaled by 1 - omega/2) and the even and odd
// relaxation rates.
func relax(fc, fo, eqEven, eqOdd, srcEven, srcOdd, wp, wm float64) (float64, float64) {
	dEven := srcEven - wp*(0.5*(fc+fo)-eqEven)
	dOdd := srcOdd - wm*(0.5*(fc-fo)-eqOdd)
	return fc + dEven + dOdd, fo + dEven - dOdd
}
