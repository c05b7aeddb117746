package dem

import (
	"slices"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/particles"
)

// pairs holds the particle-particle contacts of a run. Beside the
// neighbour list it keeps the contact history, one entry per listed pair
// in the list's (i, j) order, and the per-pair force buffer that makes
// the force sum independent of the number of workers.
type pairs struct {
	nl       *particles.NeighborList
	periodic bool
	epsd     bool // rolling history kept

	shear    []r3.Vec // tangential spring displacement per pair, m
	roll     []r3.Vec // epsd spring torque per pair, N m; nil for other models
	touching []bool   // pair in contact during the last force computation

	// onJ is the force and torque each pair puts on its second member j,
	// zero for pairs not touching, grouped by j: particle k's shares are
	// onJ[jStart[k]:jStart[k+1]], in ascending pair order, and pair q's
	// share is onJ[slot[q]]. The grouping makes the gather a sequential
	// read. The first member's share is summed while its row is resolved,
	// into rowForce and rowTorque.
	onJ       []forceTorque
	rowForce  []r3.Vec // N, per particle
	rowTorque []r3.Vec // N m, per particle

	// With a single chunk the second members' shares are added straight
	// into accForce and accTorque in list order, the same order the
	// parallel gather through onJ uses, and each row sum after them, so
	// both give the same sums. Only one of the two sets is allocated.
	accForce  []r3.Vec // N, per particle
	accTorque []r3.Vec // N m, per particle

	jStart   []int32 // per particle, and one past the last
	slot     []int32 // per pair
	buffered bool    // onJ, jStart and slot are set up for this list

	// The previous list with particle ids, for the history merge.
	buildIDs []int64
	oldStart []int32
	oldNb    []int32
	oldShear []r3.Vec
	oldRoll  []r3.Vec
	oldTouch []bool
	remap    []int32 // new index of each particle of the previous list, or -1
}

func newPairs(box particles.Box, skin float64, epsd bool) *pairs {
	p := &pairs{
		nl:       particles.NewNeighborList(box, skin),
		periodic: box.Periodic != [3]bool{},
		epsd:     epsd,
	}
	return p
}

// rebuild builds a new neighbour list for s and carries the history of
// every pair present in both lists across, matching pairs by particle
// ids. Both lists are sorted by (i, j) and ids increase with the index,
// so one merge pass per row finds the matches.
func (p *pairs) rebuild(s *state, pl *pool) error {
	p.oldStart = append(p.oldStart[:0], p.nl.Start...)
	p.oldNb = append(p.oldNb[:0], p.nl.Neighbors...)
	p.oldShear, p.shear = p.shear, p.oldShear
	p.oldRoll, p.roll = p.roll, p.oldRoll
	p.oldTouch, p.touching = p.touching, p.oldTouch
	oldIDs := p.buildIDs

	if err := p.nl.Build(s.pos, s.radius); err != nil {
		return err
	}
	np, n := p.nl.Pairs(), s.len()
	p.shear = resizeZeroParallel(pl, p.shear, np)
	p.touching = resizeZeroParallel(pl, p.touching, np)
	if p.epsd {
		p.roll = resizeZeroParallel(pl, p.roll, np)
	}

	// A parallel force computation buffers the second members' shares
	// and keeps the row sums apart; a single chunk sums both straight
	// into accForce and accTorque. The particle count, and with it the
	// number of chunks, stays the same until the next rebuild.
	p.buffered = pl.chunks(n) > 1
	if p.buffered {
		p.onJ = resizeZeroParallel(pl, p.onJ, np)
		p.buildTranspose(n)
		p.rowForce = resizeZero(p.rowForce, n)
		p.rowTorque = resizeZero(p.rowTorque, n)
	} else {
		p.accForce = resizeZero(p.accForce, n)
		p.accTorque = resizeZero(p.accTorque, n)
	}

	if len(p.oldStart) > 0 {
		p.carryHistory(oldIDs, s.id, pl)
	}
	p.buildIDs = append(p.buildIDs[:0], s.id...)
	return nil
}

// carryHistory copies the history of every touching pair of the old list
// that is also in the new one. oldIDs and ids are the particle ids of the
// old and the new list, both ascending, so one merge of the two maps old
// indices to new ones, and that map keeps the order of the particles that
// remain. Each old row is then merged with its new row.
func (p *pairs) carryHistory(oldIDs, ids []int64, pl *pool) {
	p.remap = resizeZero(p.remap, len(oldIDs))
	i := 0
	for oi, id := range oldIDs {
		for i < len(ids) && ids[i] < id {
			i++
		}
		p.remap[oi] = -1 // removed
		if i < len(ids) && ids[i] == id {
			p.remap[oi] = int32(i)
		}
	}

	// Rows are independent, so they are merged in parallel.
	pl.run(len(oldIDs), func(_, lo, hi int) { p.carryRows(lo, hi) })
}

// carryRows merges old rows [lo, hi) with their new rows.
func (p *pairs) carryRows(lo, hi int) {
	start, nb := p.nl.Start, p.nl.Neighbors
	for oi := lo; oi < hi; oi++ {
		i := p.remap[oi]
		if i < 0 {
			continue
		}
		// Removed partners map to -1 and are skipped like smaller ones.
		q, qEnd := p.oldStart[oi], p.oldStart[oi+1]
		for k := start[i]; k < start[i+1] && q < qEnd; k++ {
			want := nb[k]
			for q < qEnd && p.remap[p.oldNb[q]] < want {
				q++
			}
			if q < qEnd && p.remap[p.oldNb[q]] == want && p.oldTouch[q] {
				p.touching[k] = true
				p.shear[k] = p.oldShear[q]
				if p.epsd {
					p.roll[k] = p.oldRoll[q]
				}
			}
		}
	}
}

// buildTranspose fills jStart and slot with a counting sort of the pairs
// by their second member. Pairs are visited in list order, so each
// particle's pairs stay ascending.
func (p *pairs) buildTranspose(n int) {
	nb := p.nl.Neighbors
	p.jStart = resizeZero(p.jStart, n+1)
	for _, j := range nb {
		p.jStart[j+1]++
	}
	for k := range n {
		p.jStart[k+1] += p.jStart[k]
	}
	p.slot = resizeZero(p.slot, len(nb))
	fill := slices.Clone(p.jStart[:n])
	for q, j := range nb {
		p.slot[q] = fill[j]
		fill[j]++
	}
}

// forceTorque is a force (N) and a torque (N m) on one body.
type forceTorque struct {
	force, torque r3.Vec
}

// overlapFault records the first pair, in list order, whose overlap
// exceeds the blow-up limit.
type overlapFault struct {
	pair     int     // index into the list, or -1
	i, j     int     // particle indices
	overlap  float64 // m
	fraction float64 // overlap over the smaller radius
}

// sumParticle returns the total pair force and torque on particle k
// after a parallel computeRows: the shares of the pairs where it is the
// second member, in ascending pair order, plus its row sum. Pairs not
// touching add zeros. After a single-chunk computeRows the same sums, in
// the same order, are accForce[k] and accTorque[k].
func (p *pairs) sumParticle(k int) (f, t r3.Vec) {
	for _, share := range p.onJ[p.jStart[k]:p.jStart[k+1]] {
		f = r3.Add(f, share.force)
		t = r3.Add(t, share.torque)
	}
	return r3.Add(f, p.rowForce[k]), r3.Add(t, p.rowTorque[k])
}

// resizeZeroParallel is resizeZero with the clearing split over the
// workers of pl, for the per-pair arrays of megabytes.
func resizeZeroParallel[T any](pl *pool, s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	pl.run(n, func(_, lo, hi int) { clear(s[lo:hi]) })
	return s
}

// resizeZero returns s with length n and every element zero.
func resizeZero[T any](s []T, n int) []T {
	if cap(s) < n {
		s = make([]T, n)
	} else {
		s = s[:n]
		clear(s)
	}
	return s
}
