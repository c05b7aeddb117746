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

	// accForce and accTorque are the pair force and torque sums per
	// particle. With one chunk, every pair adds its second member's share
	// to them in list order, and each row then adds its sum on the first
	// member.
	//
	// With several chunks, rows run in parallel. A particle that receives
	// a share from a row in an earlier chunk is marked, and all its shares
	// go to onJ instead, grouped by particle: particle k's shares are
	// onJ[jStart[k]:jStart[k+1]] in ascending pair order, and pair q's
	// share is onJ[slot[q]]. Its acc entry then holds its row sum alone,
	// and sumParticle adds the two in the single chunk's order. Every
	// other particle gets its shares from one worker in row order, so
	// they go straight into its sums (slot -1). Either way the bits are
	// those of a single chunk.
	accForce  []r3.Vec // N, per particle
	accTorque []r3.Vec // N m, per particle
	onJ       []forceTorque
	jStart    []int32 // per particle, and one past the last
	slot      []int32 // per pair: index into onJ, or -1
	marked    []bool  // per particle: receives a share from an earlier chunk
	buffered  bool    // onJ, jStart, slot and marked are set up for this list

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

	// The particle count, and with it the chunks of a parallel force
	// computation, stays the same until the next rebuild.
	chunks := pl.chunks(n)
	p.buffered = chunks > 1
	p.accForce = resizeZero(p.accForce, n)
	p.accTorque = resizeZero(p.accTorque, n)
	if p.buffered {
		p.buildTranspose(n, chunks)
		p.onJ = resizeZeroParallel(pl, p.onJ, int(p.jStart[n]))
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

// buildTranspose marks the particles that receive a share from a row in
// an earlier chunk, for the split of n particles into chunks that
// pool.run makes. It then fills jStart and slot with a counting sort of
// the marked particles' pairs by second member. Pairs are visited in list
// order, so each particle's shares stay ascending.
func (p *pairs) buildTranspose(n, chunks int) {
	start, nb := p.nl.Start, p.nl.Neighbors
	p.marked = resizeZero(p.marked, n)
	for ch := range chunks {
		lo, hi := ch*n/chunks, (ch+1)*n/chunks
		for _, j := range nb[start[lo]:start[hi]] {
			if int(j) >= hi {
				p.marked[j] = true
			}
		}
	}

	// A marked particle has all its shares buffered, not only those
	// from earlier chunks.
	p.jStart = resizeZero(p.jStart, n+1)
	for _, j := range nb {
		if p.marked[j] {
			p.jStart[j+1]++
		}
	}
	for k := range n {
		p.jStart[k+1] += p.jStart[k]
	}
	p.slot = resizeZero(p.slot, len(nb))
	fill := slices.Clone(p.jStart[:n])
	for q, j := range nb {
		p.slot[q] = -1
		if p.marked[j] {
			p.slot[q] = fill[j]
			fill[j]++
		}
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
// after a parallel computeRows has run over every row. A particle with
// buffered shares adds them in ascending pair order and then its row
// sum, the order in which a single chunk adds them into its acc entry.
// Pairs not touching add zeros.
func (p *pairs) sumParticle(k int) (f, t r3.Vec) {
	if p.jStart[k] == p.jStart[k+1] {
		return p.accForce[k], p.accTorque[k]
	}
	for _, share := range p.onJ[p.jStart[k]:p.jStart[k+1]] {
		f = r3.Add(f, share.force)
		t = r3.Add(t, share.torque)
	}
	return r3.Add(f, p.accForce[k]), r3.Add(t, p.accTorque[k])
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
