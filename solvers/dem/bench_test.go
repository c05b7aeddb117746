package dem

import (
	"math"
	"syscall"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
)

// settlingBox returns a case of n glass beads of radius 1 mm packed at
// 22 % solids in a square box and settling under gravity: Hertz-Mindlin
// with history, constant-torque rolling friction, dt = 1e-5 s. It is the
// kind of case the comparison with LIGGGHTS uses.
func settlingBox(n int) *cases.Case {
	const r = 1e-3
	side := 0.04
	height := float64(n) * 4.0 / 3.0 * math.Pi * r * r * r / (0.22 * side * side)
	return &cases.Case{
		Name:    "settling-box",
		Gravity: r3.Vec{Z: -9.81},
		Domain:  cases.Domain{Min: r3.Vec{X: -0.001, Y: -0.001, Z: -0.001}, Max: r3.Vec{X: side + 0.001, Y: side + 0.001, Z: height + 0.01}},
		Materials: []cases.Material{
			{Name: "glass", Density: 2500, YoungsModulus: 5e6, Poisson: 0.22, Restitution: 0.9, Friction: 0.3, RollingFriction: 0.005},
			{Name: "steel", Density: 7800, YoungsModulus: 2e11, Poisson: 0.3, Restitution: 0.9, Friction: 0.3, RollingFriction: 0.005},
		},
		Contact: cases.ContactModel{Normal: "hertz", Rolling: "constant_torque"},
		Walls:   []cases.Wall{{Name: "box", Type: cases.WallBox, Material: 1, Min: r3.Vec{}, Max: r3.Vec{X: side, Y: side, Z: height + 0.005}}},
		Insertions: []cases.Insertion{{
			Name: "beads", Material: 0, Mode: cases.InsertPack, Count: n, Seed: 1,
			Region: cases.Region{Type: cases.RegionBox, Min: r3.Vec{}, Max: r3.Vec{X: side, Y: side, Z: height}},
			Radius: cases.RadiusDistribution{Kind: cases.RadiusConstant, Value: r},
		}},
		Solver: cases.SolverSettings{TimeStep: 1e-5, Duration: 10, OutputInterval: 1},
	}
}

// benchmarkStep times steps of a settling box after warmup untimed
// steps and reports particle-steps per second and the contacts per
// particle at the end. After 3000 steps (0.03 s) the beads are still
// falling onto each other; after 20000 (0.2 s) the bed has settled.
func benchmarkStep(b *testing.B, n, workers, warmup int) {
	r, err := New(Options{Workers: workers}).newRun(settlingBox(n))
	if err != nil {
		b.Fatal(err)
	}
	defer r.pool.stop()
	if err := r.prepareForces(); err != nil {
		b.Fatal(err)
	}
	for range warmup {
		if err := r.advance(true); err != nil {
			b.Fatal(err)
		}
	}
	steps := 0
	cpu0 := cpuSeconds()
	for b.Loop() {
		if err := r.advance(true); err != nil {
			b.Fatal(err)
		}
		steps++
	}
	cpu := cpuSeconds() - cpu0
	b.ReportMetric(float64(n)*float64(steps)/b.Elapsed().Seconds(), "particle-steps/s")
	// On a shared machine the wall-clock rate drops with the load; the
	// rate per CPU second of this process is the steadier figure. With
	// several workers it counts the helpers' polling between loops too.
	b.ReportMetric(float64(n)*float64(steps)/cpu, "particle-steps/cpu-s")
	touching := 0
	for _, t := range r.pairs.touching {
		if t {
			touching++
		}
	}
	b.ReportMetric(2*float64(touching)/float64(n), "contacts/particle")
}

// cpuSeconds returns the user plus system CPU time of this process, s.
func cpuSeconds() float64 {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return math.NaN()
	}
	return float64(u.Utime.Sec+u.Stime.Sec) + 1e-6*float64(u.Utime.Usec+u.Stime.Usec)
}

func BenchmarkStep(b *testing.B)        { benchmarkStep(b, 4000, 1, 3000) }
func BenchmarkStepWorkers(b *testing.B) { benchmarkStep(b, 4000, 0, 3000) }
func BenchmarkStepSettled(b *testing.B) { benchmarkStep(b, 4000, 1, 20000) }
func BenchmarkStepLarge(b *testing.B)   { benchmarkStep(b, 20000, 1, 3000) }
