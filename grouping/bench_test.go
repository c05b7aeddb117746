package grouping

import (
	"fmt"
	"math"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/particles"
)

// shearFrames returns two frames, dt apart, of n particles on a jittered
// cubic lattice in a simple shear flow v_x = γ z plus a random velocity
// fluctuation, a stand-in for a granular flow of that size.
func shearFrames(n int, dt float64) []*particles.Frame {
	rng := rand.New(rand.NewPCG(uint64(n), 1))
	side := int(math.Ceil(math.Cbrt(float64(n))))
	const r, gamma = 0.001, 20.0
	f := &particles.Frame{}
	f.Resize(n)
	for i := 0; i < n; i++ {
		x, y, z := i%side, (i/side)%side, i/(side*side)
		p := r3.Vec{X: 2 * r * (float64(x) + 0.1*rng.Float64()), Y: 2 * r * (float64(y) + 0.1*rng.Float64()), Z: 2 * r * (float64(z) + 0.1*rng.Float64())}
		f.ID[i] = int64(i)
		f.Pos[i] = p
		f.Vel[i] = r3.Vec{X: gamma*p.Z + 0.01*rng.NormFloat64(), Y: 0.01 * rng.NormFloat64(), Z: 0.01 * rng.NormFloat64()}
		f.Omega[i] = r3.Vec{Y: gamma / 2}
		f.Radius[i] = r
		f.Mass[i] = 2500 * 4 / 3.0 * math.Pi * r * r * r
	}
	g := f.Clone()
	g.Time = dt
	for i := range g.Pos {
		g.Pos[i] = r3.Add(f.Pos[i], r3.Scale(dt, f.Vel[i]))
	}
	return []*particles.Frame{f, g}
}

// processCPU returns the user plus system CPU time of the process, all
// threads together. Benchmarks report it per particle beside the wall
// time because the wall time on a shared machine depends on other load.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportPerParticle adds wall and CPU nanoseconds per particle.
func reportPerParticle(b *testing.B, n int, cpu0 time.Duration) {
	per := float64(b.N) * float64(n)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/per, "ns/particle")
	b.ReportMetric(float64((processCPU()-cpu0).Nanoseconds())/per, "cpu-ns/particle")
}

var benchSizes = []int{10_000, 100_000, 1_000_000}

// BenchmarkFit fits one grouping of 32 particles per entity to a window
// of two frames, without the coherence weight search (Fit runs this once
// per candidate weight).
func BenchmarkFit(b *testing.B) {
	for _, n := range benchSizes {
		frames := shearFrames(n, 1e-3)
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			cpu0 := processCPU()
			for b.Loop() {
				if _, _, err := FitSettings(frames, Settings{TargetSize: 32}, 0); err != nil {
					b.Fatal(err)
				}
			}
			reportPerParticle(b, n, cpu0)
		})
	}
}

// BenchmarkRestrict computes the full entity state of 32-particle
// entities from one frame.
func BenchmarkRestrict(b *testing.B) {
	for _, n := range benchSizes {
		frames := shearFrames(n, 1e-3)
		g, _, err := FitSettings(frames[:1], Settings{TargetSize: 32}, 0)
		if err != nil {
			b.Fatal(err)
		}
		bind := g.Bind(frames[0])
		var e Entities
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			cpu0 := processCPU()
			for b.Loop() {
				if err := bind.Restrict(frames[0], 1, &e); err != nil {
					b.Fatal(err)
				}
			}
			reportPerParticle(b, n, cpu0)
		})
	}
}

// BenchmarkProlong moves 10^6 particles with their entities for one step.
// The copy sub-benchmark is the baseline: copying the positions and
// velocities the step rewrites, the memory traffic any per-particle
// update pays.
func BenchmarkProlong(b *testing.B) {
	const n = 1_000_000
	frames := shearFrames(n, 1e-3)
	g, _, err := FitSettings(frames[:1], Settings{TargetSize: 32}, 0)
	if err != nil {
		b.Fatal(err)
	}
	bind := g.Bind(frames[0])
	var e Entities
	if err := bind.Restrict(frames[0], 1, &e); err != nil {
		b.Fatal(err)
	}
	next := e.Advance(1e-5)
	f := frames[0]
	b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
		cpu0 := processCPU()
		for b.Loop() {
			bind.Prolong(f, &e, next, 1e-5, 0)
		}
		reportPerParticle(b, n, cpu0)
	})
	dst := frames[1]
	b.Run(fmt.Sprintf("copy/N=%d", n), func(b *testing.B) {
		cpu0 := processCPU()
		for b.Loop() {
			copy(dst.Pos, f.Pos)
			copy(dst.Vel, f.Vel)
			copy(dst.Omega, f.Omega)
		}
		reportPerParticle(b, n, cpu0)
	})
}
