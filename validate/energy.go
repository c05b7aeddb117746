package validate

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
)

// EnergyConservation runs an elastic (e = 1), frictionless box of 200
// Hertz spheres without gravity for 20 000 steps and checks that the
// total energy, kinetic plus the Hertz elastic energy of every contact,
// stays within 0.5 % of its initial value at every output frame. Four
// groups of particles start with different velocities, so that the gas
// collides in all directions.
func EnergyConservation(ctx context.Context, s solvers.Solver) ([]Check, error) {
	const (
		radius = 1e-3 // m
		side   = 0.02 // box edge, m
		steps  = 20000
	)
	glass := cases.Material{Name: "glass", Density: 2500, YoungsModulus: 5e6, Poisson: 0.22, Restitution: 1}
	c := &cases.Case{
		Name:      "elastic box",
		Domain:    cases.Domain{Min: r3.Vec{X: -0.001, Y: -0.001, Z: -0.001}, Max: r3.Vec{X: side + 0.001, Y: side + 0.001, Z: side + 0.001}},
		Materials: []cases.Material{glass},
		Contact:   cases.ContactModel{Normal: "hertz", Rolling: "none"},
		Walls:     []cases.Wall{{Name: "box", Type: cases.WallBox, Max: r3.Vec{X: side, Y: side, Z: side}}},
	}
	// A step of a tenth of the Rayleigh time.
	g := glass.YoungsModulus / (2 * (1 + glass.Poisson))
	dt := 0.1 * math.Pi * radius * math.Sqrt(glass.Density/g) / (0.1631*glass.Poisson + 0.8766)
	c.Solver = cases.SolverSettings{TimeStep: dt, Duration: steps * dt, OutputInterval: 100 * dt}
	half := side / 2
	// Speeds of about 0.2 m/s keep the overlaps of these soft beads near
	// 5 % of the radius.
	for i, v := range []r3.Vec{{X: 0.2, Y: 0.06}, {Y: -0.2, Z: 0.1}, {Z: 0.2, X: -0.08}, {X: -0.14, Y: 0.14, Z: -0.14}} {
		lo := r3.Vec{X: float64(i%2) * half, Y: float64(i/2) * half}
		c.Insertions = append(c.Insertions, cases.Insertion{
			Name: fmt.Sprintf("group %d", i), Count: 50, Mode: cases.InsertPack, Velocity: v, Seed: uint64(i + 1),
			Region: cases.Region{Type: cases.RegionBox, Min: lo, Max: r3.Add(lo, r3.Vec{X: half, Y: half, Z: side})},
			Radius: cases.RadiusDistribution{Kind: cases.RadiusConstant, Value: radius},
		})
	}

	eStarPair := glass.YoungsModulus / (2 * (1 - glass.Poisson*glass.Poisson))
	eStarWall := eStarPair // the wall is made of the beads' material
	var e0, worst float64
	frames := 0
	err := s.Run(ctx, c, solvers.SinkFunc(func(f *particles.Frame) error {
		e := KineticEnergy(f) + hertzEnergy(f, eStarPair, eStarWall, side)
		if frames == 0 {
			e0 = e
		}
		worst = max(worst, math.Abs(e-e0))
		frames++
		return nil
	}), nil)
	if err != nil {
		return nil, err
	}
	test := fmt.Sprintf("elastic box, 200 spheres, %d steps", steps)
	return []Check{check(test, "largest total energy", "J", e0, e0+worst, 0.005)}, nil
}

// hertzEnergy returns the elastic energy stored in the contacts of f, J:
// 8/15 E* sqrt(R*) delta^(5/2) per contact (the integral of the Hertz
// force), between pairs of spheres and between spheres and the faces of
// the box [0, side]^3. Pairs are found by brute force, which is fine for
// the few hundred particles of this check.
func hertzEnergy(f *particles.Frame, eStarPair, eStarWall, side float64) float64 {
	var u float64
	for i := range f.ID {
		ri := f.Radius[i]
		for j := i + 1; j < f.Len(); j++ {
			rj := f.Radius[j]
			if d := ri + rj - r3.Norm(r3.Sub(f.Pos[i], f.Pos[j])); d > 0 {
				u += 8.0 / 15.0 * eStarPair * math.Sqrt(ri*rj/(ri+rj)) * math.Pow(d, 2.5)
			}
		}
		p := f.Pos[i]
		for _, s := range []float64{p.X, p.Y, p.Z, side - p.X, side - p.Y, side - p.Z} {
			if d := ri - s; d > 0 {
				u += 8.0 / 15.0 * eStarWall * math.Sqrt(ri) * math.Pow(d, 2.5)
			}
		}
	}
	return u
}
