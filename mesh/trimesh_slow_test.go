//go:build slow

// Run with: go test -tags slow -run Slow ./mesh/

package mesh

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"
)

// Many jittered flat meshes and many resting spheres: one contact each.
func TestSlowFlatMeshesSingleContact(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for trial := 0; trial < 40; trial++ {
		n := 2 + rng.IntN(30)
		m := mustTriMesh(t, flatMesh(n, 2, 0.25*rng.Float64(), rng))
		r := 0.02 + 0.3*rng.Float64()
		for i := 0; i < 5000; i++ {
			x := r3.Vec{X: 2 * rng.Float64(), Y: 2 * rng.Float64()}
			if i%2 == 0 { // snap to a mesh vertex or edge midpoint
				tri := m.tris[rng.IntN(len(m.tris))]
				a, b := m.verts[tri[rng.IntN(3)]], m.verts[tri[rng.IntN(3)]]
				x = r3.Scale(0.5, r3.Add(a, b))
			}
			overlap := r * rng.Float64()
			p := r3.Vec{X: x.X, Y: x.Y, Z: r - overlap}
			cs := m.contacts(p, r, nil)
			if len(cs) != 1 || math.Abs(cs[0].Overlap-overlap) > 1e-12 {
				t.Fatalf("trial %d, centre %v, r %g: contacts %+v, want one with overlap %g", trial, p, r, cs, overlap)
			}
		}
	}
}

func TestSlowSearchMatchesBruteScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	for trial := 0; trial < 10; trial++ {
		m := mustTriMesh(t, randomSoup(500+rng.IntN(5000), 0.01+0.2*rng.Float64(), rng))
		for i := 0; i < 5000; i++ {
			p := randomPoint(rng, r3.Vec{X: -0.5, Y: -0.5, Z: -0.5}, r3.Vec{X: 1.5, Y: 1.5, Z: 1.5})
			r := 0.2 * rng.Float64()
			got, want := m.contacts(p, r, nil), m.contactsBrute(p, r, nil)
			if len(got) != len(want) {
				t.Fatalf("trial %d, p %v r %g: grid %d contacts, brute scan %d", trial, p, r, len(got), len(want))
			}
			for k := range got {
				if got[k] != want[k] {
					t.Fatalf("trial %d, p %v r %g: grid %+v, brute scan %+v", trial, p, r, got[k], want[k])
				}
			}
			point, _ := m.nearest(p)
			_, _, bd := m.nearestBrute(p)
			if d := r3.Norm(r3.Sub(p, point)); math.Abs(d-bd) > 1e-12 {
				t.Fatalf("trial %d, p %v: tree nearest at %g, brute scan at %g", trial, p, d, bd)
			}
		}
	}
}
