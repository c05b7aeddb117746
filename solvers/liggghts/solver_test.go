package liggghts

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
)

var softMaterial = cases.Material{Name: "soft", Density: 2500, YoungsModulus: 5e7, Poisson: 0.25, Restitution: 0.5, Friction: 0.3}

// Particles falling into an outlet are removed and counted: at every
// frame the particles left plus those counted make up the initial set,
// and the counted mass is theirs. A gate that holds them goes at a step
// between two outlet checks, which splits the run off the check steps.
func TestOutletCounts(t *testing.T) {
	requireLIGGGHTS(t)
	const radius = 0.002
	c := testCase(softMaterial)
	c.Gravity = r3.Vec{Z: -9.81}
	c.Walls = []cases.Wall{{Name: "gate", Type: cases.WallPlane, Point: r3.Vec{Z: -0.02}, Normal: r3.Vec{Z: 1}, RemovedAt: 0.03333}}
	c.Outlets = []cases.Outlet{{Name: "bottom", Region: cases.Region{Type: cases.RegionBox,
		Min: r3.Vec{X: -0.05, Y: -0.05, Z: -0.05}, Max: r3.Vec{X: 0.05, Y: 0.05, Z: -0.03}}}}
	c.Solver = cases.SolverSettings{TimeStep: 1e-5, Duration: 0.15, OutputInterval: 0.01}
	var pos, vel []r3.Vec
	for i := range 20 {
		pos = append(pos, r3.Vec{X: -0.04 + 0.004*float64(i), Z: 0.001 * float64(i)})
		vel = append(vel, r3.Vec{})
	}
	initial := frameOf(softMaterial, radius, pos, vel)
	frames := runFrames(t, c, Options{Script: ScriptOptions{Initial: initial}})
	if len(frames) != 16 {
		t.Fatalf("got %d frames, want 16", len(frames))
	}
	for _, f := range frames {
		if len(f.OutletCount) != 1 || f.Len()+int(f.OutletCount[0]) != 20 {
			t.Fatalf("step %d: %d particles and outlet counts %v, want 20 in all", f.Step, f.Len(), f.OutletCount)
		}
		if want := float64(f.OutletCount[0]) * initial.Mass[0]; math.Abs(f.OutletMass[0]-want) > 1e-9*initial.Mass[0] {
			t.Errorf("step %d: outlet mass %g kg, want %g kg", f.Step, f.OutletMass[0], want)
		}
		for i := range f.ID {
			if f.Pos[i].Z <= -0.03 {
				t.Errorf("step %d: particle %d at z = %g m inside the outlet", f.Step, f.ID[i], f.Pos[i].Z)
			}
		}
	}
	if held := frames[3]; held.OutletCount[0] != 0 {
		t.Errorf("outlet counted %d particles at %g s, while the gate still held them", held.OutletCount[0], held.Time)
	}
	if last := frames[len(frames)-1]; last.OutletCount[0] != 20 {
		t.Errorf("outlet counted %d particles by the end, want all 20", last.OutletCount[0])
	}
}

// Pack insertion fills its region at step 0; pour insertion adds
// particles at its rate until its count is reached.
func TestInsertions(t *testing.T) {
	requireLIGGGHTS(t)
	c := testCase(softMaterial)
	region := cases.Region{Type: cases.RegionBox, Min: r3.Vec{X: -0.04, Y: -0.04, Z: -0.04}, Max: r3.Vec{X: 0.04, Y: 0.04, Z: 0}}
	pour := cases.Region{Type: cases.RegionCylinder, Base: r3.Vec{Z: 0.02}, Axis: r3.Vec{Z: 1}, Radius: 0.02, Length: 0.02}
	c.Insertions = []cases.Insertion{
		{Name: "bed", Material: 0, Region: region, Count: 300, Mode: cases.InsertPack, Seed: 1,
			Radius: cases.RadiusDistribution{Kind: cases.RadiusUniform, Min: 0.0015, Max: 0.0025}},
		{Name: "feed", Material: 0, Region: pour, Count: 40, Mode: cases.InsertPour, Rate: 2000, Seed: 2,
			Radius: cases.RadiusDistribution{Kind: cases.RadiusDiscrete, Values: []float64{0.001, 0.002}, Weights: []float64{0.5, 0.5}}},
	}
	c.Solver = cases.SolverSettings{TimeStep: 1e-5, Duration: 0.05, OutputInterval: 0.01}
	frames := runFrames(t, c, Options{})

	first := frames[0]
	if first.Len() != 300 {
		t.Fatalf("%d particles at step 0, want the 300 packed", first.Len())
	}
	for i := range first.ID {
		p, r := first.Pos[i], first.Radius[i]
		if p.X-r < region.Min.X || p.X+r > region.Max.X || p.Z-r < region.Min.Z || p.Z+r > region.Max.Z {
			t.Errorf("particle %d at %v with radius %g m sticks out of the pack region", first.ID[i], p, r)
		}
		if r < 0.0015 || r > 0.0025 {
			t.Errorf("particle %d radius %g m outside [0.0015, 0.0025] m", first.ID[i], r)
		}
	}
	if last := frames[len(frames)-1]; last.Len() != 340 {
		t.Errorf("%d particles at the end, want 300 packed and 40 poured", last.Len())
	}
}

// Cancelling the context stops LIGGGHTS and Run returns the context's
// error after the frames already sent.
func TestRunCancel(t *testing.T) {
	requireLIGGGHTS(t)
	c := testCase(softMaterial)
	c.Solver = cases.SolverSettings{TimeStep: 1e-9, Duration: 1, OutputInterval: 1e-6}
	initial := frameOf(softMaterial, 0.002, []r3.Vec{{}}, []r3.Vec{{}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	frames := 0
	sink := solvers.SinkFunc(func(f *particles.Frame) error {
		frames++
		if frames == 2 {
			cancel()
		}
		return nil
	})
	start := time.Now()
	err := New(Options{Script: ScriptOptions{Initial: initial}}).Run(ctx, c, sink, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v, want context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 20*time.Second {
		t.Errorf("Run took %v to stop after cancellation", elapsed)
	}
}

// A failing LIGGGHTS run reports its ERROR line.
func TestRunReportsLIGGGHTSError(t *testing.T) {
	requireLIGGGHTS(t)
	c := testCase(softMaterial)
	// An insertion region outside the box with fixed boundaries is
	// rejected by LIGGGHTS, not by the translation.
	c.Insertions = []cases.Insertion{{Name: "outside", Region: cases.Region{Type: cases.RegionBox, Min: r3.Vec{X: 0.04}, Max: r3.Vec{X: 0.2, Y: 0.01, Z: 0.01}},
		Count: 5, Mode: cases.InsertPack, Radius: cases.RadiusDistribution{Kind: cases.RadiusConstant, Value: 0.001}}}
	err := New(Options{}).Run(context.Background(), c, solvers.SinkFunc(func(*particles.Frame) error { return nil }), nil)
	if err == nil || !strings.Contains(err.Error(), "ERROR") {
		t.Errorf("Run returned %v, want LIGGGHTS's ERROR line", err)
	}
}

// An error from the sink stops the run, and LIGGGHTS with it.
func TestRunSinkError(t *testing.T) {
	requireLIGGGHTS(t)
	c := testCase(softMaterial)
	c.Solver = cases.SolverSettings{TimeStep: 1e-9, Duration: 1, OutputInterval: 1e-6}
	initial := frameOf(softMaterial, 0.002, []r3.Vec{{}}, []r3.Vec{{}})
	full := errors.New("disk full")
	work := t.TempDir()
	start := time.Now()
	err := New(Options{WorkDir: work, Script: ScriptOptions{Initial: initial}}).Run(context.Background(), c,
		solvers.SinkFunc(func(*particles.Frame) error { return full }), nil)
	if !errors.Is(err, full) {
		t.Fatalf("Run returned %v, want the sink's error", err)
	}
	if elapsed := time.Since(start); elapsed > 20*time.Second {
		t.Errorf("Run took %v to stop after the sink failed", elapsed)
	}

	// The work directory is kept after a failure; a LIGGGHTS still running
	// would go on adding dumps to it.
	dumps := func() int {
		m, _ := filepath.Glob(filepath.Join(work, "*", "frame.*.dump"))
		return len(m)
	}
	before := dumps()
	time.Sleep(time.Second)
	if after := dumps(); after != before {
		t.Errorf("%d dumps became %d after Run returned: LIGGGHTS is still running", before, after)
	}
}

func TestParseBannerVersion(t *testing.T) {
	for _, tc := range []struct {
		out, want string
		ok        bool
	}{
		{"LIGGGHTS (Version LIGGGHTS-PUBLIC 3.8.0, compiled 2022-01-26-19:42:32 by buildd, git commit unknown)\n", "LIGGGHTS-PUBLIC 3.8.0", true},
		{"LAMMPS (29 Sep 2021)\n", "", false},
		{"LIGGGHTS (Version , compiled)\n", "", false},
		{"", "", false},
	} {
		got, ok := parseBannerVersion(tc.out)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseBannerVersion(%q) = %q, %v; want %q, %v", tc.out, got, ok, tc.want, tc.ok)
		}
	}
}

func TestExecutableVersion(t *testing.T) {
	exe, err := FindExecutable("")
	if err != nil {
		t.Skip(err)
	}
	v, err := ExecutableVersion(exe)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(v, "3.8") {
		t.Errorf("version of %s = %q; the Debian package is LIGGGHTS-PUBLIC 3.8.0", exe, v)
	}
}
