package mesh

import (
	"math"
	"testing"

	"github.com/neusim/neusim/cases"
	"gonum.org/v1/gonum/spatial/r3"
)

// cubeTriangles returns the 12 triangles of the cube [lo, hi]^3 with
// counter-clockwise winding seen from outside (outward normals).
func cubeTriangles(lo, hi float64) [][3]r3.Vec {
	v := func(x, y, z int) r3.Vec {
		pick := func(i int) float64 { return []float64{lo, hi}[i] }
		return r3.Vec{X: pick(x), Y: pick(y), Z: pick(z)}
	}
	quads := [][4]r3.Vec{
		{v(0, 0, 0), v(0, 1, 0), v(1, 1, 0), v(1, 0, 0)}, // z = lo, normal -z
		{v(0, 0, 1), v(1, 0, 1), v(1, 1, 1), v(0, 1, 1)}, // z = hi, normal +z
		{v(0, 0, 0), v(1, 0, 0), v(1, 0, 1), v(0, 0, 1)}, // y = lo, normal -y
		{v(0, 1, 0), v(0, 1, 1), v(1, 1, 1), v(1, 1, 0)}, // y = hi, normal +y
		{v(0, 0, 0), v(0, 0, 1), v(0, 1, 1), v(0, 1, 0)}, // x = lo, normal -x
		{v(1, 0, 0), v(1, 1, 0), v(1, 1, 1), v(1, 0, 1)}, // x = hi, normal +x
	}
	var tris [][3]r3.Vec
	for _, q := range quads {
		tris = append(tris, [3]r3.Vec{q[0], q[1], q[2]}, [3]r3.Vec{q[0], q[2], q[3]})
	}
	return tris
}

func reversed(tris [][3]r3.Vec) [][3]r3.Vec {
	out := make([][3]r3.Vec, len(tris))
	for i, t := range tris {
		out[i] = [3]r3.Vec{t[0], t[2], t[1]}
	}
	return out
}

// SolidFromWall marks what lies behind a wall: below a plane, outside a
// cylindrical container, inside a closed STL cube.
func TestSolidFromWall(t *testing.T) {
	const n = 20
	newGrid := func() *Grid {
		g, err := NewGrid(n, n, n, 1.0/n, r3.Vec{X: 0.5 / n, Y: 0.5 / n, Z: 0.5 / n})
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	for _, tc := range []struct {
		name   string
		wall   cases.Wall
		inside func(p r3.Vec) bool
	}{
		{"plane", cases.Wall{Type: cases.WallPlane, Point: r3.Vec{Y: 0.4}, Normal: r3.Vec{Y: 1}},
			func(p r3.Vec) bool { return p.Y < 0.4 }},
		{"cylinder container", cases.Wall{Type: cases.WallCylinder, Base: r3.Vec{X: 0.5, Y: 0.5, Z: -1}, Axis: r3.Vec{Z: 1}, Radius: 0.4, Length: 3},
			func(p r3.Vec) bool { return math.Hypot(p.X-0.5, p.Y-0.5) > 0.4 }},
		{"stl cube", cases.Wall{Type: cases.WallSTL, Triangles: cubeTriangles(0.3, 0.7)},
			func(p r3.Vec) bool {
				return p.X > 0.3 && p.X < 0.7 && p.Y > 0.3 && p.Y < 0.7 && p.Z > 0.3 && p.Z < 0.7
			}},
		{"stl cube reversed winding", cases.Wall{Type: cases.WallSTL, Triangles: reversed(cubeTriangles(0.3, 0.7))},
			func(p r3.Vec) bool {
				return p.X > 0.3 && p.X < 0.7 && p.Y > 0.3 && p.Y < 0.7 && p.Z > 0.3 && p.Z < 0.7
			}},
		{"cone hopper", cases.Wall{Type: cases.WallCone, Base: r3.Vec{X: 0.5, Y: 0.5, Z: 0.2}, Axis: r3.Vec{Z: 1}, Radius: 0.1, RadiusTop: 0.4, Length: 0.6},
			func(p r3.Vec) bool {
				s := math.Max(0, math.Min(1, (p.Z-0.2)/0.6))
				return math.Hypot(p.X-0.5, p.Y-0.5) > 0.1+0.3*s
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			solid, err := SolidFromWall(tc.wall)
			if err != nil {
				t.Fatal(err)
			}
			g := newGrid()
			g.MarkSolid(solid)
			wrong := 0
			for node := 0; node < g.Len(); node++ {
				p := g.Point(g.Coords(node))
				if g.Solid[node] != tc.inside(p) {
					wrong++
					if wrong <= 3 {
						t.Errorf("node at %v: solid %v, want %v", p, g.Solid[node], tc.inside(p))
					}
				}
			}
			if wrong > 0 {
				t.Errorf("%d of %d nodes marked wrongly", wrong, g.Len())
			}
		})
	}
}
