package lbm

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/neusim/neusim/mesh"
	"gonum.org/v1/gonum/spatial/r3"
	"gonum.org/v1/gonum/stat"
)

// A channel with a parabolic velocity inlet on x- and a pressure outlet
// on x+ must carry plane Poiseuille flow along its whole length, with the
// pressure falling linearly at G = 8 mu u_max / H^2 to the outlet pressure
// at the outlet face: u(y) = G/(2 mu) y (H - y), the plane Poiseuille
// solution (White, Viscous Fluid Flow).
func TestChannelInletOutlet(t *testing.T) {
	for _, op := range []Collision{BGK, TRT} {
		t.Run(op.String(), func(t *testing.T) {
			const (
				nx, ny = 32, 16
				height = 1e-3   // H, m
				nu     = 1e-6   // m^2/s
				rho    = 1000.0 // kg/m^3
				uMax   = 1e-3   // m/s
				pOut   = 0.05   // outlet gauge pressure, Pa
				tau    = 0.8
			)
			dx := height / ny
			length := nx * dx
			g, err := mesh.NewGrid(nx, ny, 1, dx, r3.Vec{X: dx / 2, Y: dx / 2})
			if err != nil {
				t.Fatal(err)
			}
			profile := func(y float64) float64 { return 4 * uMax * y * (height - y) / (height * height) }
			grad := 8 * rho * nu * uMax / (height * height) // G, Pa/m
			cfg := Config{
				Grid:      g,
				Collision: op,
				TimeStep:  (tau - 0.5) * dx * dx / (3 * nu),
				Duration:  5 * height * height / nu,
				Viscosity: nu,
				Density:   rho,
				Faces: [6]Face{
					XMin: {Kind: Velocity, Profile: func(p r3.Vec) r3.Vec { return r3.Vec{X: profile(p.Y)} }},
					XMax: {Kind: Pressure, Pressure: pOut},
				},
				// Starting from the exact solution shortens the run to a few
				// viscous times, long enough for a boundary condition that
				// disagrees with it to move the flow away from it.
				Initial: func(p r3.Vec) (r3.Vec, float64) {
					return r3.Vec{X: profile(p.Y)}, pOut + grad*(length-p.X)
				},
			}
			s, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Run(context.Background(), nil, nil); err != nil {
				t.Fatal(err)
			}

			// Velocity: the Poiseuille profile at every node.
			var num, den float64
			for n := 0; n < g.Len(); n++ {
				p := g.Point(g.Coords(n))
				want := r3.Vec{X: profile(p.Y)}
				diff := r3.Sub(s.Velocity(n), want)
				num += r3.Norm2(diff)
				den += r3.Norm2(want)
			}
			velErr := math.Sqrt(num / den)

			// Pressure: a linear fit along the centre rows, away from the
			// ends, gives the gradient and the pressure at the outlet face.
			var xs, ps []float64
			for i := 4; i < nx-4; i++ {
				for _, j := range []int{ny/2 - 1, ny / 2} {
					xs = append(xs, g.Point(i, j, 0).X)
					ps = append(ps, s.Pressure(g.Index(i, j, 0)))
				}
			}
			intercept, slope := stat.LinearRegression(xs, ps, nil, false)
			gradErr := math.Abs(-slope-grad) / grad
			outletErr := math.Abs(intercept+slope*length-pOut) / (grad * length)

			t.Logf("%d steps, velocity error %.3e, pressure gradient %.5g Pa/m (want %.5g), outlet pressure %.5g Pa (want %g)",
				s.Steps(), velErr, -slope, grad, intercept+slope*length, pOut)
			if velErr > 0.01 {
				t.Errorf("relative L2 velocity error %.3e, want below 1e-2", velErr)
			}
			if gradErr > 0.02 {
				t.Errorf("pressure gradient %.5g Pa/m, want %.5g within 2%%", -slope, grad)
			}
			if outletErr > 0.02 {
				t.Errorf("pressure at the outlet face %s, want %g Pa within 2%% of the pressure drop",
					fmt.Sprintf("%.5g Pa", intercept+slope*length), pOut)
			}
		})
	}
}
