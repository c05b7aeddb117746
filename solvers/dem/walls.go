package dem

import (
	"fmt"
	"slices"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/mesh"
)

// wallContact is the history of one particle touching one wall feature.
type wallContact struct {
	id    int64  // particle id
	wall  int32  // index into the wall set
	key   int64  // mesh.Contact.Key of the touched feature
	shear r3.Vec // tangential spring displacement, m
	roll  r3.Vec // epsd spring torque, N m
}

// walls holds the rigid walls of a run and the history of their contacts.
type walls struct {
	surf      []mesh.Surface
	material  []int32
	moving    []bool
	removedAt []float64 // s, 0 for never

	// candidates has bit w set for particle i when wall w was within the
	// neighbour skin at the last rebuild. Walls from index 64 on and
	// moving walls are always checked.
	candidates []uint64

	hist      []wallContact   // sorted by particle id
	chunkHist [][]wallContact // per-chunk output of the current step
	scratch   [][]mesh.Contact
}

// newWalls builds the wall set of c.
func newWalls(c *cases.Case) (*walls, error) {
	w := &walls{}
	for i, cw := range c.Walls {
		surf, err := mesh.NewWall(cw)
		if err != nil {
			return nil, fmt.Errorf("dem: case %q: wall %d: %w", c.Name, i, err)
		}
		if cw.Material < 0 || cw.Material >= len(c.Materials) {
			return nil, fmt.Errorf("dem: case %q: wall %q has material index %d; the case has %d materials", c.Name, cw.Name, cw.Material, len(c.Materials))
		}
		w.add(surf, int32(cw.Material), cw.Motion.Moving(), cw.RemovedAt)
	}
	return w, nil
}

func (w *walls) add(s mesh.Surface, material int32, moving bool, removedAt float64) {
	w.surf = append(w.surf, s)
	w.material = append(w.material, material)
	w.moving = append(w.moving, moving)
	w.removedAt = append(w.removedAt, removedAt)
}

func (w *walls) active(k int, t float64) bool {
	return w.removedAt[k] <= 0 || t < w.removedAt[k]
}

// findCandidates marks, for particles [lo, hi), the static walls closer
// than radius + skin at time t. A particle moves at most skin/2 before the
// next rebuild, so no other static wall can touch it until then.
func (w *walls) findCandidates(s *state, skin, t float64, lo, hi int) {
	for i := lo; i < hi; i++ {
		var mask uint64
		for k := 0; k < len(w.surf) && k < 64; k++ {
			if !w.active(k, t) {
				continue
			}
			if w.moving[k] {
				mask |= 1 << k
				continue
			}
			point, _, _ := w.surf[k].Nearest(s.pos[i], t)
			reach := s.radius[i] + skin
			if d := r3.Sub(s.pos[i], point); r3.Dot(d, d) < reach*reach {
				mask |= 1 << k
			}
		}
		w.candidates[i] = mask
	}
}

// prepare sizes the per-chunk buffers for a force computation.
func (w *walls) prepare(chunks int) {
	for len(w.chunkHist) < chunks {
		w.chunkHist = append(w.chunkHist, nil)
		w.scratch = append(w.scratch, nil)
	}
	for c := range chunks {
		w.chunkHist[c] = w.chunkHist[c][:0]
	}
}

// historyFrom returns the index of the first history entry of the
// particle with id at least id.
func (w *walls) historyFrom(id int64) int {
	k, _ := slices.BinarySearchFunc(w.hist, id, func(e wallContact, id int64) int {
		switch {
		case e.id < id:
			return -1
		case e.id > id:
			return 1
		}
		return 0
	})
	return k
}

// mayTouch reports whether particle i may touch a wall. A particle with no
// candidate wall has no contact, and any history it had is skipped by the
// history cursor at the next particle that has one.
func (w *walls) mayTouch(i int) bool {
	return len(w.surf) > 64 || (len(w.surf) > 0 && w.candidates[i] != 0)
}

// computeParticle adds the wall forces and torques on particle i at time t
// to f and t, reading the old history from w.hist starting at *cursor and
// appending the new history to chunk c. It returns the largest overlap
// fraction of a wall contact, for the blow-up check.
func (w *walls) computeParticle(l *law, s *state, i, chunk int, t, dt float64, cursor *int, f, tq *r3.Vec) float64 {
	if !w.mayTouch(i) {
		return 0
	}
	id := s.id[i]
	for *cursor < len(w.hist) && w.hist[*cursor].id < id {
		*cursor++
	}
	old := *cursor
	for *cursor < len(w.hist) && w.hist[*cursor].id == id {
		*cursor++
	}
	oldHist := w.hist[old:*cursor]

	worst := 0.0
	p, r, m := s.pos[i], s.radius[i], s.mass[i]
	mask := w.candidates[i]
	var c contact
	for k := range w.surf {
		if k < 64 && mask&(1<<k) == 0 {
			continue
		}
		found := w.surf[k].Contacts(p, r, t, w.scratch[chunk][:0])
		w.scratch[chunk] = found
		for _, wc := range found {
			e := wallContact{id: id, wall: int32(k), key: wc.Key}
			for _, o := range oldHist {
				if o.wall == e.wall && o.key == e.key {
					e.shear, e.roll = o.shear, o.roll
					break
				}
			}

			c.n = wc.Normal
			c.delta = wc.Overlap
			worst = max(worst, wc.Overlap/r)
			c.rStar = r
			c.mStar = m
			c.inertia = 1.4 * m * r * r
			c.armI = r - wc.Overlap
			c.armJ = 0
			c.vRel = r3.Sub(s.vel[i], wc.Velocity)
			c.omegaI = s.omega[i]
			c.omegaJ = r3.Vec{}
			res := l.resolve(l.pair(s.material[i], w.material[k]), &c, dt, &e.shear, &e.roll)
			*f = r3.Add(*f, res.force)
			*tq = r3.Add(*tq, res.torqueI)
			w.chunkHist[chunk] = append(w.chunkHist[chunk], e)
		}
	}
	return worst
}

// commit replaces the history with the concatenated chunk outputs, which
// are in particle order because chunks cover ascending index ranges.
func (w *walls) commit(chunks int) {
	w.hist = w.hist[:0]
	for c := range chunks {
		w.hist = append(w.hist, w.chunkHist[c]...)
	}
}
