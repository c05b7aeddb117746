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

	// Particles form blocks of block consecutive indices.
	// onJ is the force and torque each pair across blocks puts on its
	// second member j, zero for pairs not touching, grouped by j:
	// particle k's shares are onJ[jStart[k]:jStart[k+1]], in ascending
	// pair order, and pair q's share is onJ[slot[q]], with slot[q] = -1
	// for a pair within one block. The grouping makes the gather a
	// sequential read.
	onJ []forceTorque

	// accForce and accTorque hold, per particle, the shares of the pairs
	// within its block, in list order, and then its own row's sum.
	accForce  []r3.Vec // N
	accTorque []r3.Vec // N m

	jStart []int32 // per particle, and one past the last
	slot   []int32 // per pair
	block  int     // particles per block, blockSize of the list's count

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

	p.accForce = resizeZero(p.accForce, n)
	p.accTorque = resizeZero(p.accTorque, n)
	p.block = blockSize(n)
	cross := p.buildTranspose(n)
	p.onJ = resizeZeroParallel(pl, p.onJ, cross)

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

// blockSize returns the number of consecutive particles in a block of
// the force sums for n particles. It depends on n only, not on the
// number of workers, so the sums are the same for any number of them.
// Particles are packed in Morton order, so a block is a compact region
// and most of its contacts stay inside it. In the 20 000-bead settling
// box, 5 % of the listed pairs cross blocks of 4096 right after packing
// and 17 % once the beads have settled (11 % and 28 % for blocks of
// 1024). Sixteen blocks keep several workers busy, 256 particles are the
// least worth a goroutine, and blocks of 2048 ran that box fastest on two
// workers of the sizes 1024, 2048 and 4096 (single noisy runs).
func blockSize(n int) int {
	b := 256
	for b < 2048 && 16*b < n {
		b *= 2
	}
	return b
}

// buildTranspose fills jStart and slot with a counting sort of the pairs
// across blocks by their second member and returns their number. Pairs
// are visited in list order, so each particle's pairs stay ascending.
func (p *pairs) buildTranspose(n int) int {
	start, nb := p.nl.Start, p.nl.Neighbors
	p.jStart = resizeZero(p.jStart, n+1)
	p.slot = resizeZero(p.slot, len(nb))
	for i := range n {
		blockEnd := int32(min((i/p.block+1)*p.block, n))
		for q := start[i]; q < start[i+1]; q++ {
			if j := nb[q]; j >= blockEnd {
				p.jStart[j+1]++
			}
		}
	}
	for k := range n {
		p.jStart[k+1] += p.jStart[k]
	}
	fill := slices.Clone(p.jStart[:n])
	for i := range n {
		blockEnd := int32(min((i/p.block+1)*p.block, n))
		for q := start[i]; q < start[i+1]; q++ {
			j := nb[q]
			if j < blockEnd {
				p.slot[q] = -1
				continue
			}
			p.slot[q] = fill[j]
			fill[j]++
		}
	}
	return int(p.jStart[n])
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
// after computeRows: the shares of the pairs across blocks where it is
// the second member, in ascending pair order, then its block's sum. Pairs
// not touching add zeros.
func (p *pairs) sumParticle(k int) (f, t r3.Vec) {
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
