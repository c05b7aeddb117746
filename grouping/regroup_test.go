package grouping

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/particles"
)

func TestRegroupConservesAndRemaps(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	f := randomScene(6000, rng)
	g, _, err := FitSettings([]*particles.Frame{f}, Settings{TargetSize: 16}, 0)
	if err != nil {
		t.Fatal(err)
	}
	b := g.Bind(f)
	var before Entities
	if err := b.Restrict(f, 0, &before); err != nil {
		t.Fatal(err)
	}

	// Stretch the scene so that entities elongate and must split, remove
	// a few particles, and insert new ones that need new entities.
	for i := range f.Pos {
		f.Pos[i].Z *= 3
	}
	extra := randomScene(40, rng)
	for i := range extra.ID {
		extra.ID[i] += 1 << 40
	}
	f = concat(f, extra)
	f.ID, f.Pos, f.Vel = f.ID[10:], f.Pos[10:], f.Vel[10:]
	f.Omega, f.Radius, f.Mass, f.Material = f.Omega[10:], f.Radius[10:], f.Mass[10:], f.Material[10:]
	b = g.Bind(f)
	var stretched Entities
	if err := b.Restrict(f, 0, &stretched); err != nil {
		t.Fatal(err)
	}

	ng, nb, after, remap, st, err := Regroup(b, f, RegroupOptions{TargetSize: 16})
	if err != nil {
		t.Fatal(err)
	}
	if st.Split == 0 || st.Inserted == 0 {
		t.Errorf("regroup stats %+v: expected splits and inserted entities", st)
	}
	if ng.Len() != after.Len() || remap.Len() != after.Len() || remap.Old != g.Len() {
		t.Fatalf("sizes disagree: grouping %d, state %d, remap %d from %d (old %d)", ng.Len(), after.Len(), remap.Len(), remap.Old, g.Len())
	}
	if !nb.Matches(f) {
		t.Fatal("new binding does not match the frame")
	}

	// Mass and momentum are those of the particles, before and after.
	var m float64
	var p r3.Vec
	for i := range f.Mass {
		m += f.Mass[i]
		p = r3.Add(p, r3.Scale(f.Mass[i], f.Vel[i]))
	}
	if d := math.Abs(after.TotalMass()-m) / m; d > 1e-13 {
		t.Errorf("regrouped mass differs by relative %g", d)
	}
	if d := r3.Norm(r3.Sub(after.Momentum(), p)) / m; d > 1e-13 {
		t.Errorf("regrouped momentum %v, particles %v", after.Momentum(), p)
	}
	loose := r3.Vec{}
	for i, e := range b.Entity {
		if e == particles.NoEntity {
			loose = r3.Add(loose, r3.Scale(f.Mass[i], f.Vel[i]))
		}
	}
	if d := r3.Norm(r3.Sub(after.Momentum(), r3.Add(stretched.Momentum(), loose))) / m; d > 1e-13 {
		t.Errorf("regrouped momentum %v, before regroup %v plus inserted %v", after.Momentum(), stretched.Momentum(), loose)
	}

	// Each old entity's mass is distributed exactly over its children.
	got := make([]float64, remap.Old)
	for c := 0; c < remap.Len(); c++ {
		for j := remap.Start[c]; j < remap.Start[c+1]; j++ {
			got[remap.Parent[j]] += remap.Weight[j] * after.Mass[c]
		}
	}
	for k := range got {
		if d := math.Abs(got[k] - stretched.Mass[k]); d > 1e-12*stretched.Mass[k]+1e-300 {
			t.Fatalf("old entity %d: mass %g kg reaches its children, it had %g kg", k, got[k], stretched.Mass[k])
		}
	}

	// A constant state column remaps to the weight sum, and an entity
	// with a single full parent keeps the parent's state.
	width := 3
	state := make([]float32, remap.Old*width)
	for k := 0; k < remap.Old; k++ {
		state[k*width], state[k*width+1], state[k*width+2] = 1, float32(k), -2
	}
	out := RemapState(remap, state, width)
	rowState := make([][]float32, remap.Old)
	for k := range rowState {
		rowState[k] = state[k*width : (k+1)*width]
	}
	rows := RemapRows(remap, rowState)
	for c := 0; c < remap.Len(); c++ {
		var wsum float64
		for j := remap.Start[c]; j < remap.Start[c+1]; j++ {
			wsum += remap.Weight[j]
		}
		if math.Abs(float64(out[c*width])-wsum) > 1e-6 {
			t.Fatalf("entity %d: remapped constant state %g, want weight sum %g", c, out[c*width], wsum)
		}
		if remap.Start[c+1]-remap.Start[c] == 1 && wsum == 1 && out[c*width+2] != -2 {
			t.Fatalf("entity %d has one parent but state %v", c, out[c*width:(c+1)*width])
		}
		for d := 0; d < width; d++ {
			if rows[c][d] != out[c*width+d] {
				t.Fatalf("entity %d: RemapRows gives %v, RemapState %v", c, rows[c], out[c*width:(c+1)*width])
			}
		}
	}
}

func TestRegroupMergesSmallCoherent(t *testing.T) {
	a := lattice(2, 2, 2, radius, r3.Vec{}, 0)
	b := lattice(2, 2, 2, radius, r3.Vec{X: 4 * radius}, 100)
	c := lattice(2, 2, 2, radius, r3.Vec{X: 8 * radius}, 200)
	f := concat(a, b, c)
	for i := range f.Vel {
		f.Vel[i] = r3.Vec{Z: -1}
		if f.ID[i] >= 200 {
			f.Vel[i] = r3.Vec{Z: 1} // moves against the others: no merge
		}
	}
	g, err := NewGrouping([][]int64{a.ID, b.ID, c.ID})
	if err != nil {
		t.Fatal(err)
	}
	ng, _, state, remap, st, err := Regroup(g.Bind(f), f, RegroupOptions{TargetSize: 32})
	if err != nil {
		t.Fatal(err)
	}
	if st.Merged != 1 || ng.Len() != 2 {
		t.Fatalf("stats %+v and %d entities, want one merge leaving 2", st, ng.Len())
	}
	if got := ng.Members(0); len(got) != 16 {
		t.Errorf("merged entity has %d members, want 16", len(got))
	}
	if w := remap.Weight[remap.Start[0]:remap.Start[1]]; len(w) != 2 || math.Abs(w[0]-0.5) > 1e-15 || math.Abs(w[1]-0.5) > 1e-15 {
		t.Errorf("merged entity weights %v, want [0.5 0.5] for equal masses", w)
	}
	if r3.Norm(r3.Sub(state.Vel[1], r3.Vec{Z: 1})) > 1e-15 {
		t.Errorf("unmerged entity velocity %v, want (0, 0, 1)", state.Vel[1])
	}
}

func TestRegroupKeepsSpinningClump(t *testing.T) {
	// A clump spinning in place has all its speed in rotation. It is
	// coherent, so it must not be split; a sheared block of the same
	// size must be.
	clump := lattice(3, 3, 3, radius, r3.Vec{}, 0)
	c := r3.Vec{X: 2 * radius, Y: 2 * radius, Z: 2 * radius}
	spin := rigidMotion(clump, c, r3.Vec{}, r3.Vec{X: 3, Y: -20, Z: 7}, 0.01)
	sheared := lattice(3, 3, 3, radius, r3.Vec{X: 0.1}, 100)
	for i, p := range sheared.Pos {
		sheared.Vel[i] = r3.Vec{X: 50 * (p.Z - 2*radius)}
	}
	f := concat(spin, sheared)
	g, err := NewGrouping([][]int64{spin.ID, sheared.ID})
	if err != nil {
		t.Fatal(err)
	}
	ng, _, _, _, st, err := Regroup(g.Bind(f), f, RegroupOptions{TargetSize: 27})
	if err != nil {
		t.Fatal(err)
	}
	if st.Split != 1 || ng.Len() != 3 {
		t.Fatalf("stats %+v with %d entities, want only the sheared block split", st, ng.Len())
	}
	if got := ng.Members(0); len(got) != 27 || got[0] != 0 {
		t.Errorf("first entity has members %v, want the whole spinning clump", got)
	}
}
