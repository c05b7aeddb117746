package mesh_test

import (
	"fmt"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/mesh"
)

// A sphere of radius 5 mm inside a cylindrical drum of radius 0.1 m that
// rotates at 2 rad/s about its axis touches the lateral wall, which moves
// at omega R = 0.2 m/s there.
func ExampleNewWall() {
	drum, err := mesh.NewWall(cases.Wall{
		Name: "drum", Type: cases.WallCylinder,
		Axis: r3.Vec{Z: 1}, Radius: 0.1, Length: 0.05, CapBottom: true, CapTop: true,
		Motion: cases.Motion{AngularSpeed: 2, RotationAxis: r3.Vec{Z: 1}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range drum.Contacts(r3.Vec{X: 0.097, Z: 0.025}, 0.005, 1.0, nil) {
		fmt.Printf("key %d: overlap %.4f m, normal (%.2f, %.2f, %.2f), wall velocity (%.2f, %.2f, %.2f) m/s\n",
			c.Key, c.Overlap, c.Normal.X, c.Normal.Y, c.Normal.Z, c.Velocity.X, c.Velocity.Y, c.Velocity.Z)
	}
	// Output:
	// key 0: overlap 0.0020 m, normal (-1.00, 0.00, 0.00), wall velocity (0.00, 0.20, 0.00) m/s
}
