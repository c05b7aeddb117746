package lbm_test

import (
	"context"
	"fmt"
	"log"

	"github.com/neusim/neusim/mesh"
	"github.com/neusim/neusim/solvers/lbm"
	"gonum.org/v1/gonum/spatial/r3"
)

// Water between two plates 1 mm apart, driven by a pressure gradient of
// 8 Pa/m (as a body acceleration G/rho), periodic along the flow. The
// steady speed at node 10, half a spacing above the centre line,
// approaches G y (H - y) / (2 mu) = 0.9975 mm/s.
func ExampleRun() {
	const (
		height = 1e-3   // m
		nu     = 1e-6   // m^2/s
		rho    = 1000.0 // kg/m^3
		grad   = 8.0    // Pa/m
	)
	dx := height / 20
	grid, err := mesh.NewGrid(1, 20, 1, dx, r3.Vec{Y: dx / 2})
	if err != nil {
		log.Fatal(err)
	}
	cfg := lbm.Config{
		Grid:                grid,
		Collision:           lbm.TRT,
		TimeStep:            0.1 * dx * dx / nu, // tau = 0.8
		Duration:            10,                 // s, about 10 viscous times
		OutputInterval:      5,
		Viscosity:           nu,
		Density:             rho,
		BodyAcceleration:    r3.Vec{X: grad / rho},
		Faces:               [6]lbm.Face{lbm.XMin: {Kind: lbm.Periodic}, lbm.XMax: {Kind: lbm.Periodic}},
		CharacteristicSpeed: 1e-3,
	}
	sink := lbm.FieldSinkFunc(func(step int64, time float64, fields []mesh.Field) error {
		velocity := fields[0] // m/s, three components per node
		centre := velocity.Tuple(grid.Index(0, 10, 0))
		fmt.Printf("t = %4.1f s  %s u = %.4f mm/s\n", time, velocity.Name, centre[0]*1e3)
		return nil
	})
	if err := lbm.Run(context.Background(), cfg, sink, nil); err != nil {
		log.Fatal(err)
	}
	// Output:
	// t =  0.0 s  velocity u = 0.0000 mm/s
	// t =  5.0 s  velocity u = 0.9983 mm/s
	// t = 10.0 s  velocity u = 0.9983 mm/s
}
