package lbm

import (
	"fmt"

	"github.com/neusim/neusim/mesh"
	"gonum.org/v1/gonum/spatial/r3"
)

// Mask returns the solid nodes of the solver's grid that lie inside
// solid, as a mask for BodyForce. It is empty when solid contains no
// solid node, such as a region that misses the grid.
func (s *Solver) Mask(solid mesh.Solid) []bool {
	g := s.grid
	mask := make([]bool, s.nodes)
	for n := range mask {
		mask[n] = g.IsSolid(n) && solid.Contains(g.Point(g.Coords(n)))
	}
	return mask
}

// BodyForce returns the force that the fluid exerts on the solid nodes
// marked in body (one entry per grid node), in N for a 3D grid and in N/m,
// per unit depth along z, for a 2D grid. Marks on fluid nodes are ignored.
//
// The force follows from momentum exchange at the halfway bounce-back
// links (Ladd 1994, J. Fluid Mech. 271:285; Mei et al. 2002, J. Comput.
// Phys. 176:424): a population f*_i that leaves fluid node x toward a
// solid node of the body returns to x as f_opp(i) = f*_i one step later,
// so each such link passes the momentum 2 c_i f*_i per step to the body.
// The populations are those of the current step, so the result is the
// force over the step that follows. The solid walls are stationary, so
// the moving-wall term of Ladd's rule does not enter.
func (s *Solver) BodyForce(body []bool) (r3.Vec, error) {
	if len(body) != s.nodes {
		return r3.Vec{}, fmt.Errorf("lbm: invalid body mask of %d entries: expected one per grid node (%d)", len(body), s.nodes)
	}
	g, lat, q := s.grid, s.lat, s.lat.Q
	var force [3]float64
	for node := 0; node < s.nodes; node++ {
		sl := s.links.slot[node]
		if sl < 0 || g.IsSolid(node) {
			continue
		}
		at := [3]int{}
		at[0], at[1], at[2] = g.Coords(node)
		row := s.links.source[int(sl)*q : (int(sl)+1)*q]
		for i, src := range row {
			// Source -1 is boundary 0, the stationary wall of solid
			// nodes: the node x - c_i upstream of population i is solid.
			if src != -1 {
				continue
			}
			up, ok := s.wrap([3]int{at[0] - lat.C[i][0], at[1] - lat.C[i][1], at[2] - lat.C[i][2]})
			if !ok || !body[up] {
				continue
			}
			// The population that hits this solid node is the outgoing
			// one along c_opp(i) = -c_i.
			out := s.f[lat.Opp[i]*s.stride+node]
			for a := 0; a < 3; a++ {
				force[a] -= 2 * float64(lat.C[i][a]) * out
			}
		}
	}
	scale := s.forceScale()
	return r3.Vec{X: force[0] * scale, Y: force[1] * scale, Z: force[2] * scale}, nil
}

// forceScale returns the SI force of one lattice force unit: rho_0 dx^4 /
// dt^2 in N on a 3D grid, rho_0 dx^3 / dt^2 in N/m on a 2D grid.
func (s *Solver) forceScale() float64 {
	u := s.units
	scale := u.Rho * u.Dx * u.Dx * u.Dx / (u.Dt * u.Dt)
	if s.lat.D == 3 {
		scale *= u.Dx
	}
	return scale
}

// wrap returns the index of the node at grid coordinates p, wrapped
// across periodic faces, and false when p lies outside a non-periodic
// face.
func (s *Solver) wrap(p [3]int) (int, bool) {
	g := s.grid
	for a := 0; a < 3; a++ {
		if p[a] >= 0 && p[a] < g.Dims[a] {
			continue
		}
		if s.cfg.Faces[2*a].Kind != Periodic && !(a == 2 && g.Dims[2] == 1) {
			return 0, false
		}
		p[a] = (p[a]%g.Dims[a] + g.Dims[a]) % g.Dims[a]
	}
	return g.Index(p[0], p[1], p[2]), true
}
