package trajectory_test

import (
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/trajectory"
)

func Example() {
	dir, _ := os.MkdirTemp("", "neusim")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "trajectory.arrow")

	// A solver sends frames to the writer, which is a solvers.Sink.
	w, err := trajectory.Create(path, trajectory.Meta{Case: "drop", Solver: "dem", Outlets: []string{"bottom"}})
	if err != nil {
		log.Fatal(err)
	}
	for step := range int64(3) {
		f := &particles.Frame{Step: step * 100, Time: float64(step) * 1e-3}
		f.Resize(2)
		f.ID[0], f.ID[1] = 1, 2
		f.Pos[0], f.Pos[1] = r3.Vec{Z: 0.1}, r3.Vec{Z: 0.2 - 0.01*float64(step)}
		f.Radius[0], f.Radius[1] = 0.001, 0.001
		f.OutletCount, f.OutletMass = []int64{step}, []float64{1e-5 * float64(step)}
		if err := w.WriteFrame(f); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	r, err := trajectory.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	fmt.Println(r.Meta().Case, r.Len(), "frames")
	for {
		f, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("t = %g s: z = %.3f m, %d left\n", f.Time, f.Pos[1].Z, f.OutletCount[0])
	}
	// Output:
	// drop 3 frames
	// t = 0 s: z = 0.200 m, 0 left
	// t = 0.001 s: z = 0.190 m, 1 left
	// t = 0.002 s: z = 0.180 m, 2 left
}
