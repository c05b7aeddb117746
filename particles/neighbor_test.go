package particles

import (
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"
)

// randomSpheres returns n centres uniform in box (with a margin outside it
// on non-periodic axes, to exercise the clamped edge cells) and radii
// uniform in [rmin, rmax].
func randomSpheres(rng *rand.Rand, box Box, n int, rmin, rmax float64) ([]r3.Vec, []float64) {
	pos := make([]r3.Vec, n)
	rad := make([]float64, n)
	l := box.Length()
	for i := range n {
		u := r3.Vec{X: rng.Float64(), Y: rng.Float64(), Z: rng.Float64()}
		if !box.Periodic[0] {
			u.X = 1.1*u.X - 0.05
		}
		if !box.Periodic[2] {
			u.Z = 1.1*u.Z - 0.05
		}
		pos[i] = r3.Vec{X: box.Min.X + u.X*l.X, Y: box.Min.Y + u.Y*l.Y, Z: box.Min.Z + u.Z*l.Z}
		rad[i] = rmin + (rmax-rmin)*rng.Float64()
	}
	return pos, rad
}

func TestNeighborListMatchesBruteForce(t *testing.T) {
	cases := []struct {
		name       string
		periodic   [3]bool
		n          int
		rmin, rmax float64
		size       r3.Vec
	}{
		{"monodisperse", [3]bool{}, 2000, 0.01, 0.01, r3.Vec{X: 0.5, Y: 0.5, Z: 0.5}},
		{"large", [3]bool{}, 6000, 0.005, 0.01, r3.Vec{X: 0.5, Y: 0.5, Z: 0.5}},
		{"polydisperse", [3]bool{}, 2000, 0.002, 0.02, r3.Vec{X: 0.5, Y: 0.4, Z: 0.6}},
		{"periodic xyz", [3]bool{true, true, true}, 2000, 0.005, 0.015, r3.Vec{X: 0.4, Y: 0.4, Z: 0.4}},
		{"periodic x", [3]bool{true, false, false}, 1500, 0.005, 0.02, r3.Vec{X: 0.3, Y: 0.5, Z: 0.5}},
		{"periodic thin", [3]bool{true, true, false}, 300, 0.01, 0.02, r3.Vec{X: 0.1, Y: 0.13, Z: 1}},
		{"single cell", [3]bool{}, 200, 0.05, 0.1, r3.Vec{X: 0.3, Y: 0.3, Z: 0.3}},
		// Far more cut-off cubes than particles: the cell cap applies.
		{"sparse capped", [3]bool{}, 400, 0.002, 0.004, r3.Vec{X: 0.3, Y: 0.3, Z: 0.3}},
		{"sparse capped periodic", [3]bool{true, true, true}, 400, 0.002, 0.004, r3.Vec{X: 0.3, Y: 0.3, Z: 0.3}},
	}
	for k, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(k), 7))
			box := Box{Min: r3.Vec{X: -0.1, Y: 0.2, Z: 0}, Periodic: tc.periodic}
			box.Max = r3.Add(box.Min, tc.size)
			pos, rad := randomSpheres(rng, box, tc.n, tc.rmin, tc.rmax)
			skin := 0.4 * tc.rmax
			nl := NewNeighborList(box, skin)
			if err := nl.Build(pos, rad); err != nil {
				t.Fatal(err)
			}
			start, nb := BruteForcePairs(box, skin, pos, rad)
			if len(nb) == 0 {
				t.Fatal("brute force found no pairs; the configuration tests nothing")
			}
			if !slices.Equal(nl.Start, start) {
				t.Fatalf("row starts differ: %d pairs from cells, %d from brute force", nl.Pairs(), len(nb))
			}
			if !slices.Equal(nl.Neighbors, nb) {
				t.Fatalf("neighbour columns differ (%d pairs)", len(nb))
			}

			// A parallel build gives the same list.
			nl.Workers = 3
			if err := nl.Build(pos, rad); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(nl.Start, start) || !slices.Equal(nl.Neighbors, nb) {
				t.Fatalf("a build with 3 workers differs from brute force")
			}
		})
	}
}

func TestNeighborListRebuildTrigger(t *testing.T) {
	box := Box{Max: r3.Vec{X: 1, Y: 1, Z: 1}, Periodic: [3]bool{true, false, false}}
	pos := []r3.Vec{{X: 0.5, Y: 0.5, Z: 0.5}, {X: 0.99, Y: 0.5, Z: 0.5}}
	rad := []float64{0.01, 0.01}
	nl := NewNeighborList(box, 0.01)
	if !nl.NeedsRebuild(pos) {
		t.Fatal("an unbuilt list must need a rebuild")
	}
	if err := nl.Build(pos, rad); err != nil {
		t.Fatal(err)
	}
	pos[0].X += 0.0049
	if nl.NeedsRebuild(pos) {
		t.Fatal("moved less than skin/2 but rebuild requested")
	}
	// Wrapping across the periodic boundary is a small move.
	pos[1].X = 0.99 + 0.004 - 1
	if nl.NeedsRebuild(pos) {
		t.Fatal("a wrap across the periodic boundary counted as a large move")
	}
	pos[0].Y += 0.0051
	if !nl.NeedsRebuild(pos) {
		t.Fatal("moved more than skin/2 but no rebuild requested")
	}
	if !nl.NeedsRebuild(pos[:1]) {
		t.Fatal("a changed particle count must need a rebuild")
	}
}

func TestNeighborListRejectsShortPeriod(t *testing.T) {
	box := Box{Max: r3.Vec{X: 0.05, Y: 1, Z: 1}, Periodic: [3]bool{true, false, false}}
	nl := NewNeighborList(box, 0.005)
	err := nl.Build([]r3.Vec{{X: 0.01, Y: 0.5, Z: 0.5}}, []float64{0.02})
	if err == nil {
		t.Fatal("a period shorter than twice the cut-off was accepted")
	}
}

func benchmarkConfig(n int) (Box, []r3.Vec, []float64) {
	rng := rand.New(rand.NewPCG(1, 2))
	// About 30 % solid fraction of spheres with radius 1 mm.
	side := 0.001 * 2.4 * float64(int(cbrt(float64(n))))
	box := Box{Max: r3.Vec{X: side, Y: side, Z: side}}
	pos, rad := randomSpheres(rng, box, n, 0.001, 0.001)
	return box, pos, rad
}

func cbrt(x float64) float64 {
	r := 1.0
	for r*r*r < x {
		r++
	}
	return r
}

func BenchmarkNeighborBuild(b *testing.B) {
	box, pos, rad := benchmarkConfig(4000)
	nl := NewNeighborList(box, 0.0004)
	for b.Loop() {
		if err := nl.Build(pos, rad); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNeighborBruteForce(b *testing.B) {
	box, pos, rad := benchmarkConfig(4000)
	for b.Loop() {
		BruteForcePairs(box, 0.0004, pos, rad)
	}
}
