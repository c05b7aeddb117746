package grouping_test

import (
	"fmt"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/grouping"
	"github.com/neusim/neusim/particles"
)

// block returns a frame of n³ beads of 1 mm radius translating with velocity v.
func block(n int, v r3.Vec, t float64) *particles.Frame {
	f := &particles.Frame{Time: t}
	for i := 0; i < n*n*n; i++ {
		p := r3.Vec{X: 0.002 * float64(i%n), Y: 0.002 * float64(i/n%n), Z: 0.002 * float64(i/(n*n))}
		f.ID = append(f.ID, int64(i))
		f.Pos = append(f.Pos, r3.Add(p, r3.Scale(t, v)))
		f.Vel = append(f.Vel, v)
		f.Omega = append(f.Omega, r3.Vec{})
		f.Radius = append(f.Radius, 0.001)
		f.Mass = append(f.Mass, 1.05e-5)
		f.Material = append(f.Material, 0)
	}
	return f
}

func ExampleFit() {
	v := r3.Vec{Z: -0.5}
	frames := []*particles.Frame{block(8, v, 0), block(8, v, 0.01), block(8, v, 0.02)}

	g, rep, err := grouping.Fit(frames, 32, grouping.FitOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d particles in %d entities, %.0f per entity\n", rep.Particles, g.Len(), rep.Compression)
	fmt.Printf("position error below 1e-9 diameters: %v\n", rep.PosRMS < 1e-9*rep.MeanDiameter)
	// Output:
	// 512 particles in 16 entities, 32 per entity
	// position error below 1e-9 diameters: true
}

func ExampleBinding_Prolong() {
	f := block(4, r3.Vec{X: 1}, 0)
	g, _ := grouping.NewGrouping([][]int64{f.ID})
	b := g.Bind(f)

	var state grouping.Entities
	if err := b.Restrict(f, 1, &state); err != nil {
		fmt.Println(err)
		return
	}
	next := state.Advance(0.001) // what a surrogate predicting no acceleration would return
	b.Prolong(f, &state, next, 0.001, 0)
	fmt.Printf("first bead at x = %.4f m, entity mass %.3g kg\n", f.Pos[0].X, next.Mass[0])
	// Output:
	// first bead at x = 0.0010 m, entity mass 0.000672 kg
}
