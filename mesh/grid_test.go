package mesh

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"
)

func TestGridIndexRoundTrip(t *testing.T) {
	g, err := NewGrid(4, 3, 5, 0.5, r3.Vec{X: 1, Y: -2, Z: 3})
	if err != nil {
		t.Fatal(err)
	}
	seen := make([]bool, g.Len())
	for k := 0; k < 5; k++ {
		for j := 0; j < 3; j++ {
			for i := 0; i < 4; i++ {
				n := g.Index(i, j, k)
				if seen[n] {
					t.Fatalf("index %d used twice", n)
				}
				seen[n] = true
				if a, b, c := g.Coords(n); a != i || b != j || c != k {
					t.Errorf("Coords(%d) = (%d, %d, %d), want (%d, %d, %d)", n, a, b, c, i, j, k)
				}
			}
		}
	}
	if p := g.Point(3, 2, 4); p != (r3.Vec{X: 2.5, Y: -1, Z: 5}) {
		t.Errorf("Point(3, 2, 4) = %v, want {2.5 -1 5}", p)
	}
	if g.CellCount() != 3*2*4 {
		t.Errorf("CellCount = %d, want 24", g.CellCount())
	}
}

func TestNewGridErrors(t *testing.T) {
	if _, err := NewGrid(0, 3, 1, 1, r3.Vec{}); err == nil {
		t.Error("NewGrid with 0 nodes along x returned no error")
	}
	if _, err := NewGrid(2, 3, 1, 0, r3.Vec{}); err == nil {
		t.Error("NewGrid with zero spacing returned no error")
	}
}

// The marked area of a disc on a fine 2D grid approaches pi r^2.
func TestMarkSolidDiscArea(t *testing.T) {
	const n, r = 400, 0.3
	g, _ := NewGrid(n, n, 1, 1.0/n, r3.Vec{X: 0.5 / n, Y: 0.5 / n})
	marked := g.MarkSolid(SolidCylinder{Start: r3.Vec{X: 0.5, Y: 0.5, Z: -1}, End: r3.Vec{X: 0.5, Y: 0.5, Z: 1}, Radius: r})
	area := float64(marked) / (n * n)
	if want := math.Pi * r * r; math.Abs(area-want) > 0.005*want {
		t.Errorf("marked area %.5f, want pi r^2 = %.5f within 0.5%%", area, want)
	}
	if marked != g.SolidCount() {
		t.Errorf("MarkSolid returned %d, SolidCount %d", marked, g.SolidCount())
	}
	if again := g.MarkSolid(SolidBox{Min: r3.Vec{X: 0.45, Y: 0.45, Z: -1}, Max: r3.Vec{X: 0.55, Y: 0.55, Z: 1}}); again != 0 {
		t.Errorf("box inside the disc marked %d new nodes, want 0", again)
	}
}

func TestFieldCheck(t *testing.T) {
	g, _ := NewGrid(3, 2, 1, 1, r3.Vec{})
	f := NewField(g, "velocity", "m/s", 3, AtPoints)
	if err := f.Check(g); err != nil {
		t.Error(err)
	}
	if f.Tuples() != 6 {
		t.Errorf("Tuples = %d, want 6", f.Tuples())
	}
	c := NewField(g, "vorticity", "1/s", 1, AtCells)
	if len(c.Data) != 2 {
		t.Errorf("cell field has %d values, want 2", len(c.Data))
	}
	f.Data = f.Data[:5]
	if err := f.Check(g); err == nil {
		t.Error("Check of a short field returned no error")
	}
}
