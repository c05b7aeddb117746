//go:build slow

package liggghts

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
)

// A loose packing of 400 beads settles in a box under gravity in both
// solvers. Individual trajectories diverge (granular flow is chaotic), so
// the check is on the bed: its centre of mass must come to the same
// height within 2 percent, and both beds must come to rest.
//
// Run with: go test -tags slow -run CrossCheckSettling ./solvers/liggghts/
func TestCrossCheckSettling(t *testing.T) {
	requireLIGGGHTS(t)
	m := cases.Material{Name: "glass", Density: 2500, YoungsModulus: 5e6, Poisson: 0.45, Restitution: 0.9, Friction: 0.3, RollingFriction: 0.01}
	c := testCase(m)
	c.Domain = cases.Domain{Min: r3.Vec{X: -0.002, Y: -0.002, Z: -0.002}, Max: r3.Vec{X: 0.032, Y: 0.032, Z: 0.082}}
	c.Gravity = r3.Vec{Z: -9.81}
	c.Contact.Rolling = "constant_torque"
	c.Walls = []cases.Wall{{Name: "box", Type: cases.WallBox, Max: r3.Vec{X: 0.03, Y: 0.03, Z: 0.08}}}
	c.Insertions = []cases.Insertion{{Name: "beads", Mode: cases.InsertPack, Count: 400, Seed: 3,
		Region: cases.Region{Type: cases.RegionBox, Min: r3.Vec{X: 0.001, Y: 0.001, Z: 0.001}, Max: r3.Vec{X: 0.029, Y: 0.029, Z: 0.079}},
		Radius: cases.RadiusDistribution{Kind: cases.RadiusConstant, Value: 0.0015}}}
	c.Solver = cases.SolverSettings{TimeStep: 1e-5, Duration: 0.6, OutputInterval: 0.1}

	demFrames := runDEM(t, c)
	ligFrames := runFrames(t, c, Options{Script: ScriptOptions{Initial: demFrames[0]}})
	d, l := demFrames[len(demFrames)-1], ligFrames[len(ligFrames)-1]
	if d.Len() != 400 || l.Len() != 400 {
		t.Fatalf("DEM kept %d and LIGGGHTS %d of 400 beads", d.Len(), l.Len())
	}
	z0 := centreHeight(demFrames[0])
	zd, zl := centreHeight(d), centreHeight(l)
	t.Logf("centre of mass height: start %g m, DEM %g m, LIGGGHTS %g m", z0, zd, zl)
	if math.Abs(zd-zl) > 0.02*zd {
		t.Errorf("settled centre of mass DEM %g m, LIGGGHTS %g m: differ by more than 2 percent", zd, zl)
	}
	drop := 400 * demFrames[0].Mass[0] * 9.81 * (z0 - zd)
	for name, f := range map[string]*particles.Frame{"DEM": d, "LIGGGHTS": l} {
		if ke := kinetic(f); ke > 1e-3*drop {
			t.Errorf("%s kinetic energy %g J after settling, want below 0.1 percent of the %g J released", name, ke, drop)
		}
	}
}

func centreHeight(f *particles.Frame) float64 {
	var mz, m float64
	for i := range f.ID {
		mz += f.Mass[i] * f.Pos[i].Z
		m += f.Mass[i]
	}
	return mz / m
}

func kinetic(f *particles.Frame) float64 {
	var e float64
	for i := range f.ID {
		v := f.Vel[i]
		e += 0.5 * f.Mass[i] * r3.Dot(v, v)
		w := f.Omega[i]
		e += 0.5 * 0.4 * f.Mass[i] * f.Radius[i] * f.Radius[i] * r3.Dot(w, w)
	}
	return e
}
