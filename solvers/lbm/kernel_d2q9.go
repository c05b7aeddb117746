package lbm

// streamCollideD2Q9 is streamCollide for the D2Q9 lattice, with the pull
// from the upstream neighbours of interior nodes and the collision
// unrolled.
func (s *Solver) streamCollideD2Q9(lo, hi int, _ *scratch) {
	nodes, stride, nx := s.nodes, s.stride, s.grid.Dims[0]
	old, next := s.f, s.next
	slot, solid := s.links.slot, s.grid.Solid
	var in, out [9][]float64
	for i := range in {
		in[i] = old[i*stride : i*stride+nodes]
		out[i] = next[i*stride : i*stride+nodes]
	}
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

		s.kern.collideD2Q9(&f)

		for i := range f {
			out[i][node] = f[i]
		}
	}
}
