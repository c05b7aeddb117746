package liggghts_test

import (
	"fmt"
	"strings"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/solvers/liggghts"
)

// Translate a small case and show how its contact model, walls and
// insertion appear in the LIGGGHTS script.
func ExampleTranslate() {
	c := &cases.Case{
		Name:      "demo",
		Gravity:   r3.Vec{Z: -9.81},
		Domain:    cases.Domain{Max: r3.Vec{X: 0.1, Y: 0.1, Z: 0.2}},
		Materials: []cases.Material{{Name: "glass", Density: 2500, YoungsModulus: 5e6, Poisson: 0.45, Restitution: 0.9, Friction: 0.3, RollingFriction: 0.01}},
		Contact:   cases.ContactModel{Normal: "hertz", Rolling: "constant_torque"},
		Walls:     []cases.Wall{{Name: "floor", Type: cases.WallPlane, Normal: r3.Vec{Z: 1}}},
		Insertions: []cases.Insertion{{Name: "beads", Mode: cases.InsertPack, Count: 100, Seed: 1,
			Region: cases.Region{Type: cases.RegionBox, Min: r3.Vec{X: 0.01, Y: 0.01, Z: 0.01}, Max: r3.Vec{X: 0.09, Y: 0.09, Z: 0.19}},
			Radius: cases.RadiusDistribution{Kind: cases.RadiusConstant, Value: 0.0015}}},
		Solver: cases.SolverSettings{TimeStep: 1e-5, Duration: 0.1, OutputInterval: 0.01},
	}
	in, err := liggghts.Translate(c, liggghts.ScriptOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(in.Script, "\n") {
		if strings.HasPrefix(line, "pair_style") || strings.HasPrefix(line, "fix wall_0") || strings.HasPrefix(line, "run") {
			fmt.Println(line)
		}
	}
	fmt.Println(in.Steps, "steps, a dump every", in.OutputSteps)
	// Output:
	// pair_style gran model hertz tangential history rolling_friction cdt limitForce on
	// run 1
	// fix wall_0 all wall/gran model hertz tangential history rolling_friction cdt primitive type 1 zplane 0 limitForce on
	// run 10000
	// 10000 steps, a dump every 1000
}
