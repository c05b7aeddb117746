package grouping

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/particles"
)

// RegroupOptions sets when Regroup splits and merges entities. The zero
// value is usable: each field states its default.
type RegroupOptions struct {
	// TargetSize is the mean number of particles per entity. Zero means 32.
	TargetSize int

	// MaxElongation splits an entity whose largest shape eigenvalue
	// exceeds MaxElongation² times that of a compact ball of TargetSize
	// members (particles of the entity's mean radius at a solid fraction
	// of 0.6). Zero means 2.
	MaxElongation float64

	// MaxSpread splits an entity whose velocity spread exceeds MaxSpread
	// times the RMS particle speed of the frame. The spread is the
	// mass-weighted RMS member velocity relative to the entity's
	// rigid-body motion, translation with the centre of mass plus rotation
	// at its angular velocity, so a spinning clump has none and a sheared
	// entity has much. Zero means 0.5.
	MaxSpread float64

	// MergeSpread merges an entity of fewer than TargetSize/2 members into
	// the touching neighbour whose velocity differs least, when that
	// difference is below MergeSpread times the RMS particle speed and the
	// merged entity has at most 2 TargetSize members. Zero means 0.1.
	MergeSpread float64

	Materials int // number of materials, as in Binding.Restrict; zero means from the frame
	Workers   int // goroutines, zero means GOMAXPROCS; results do not depend on it
}

func (o RegroupOptions) withDefaults() RegroupOptions {
	if o.TargetSize <= 0 {
		o.TargetSize = DefaultTargetSize
	}
	if o.MaxElongation <= 0 {
		o.MaxElongation = 2
	}
	if o.MaxSpread <= 0 {
		o.MaxSpread = 0.5
	}
	if o.MergeSpread <= 0 {
		o.MergeSpread = 0.1
	}
	return o
}

// compactSolidFraction is the solid fraction assumed for the reference
// compact entity, near random close packing of monodisperse spheres.
const compactSolidFraction = 0.6

// RegroupStats counts what Regroup changed.
type RegroupStats struct {
	Split, Merged, Emptied, Inserted int
}

// Regroup adapts the grouping of b to the particles of f. Each entity that
// is too elongated or whose velocity spread is too large (see
// RegroupOptions) is split once in two along its longest axis. Small
// coherent entities are merged into a neighbour. Entities whose members
// have all left disappear. Particles that belong to no entity, inserted
// since the grouping was made, form new entities by spatial bisection.
// Regroup returns the new grouping, its binding to f, its state restricted
// from f, and the remap from old to new entities.
//
// Because the new state is restricted from the same particles, the total
// mass and momentum are unchanged to rounding error. Regroup splits each
// entity at most once per call: call it every few steps of a rollout.
func Regroup(b *Binding, f *particles.Frame, opt RegroupOptions) (*Grouping, *Binding, *Entities, *Remap, RegroupStats, error) {
	opt = opt.withDefaults()
	var st RegroupStats
	var old Entities
	if err := b.Restrict(f, opt.Materials, &old); err != nil {
		return nil, nil, nil, nil, st, err
	}
	speed := rmsSpeed(f)

	// Decide splits and merges on the old entities.
	var groups [][]int32 // new entities as lists of frame indices
	partner := mergePartners(&old, speed, opt)
	for k := 0; k < old.Len(); k++ {
		members := b.Members(k)
		switch {
		case len(members) == 0:
			st.Emptied++
		case partner[k] >= 0 && int(partner[k]) < k:
			// Emitted with its partner.
		case partner[k] >= 0:
			groups = append(groups, append(slices.Clone(members), b.Members(int(partner[k]))...))
			st.Merged++
		case needsSplit(&old, k, f, members, speed, opt):
			lo, hi := splitMembers(f, members, max(1, opt.TargetSize/sizeRange))
			groups = append(groups, lo, hi)
			st.Split++
		default:
			groups = append(groups, slices.Clone(members))
		}
	}

	// Ungrouped particles form new entities.
	var loose []int32
	for i, e := range b.Entity {
		if e == particles.NoEntity {
			loose = append(loose, int32(i))
		}
	}
	if len(loose) > 0 {
		fresh := bisectPositions(f, loose, opt.TargetSize)
		st.Inserted = len(fresh)
		groups = append(groups, fresh...)
	}

	members := make([][]int64, len(groups))
	for c, grp := range groups {
		members[c] = make([]int64, len(grp))
		for j, i := range grp {
			members[c][j] = f.ID[i]
		}
	}
	ng, err := NewGrouping(members)
	if err != nil {
		return nil, nil, nil, nil, st, fmt.Errorf("grouping: regroup at step %d: %w", f.Step, err)
	}
	nb := ng.Bind(f)
	var state Entities
	if err := nb.Restrict(f, opt.Materials, &state); err != nil {
		return nil, nil, nil, nil, st, err
	}
	return ng, nb, &state, newRemap(b, nb, f), st, nil
}

// rmsSpeed returns the mass-weighted RMS particle speed of f, m/s.
func rmsSpeed(f *particles.Frame) float64 {
	var m, mv2 float64
	for i, v := range f.Vel {
		m += f.Mass[i]
		mv2 += f.Mass[i] * r3.Norm2(v)
	}
	if m == 0 {
		return 0
	}
	return math.Sqrt(mv2 / m)
}

// needsSplit reports whether entity k is too elongated or its members'
// velocities spread too much.
func needsSplit(e *Entities, k int, f *particles.Frame, members []int32, speed float64, opt RegroupOptions) bool {
	if len(members) < 2*max(1, opt.TargetSize/sizeRange) {
		return false
	}
	vals, _ := e.Shape[k].Eigen()
	ball := e.MeanRadius[k] * math.Cbrt(float64(opt.TargetSize)/compactSolidFraction)
	if vals[0] > opt.MaxElongation*opt.MaxElongation*ball*ball/5 {
		return true
	}
	if speed == 0 {
		return false
	}
	var s float64
	for _, i := range members {
		rigid := r3.Add(e.Vel[k], r3.Cross(e.Omega[k], r3.Sub(f.Pos[i], e.Centre[k])))
		s += f.Mass[i] * r3.Norm2(r3.Sub(f.Vel[i], rigid))
	}
	return math.Sqrt(s/e.Mass[k]) > opt.MaxSpread*speed
}

// mergePartners returns, per entity, the entity it merges with or -1; a
// pair lists each other. Entities are visited in index order and each
// takes part in at most one merge, so the result is deterministic.
func mergePartners(e *Entities, speed float64, opt RegroupOptions) []int32 {
	into := make([]int32, e.Len())
	for k := range into {
		into[k] = -1
	}
	if speed == 0 && opt.MergeSpread > 0 {
		speed = math.SmallestNonzeroFloat64
	}
	var touchRadius float64
	for k := range e.Mass {
		touchRadius = max(touchRadius, e.MeanRadius[k])
	}
	g := NeighborGraph(e, 2*touchRadius, opt.Workers)
	taken := make([]bool, e.Len())
	small := opt.TargetSize / 2
	for k := 0; k < e.Len(); k++ {
		n := int(e.Count[k])
		if taken[k] || n == 0 || n >= small {
			continue
		}
		best, bestDiff := int32(-1), math.Inf(1)
		for _, j := range g.Neighbors(k) {
			if taken[j] || int(e.Count[j])+n > 2*opt.TargetSize {
				continue
			}
			d := r3.Norm(r3.Sub(e.Vel[k], e.Vel[j]))
			if d < bestDiff {
				best, bestDiff = j, d
			}
		}
		if best >= 0 && bestDiff < opt.MergeSpread*speed {
			into[k], into[best] = best, int32(k)
			taken[k], taken[best] = true, true
		}
	}
	return into
}

// splitMembers cuts members in two across the principal axis of their
// positions, by two-means on the projections, or at the median when that
// leaves a side with fewer than minSize members.
func splitMembers(f *particles.Frame, members []int32, minSize int) (lo, hi []int32) {
	seg := slices.Clone(members)
	keys := principalProjection(f.Pos, seg)
	mid := partitionBelow(seg, keys, twoMeansThreshold(keys))
	if mid < minSize || len(seg)-mid < minSize {
		seg = sortByKey(members, principalProjection(f.Pos, members), func(i int32) int64 { return f.ID[i] })
		mid = len(seg) / 2
	}
	return seg[:mid], seg[mid:]
}

// bisectPositions groups the frame particles idx into parts of at most
// target particles by recursive splitting across their principal axis.
func bisectPositions(f *particles.Frame, idx []int32, target int) [][]int32 {
	if len(idx) <= target {
		return [][]int32{idx}
	}
	lo, hi := splitMembers(f, idx, max(1, target/sizeRange))
	return append(bisectPositions(f, lo, target), bisectPositions(f, hi, target)...)
}
