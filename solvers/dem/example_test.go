package dem_test

import (
	"context"
	"fmt"
	"log"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
	"github.com/neusim/neusim/solvers/dem"
)

// Example runs the first 20 ms of the embedded settling-box case and
// prints every frame the solver streams.
func Example() {
	c, err := cases.Load("box", cases.Options{Set: []string{"friction=0.5"}})
	if err != nil {
		log.Fatal(err)
	}
	c.Solver.Duration = 0.02
	c.Solver.OutputInterval = 0.01

	sink := solvers.SinkFunc(func(f *particles.Frame) error {
		fmt.Printf("t = %.2f s: %d particles\n", f.Time, f.Len())
		return nil
	})
	if err := dem.New(dem.Options{}).Run(context.Background(), c, sink, nil); err != nil {
		log.Fatal(err)
	}
	// Output:
	// t = 0.00 s: 2000 particles
	// t = 0.01 s: 2000 particles
	// t = 0.02 s: 2000 particles
}
