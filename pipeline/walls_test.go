package pipeline

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
)

// TestConstrainWallsKeepsBeadsInside moves beads of the default hopper by
// one coarse step from inside the bin or the cone to beyond a wall face,
// as a prolongation can, and checks that the wall projection puts each
// back inside. A bead carried through the corner where the cone meets the
// bin is not yet put back (see constrainWalls).
func TestConstrainWallsKeepsBeadsInside(t *testing.T) {
	c, err := cases.Load("hopper", cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	walls, err := caseWalls(c)
	if err != nil {
		t.Fatal(err)
	}
	const radius = 0.001 // m
	tan60 := math.Tan(60 * math.Pi / 180)
	coneTop := (0.025 - 0.0075) / tan60 // m, the cone's height at the default outlet
	inside := func(p r3.Vec) float64 {  // distance inside the hopper's side walls, m
		rho := math.Hypot(p.X, p.Y)
		if p.Z < coneTop {
			return 0.0075 + p.Z*tan60 - rho
		}
		return 0.025 - rho
	}
	mm := func(x, y, z float64) r3.Vec { return r3.Vec{X: 1e-3 * x, Y: 1e-3 * y, Z: 1e-3 * z} }
	for _, tc := range []struct {
		name     string
		old, now r3.Vec
	}{
		{"through the cone", mm(0, 12, 5), mm(0, 16, 4)},
		{"through the bin", mm(23.5, 0, 30), mm(25.5, 0, 29)},
	} {
		f := &particles.Frame{Pos: []r3.Vec{tc.now}, Vel: []r3.Vec{{Y: 0.1, Z: -0.1}}, Radius: []float64{radius}}
		r := &rollout{c: c, walls: walls, frame: f, t: 1}
		if in := inside(tc.old); in < radius {
			t.Fatalf("%s: the bead starts %.3g mm inside; the case needs it clear of the walls", tc.name, 1e3*in)
		}
		r.constrainWalls([]r3.Vec{tc.old})
		if in := inside(f.Pos[0]); in < radius*(1-1e-6) {
			t.Errorf("%s: after the projection the bead's centre is %.3g mm inside the walls at %v mm, want at least its radius", tc.name, 1e3*in, r3.Scale(1e3, f.Pos[0]))
		}
	}
}
