package validate

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/spatial/r3"
	"gonum.org/v1/gonum/stat"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
)

// Settings of the discharge check. The bin and the beads match the
// embedded hopper's material (2 mm soda-lime glass beads, reduced
// stiffness, on steel).
const (
	dischargeBead     = 2e-3  // bead diameter, m
	dischargeBinR     = 0.025 // bin radius, m
	dischargeBeads    = 10000 // about 35 mm of bed in the bin
	dischargeGate     = 0.3   // s, time the gate under the orifice is removed
	dischargeSkip     = 0.1   // s after the gate before the rate is fitted
	dischargeDuration = 0.4   // s after the gate that the run lasts
)

// DischargeOutlets are the orifice diameters, m, of the discharge check:
// 6 to 9 bead diameters, where Beverloo's law holds and the bed stays
// deeper than the orifice while the rate is measured.
var DischargeOutlets = []float64{0.012, 0.014, 0.016, 0.018}

// DischargeResult holds what the discharge check measured.
type DischargeResult struct {
	Outlets     []float64 // orifice diameters, m
	Rates       []float64 // mass flow rates, kg/s
	BulkDensity float64   // bulk density of the settled bed, kg/m³
	Exponent    float64   // fitted exponent n of W ∝ (D - k d)^n
	C           float64   // Beverloo's C with the exponent fixed at 5/2
}

// Checks returns the two verified quantities: the fitted exponent
// against 5/2 within 10 % and C against 0.58 within 15 %.
func (r DischargeResult) Checks() []Check {
	const test = "Beverloo, flat-bottomed bin"
	return []Check{
		check(test, "exponent of D - 1.5 d", "1", 2.5, r.Exponent, 0.10),
		check(test, "discharge coefficient C", "1", BeverlooC, r.C, 0.15),
	}
}

// Discharge runs the solver on a flat-bottomed cylindrical bin, the
// geometry Beverloo's correlation was fitted on, at each orifice of
// DischargeOutlets, and fits W = C rho_b sqrt(g) (D - k d)^n with
// k = 1.5. The rate of each run is the least-squares slope of the
// discharged mass from 0.1 s to 0.4 s after the gate opens, while the
// bed (about 35 mm) stays deeper than the orifice. The bulk density is
// measured in the settled bed just before the gate opens. done, when not
// nil, is called after each orifice with its index and rate.
//
// Each run simulates 10 000 beads for 0.7 s, about 29 000 steps: a few
// minutes on two cores.
func Discharge(ctx context.Context, s solvers.Solver, done func(i int, outlet, rate float64)) (DischargeResult, error) {
	const g = 9.81
	res := DischargeResult{Outlets: DischargeOutlets}
	for i, D := range DischargeOutlets {
		c := FlatBin(D, dischargeBeads, dischargeGate)
		var times, mass []float64
		rhoB := 0.0
		err := s.Run(ctx, c, solvers.SinkFunc(func(f *particles.Frame) error {
			if rhoB == 0 && f.Time >= dischargeGate-0.01-1e-9 {
				rhoB = bedDensity(f)
			}
			if f.Time >= dischargeGate+dischargeSkip-1e-9 {
				times = append(times, f.Time)
				mass = append(mass, f.OutletMass[0])
			}
			return nil
		}), nil)
		if err != nil {
			return res, fmt.Errorf("discharge through a %.0f mm orifice: %w", 1e3*D, err)
		}
		if len(times) < 3 || rhoB == 0 {
			return res, fmt.Errorf("discharge through a %.0f mm orifice: the solver sent %d frames after %.1f s, want at least 3", 1e3*D, len(times), dischargeGate+dischargeSkip)
		}
		_, w := stat.LinearRegression(times, mass, nil, false)
		if !(w > 0) {
			return res, fmt.Errorf("discharge through a %.0f mm orifice: no mass left the bin (rate %g kg/s)", 1e3*D, w)
		}
		res.Rates = append(res.Rates, w)
		// Every run packs the same beads with the same seed; the bed
		// density is averaged over the runs.
		res.BulkDensity += rhoB / float64(len(DischargeOutlets))
		if done != nil {
			done(i, D, w)
		}
	}

	x := make([]float64, len(res.Outlets))
	y := make([]float64, len(res.Outlets))
	for i, D := range res.Outlets {
		x[i] = math.Log(D - BeverlooK*dischargeBead)
		y[i] = math.Log(res.Rates[i])
	}
	_, res.Exponent = stat.LinearRegression(x, y, nil, false)
	for i, D := range res.Outlets {
		res.C += res.Rates[i] / BeverlooCircular(1, BeverlooK, res.BulkDensity, g, D, dischargeBead)
	}
	res.C /= float64(len(res.Outlets))
	return res, nil
}

// FlatBin returns a cylindrical steel bin of radius 25 mm whose flat
// bottom at z = 0 is pierced by a circular orifice of diameter outlet
// (m), filled with n glass beads of 2 mm packed loosely above the bottom.
// A gate under the orifice is removed at gate seconds and the run lasts
// 0.4 s longer. The bottom is a triangulated annulus (an STL wall), and
// the beads that pass the orifice are removed in an outlet region below.
func FlatBin(outlet float64, n int, gate float64) *cases.Case {
	const segments = 96
	ring := func(r float64, k int) r3.Vec {
		a := 2 * math.Pi * float64(k) / segments
		return r3.Vec{X: r * math.Cos(a), Y: r * math.Sin(a)}
	}
	outer := dischargeBinR + 0.005
	var annulus [][3]r3.Vec
	for k := range segments {
		a, b := ring(outlet/2, k), ring(outlet/2, k+1)
		c, d := ring(outer, k), ring(outer, k+1)
		annulus = append(annulus, [3]r3.Vec{a, c, d}, [3]r3.Vec{a, d, b})
	}
	glass := cases.Material{Name: "glass", Density: 2500, YoungsModulus: 5e6, Poisson: 0.22, Restitution: 0.9, Friction: 0.3, RollingFriction: 0.005}
	steel := cases.Material{Name: "steel", Density: 7800, YoungsModulus: 2e11, Poisson: 0.3, Restitution: 0.9, Friction: 0.3, RollingFriction: 0.005}
	// Insertion height for a loose pack of 20 % solids.
	height := float64(n) * 4.0 / 3.0 * math.Pi * 1e-9 / (0.2 * math.Pi * dischargeBinR * dischargeBinR)
	return &cases.Case{
		Name:      "flat-bottomed bin",
		Gravity:   r3.Vec{Z: -9.81},
		Domain:    cases.Domain{Min: r3.Vec{X: -0.035, Y: -0.035, Z: -0.05}, Max: r3.Vec{X: 0.035, Y: 0.035, Z: height + 0.02}},
		Materials: []cases.Material{glass, steel},
		Contact:   cases.ContactModel{Normal: "hertz", Rolling: "constant_torque"},
		Walls: []cases.Wall{
			{Name: "bin", Type: cases.WallCylinder, Material: 1, Axis: r3.Vec{Z: 1}, Radius: dischargeBinR, Length: height + 0.01},
			{Name: "bottom", Type: cases.WallSTL, Material: 1, Triangles: annulus},
			{Name: "gate", Type: cases.WallPlane, Material: 1, Normal: r3.Vec{Z: 1}, Point: r3.Vec{Z: -0.0001}, RemovedAt: gate},
		},
		Outlets: []cases.Outlet{{Name: "orifice", Region: cases.Region{Type: cases.RegionCylinder, Base: r3.Vec{Z: -0.04}, Axis: r3.Vec{Z: 1}, Radius: 0.03, Length: 0.02}}},
		Insertions: []cases.Insertion{{
			Name: "beads", Material: 0, Mode: cases.InsertPack, Count: n, Seed: 1,
			Region: cases.Region{Type: cases.RegionCylinder, Base: r3.Vec{Z: 0.001}, Axis: r3.Vec{Z: 1}, Radius: dischargeBinR - 0.0005, Length: height},
			Radius: cases.RadiusDistribution{Kind: cases.RadiusConstant, Value: dischargeBead / 2},
		}},
		Solver: cases.SolverSettings{RayleighFraction: 0.2, Duration: gate + dischargeDuration, OutputInterval: 0.01},
	}
}

// bedDensity returns the bulk density, kg/m³, of a settled bed on the
// axis of the bin. It divides the mass of the particles whose centres lie
// within 6 mm of the axis, from 10 mm above the bottom to 10 mm below the
// top of the bed, by the volume of that cylinder. The margins keep the
// ordered bottom layers and the loose top out of the sample.
func bedDensity(f *particles.Frame) float64 {
	const rad = 0.006
	top := 0.0
	for _, p := range f.Pos {
		if math.Hypot(p.X, p.Y) < 0.005 {
			top = max(top, p.Z)
		}
	}
	lo, hi := 0.01, top-0.01
	if hi <= lo {
		return 0
	}
	m := 0.0
	for i, p := range f.Pos {
		if p.Z > lo && p.Z < hi && math.Hypot(p.X, p.Y) < rad {
			m += f.Mass[i]
		}
	}
	return m / (math.Pi * rad * rad * (hi - lo))
}
