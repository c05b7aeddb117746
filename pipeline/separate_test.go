package pipeline

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/particles"
)

// overlapFrame returns n beads of radius 1 mm and random masses, their
// centres uniform in a cube of side l (m).
func overlapFrame(n int, l float64, seed uint64) *particles.Frame {
	rng := rand.New(rand.NewPCG(seed, 1))
	f := &particles.Frame{}
	for i := range n {
		f.ID = append(f.ID, int64(i))
		f.Pos = append(f.Pos, r3.Vec{X: l * rng.Float64(), Y: l * rng.Float64(), Z: l * rng.Float64()})
		f.Vel = append(f.Vel, r3.Vec{})
		f.Omega = append(f.Omega, r3.Vec{})
		f.Radius = append(f.Radius, 0.001)
		f.Mass = append(f.Mass, 1e-5*(0.5+rng.Float64()))
		f.Material = append(f.Material, 0)
	}
	return f
}

// maxOverlap returns the largest overlap of two beads of f by brute
// force, m.
func maxOverlap(f *particles.Frame) float64 {
	worst := 0.0
	for i := range f.Pos {
		for j := i + 1; j < len(f.Pos); j++ {
			worst = math.Max(worst, f.Radius[i]+f.Radius[j]-r3.Norm(r3.Sub(f.Pos[i], f.Pos[j])))
		}
	}
	return worst
}

// centreOfMass returns the mass-weighted mean position of the beads of
// f, m.
func centreOfMass(f *particles.Frame) r3.Vec {
	var c r3.Vec
	var m float64
	for i, p := range f.Pos {
		c = r3.Add(c, r3.Scale(f.Mass[i], p))
		m += f.Mass[i]
	}
	return r3.Scale(1/m, c)
}

var separateBox = particles.Box{Min: r3.Vec{X: -0.1, Y: -0.1, Z: -0.1}, Max: r3.Vec{X: 0.1, Y: 0.1, Z: 0.1}}

func TestSeparatorPairMovesByInverseMass(t *testing.T) {
	f := overlapFrame(2, 0, 1)
	f.Pos[0], f.Pos[1] = r3.Vec{}, r3.Vec{X: 0.0015}
	f.Mass[0], f.Mass[1] = 3e-5, 1e-5
	if err := newSeparator(separateBox, 0.0005, 1).apply(f); err != nil {
		t.Fatal(err)
	}
	// The 0.5 mm overlap splits 1:3, the heavier bead moving less.
	if got, want := f.Pos[0].X, -0.000125; math.Abs(got-want) > 1e-15 {
		t.Errorf("heavy bead at x = %g m, want %g m", got, want)
	}
	if got, want := f.Pos[1].X, 0.001875; math.Abs(got-want) > 1e-15 {
		t.Errorf("light bead at x = %g m, want %g m", got, want)
	}
}

func TestSeparatorRemovesOverlaps(t *testing.T) {
	// 300 beads at 8 % solids: a random placement overlaps many of them,
	// and a non-overlapping arrangement is close by.
	f := overlapFrame(300, 0.025, 7)
	before := maxOverlap(f)
	if before < 0.0005 {
		t.Fatalf("largest overlap before %g m, want a test case above half a radius", before)
	}
	com := centreOfMass(f)
	if err := newSeparator(separateBox, 0.0005, 1).apply(f); err != nil {
		t.Fatal(err)
	}
	if after := maxOverlap(f); after > 0.01*0.001 {
		t.Errorf("largest overlap %g m after the sweeps (%g m before), want at most 1 %% of the radius", after, before)
	}
	if d := r3.Norm(r3.Sub(centreOfMass(f), com)); d > 1e-15 {
		t.Errorf("centre of mass moved by %g m, want it kept", d)
	}
}

func TestSeparatorSameForAnyWorkers(t *testing.T) {
	var got [2][]r3.Vec
	for k, workers := range []int{1, 4} {
		f := overlapFrame(5000, 0.05, 3)
		if err := newSeparator(separateBox, 0.0005, workers).apply(f); err != nil {
			t.Fatal(err)
		}
		got[k] = f.Pos
	}
	for i := range got[0] {
		if got[0][i] != got[1][i] {
			t.Fatalf("bead %d at %v with 1 worker and %v with 4", i, got[0][i], got[1][i])
		}
	}
}
