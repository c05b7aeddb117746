package mesh

import (
	"math/rand/v2"
	"sync"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
)

// Queries from several goroutines must agree with the same queries made
// one at a time; run with -race to check for shared state.
func TestConcurrentQueries(t *testing.T) {
	walls := []*Wall{
		mustWall(t, cases.Wall{Name: "mesh", Type: cases.WallSTL, Triangles: wavySurface(20),
			Motion: cases.Motion{AngularSpeed: 1, RotationAxis: r3.Vec{Z: 1}, AxisPoint: r3.Vec{X: 0.5, Y: 0.5}}}),
		mustWall(t, cases.Wall{Name: "drum", Type: cases.WallCylinder, Axis: r3.Vec{Z: 1}, Radius: 1, Length: 1, CapBottom: true}),
	}
	rng := rand.New(rand.NewPCG(19, 20))
	pts := make([]r3.Vec, 400)
	for i := range pts {
		pts[i] = randomPoint(rng, r3.Vec{X: -0.2, Y: -0.2, Z: -0.2}, r3.Vec{X: 1.2, Y: 1.2, Z: 1.2})
	}
	query := func(w *Wall, p r3.Vec) ([]Contact, r3.Vec) {
		cs := w.Contacts(p, 0.08, 0.3, nil)
		point, _, _ := w.Nearest(p, 0.3)
		return cs, point
	}
	for _, w := range walls {
		wantContacts := make([][]Contact, len(pts))
		wantNearest := make([]r3.Vec, len(pts))
		for i, p := range pts {
			wantContacts[i], wantNearest[i] = query(w, p)
		}
		var wg sync.WaitGroup
		errs := make(chan string, 4)
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i, p := range pts {
					cs, point := query(w, p)
					if len(cs) != len(wantContacts[i]) || point != wantNearest[i] {
						errs <- w.Name()
						return
					}
					for k := range cs {
						if cs[k] != wantContacts[i][k] {
							errs <- w.Name()
							return
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for name := range errs {
			t.Fatalf("wall %s: concurrent queries disagree with sequential ones", name)
		}
	}
}
