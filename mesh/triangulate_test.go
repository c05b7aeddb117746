package mesh

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
)

func triangleArea(points []r3.Vec, tri [3]int32) float64 {
	a, b, c := points[tri[0]], points[tri[1]], points[tri[2]]
	return 0.5 * r3.Norm(r3.Cross(r3.Sub(b, a), r3.Sub(c, a)))
}

func totalArea(points []r3.Vec, tris [][3]int32) float64 {
	sum := 0.0
	for _, tri := range tris {
		sum += triangleArea(points, tri)
	}
	return sum
}

// Every triangle of a primitive must face the particles: a small sphere
// just off the triangle on its normal side must be pushed further that
// way.
func TestTriangulateFacesParticles(t *testing.T) {
	for _, pc := range primitiveCases() {
		t.Run(pc.name, func(t *testing.T) {
			w := mustWall(t, pc.wall)
			points, tris := Triangulate(w, 0, 64)
			for _, x := range points {
				if !pc.onWall(x) {
					t.Fatalf("point %v is not on the surface", x)
				}
			}
			for _, tri := range tris {
				a, b, c := points[tri[0]], points[tri[1]], points[tri[2]]
				n := r3.Cross(r3.Sub(b, a), r3.Sub(c, a))
				if r3.Norm(n) == 0 {
					t.Fatalf("degenerate triangle %v", tri)
				}
				n = r3.Unit(n)
				centroid := r3.Scale(1.0/3, r3.Add(a, r3.Add(b, c)))
				p := r3.Add(centroid, r3.Scale(0.01, n))
				cs := w.Contacts(p, 0.02, 0, nil)
				if len(cs) == 0 {
					t.Fatalf("no contact off triangle %v", tri)
				}
				best := math.Inf(-1)
				for _, c := range cs {
					best = math.Max(best, r3.Dot(c.Normal, n))
				}
				if best < 0.9 {
					t.Fatalf("triangle %v faces away from the particles: normal %v, contacts %+v", tri, n, cs)
				}
			}
		})
	}
}

func TestTriangulateAreas(t *testing.T) {
	box := mustWall(t, cases.Wall{Name: "box", Type: cases.WallBox, Max: r3.Vec{X: 1, Y: 2, Z: 3}})
	if a := totalArea(Triangulate(box, 0, 0)); math.Abs(a-22) > 1e-12 {
		t.Errorf("box area %g, want 22", a)
	}

	const n = 96
	cyl := mustWall(t, cases.Wall{Name: "can", Type: cases.WallCylinder, Axis: r3.Vec{Y: 1}, Radius: 0.5, Length: 2, CapBottom: true, CapTop: true})
	lateral := n * 2 * 0.5 * math.Sin(math.Pi/n) * 2
	caps := 2 * n * 0.5 * 0.5 * 0.5 * math.Sin(2*math.Pi/n)
	if a := totalArea(Triangulate(cyl, 0, n)); math.Abs(a-(lateral+caps)) > 1e-12 {
		t.Errorf("cylinder area %g, want %g", a, lateral+caps)
	}

	cone := mustWall(t, cases.Wall{Name: "hopper", Type: cases.WallCone, Axis: r3.Vec{Z: 1}, Radius: 0, RadiusTop: 1, Length: 1})
	exact := math.Pi * math.Sqrt2
	if a := totalArea(Triangulate(cone, 0, n)); math.Abs(a-exact)/exact > 1e-3 {
		t.Errorf("cone area %g, want about %g", a, exact)
	}
}

func TestTriangulatePlaneClipped(t *testing.T) {
	flat := mustWall(t, cases.Wall{Name: "floor", Type: cases.WallPlane, Point: r3.Vec{Z: 0.3}, Normal: r3.Vec{Z: 1}})
	flat.SetPlaneExtent(r3.Vec{}, r3.Vec{X: 1, Y: 2, Z: 1})
	points, tris := Triangulate(flat, 0, 0)
	if a := totalArea(points, tris); math.Abs(a-2) > 1e-12 {
		t.Errorf("floor area %g, want 2", a)
	}

	// x + y + z = 1.5 cuts the unit cube in a regular hexagon of side
	// sqrt(2)/2, area 3 sqrt(3)/4.
	diag := mustWall(t, cases.Wall{Name: "slope", Type: cases.WallPlane, Point: r3.Vec{X: 0.5, Y: 0.5, Z: 0.5}, Normal: r3.Vec{X: 1, Y: 1, Z: 1}})
	diag.SetPlaneExtent(r3.Vec{}, r3.Vec{X: 1, Y: 1, Z: 1})
	points, tris = Triangulate(diag, 0, 0)
	if len(points) != 6 {
		t.Fatalf("hexagon has %d points", len(points))
	}
	if a := totalArea(points, tris); math.Abs(a-3*math.Sqrt(3)/4) > 1e-12 {
		t.Errorf("hexagon area %g, want %g", a, 3*math.Sqrt(3)/4)
	}
	for _, tri := range tris {
		a, b, c := points[tri[0]], points[tri[1]], points[tri[2]]
		if r3.Dot(r3.Cross(r3.Sub(b, a), r3.Sub(c, a)), r3.Vec{X: 1, Y: 1, Z: 1}) <= 0 {
			t.Fatalf("triangle %v faces away from the particles", tri)
		}
	}

	// A plane moving out of the box leaves nothing to draw.
	piston := mustWall(t, cases.Wall{Name: "piston", Type: cases.WallPlane, Normal: r3.Vec{Z: 1}, Motion: cases.Motion{Velocity: r3.Vec{Z: 1}}})
	piston.SetPlaneExtent(r3.Vec{}, r3.Vec{X: 1, Y: 1, Z: 1})
	if points, _ := Triangulate(piston, 0.5, 0); len(points) != 4 || points[0].Z != 0.5 {
		t.Errorf("piston at t = 0.5: points %v, want a square at z = 0.5", points)
	}
	if points, tris := Triangulate(piston, 2, 0); len(points) != 0 || len(tris) != 0 {
		t.Errorf("piston outside the box has %d points", len(points))
	}
}

func TestTriangulateMovingAndMesh(t *testing.T) {
	m := cases.Motion{AngularSpeed: 0.8, RotationAxis: r3.Vec{X: 1}, AxisPoint: r3.Vec{Y: 1}, Velocity: r3.Vec{X: 0.3}}
	static := cases.Wall{Name: "paddle", Type: cases.WallSTL, Triangles: wavySurface(5)}
	moving := static
	moving.Motion = m
	sp, st := Triangulate(mustWall(t, static), 0, 0)
	mp, mt := Triangulate(mustWall(t, moving), 1.5, 0)
	if len(sp) != 36 || len(st) != 50 {
		t.Fatalf("mesh of 50 triangles on a 6 x 6 vertex grid gave %d points and %d triangles", len(sp), len(st))
	}
	for i := range st {
		if st[i] != mt[i] {
			t.Fatalf("triangle %d changed from %v to %v", i, st[i], mt[i])
		}
	}
	for i, x0 := range sp {
		want := r3.Add(r3.Add(r3.Rotate(r3.Sub(x0, m.AxisPoint), 0.8*1.5, m.RotationAxis), m.AxisPoint), r3.Scale(1.5, m.Velocity))
		if r3.Norm(r3.Sub(mp[i], want)) > 1e-12 {
			t.Fatalf("point %d at %v, want %v", i, mp[i], want)
		}
	}
}
