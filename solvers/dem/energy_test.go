package dem

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
)

// energySteps is the length of the energy test; the slow build runs
// 10^5 steps (see energy_slow_test.go).
var energySteps = 20000

// periodicGas returns 300 elastic, frictionless beads in a fully periodic
// box at 20 % solids, without gravity or walls.
func periodicGas() *cases.Case {
	const n, r = 300, 1e-3
	side := math.Cbrt(n * 4.0 / 3.0 * math.Pi * r * r * r / 0.2)
	glass := cases.Material{Name: "glass", Density: 2500, YoungsModulus: 5e7, Poisson: 0.22, Restitution: 1}
	dom := cases.Domain{Max: r3.Vec{X: side, Y: side, Z: side}, Periodic: [3]bool{true, true, true}}
	return &cases.Case{
		Name:      "periodic-gas",
		Domain:    dom,
		Materials: []cases.Material{glass},
		Insertions: []cases.Insertion{{
			Name: "beads", Mode: cases.InsertPack, Count: n, Seed: 3,
			Region: cases.Region{Type: cases.RegionBox, Min: dom.Min, Max: dom.Max},
			Radius: cases.RadiusDistribution{Kind: cases.RadiusUniform, Min: 0.8 * r, Max: 1.2 * r},
		}},
		Solver: cases.SolverSettings{RayleighFraction: 0.2, Duration: 1, OutputInterval: 1},
	}
}

// totalEnergy returns the kinetic energy plus the Hertz elastic energy
// 8/15 E* sqrt(R*) delta^(5/2) of every overlapping pair (the integral of
// F = 4/3 E* sqrt(R*) delta^(3/2)), J.
func totalEnergy(f *particles.Frame, box particles.Box, eStar float64) float64 {
	e := kineticEnergy(f)
	for i := range f.ID {
		for j := i + 1; j < f.Len(); j++ {
			d := r3.Norm(box.MinImage(r3.Sub(f.Pos[i], f.Pos[j])))
			delta := f.Radius[i] + f.Radius[j] - d
			if delta > 0 {
				rStar := f.Radius[i] * f.Radius[j] / (f.Radius[i] + f.Radius[j])
				e += 8.0 / 15.0 * eStar * math.Sqrt(rStar) * math.Pow(delta, 2.5)
			}
		}
	}
	return e
}

// TestEnergyConservation checks that elastic, frictionless beads in a
// periodic box keep their total energy within 0.5 %: velocity Verlet is
// symplectic and the clipped Hertz force derives from a potential.
func TestEnergyConservation(t *testing.T) {
	c := periodicGas()
	r := newTestRun(t, c, 0)
	r.steps = int64(energySteps)
	r.outEvery = r.steps / 20

	// Random velocities of about 0.5 m/s with zero total momentum.
	rng := rand.New(rand.NewPCG(5, 5))
	var mom r3.Vec
	mass := 0.0
	for i := range r.s.vel {
		r.s.vel[i] = r3.Scale(0.5, r3.Vec{X: rng.NormFloat64(), Y: rng.NormFloat64(), Z: rng.NormFloat64()})
		mom = r3.Add(mom, r3.Scale(r.s.mass[i], r.s.vel[i]))
		mass += r.s.mass[i]
	}
	for i := range r.s.vel {
		r.s.vel[i] = r3.Sub(r.s.vel[i], r3.Scale(1/mass, mom))
	}

	m := c.Materials[0]
	eStar := effectiveModulus(m.YoungsModulus, m.Poisson, m.YoungsModulus, m.Poisson)
	box := particles.Box{Min: c.Domain.Min, Max: c.Domain.Max, Periodic: c.Domain.Periodic}
	var energies []float64
	collisions := 0
	sink := func(f *particles.Frame) error {
		energies = append(energies, totalEnergy(f, box, eStar))
		return nil
	}
	if err := r.loop(context.Background(), solvers.SinkFunc(sink), nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range r.pairs.touching {
		if tc {
			collisions++
		}
	}
	e0 := energies[0]
	worst := 0.0
	for _, e := range energies {
		worst = max(worst, math.Abs(e-e0)/e0)
	}
	t.Logf("%d steps of %.3g s, %d frames, %d pairs touching at the end, largest relative energy error %.3g %%", r.steps, r.dt, len(energies), collisions, 100*worst)
	if worst > 0.005 {
		t.Errorf("total energy drifted by %.3g %% over %d steps, want < 0.5 %%", 100*worst, r.steps)
	}
	if len(energies) < 20 {
		t.Errorf("only %d frames", len(energies))
	}
}
