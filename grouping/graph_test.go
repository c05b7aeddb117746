package grouping

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/mesh"
	"github.com/neusim/neusim/particles"
)

// restrictedScene fits and restricts a random scene.
func restrictedScene(t *testing.T, n, target int, seed uint64) (*particles.Frame, *Binding, *Entities) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 99))
	f := randomScene(n, rng)
	g, _, err := FitSettings([]*particles.Frame{f}, Settings{TargetSize: target}, 0)
	if err != nil {
		t.Fatal(err)
	}
	b := g.Bind(f)
	var e Entities
	if err := b.Restrict(f, 0, &e); err != nil {
		t.Fatal(err)
	}
	return f, b, &e
}

func TestNeighborGraphBruteForce(t *testing.T) {
	_, _, e := restrictedScene(t, 8000, 12, 11)
	// Empty one entity: it must get no edges.
	e.Mass[3] = 0
	ext := make([]float64, e.Len())
	for i := range ext {
		ext[i] = e.Extent(i)
	}
	for _, cutoff := range []float64{0, 0.002, 0.01, 1} {
		g := NeighborGraph(e, cutoff, 3)
		for i := 0; i < e.Len(); i++ {
			var want []int32
			for j := 0; j < e.Len(); j++ {
				if j == i || e.Mass[i] == 0 || e.Mass[j] == 0 {
					continue
				}
				gap := r3.Norm(r3.Sub(e.Centre[i], e.Centre[j])) - ext[i] - ext[j]
				if gap < cutoff {
					want = append(want, int32(j))
				}
			}
			if got := g.Neighbors(i); !slices.Equal(got, want) {
				t.Fatalf("cutoff %g: entity %d has neighbours %v, brute force gives %v", cutoff, i, got, want)
			}
		}
		if cutoff == 0.002 && len(g.Neighbor) == 0 {
			t.Error("graph has no edges; the test scene is too sparse to check anything")
		}
	}
}

func TestExtentOfBall(t *testing.T) {
	// A dense lattice ball: the extent must be close to the ball radius
	// plus the particle radius.
	r := 0.001
	f := &particles.Frame{}
	R := 20 * r
	for x := -R; x <= R; x += 2 * r {
		for y := -R; y <= R; y += 2 * r {
			for z := -R; z <= R; z += 2 * r {
				if x*x+y*y+z*z <= R*R {
					f.ID = append(f.ID, int64(len(f.ID)))
					f.Pos = append(f.Pos, r3.Vec{X: x, Y: y, Z: z})
					f.Vel = append(f.Vel, r3.Vec{})
					f.Omega = append(f.Omega, r3.Vec{})
					f.Radius = append(f.Radius, r)
					f.Mass = append(f.Mass, 1e-5)
					f.Material = append(f.Material, 0)
				}
			}
		}
	}
	g, _ := NewGrouping([][]int64{f.ID})
	var e Entities
	if err := g.Bind(f).Restrict(f, 1, &e); err != nil {
		t.Fatal(err)
	}
	if ext := e.Extent(0); math.Abs(ext-(R+r))/(R+r) > 0.05 {
		t.Errorf("extent of a ball of radius %g m is %g m, want about %g m", R, ext, R+r)
	}
}

func TestWallFeaturesAllTypes(t *testing.T) {
	_, _, e := restrictedScene(t, 3000, 16, 12)
	tri := [][3]r3.Vec{
		{{X: -1, Y: -1, Z: 0.21}, {X: 1, Y: -1, Z: 0.21}, {X: 1, Y: 1, Z: 0.21}},
		{{X: -1, Y: -1, Z: 0.21}, {X: 1, Y: 1, Z: 0.21}, {X: -1, Y: 1, Z: 0.21}},
	}
	specs := []cases.Wall{
		{Name: "floor", Type: cases.WallPlane, Point: r3.Vec{}, Normal: r3.Vec{Z: 1}},
		{Name: "box", Type: cases.WallBox, Min: r3.Vec{X: -0.01, Y: -0.01, Z: -0.01}, Max: r3.Vec{X: 0.11, Y: 0.06, Z: 0.21}},
		{Name: "gate", Type: cases.WallPlane, Point: r3.Vec{X: 0.1}, Normal: r3.Vec{X: -1}, RemovedAt: 0.5},
		{Name: "drum", Type: cases.WallCylinder, Base: r3.Vec{X: 0.05, Y: 0.025}, Axis: r3.Vec{Z: 1}, Radius: 0.06, Length: 0.2},
		{Name: "hopper", Type: cases.WallCone, Base: r3.Vec{X: 0.05, Y: 0.025}, Axis: r3.Vec{Z: 1}, Radius: 0.01, RadiusTop: 0.08, Length: 0.2},
		{Name: "lid", Type: cases.WallSTL, Triangles: tri, Motion: cases.Motion{Velocity: r3.Vec{Z: -0.1}}},
	}
	walls := make([]mesh.Surface, len(specs)+1) // the last one stays nil
	for i, s := range specs {
		w, err := mesh.NewWall(s)
		if err != nil {
			t.Fatal(err)
		}
		walls[i] = w
	}
	const cutoff = 0.01
	for _, time := range []float64{0, 1} {
		tab := WallFeatures(e, walls, time, cutoff, 2)
		seen := map[int32]bool{}
		for k := 0; k < e.Len(); k++ {
			var want []int32
			for wi, w := range walls {
				if w == nil || !w.(*mesh.Wall).Active(time) {
					continue
				}
				p, _, _ := w.Nearest(e.Centre[k], time)
				if r3.Norm(r3.Sub(p, e.Centre[k]))-e.Extent(k) < cutoff {
					want = append(want, int32(wi))
				}
			}
			var got []int32
			for _, f := range tab.Of(k) {
				got = append(got, f.Wall)
				seen[f.Wall] = true
				p, n, v := walls[f.Wall].Nearest(e.Centre[k], time)
				if r3.Norm(r3.Sub(r3.Add(e.Centre[k], f.Vector), p)) > 1e-15 || f.Normal != n || f.Velocity != v {
					t.Fatalf("entity %d wall %d: feature %+v disagrees with Nearest", k, f.Wall, f)
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("t=%g entity %d: walls %v, brute force gives %v", time, k, got, want)
			}
		}
		if time == 0 && len(seen) != len(specs) {
			t.Errorf("at t=0 only walls %v are near an entity; the scene should reach all %d", seen, len(specs))
		}
		if time == 1 && seen[2] {
			t.Error("removed gate wall still listed at t=1 s")
		}
	}
}
