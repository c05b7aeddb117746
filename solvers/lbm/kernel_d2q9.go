package lbm

// streamCollideD2Q9 is streamCollide for the D2Q9 lattice, with the pull
// from the upstream neighbours of interior nodes and the collision
// unrolled in the loop. The velocity order is that of D2Q9(): rest, +x,
// -x, +y, -y, (1,1), (-1,-1), (1,-1), (-1,1). The arithmetic is that of
// kernel.collide in the same order, so the results match the generic
// kernel bit for bit.
func (s *Solver) streamCollideD2Q9(lo, hi int, _ *scratch) {
	nodes, stride, nx := s.nodes, s.stride, s.grid.Dims[0]
	old, next := s.f, s.next
	slot, solid := s.links.slot, s.grid.Solid
	var in, out [9][]float64
	for i := range in {
		in[i] = old[i*stride : i*stride+nodes]
		out[i] = next[i*stride : i*stride+nodes]
	}
	k := s.kern
	wp, wm, sp, sm := k.wp, k.wm, k.sp, k.sm
	ax, ay := k.force[0], k.force[1]
	const w0, w1, w2 = 4.0 / 9, 1.0 / 9, 1.0 / 36

	var f [9]float64
	for node := lo; node < hi; node++ {
		if solid != nil && solid[node] {
			continue
		}

		// Streaming: population i comes from node - c_i.
		if sl := slot[node]; sl < 0 {
			f[0] = in[0][node]
			f[1] = in[1][node-1]
			f[2] = in[2][node+1]
			f[3] = in[3][node-nx]
			f[4] = in[4][node+nx]
			f[5] = in[5][node-nx-1]
			f[6] = in[6][node+nx+1]
			f[7] = in[7][node+nx-1]
			f[8] = in[8][node-nx+1]
		} else {
			s.gatherBoundary(node, int(sl), f[:])
		}

		// Moments, with half the force in the velocity.
		rho := f[0] + f[1] + f[2] + f[3] + f[4] + f[5] + f[6] + f[7] + f[8]
		ux := (f[1]-f[2]+f[5]-f[6]+f[7]-f[8])/rho + 0.5*ax
		uy := (f[3]-f[4]+f[5]-f[6]-f[7]+f[8])/rho + 0.5*ay

		// Relaxation, pair by pair, with Guo's forcing split into even
		// and odd parts (see kernel).
		fx, fy := rho*ax, rho*ay
		base := 1 - 1.5*(ux*ux+uy*uy)
		uF := ux*fx + uy*fy
		r1, r2 := w1*rho, w2*rho
		out[0][node] = f[0] - wp*(f[0]-w0*rho*base) - sp*3*w0*uF

		cu, cF := ux, fx
		a, b := relax(f[1], f[2], r1*(base+4.5*cu*cu), 3*r1*cu, sp*w1*(9*cu*cF-3*uF), sm*3*w1*cF, wp, wm)
		out[1][node], out[2][node] = a, b
		cu, cF = uy, fy
		a, b = relax(f[3], f[4], r1*(base+4.5*cu*cu), 3*r1*cu, sp*w1*(9*cu*cF-3*uF), sm*3*w1*cF, wp, wm)
		out[3][node], out[4][node] = a, b
		cu, cF = ux+uy, fx+fy
		a, b = relax(f[5], f[6], r2*(base+4.5*cu*cu), 3*r2*cu, sp*w2*(9*cu*cF-3*uF), sm*3*w2*cF, wp, wm)
		out[5][node], out[6][node] = a, b
		cu, cF = ux-uy, fx-fy
		a, b = relax(f[7], f[8], r2*(base+4.5*cu*cu), 3*r2*cu, sp*w2*(9*cu*cF-3*uF), sm*3*w2*cF, wp, wm)
		out[7][node], out[8][node] = a, b
	}
}
