package grouping

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/particles"
)

// TestProlongReach checks that a member beyond Binding.Reach is translated
// with its entity while the members within it follow the affine motion.
func TestProlongReach(t *testing.T) {
	// A cube of 8 members 2 mm from the origin and one stray member
	// 0.1 m above them, all of 1 mm radius.
	f := &particles.Frame{}
	f.Resize(9)
	for i := 0; i < 8; i++ {
		f.Pos[i] = r3.Vec{X: float64(i&1)*0.004 - 0.002, Y: float64(i>>1&1)*0.004 - 0.002, Z: float64(i>>2&1)*0.004 - 0.002}
	}
	f.Pos[8] = r3.Vec{Z: 0.1}
	for i := range f.ID {
		f.ID[i] = int64(i)
		f.Radius[i] = 0.001
		f.Mass[i] = 1e-5
	}
	g, err := NewGrouping([][]int64{f.ID})
	if err != nil {
		t.Fatal(err)
	}
	var prev Entities
	if err := g.Bind(f).Restrict(f, 0, &prev); err != nil {
		t.Fatal(err)
	}

	// The entity falls at 1 m/s and stretches along z at 20 1/s.
	const dt = 0.01
	next := prev.Clone()
	next.Vel[0] = r3.Vec{Z: -1}
	next.Centre[0] = r3.Add(prev.Centre[0], r3.Scale(dt, next.Vel[0]))
	next.Grad[0] = Mat3{8: 20}
	prev.Grad[0] = next.Grad[0]

	free, bounded := f.Clone(), f.Clone()
	g.Bind(free).Prolong(free, &prev, next, dt, 0)
	b := g.Bind(bounded)
	b.Reach = 0.02
	b.Prolong(bounded, &prev, next, dt, 0)

	for i := 0; i < 8; i++ {
		if bounded.Pos[i] != free.Pos[i] || bounded.Vel[i] != free.Vel[i] {
			t.Errorf("member %d within reach: at %v moving %v, want the affine %v moving %v", i, bounded.Pos[i], bounded.Vel[i], free.Pos[i], free.Vel[i])
		}
	}
	want := r3.Add(f.Pos[8], r3.Sub(next.Centre[0], prev.Centre[0]))
	if d := r3.Norm(r3.Sub(bounded.Pos[8], want)); d > 1e-15 {
		t.Errorf("stray member at %v, want %v, translated with the entity", bounded.Pos[8], want)
	}
	if bounded.Vel[8] != next.Vel[0] {
		t.Errorf("stray member moves at %v m/s, want the entity's %v", bounded.Vel[8], next.Vel[0])
	}
	// Without the bound the stretching throws it upward.
	if v := free.Vel[8].Z; !(v > 0) || math.IsInf(v, 0) {
		t.Errorf("unbounded stray member moves at %g m/s along z, want upward", v)
	}
}
