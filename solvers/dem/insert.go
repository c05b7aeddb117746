package dem

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
)

// placementAttempts is how many random positions random sequential
// addition tries for one particle before the insertion is reported as
// infeasible (pack) or the particle is deferred to a later step (pour).
const placementAttempts = 5000

// inserter places the particles of one insertion by random sequential
// addition: a candidate centre is drawn uniformly in the region, shrunk
// by the radius so the sphere lies inside, and accepted when the sphere
// overlaps no particle and no wall. Radii are drawn up front from the
// insertion's seeded PCG generator, largest first for pack (big spheres
// are the hardest to fit), in draw order for pour.
//
// Random sequential addition of equal spheres jams near a solid fraction
// of 0.38 and slows sharply above about 0.3 (Torquato, Random
// Heterogeneous Materials, 2002, section 3.1). Denser initial beds are
// made by packing a taller region at a lower fraction and letting the
// particles settle under gravity.
type inserter struct {
	ins    cases.Insertion
	where  string // "dem: case %q: insertion %q" for messages
	region region
	rng    *rand.Rand
	radii  []float64 // radii still to place, m, in placement order
	placed int
	rmax   float64
	domain cases.Domain
	warned bool // pour: a deferred particle was logged
}

func newInserter(c *cases.Case, k int) (*inserter, error) {
	ins := c.Insertions[k]
	where := fmt.Sprintf("dem: case %q: insertion %q", c.Name, ins.Name)
	g, err := newRegion(ins.Region, where)
	if err != nil {
		return nil, err
	}
	if err := checkRadius(ins.Radius, where); err != nil {
		return nil, err
	}
	if ins.Material < 0 || ins.Material >= len(c.Materials) {
		return nil, fmt.Errorf("%s: material index %d; the case has %d materials", where, ins.Material, len(c.Materials))
	}
	switch {
	case ins.Count > 0 && ins.FillFraction > 0:
		return nil, fmt.Errorf("%s: both count (%d) and fill_fraction (%g) are set; give exactly one", where, ins.Count, ins.FillFraction)
	case ins.Count < 0, ins.Count == 0 && !(ins.FillFraction > 0 && ins.FillFraction <= 0.64):
		return nil, fmt.Errorf("%s: count %d and fill_fraction %g; give a positive count or a fill fraction in (0, 0.64]", where, ins.Count, ins.FillFraction)
	}
	switch ins.Mode {
	case cases.InsertPack:
	case cases.InsertPour:
		if !(ins.Rate > 0) || math.IsInf(ins.Rate, 0) {
			return nil, fmt.Errorf("%s: pour rate %g particles/s; give a positive rate", where, ins.Rate)
		}
	default:
		return nil, fmt.Errorf("%s: mode %q is unknown; use pack or pour", where, ins.Mode)
	}

	it := &inserter{ins: ins, where: where, region: g, domain: c.Domain, rng: rand.New(rand.NewPCG(ins.Seed, 0x6e657573696d))}
	_, it.rmax = radiusBounds(ins.Radius)
	if ins.Count > 0 {
		for range ins.Count {
			it.radii = append(it.radii, drawRadius(ins.Radius, it.rng))
		}
	} else {
		target := ins.FillFraction * g.volume()
		vol := 0.0
		for vol < target {
			r := drawRadius(ins.Radius, it.rng)
			vol += 4.0 / 3.0 * math.Pi * r * r * r
			it.radii = append(it.radii, r)
		}
	}
	if ins.Mode == cases.InsertPack {
		slices.SortStableFunc(it.radii, func(a, b float64) int { return cmp.Compare(b, a) })
	}
	return it, nil
}

// pack places all particles at time 0 or returns an error naming the
// insertion and the number it reached.
func (it *inserter) pack(s *state, w *walls, mat cases.Material) error {
	grid := newInsertGrid(it.domain, 2*max(it.rmax, maxRadius(s)), s.len()+len(it.radii))
	for i, p := range s.pos {
		grid.insert(p, int32(i))
	}
	total := len(it.radii)
	first := s.len()
	for _, r := range it.radii {
		if !it.placeOne(s, w, grid, r, 0, mat) {
			frac := it.placedVolume() / it.region.volume()
			return fmt.Errorf("%s: random sequential addition placed %d of %d particles (solid fraction %.3f) before a particle of radius %g m found no free spot in %d attempts; lower count or fill_fraction (this method jams near 0.38 and slows above about 0.3), or enlarge the region and let the particles settle", it.where, it.placed, total, frac, r, placementAttempts)
		}
	}
	it.radii = it.radii[:0]
	s.sortSpatially(first, 2*it.rmax)
	return nil
}

func (it *inserter) placedVolume() float64 {
	v := 0.0
	// The radii placed so far are the first it.placed entries.
	for _, r := range it.radii[:it.placed] {
		v += 4.0 / 3.0 * math.Pi * r * r * r
	}
	return v
}

// pour places the particles due by time t (Rate per second since 0). A
// particle that finds no free spot stays due and is tried again at the
// next call. It returns the number placed.
func (it *inserter) pour(s *state, w *walls, t float64, mat cases.Material) (placed int, deferred bool) {
	due := int(math.Floor(it.ins.Rate*t+1e-9)) - it.placed
	due = min(due, len(it.radii))
	if due <= 0 {
		return 0, false
	}
	// Only particles near the region can overlap a new one, unless a
	// periodic image of the region reaches across the domain.
	size := 2 * max(it.rmax, maxRadius(s))
	grid := newInsertGrid(it.domain, size, s.len()+due)
	lo, hi := it.region.bounds()
	margin := r3.Vec{X: size, Y: size, Z: size}
	lo, hi = r3.Sub(lo, margin), r3.Add(hi, margin)
	all := it.domain.Periodic != [3]bool{}
	for i, p := range s.pos {
		if all || (p.X >= lo.X && p.X <= hi.X && p.Y >= lo.Y && p.Y <= hi.Y && p.Z >= lo.Z && p.Z <= hi.Z) {
			grid.insert(p, int32(i))
		}
	}
	for placed < due {
		if !it.placeOne(s, w, grid, it.radii[0], t, mat) {
			return placed, true
		}
		it.radii = it.radii[1:]
		placed++
	}
	return placed, false
}

// placeOne tries random positions for one sphere of radius r and appends
// it to s on success.
func (it *inserter) placeOne(s *state, w *walls, grid *insertGrid, r, t float64, mat cases.Material) bool {
	for range placementAttempts {
		p, ok := it.region.sample(it.rng.Float64(), it.rng.Float64(), it.rng.Float64(), r)
		if !ok {
			return false
		}
		if grid.overlapsImages(s, p, r, it.domain) || w.overlaps(p, r, t) {
			continue
		}
		mass := 4.0 / 3.0 * math.Pi * r * r * r * mat.Density
		s.add(p, it.ins.Velocity, r, mass, int32(it.ins.Material))
		grid.insert(p, int32(s.len()-1))
		it.placed++
		return true
	}
	return false
}

// overlaps reports whether a sphere at p with radius r touches any active
// wall at time t.
func (w *walls) overlaps(p r3.Vec, r, t float64) bool {
	for k, surf := range w.surf {
		if !w.active(k, t) {
			continue
		}
		if len(surf.Contacts(p, r, t, nil)) > 0 {
			return true
		}
	}
	return false
}

func maxRadius(s *state) float64 {
	m := 0.0
	for _, r := range s.radius {
		m = max(m, r)
	}
	return m
}

// insertGrid is a linked-cell grid of particle indices over the domain
// for insertion. Cells are at least twice the largest radius wide, so a
// sphere can only overlap particles in the 27 cells around its centre.
// Points outside the domain are clamped into the edge cells, which keeps
// that property.
type insertGrid struct {
	lo   r3.Vec
	size r3.Vec // cell edge lengths, m
	dims [3]int
	head []int32 // first particle of each cell, -1 for none
	next []int32 // next particle in the same cell, by particle index
}

// newInsertGrid returns an empty grid over d with cells at least size
// wide, and at most about eight cells per expected particle.
func newInsertGrid(d cases.Domain, size float64, expected int) *insertGrid {
	g := &insertGrid{lo: d.Min}
	l := r3.Sub(d.Max, d.Min)
	limit := max(4096, 8*expected)
	for {
		total := 1
		for a, la := range []float64{l.X, l.Y, l.Z} {
			g.dims[a] = max(1, int(la/size))
			total *= g.dims[a]
		}
		if total <= limit {
			break
		}
		size *= 1.26
	}
	g.size = r3.Vec{X: l.X / float64(g.dims[0]), Y: l.Y / float64(g.dims[1]), Z: l.Z / float64(g.dims[2])}
	g.head = make([]int32, g.dims[0]*g.dims[1]*g.dims[2])
	for c := range g.head {
		g.head[c] = -1
	}
	return g
}

func (g *insertGrid) coord(p r3.Vec) [3]int {
	return [3]int{
		min(max(int(math.Floor((p.X-g.lo.X)/g.size.X)), 0), g.dims[0]-1),
		min(max(int(math.Floor((p.Y-g.lo.Y)/g.size.Y)), 0), g.dims[1]-1),
		min(max(int(math.Floor((p.Z-g.lo.Z)/g.size.Z)), 0), g.dims[2]-1),
	}
}

func (g *insertGrid) insert(p r3.Vec, i int32) {
	for int(i) >= len(g.next) {
		g.next = append(g.next, -1)
	}
	k := g.coord(p)
	c := (k[2]*g.dims[1]+k[1])*g.dims[0] + k[0]
	g.next[i] = g.head[c]
	g.head[c] = i
}

// overlaps reports whether a sphere at p with radius r overlaps a
// particle in the grid.
func (g *insertGrid) overlaps(s *state, p r3.Vec, r float64) bool {
	k := g.coord(p)
	for z := max(k[2]-1, 0); z <= min(k[2]+1, g.dims[2]-1); z++ {
		for y := max(k[1]-1, 0); y <= min(k[1]+1, g.dims[1]-1); y++ {
			for x := max(k[0]-1, 0); x <= min(k[0]+1, g.dims[0]-1); x++ {
				for j := g.head[(z*g.dims[1]+y)*g.dims[0]+x]; j >= 0; j = g.next[j] {
					d := r3.Sub(p, s.pos[j])
					sum := r + s.radius[j]
					if r3.Dot(d, d) < sum*sum {
						return true
					}
				}
			}
		}
	}
	return false
}

// overlapsImages is overlaps for p and, along the periodic axes of d, its
// images one period away, so a sphere near a periodic boundary is checked
// against the particles across it.
func (h *insertGrid) overlapsImages(s *state, p r3.Vec, r float64, d cases.Domain) bool {
	l := r3.Sub(d.Max, d.Min)
	shifts := func(periodic bool, length float64) []float64 {
		if periodic {
			return []float64{0, -length, length}
		}
		return []float64{0}
	}
	for _, sx := range shifts(d.Periodic[0], l.X) {
		for _, sy := range shifts(d.Periodic[1], l.Y) {
			for _, sz := range shifts(d.Periodic[2], l.Z) {
				if h.overlaps(s, r3.Add(p, r3.Vec{X: sx, Y: sy, Z: sz}), r) {
					return true
				}
			}
		}
	}
	return false
}
