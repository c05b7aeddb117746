package vtk_test

import (
	"fmt"
	"log"
	"os"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/vtk"
)

func ExampleSeries() {
	dir, _ := os.MkdirTemp("", "neusim")
	defer os.RemoveAll(dir)

	c := &cases.Case{
		Name:   "drop",
		Domain: cases.Domain{Max: r3.Vec{X: 0.1, Y: 0.1, Z: 0.1}},
		Walls:  []cases.Wall{{Name: "floor", Type: cases.WallPlane, Normal: r3.Vec{Z: 1}}},
	}
	s, err := vtk.NewSeries(dir, vtk.SeriesOptions{Case: c, Fields: true, CellSize: 0.004, KernelWidth: 0.003})
	if err != nil {
		log.Fatal(err)
	}
	for step := range int64(2) {
		f := &particles.Frame{Step: step, Time: float64(step) * 0.01}
		f.Resize(1)
		f.Pos[0], f.Radius[0], f.Mass[0] = r3.Vec{X: 0.05, Y: 0.05, Z: 0.05}, 0.001, 1e-5
		if err := s.WriteFrame(f); err != nil {
			log.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		log.Fatal(err)
	}

	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		fmt.Println(e.Name())
	}
	// Output:
	// fields.pvd
	// fields_000000.vti
	// fields_000001.vti
	// particles.pvd
	// particles_000000.vtp
	// particles_000001.vtp
	// walls.pvd
	// walls_000000.vtu
}
