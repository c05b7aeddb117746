package lbm

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/neusim/neusim/mesh"
	"gonum.org/v1/gonum/spatial/r3"
)

// Solver is a lattice Boltzmann simulation advanced step by step. Run
// drives one for a whole configured run; tests and tools that need the
// state between steps use it directly.
//
// The populations are stored post-collision, one array per lattice
// velocity (structure of arrays). Each step pulls the populations each
// node receives from the previous array, collides them and writes the
// result to a second array. Nodes are therefore independent within a
// step, and any partition of the nodes among workers gives the same bits.
type Solver struct {
	cfg   Config
	grid  *mesh.Grid
	lat   *Lattice
	units Units
	tau   float64
	links *links
	kern  *kernel

	f, next []float64 // populations, index i*stride + node
	nodes   int
	stride  int // distance between the arrays of two velocities, see arrayStride
	step    int64

	parts   [][2]int // node ranges of the workers, whole rows each
	scratch []scratch
}

// scratch is one worker's per-node work space.
type scratch struct {
	f, feq []float64
	row    []float64 // populations of one row of nodes, velocity by velocity
}

// New checks cfg and returns a solver at time 0 with the initial state.
func New(cfg Config) (*Solver, error) {
	if err := cfg.validate(true); err != nil {
		return nil, err
	}

	g := cfg.Grid
	lat := D3Q19()
	if g.Is2D() {
		lat = D2Q9()
	}

	units := cfg.units()
	tau := units.Tau(cfg.Viscosity)
	a := cfg.BodyAcceleration
	accel := [3]float64{units.LatticeAcceleration(a.X), units.LatticeAcceleration(a.Y), units.LatticeAcceleration(a.Z)}
	if lat.D == 2 {
		accel[2] = 0
	}

	s := &Solver{
		cfg:   cfg,
		grid:  g,
		lat:   lat,
		units: units,
		tau:   tau,
		links: buildLinks(g, lat, cfg.Faces, units),
		kern:  newKernel(lat, newRelaxation(cfg.Collision, tau), accel),
		nodes: g.Len(),
	}

	s.stride = arrayStride(s.nodes)
	s.f = make([]float64, lat.Q*s.stride)
	s.next = make([]float64, lat.Q*s.stride)
	s.partition(cfg.Workers)
	s.initialise()
	return s, nil
}

// arrayStride returns the distance, in values, between the population
// arrays of two velocities. Padding keeps the arrays from starting at
// addresses a multiple of 4 KiB apart. On grids of power-of-two size they
// would otherwise map to the same cache sets and evict each other, which
// made the 1024 x 1024 D2Q9 benchmark about 3 times slower.
func arrayStride(nodes int) int {
	const pad = 73 // values, 584 bytes: each array starts in other cache sets
	return nodes + pad
}

// partition splits the rows of the grid (lines of nodes along x) into
// contiguous ranges, one per worker.
func (s *Solver) partition(workers int) {
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	rows := s.grid.Dims[1] * s.grid.Dims[2]
	workers = max(1, min(workers, rows))
	nx := s.grid.Dims[0]
	for w := 0; w < workers; w++ {
		lo, hi := rows*w/workers, rows*(w+1)/workers
		s.parts = append(s.parts, [2]int{lo * nx, hi * nx})
	}
	q := s.lat.Q
	for range s.parts {
		s.scratch = append(s.scratch, scratch{
			f: make([]float64, q), feq: make([]float64, q),
		})
	}
}

// Lattice returns the velocity set in use, D2Q9 or D3Q19.
func (s *Solver) Lattice() *Lattice { return s.lat }

// Units returns the conversion between lattice and SI units.
func (s *Solver) Units() Units { return s.units }

// Tau returns the relaxation time of the viscous moments, in time steps.
func (s *Solver) Tau() float64 { return s.tau }

// Steps returns the number of steps taken since time 0.
func (s *Solver) Steps() int64 { return s.step }

// Time returns the simulated time, s.
func (s *Solver) Time() float64 { return float64(s.step) * s.cfg.TimeStep }

// Step advances the solution by one time step.
func (s *Solver) Step() {
	update := s.streamCollide
	switch s.lat.Q {
	case 9:
		update = s.streamCollideD2Q9
	case 19:
		// Rows shorter than a few cache lines gain nothing from the
		// row buffer and pay its setup per row.
		if s.grid.Dims[0] >= 16 {
			update = s.streamCollideD3Q19
		}
	}
	if len(s.parts) == 1 {
		update(s.parts[0][0], s.parts[0][1], &s.scratch[0])
	} else {
		var wg sync.WaitGroup
		for w, p := range s.parts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				update(p[0], p[1], &s.scratch[w])
			}()
		}
		wg.Wait()
	}
	s.f, s.next = s.next, s.f
	s.step++
}

// streamCollide updates nodes lo to hi-1: it pulls each node's incoming
// populations from the previous state, applies the boundary conditions of
// links that end outside the fluid, and collides.
func (s *Solver) streamCollide(lo, hi int, sc *scratch) {
	q, stride := s.lat.Q, s.stride
	old, next := s.f, s.next
	offset, slot := s.links.offset, s.links.slot
	solid := s.grid.Solid
	f := sc.f
	for node := lo; node < hi; node++ {
		if solid != nil && solid[node] {
			continue
		}

		// Streaming: pull from the upstream neighbours.
		if sl := slot[node]; sl < 0 {
			for i := 0; i < q; i++ {
				f[i] = old[i*stride+node-offset[i]]
			}
		} else {
			s.gatherBoundary(node, int(sl), f)
		}

		// Collision.
		rho, u := s.kern.moments(f)
		s.kern.collide(f, rho, u)
		for i, v := range f {
			next[i*stride+node] = v
		}
	}
}

// gatherBoundary pulls the populations of a node next to a boundary or a
// periodic face into f. For a link that ends outside the fluid:
//
//   - at walls and inlets the population comes back from the node's own
//     outgoing population f* with Ladd's term (Ladd 1994),
//     f_i = f*_opp(i) + 2 w_i rho (c_i.u_w) / c_s^2. Inlets take rho as the
//     node's density, so the inflow velocity holds whatever the pressure
//     there. Walls take the reference density 1, which keeps the mass of a
//     closed domain with moving walls exactly conserved;
//   - at pressure outlets it streams from a ghost node one spacing beyond
//     the outer layer, whose state follows from the non-equilibrium
//     extrapolation of Guo, Zheng & Shi (2002, Chinese Physics 11:366):
//     f_i = f_i^eq(rho_g, u_g) + (f*_i - f_i^eq(rho, u)) at the anchor (the
//     outer-layer node next to the ghost), with rho_g = 2 rho_b - rho so
//     that the face halfway between has the outlet density rho_b, and
//     u_g = 2 u - u_inner extrapolated linearly along the normal.
//
// Node states are those of the previous step.
func (s *Solver) gatherBoundary(node, sl int, f []float64) {
	q, stride := s.lat.Q, s.stride
	old := s.f
	k := s.kern
	row := s.links.source[sl*q : (sl+1)*q]
	rho := 0.0
	haveRho := false
	for i, src := range row {
		if src >= 0 {
			f[i] = old[i*stride+int(src)]
			continue
		}
		bc := &s.links.bcs[-1-src]
		if bc.kind == Pressure {
			f[i] = s.outletPopulation(i, bc)
			continue
		}
		out := old[k.opp[i]*stride+node]
		cu := k.cx[i]*bc.u[0] + k.cy[i]*bc.u[1] + k.cz[i]*bc.u[2]
		if cu == 0 {
			f[i] = out
			continue
		}
		if bc.kind == Wall {
			f[i] = out + 6*k.w[i]*cu
			continue
		}
		if !haveRho {
			rho, _ = s.nodeState(node)
			haveRho = true
		}
		f[i] = out + 6*k.w[i]*rho*cu
	}
}

// outletPopulation returns population i of the ghost node of a pressure
// link.
func (s *Solver) outletPopulation(i int, bc *linkBC) float64 {
	anchor := int(bc.anchor)
	rho, u := s.nodeState(anchor)
	ug := u
	if bc.inner >= 0 {
		_, ui := s.nodeState(int(bc.inner))
		for a := range ug {
			ug[a] = 2*u[a] - ui[a]
		}
	}
	return s.kern.equilibriumAt(i, 2*bc.rho-rho, ug) + s.f[i*s.stride+anchor] - s.kern.equilibriumAt(i, rho, u)
}

// nodeVelocity returns the lattice velocity of a node from its
// post-collision populations in the current state.
func (s *Solver) nodeVelocity(node int) [3]float64 {
	var buf [19]float64
	f := buf[:s.lat.Q]
	for i := range f {
		f[i] = s.f[i*s.stride+node]
	}
	_, u := s.kern.postMoments(f)
	return u
}

// nodeState returns the lattice density and velocity of a fluid node.
func (s *Solver) nodeState(node int) (rho float64, u [3]float64) {
	var buf [19]float64
	f := buf[:s.lat.Q]
	for i := range f {
		f[i] = s.f[i*s.stride+node]
	}
	return s.kern.postMoments(f)
}

// Velocity returns the velocity at node n in m/s, zero at solid nodes.
func (s *Solver) Velocity(n int) r3.Vec {
	if s.grid.IsSolid(n) {
		return r3.Vec{}
	}
	_, u := s.nodeState(n)
	return r3.Vec{X: s.units.Speed(u[0]), Y: s.units.Speed(u[1]), Z: s.units.Speed(u[2])}
}

// Pressure returns the gauge pressure at node n in Pa, zero at solid nodes.
func (s *Solver) Pressure(n int) float64 {
	if s.grid.IsSolid(n) {
		return 0
	}
	rho, _ := s.nodeState(n)
	return s.units.Pressure(rho)
}

// initialise sets every fluid node to the post-collision state of the
// initial field: equilibrium plus the non-equilibrium part of the velocity
// gradient, f_i^neq = -w_i rho tau / c_s^2 (c_ia c_ib - c_s^2 d_ab) d_a u_b
// (the Chapman-Enskog result for BGK), then collided once.
func (s *Solver) initialise() {
	g, lat, k := s.grid, s.lat, s.kern
	sc := &s.scratch[0]
	fneq := make([]float64, lat.Q)
	for node := 0; node < s.nodes; node++ {
		if g.IsSolid(node) {
			continue
		}
		rho, u, grad := s.initialState(node)

		// Guo's forcing counts half the force in the velocity, so the
		// pre-collision populations carry the momentum rho (u - a/2).
		pre := u
		for a := range pre {
			pre[a] -= 0.5 * k.force[a]
		}
		k.equilibrium(rho, pre, sc.feq)
		for i := range fneq {
			c := [3]float64{k.cx[i], k.cy[i], k.cz[i]}
			var qdu float64
			for a := 0; a < 3; a++ {
				for b := 0; b < 3; b++ {
					qab := c[a] * c[b]
					if a == b {
						qab -= csSq
					}
					qdu += qab * grad[a][b]
				}
			}
			fneq[i] = -k.w[i] * rho * s.tau / csSq * qdu
		}
		for i := range sc.f {
			sc.f[i] = sc.feq[i] + fneq[i]
		}
		k.collide(sc.f, rho, u)
		for i, v := range sc.f {
			s.f[i*s.stride+node] = v
		}
	}
}

// initialState returns the lattice density, velocity and velocity
// gradient grad[a][b] = d u_b / d x_a of the initial field at a node.
func (s *Solver) initialState(node int) (rho float64, u [3]float64, grad [3][3]float64) {
	if s.cfg.Initial == nil {
		return 1, u, grad
	}
	g := s.grid
	p := g.Point(g.Coords(node))
	uSI, pressure := s.cfg.Initial(p)
	rho = s.units.LatticeDensity(pressure)
	u = [3]float64{s.units.LatticeSpeed(uSI.X), s.units.LatticeSpeed(uSI.Y), s.units.LatticeSpeed(uSI.Z)}

	// Central differences over a small fraction of dx: the initial field
	// is a function, so no grid error enters. The lattice gradient is
	// du/dx * dt.
	h := 1e-3 * g.Spacing
	for a := 0; a < s.lat.D; a++ {
		var e r3.Vec
		switch a {
		case 0:
			e.X = h
		case 1:
			e.Y = h
		case 2:
			e.Z = h
		}
		up, _ := s.cfg.Initial(r3.Add(p, e))
		um, _ := s.cfg.Initial(r3.Sub(p, e))
		d := r3.Scale(s.cfg.TimeStep/(2*h), r3.Sub(up, um))
		grad[a] = [3]float64{d.X, d.Y, d.Z}
	}
	if s.lat.D == 2 {
		u[2] = 0
	}
	return rho, u, grad
}

// Fields returns the velocity (m/s, three components), gauge pressure (Pa),
// density (kg/m^3) and solid mask (1 at solid nodes) at the grid nodes,
// reusing the slices of dst when it holds four fields of the right size.
// Solid nodes have zero velocity and pressure and the reference density.
func (s *Solver) Fields(dst []mesh.Field) []mesh.Field {
	g := s.grid
	if len(dst) != 4 || len(dst[0].Data) != 3*s.nodes {
		dst = []mesh.Field{
			mesh.NewField(g, "velocity", "m/s", 3, mesh.AtPoints),
			mesh.NewField(g, "pressure", "Pa", 1, mesh.AtPoints),
			mesh.NewField(g, "density", "kg/m^3", 1, mesh.AtPoints),
			mesh.NewField(g, "solid", "1", 1, mesh.AtPoints),
		}
	}
	vel, pres, dens, solid := dst[0].Data, dst[1].Data, dst[2].Data, dst[3].Data
	for n := 0; n < s.nodes; n++ {
		if g.IsSolid(n) {
			vel[3*n], vel[3*n+1], vel[3*n+2] = 0, 0, 0
			pres[n], dens[n], solid[n] = 0, s.cfg.Density, 1
			continue
		}
		rho, u := s.nodeState(n)
		vel[3*n] = s.units.Speed(u[0])
		vel[3*n+1] = s.units.Speed(u[1])
		vel[3*n+2] = s.units.Speed(u[2])
		pres[n] = s.units.Pressure(rho)
		dens[n] = rho * s.cfg.Density
		solid[n] = 0
	}
	return dst
}

// checkFinite returns an error naming the first node whose density is
// not a positive finite number, the sign that the run has diverged, and
// otherwise the largest lattice Mach number |u| / c_s of the fluid nodes.
func (s *Solver) checkFinite() (mach float64, err error) {
	var maxSq float64
	for n := 0; n < s.nodes; n++ {
		if s.grid.IsSolid(n) {
			continue
		}
		rho, u := s.nodeState(n)
		if !(rho > 0) || math.IsInf(rho, 0) || math.IsNaN(u[0]+u[1]+u[2]) {
			i, j, k := s.grid.Coords(n)
			return 0, fmt.Errorf("lbm: solution diverged at step %d: density %g kg/m^3 at node (%d, %d, %d) with tau = %.4g; "+
				"refine the grid and scale the time step with the square of the spacing (this lowers the Mach number at the same tau), "+
				"lower the flow speed, or use the TRT collision",
				s.step, rho*s.cfg.Density, i, j, k, s.tau)
		}
		maxSq = math.Max(maxSq, u[0]*u[0]+u[1]*u[1]+u[2]*u[2])
	}
	return math.Sqrt(maxSq / csSq), nil
}
