package lbm

// d3q19 holds the D3Q19 velocities and weights as fixed-size arrays, in
// the order of D3Q19(), so that loops over them compile without bounds
// checks.
var d3q19 = func() (t struct {
	cx, cy, cz, w [19]float64
	pairs         [9][2]int
}) {
	lat := D3Q19()
	p := 0
	for i, c := range lat.C {
		t.cx[i], t.cy[i], t.cz[i], t.w[i] = float64(c[0]), float64(c[1]), float64(c[2]), lat.W[i]
		if i < lat.Opp[i] {
			t.pairs[p] = [2]int{i, lat.Opp[i]}
			p++
		}
	}
	return t
}()

// streamCollideD3Q19 is streamCollide for the D3Q19 lattice with
// fixed-size arrays.
func (s *Solver) streamCollideD3Q19(lo, hi int, _ *scratch) {
	stride := s.stride
	old, next := s.f, s.next
	slot, solid := s.links.slot, s.grid.Solid
	var offset [19]int
	copy(offset[:], s.links.offset)
	var f [19]float64
	for node := lo; node < hi; node++ {
		if solid != nil && solid[node] {
			continue
		}

		// Streaming: population i comes from node - c_i.
		if sl := slot[node]; sl < 0 {
			for i := range f {
				f[i] = old[i*stride+node-offset[i]]
			}
		} else {
			s.gatherBoundary(node, int(sl), f[:])
		}

		s.kern.collideD3Q19(&f)

		for i, v := range f {
			next[i*stride+node] = v
		}
	}
}

// collideD3Q19 is collide for the D3Q19 lattice with fixed-size arrays.
func (k *kernel) collideD3Q19(f *[19]float64) {
	t := &d3q19

	// Moments, with half the force in the velocity.
	var rho, mx, my, mz float64
	for i, fi := range f {
		rho += fi
		mx += fi * t.cx[i]
		my += fi * t.cy[i]
		mz += fi * t.cz[i]
	}
	ux := mx/rho + 0.5*k.force[0]
	uy := my/rho + 0.5*k.force[1]
	uz := mz/rho + 0.5*k.force[2]

	// Relaxation, pair by pair.
	fx, fy, fz := rho*k.force[0], rho*k.force[1], rho*k.force[2]
	base := 1 - 1.5*(ux*ux+uy*uy+uz*uz)
	uF := ux*fx + uy*fy + uz*fz
	wp, wm, sp, sm := k.wp, k.wm, k.sp, k.sm
	f[0] = k.relaxRest(f[0], t.w[0], rho, base, uF)
	for _, p := range t.pairs {
		i, j := p[0], p[1]
		w := t.w[i]
		cu := t.cx[i]*ux + t.cy[i]*uy + t.cz[i]*uz
		cF := t.cx[i]*fx + t.cy[i]*fy + t.cz[i]*fz
		r := w * rho
		f[i], f[j] = relax(f[i], f[j], r*(base+4.5*cu*cu), 3*r*cu, sp*w*(9*cu*cF-3*uF), sm*3*w*cF, wp, wm)
	}
}
