package pipeline

import (
	"log/slog"
	"math"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/mesh"
	"github.com/neusim/neusim/particles"
)

// TestRemoveLeftCountsCrossedOutlet moves particles as one coarse step
// may: one right through the hopper's outlet region (z from -0.04 to
// -0.02 m, radius 0.03 m) and out of the domain (z below -0.05 m), one
// out of the domain beside the outlet, and one inside the bin.
func TestRemoveLeftCountsCrossedOutlet(t *testing.T) {
	c, err := cases.Load("hopper", cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	old := []r3.Vec{{Z: -0.01}, {X: 0.04, Z: -0.01}, {Z: 0.05}}
	now := []r3.Vec{{Z: -0.06}, {X: 0.04, Z: -0.06}, {Z: 0.049}}
	f := &particles.Frame{
		ID:       []int64{1, 2, 3},
		Pos:      append([]r3.Vec(nil), now...),
		Vel:      make([]r3.Vec, 3),
		Omega:    make([]r3.Vec, 3),
		Radius:   []float64{0.001, 0.001, 0.001},
		Mass:     []float64{1e-5, 2e-5, 3e-5},
		Material: make([]int32, 3),
		Entity:   []int32{0, 0, 1},
	}
	r := &rollout{c: c, frame: f, old: old, log: slog.New(slog.DiscardHandler)}

	if got := r.removeLeft(); got != 2 {
		t.Errorf("removed %d particles, want 2", got)
	}
	if len(f.OutletCount) != 1 || f.OutletCount[0] != 1 || f.OutletMass[0] != 1e-5 {
		t.Errorf("outlet count %v, mass %v kg; want the particle that passed through it, 1 and 1e-05 kg", f.OutletCount, f.OutletMass)
	}
	if r.lost != 1 || r.lostMass != 2e-5 {
		t.Errorf("%d lost, %g kg; want the particle beside the outlet, 1 and 2e-05 kg", r.lost, r.lostMass)
	}
	if f.Len() != 1 || f.ID[0] != 3 {
		t.Errorf("kept ids %v, want [3]", f.ID)
	}
}

// TestFallBelowWalls checks that a bead under the hopper's orifice (the
// cone's lowest point, z = 0) falls freely from its state before the step
// once the gate is gone. A bead in the cone keeps the motion its entity
// gave it. While the gate, a plane without bounds, is in place, both
// keep their entities' motion.
func TestFallBelowWalls(t *testing.T) {
	c, walls := hopperWalls(t)
	const dt = 0.04
	old := []r3.Vec{{X: 0.001, Z: -0.002}, {X: 0.005, Z: 0.005}}
	oldVel := []r3.Vec{{X: 0.01, Z: -0.3}, {Z: -0.05}}
	entity := []r3.Vec{{Z: -0.01}, {Z: 0.004}} // where prolongation put them, m
	for _, tc := range []struct {
		time     float64 // s
		released bool
	}{{0.5, true}, {0.1, false}} {
		f := &particles.Frame{Pos: append([]r3.Vec(nil), entity...), Vel: make([]r3.Vec, 2), Radius: []float64{0.001, 0.001}}
		r := &rollout{c: c, walls: walls, frame: f, old: old, oldVel: oldVel, dt: dt, t: tc.time}
		r.fallBelowWalls()

		want := entity[0]
		if tc.released {
			want = r3.Vec{X: 0.001 + 0.01*dt, Z: -0.002 - 0.3*dt - 9.81*dt*dt/2}
		}
		if d := r3.Norm(r3.Sub(f.Pos[0], want)); d > 1e-15 {
			t.Errorf("t = %g s: bead under the orifice at %v, want %v", tc.time, f.Pos[0], want)
		}
		if tc.released && f.Vel[0] != (r3.Vec{X: 0.01, Z: -0.3 - 9.81*dt}) {
			t.Errorf("t = %g s: bead under the orifice moves at %v m/s, want %v", tc.time, f.Vel[0], r3.Vec{X: 0.01, Z: -0.3 - 9.81*dt})
		}
		if f.Pos[1] != entity[1] {
			t.Errorf("t = %g s: bead in the cone at %v, want it left at %v", tc.time, f.Pos[1], entity[1])
		}
	}
}

// hopperWalls loads the default hopper and its walls.
func hopperWalls(t *testing.T) (*cases.Case, []mesh.Surface) {
	t.Helper()
	c, err := cases.Load("hopper", cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	walls, err := caseWalls(c)
	if err != nil {
		t.Fatal(err)
	}
	return c, walls
}

// TestConstrainWallsKeepsBeadsInside moves beads of the default hopper by
// one coarse step from inside the bin or the cone to beyond a wall face,
// as a prolongation can, and checks that the wall projection puts each
// back inside. A bead carried through the corner where the cone meets the
// bin is not yet put back (see constrainWalls).
func TestConstrainWallsKeepsBeadsInside(t *testing.T) {
	c, walls := hopperWalls(t)
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
