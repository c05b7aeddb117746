package surrogate

import (
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/grouping"
)

func TestFrameFromGrouping(t *testing.T) {
	e := &grouping.Entities{
		Mass:        []float64{1, 2},
		Centre:      []r3.Vec{{X: 1, Y: 2, Z: 3}, {X: 4, Y: 5, Z: 6}},
		Grad:        []grouping.Mat3{{1, 2, 3, 4, 5, 6, 7, 8, 9}, {}},
		Shape:       []grouping.Sym3{{1, 0.1, 0.2, 2, 0.3, 3}, {}},
		MeanRadius:  []float64{0.01, 0.02},
		Materials:   2,
		MaterialMix: []float64{1, 0, 0.25, 0.75},
	}
	g := &grouping.Graph{Start: []int32{0, 1, 2}, Neighbor: []int32{1, 0}, Gap: []float64{0.1, 0.1}}
	w := &grouping.WallTable{Start: []int32{0, 0, 1}, Features: []grouping.WallFeature{
		{Vector: r3.Vec{Z: -0.5}, Normal: r3.Vec{Z: 1}, Velocity: r3.Vec{X: 2}}}}
	f := FrameFromGrouping(e, g, w)
	seq := &Sequence{Name: "grouping", Dt: 1, Frames: []EntityFrame{f}}
	if err := seq.Validate(2); err != nil {
		t.Fatal(err)
	}
	if f.Pos[4] != 5 || f.Grad[5] != 6 || f.Shape[3] != 2 || f.Radius[1] != 0.02 || f.Material[3] != 0.75 {
		t.Errorf("converted state differs: pos %v grad %v shape %v", f.Pos, f.Grad[:9], f.Shape[:6])
	}
	if len(f.Senders) != 2 || f.Senders[0] != 1 || f.Receivers[0] != 0 || f.Senders[1] != 0 || f.Receivers[1] != 1 {
		t.Errorf("pairs %v→%v, want [1 0]→[0 1]", f.Senders, f.Receivers)
	}
	if len(f.Walls) != 1 || f.Walls[0].Entity != 1 || f.Walls[0].ToWall[2] != -0.5 || f.Walls[0].WallVel[0] != 2 {
		t.Errorf("walls %+v, want one for entity 1", f.Walls)
	}
	r := RemapFromGrouping(&grouping.Remap{Start: []int32{0, 2}, Parent: []int32{0, 1}, Weight: []float64{0.4, 0.6}, Old: 2})
	if err := r.validate(2); err != nil {
		t.Fatal(err)
	}
}
