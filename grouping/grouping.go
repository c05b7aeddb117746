package grouping

import (
	"fmt"
	"slices"
	"sort"

	"github.com/neusim/neusim/particles"
)

// Grouping assigns particles, by id, to coarse entities. Entity k owns the
// particle ids IDs[Start[k]:Start[k+1]], in ascending order. A particle id
// belongs to at most one entity.
type Grouping struct {
	Start []int32 // member offsets, len = entities + 1
	IDs   []int64 // member particle ids, grouped by entity

	sortedIDs    []int64 // all member ids, ascending
	sortedEntity []int32 // entity of sortedIDs[i]
}

// NewGrouping builds a grouping from the member ids of each entity.
// It returns an error when an id is listed twice or an entity is empty.
func NewGrouping(members [][]int64) (*Grouping, error) {
	g := &Grouping{Start: make([]int32, 1, len(members)+1)}
	for k, m := range members {
		if len(m) == 0 {
			return nil, fmt.Errorf("grouping: entity %d has no members; drop it before building the grouping", k)
		}
		ids := slices.Clone(m)
		slices.Sort(ids)
		g.IDs = append(g.IDs, ids...)
		g.Start = append(g.Start, int32(len(g.IDs)))
	}
	if err := g.index(); err != nil {
		return nil, err
	}
	return g, nil
}

// index builds the sorted id lookup and checks that ids are unique.
func (g *Grouping) index() error {
	n := len(g.IDs)
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	sort.Slice(order, func(a, b int) bool { return g.IDs[order[a]] < g.IDs[order[b]] })

	entityOf := make([]int32, n)
	for k := 0; k < g.Len(); k++ {
		for j := g.Start[k]; j < g.Start[k+1]; j++ {
			entityOf[j] = int32(k)
		}
	}
	g.sortedIDs = make([]int64, n)
	g.sortedEntity = make([]int32, n)
	for i, j := range order {
		g.sortedIDs[i] = g.IDs[j]
		g.sortedEntity[i] = entityOf[j]
		if i > 0 && g.sortedIDs[i] == g.sortedIDs[i-1] {
			return fmt.Errorf("grouping: particle id %d is a member of entities %d and %d; an id may belong to one entity only",
				g.IDs[j], g.sortedEntity[i-1], entityOf[j])
		}
	}
	return nil
}

// Len returns the number of entities.
func (g *Grouping) Len() int { return len(g.Start) - 1 }

// Members returns the member ids of entity k. The slice aliases g.
func (g *Grouping) Members(k int) []int64 { return g.IDs[g.Start[k]:g.Start[k+1]] }

// EntityOf returns the entity of particle id, or particles.NoEntity.
func (g *Grouping) EntityOf(id int64) int32 {
	i, ok := slices.BinarySearch(g.sortedIDs, id)
	if !ok {
		return particles.NoEntity
	}
	return g.sortedEntity[i]
}

// Binding maps the particles of one frame layout to the entities of a
// grouping. It stays valid for every frame with the same ids in the same
// order, such as the frames of a rollout between regroupings.
type Binding struct {
	Grouping *Grouping

	// Entity is the entity of each frame particle, or particles.NoEntity
	// for particles the grouping does not list (inserted after the fit).
	Entity []int32

	// Start and Index list the frame indices of the members of each
	// entity: entity k's members present in the frame are
	// Index[Start[k]:Start[k+1]], in frame order, which is ascending id
	// order when the frame's ids are sorted. Members absent
	// from the frame (removed through an outlet) are skipped.
	Start []int32
	Index []int32

	// Reach, when positive, bounds the affine field in Prolong, m: a
	// member farther than Reach from its entity's centre moves with the
	// entity's translation alone. The field is fitted to the members near
	// the centre, and extrapolated far beyond them it turns a stretching
	// entity's stray member into a projectile. Zero means no bound.
	Reach float64

	ids []int64 // the frame ids the binding was made for
}

// Bind maps the particles of f to the entities of g.
func (g *Grouping) Bind(f *particles.Frame) *Binding {
	b := &Binding{Grouping: g, Entity: make([]int32, f.Len()), ids: slices.Clone(f.ID)}
	if slices.IsSorted(f.ID) {
		g.mergeAssign(f.ID, b.Entity)
	} else {
		for i, id := range f.ID {
			b.Entity[i] = g.EntityOf(id)
		}
	}

	// Counting sort of frame indices by entity keeps ascending frame
	// order within each entity, which is ascending id order when the
	// frame is sorted and a fixed order otherwise.
	k := g.Len()
	b.Start = make([]int32, k+1)
	for _, e := range b.Entity {
		if e >= 0 {
			b.Start[e+1]++
		}
	}
	for e := 0; e < k; e++ {
		b.Start[e+1] += b.Start[e]
	}
	b.Index = make([]int32, b.Start[k])
	next := slices.Clone(b.Start[:k])
	for i, e := range b.Entity {
		if e >= 0 {
			b.Index[next[e]] = int32(i)
			next[e]++
		}
	}
	return b
}

// mergeAssign looks up ascending ids by walking the sorted member list.
func (g *Grouping) mergeAssign(ids []int64, entity []int32) {
	j := 0
	for i, id := range ids {
		for j < len(g.sortedIDs) && g.sortedIDs[j] < id {
			j++
		}
		if j < len(g.sortedIDs) && g.sortedIDs[j] == id {
			entity[i] = g.sortedEntity[j]
		} else {
			entity[i] = particles.NoEntity
		}
	}
}

// Matches reports whether f has the ids, in the same order, that b was
// made for, so that b can be reused for f.
func (b *Binding) Matches(f *particles.Frame) bool { return slices.Equal(b.ids, f.ID) }

// Members returns the frame indices of entity k's members.
func (b *Binding) Members(k int) []int32 { return b.Index[b.Start[k]:b.Start[k+1]] }
