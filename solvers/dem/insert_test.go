package dem

import (
	"context"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
)

// insertCase returns an empty box case with one insertion.
func insertCase(ins cases.Insertion) *cases.Case {
	glass := cases.Material{Name: "glass", Density: 2500, YoungsModulus: 5e6, Poisson: 0.22, Restitution: 0.9, Friction: 0.3}
	return &cases.Case{
		Name:       "insert",
		Gravity:    r3.Vec{Z: -9.81},
		Domain:     cases.Domain{Max: r3.Vec{X: 0.05, Y: 0.05, Z: 0.1}},
		Materials:  []cases.Material{glass},
		Walls:      []cases.Wall{{Name: "box", Type: cases.WallBox, Material: 0, Max: r3.Vec{X: 0.05, Y: 0.05, Z: 0.1}}},
		Insertions: []cases.Insertion{ins},
		Solver:     cases.SolverSettings{Duration: 0.05, OutputInterval: 0.01},
	}
}

func packIns(count int, radius cases.RadiusDistribution, seed uint64) cases.Insertion {
	return cases.Insertion{
		Name: "beads", Mode: cases.InsertPack, Count: count, Seed: seed, Radius: radius,
		Region: cases.Region{Type: cases.RegionBox, Min: r3.Vec{X: 0.005, Y: 0.005, Z: 0.005}, Max: r3.Vec{X: 0.045, Y: 0.045, Z: 0.095}},
	}
}

// checkNoOverlap fails when any two particles of s overlap or a particle
// leaves the region g.
func checkNoOverlap(t *testing.T, s *state, g *region) {
	t.Helper()
	box := particles.Box{Min: r3.Vec{X: -1, Y: -1, Z: -1}, Max: r3.Vec{X: 1, Y: 1, Z: 1}}
	start, nb := particles.BruteForcePairs(box, 0, s.pos, s.radius)
	for i := range s.len() {
		for _, j := range nb[start[i]:start[i+1]] {
			t.Fatalf("particles %d and %d overlap after insertion", s.id[i], s.id[j])
		}
		if !g.contains(s.pos[i]) {
			t.Fatalf("particle %d at %v is outside the insertion region", s.id[i], s.pos[i])
		}
	}
}

func TestPackRadiusDistributions(t *testing.T) {
	for _, tc := range []struct {
		name string
		dist cases.RadiusDistribution
		mean float64 // expected mean radius, m
	}{
		{"constant", cases.RadiusDistribution{Kind: cases.RadiusConstant, Value: 1e-3}, 1e-3},
		{"uniform", cases.RadiusDistribution{Kind: cases.RadiusUniform, Min: 0.8e-3, Max: 1.2e-3}, 1e-3},
		// Truncated symmetrically about the mean, so the mean is kept.
		{"normal", cases.RadiusDistribution{Kind: cases.RadiusNormal, Mean: 1e-3, Std: 0.2e-3, Min: 0.7e-3, Max: 1.3e-3}, 1e-3},
		{"discrete", cases.RadiusDistribution{Kind: cases.RadiusDiscrete, Values: []float64{0.8e-3, 1.2e-3}, Weights: []float64{0.75, 0.25}}, 0.9e-3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := insertCase(packIns(3000, tc.dist, 7))
			r := newTestRun(t, c, 1)
			if r.s.len() != 3000 {
				t.Fatalf("packed %d particles, want 3000", r.s.len())
			}
			lo, hi := radiusBounds(tc.dist)
			sum := 0.0
			for _, rad := range r.s.radius {
				if rad < lo || rad > hi {
					t.Fatalf("radius %g m outside [%g, %g] m", rad, lo, hi)
				}
				sum += rad
			}
			// 3000 draws: the standard error of the mean is below 0.4 % of
			// the mean for these spreads; allow 1.5 %.
			within(t, "mean radius (m)", sum/3000, tc.mean, 0.015)
			checkNoOverlap(t, &r.s, &r.insert[0].region)

			again := newTestRun(t, insertCase(packIns(3000, tc.dist, 7)), 4)
			for i := range r.s.pos {
				if r.s.pos[i] != again.s.pos[i] || r.s.radius[i] != again.s.radius[i] {
					t.Fatalf("same seed gave a different particle %d", i)
				}
			}
		})
	}
}

func TestPackInfeasibleReportsProgress(t *testing.T) {
	c := insertCase(packIns(0, cases.RadiusDistribution{Kind: cases.RadiusConstant, Value: 2e-3}, 1))
	c.Insertions[0].FillFraction = 0.5
	_, err := New(Options{}).newRun(c)
	if err == nil {
		t.Fatal("a fill fraction of 0.5 by random sequential addition was accepted")
	}
	for _, want := range []string{`insertion "beads"`, "placed", "fill_fraction"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestPourRateAndOverlap(t *testing.T) {
	ins := packIns(200, cases.RadiusDistribution{Kind: cases.RadiusConstant, Value: 1e-3}, 2)
	ins.Mode = cases.InsertPour
	ins.Rate = 4000 // particles per second
	ins.Region = cases.Region{Type: cases.RegionBox, Min: r3.Vec{X: 0.005, Y: 0.005, Z: 0.07}, Max: r3.Vec{X: 0.045, Y: 0.045, Z: 0.095}}
	c := insertCase(ins)
	c.Solver.Duration = 0.04
	var counts []int
	var times []float64
	err := New(Options{}).Run(context.Background(), c, collectCounts(&times, &counts), nil)
	if err != nil {
		t.Fatal(err)
	}
	for k := range counts {
		want := min(200, int(math.Floor(4000*times[k]+1e-9)))
		if counts[k] != want {
			t.Errorf("t = %.3f s: %d particles poured, want %d", times[k], counts[k], want)
		}
	}

	// Two batches into a still state: the second must avoid the first.
	r := newTestRun(t, c, 1)
	it := r.insert[0]
	for _, at := range []float64{0.025, 0.05} {
		if _, deferred := it.pour(&r.s, r.walls, at, c.Materials[0]); deferred {
			t.Fatalf("pour at t = %g s deferred a particle in a sparse region", at)
		}
	}
	if r.s.len() != 200 {
		t.Fatalf("poured %d particles by t = 0.05 s, want 200", r.s.len())
	}
	checkNoOverlap(t, &r.s, &it.region)
}

func collectCounts(times *[]float64, counts *[]int) *countSink {
	return &countSink{times: times, counts: counts}
}

type countSink struct {
	times  *[]float64
	counts *[]int
}

func (s *countSink) WriteFrame(f *particles.Frame) error {
	*s.times = append(*s.times, f.Time)
	*s.counts = append(*s.counts, f.Len())
	return nil
}

// TestOutletMassBalance drops beads through an outlet and checks that
// every bead is either still in the domain or counted with its mass.
func TestOutletMassBalance(t *testing.T) {
	c := insertCase(packIns(300, cases.RadiusDistribution{Kind: cases.RadiusUniform, Min: 0.8e-3, Max: 1.2e-3}, 4))
	c.Walls = nil // free fall through the box
	c.Domain.Min.Z = -0.1
	c.Outlets = []cases.Outlet{{Name: "below", Region: cases.Region{Type: cases.RegionBox, Min: r3.Vec{X: -1, Y: -1, Z: -0.08}, Max: r3.Vec{X: 1, Y: 1, Z: -0.01}}}}
	c.Solver.Duration = 0.12
	var frames []*particles.Frame
	if err := New(Options{}).Run(context.Background(), c, collect(&frames), nil); err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, m := range frames[0].Mass {
		total += m
	}
	last := frames[len(frames)-1]
	if last.OutletCount[0] == 0 {
		t.Fatal("no particle reached the outlet; the test checks nothing")
	}
	for k, f := range frames {
		in := 0.0
		for _, m := range f.Mass {
			in += m
		}
		if math.Abs(in+f.OutletMass[0]-total) > 1e-12*total {
			t.Errorf("frame %d: %g kg in the domain + %g kg out != %g kg", k, in, f.OutletMass[0], total)
		}
		if int(f.OutletCount[0])+f.Len() != 300 {
			t.Errorf("frame %d: %d in the domain + %d out != 300", k, f.Len(), f.OutletCount[0])
		}
		if k > 0 && f.OutletCount[0] < frames[k-1].OutletCount[0] {
			t.Errorf("frame %d: outlet count decreased", k)
		}
		for i, p := range f.Pos {
			if p.Z < -0.01 && p.Z > -0.08 {
				t.Errorf("frame %d: particle %d at z = %g m is inside the outlet", k, f.ID[i], p.Z)
			}
		}
	}
}
