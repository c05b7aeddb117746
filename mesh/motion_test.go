package mesh

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
)

func TestTranslatingPlate(t *testing.T) {
	v := r3.Vec{X: 0.1, Z: 0.5}
	w := mustWall(t, cases.Wall{Name: "piston", Type: cases.WallPlane, Normal: r3.Vec{Z: 1}, Motion: cases.Motion{Velocity: v}})
	cs := w.Contacts(r3.Vec{X: 0.3, Y: -0.2, Z: 1.05}, 0.1, 2, nil)
	if len(cs) != 1 {
		t.Fatalf("%d contacts, want 1", len(cs))
	}
	c := cs[0]
	if math.Abs(c.Overlap-0.05) > 1e-12 {
		t.Fatalf("overlap %g, want 0.05", c.Overlap)
	}
	if r3.Norm(r3.Sub(c.Point, r3.Vec{X: 0.3, Y: -0.2, Z: 1})) > 1e-12 || c.Velocity != v || c.Normal != (r3.Vec{Z: 1}) {
		t.Fatalf("contact %+v", c)
	}
	lo, hi := w.Bounds(2)
	if lo.Z != 1 || hi.Z != 1 {
		t.Fatalf("plate bounds along z at t = 2: %g to %g, want 1", lo.Z, hi.Z)
	}
}

func TestRotatingDrum(t *testing.T) {
	centre := r3.Vec{X: 1, Y: 2}
	const omega, radius = 3.0, 0.5
	w := mustWall(t, cases.Wall{Name: "drum", Type: cases.WallCylinder, Base: centre, Axis: r3.Vec{Z: 1},
		Radius: radius, Length: 1, Motion: cases.Motion{AngularSpeed: omega, RotationAxis: r3.Vec{Z: 1}, AxisPoint: centre}})
	for _, phi := range []float64{0, 0.7, 2.5, -1.9} {
		dir := r3.Vec{X: math.Cos(phi), Y: math.Sin(phi)}
		p := r3.Add(r3.Add(centre, r3.Scale(radius-0.03, dir)), r3.Vec{Z: 0.5})
		cs := w.Contacts(p, 0.05, 1.3, nil)
		if len(cs) != 1 {
			t.Fatalf("phi %g: %d contacts, want 1", phi, len(cs))
		}
		c := cs[0]
		point := r3.Add(r3.Add(centre, r3.Scale(radius, dir)), r3.Vec{Z: 0.5})
		vel := r3.Scale(omega*radius, r3.Vec{X: -math.Sin(phi), Y: math.Cos(phi)})
		if r3.Norm(r3.Sub(c.Point, point)) > 1e-12 || r3.Norm(r3.Sub(c.Velocity, vel)) > 1e-12 {
			t.Fatalf("phi %g: contact at %v moving %v, want %v moving %v", phi, c.Point, c.Velocity, point, vel)
		}
		if math.Abs(c.Overlap-0.02) > 1e-12 {
			t.Fatalf("phi %g: overlap %g, want 0.02", phi, c.Overlap)
		}
	}
}

// A box translating and rotating about an off-centre axis must give the
// contacts of the static box at the query point carried back by the
// analytic motion, with the results carried forward again. The motion is
// applied with gonum's quaternion rotation, independent of the Rodrigues
// code under test. The velocity must match a central difference of the
// material point's trajectory.
func TestMovingBoxMatchesAnalyticMotion(t *testing.T) {
	m := cases.Motion{
		Velocity:     r3.Vec{X: 0.2, Y: -0.1, Z: 0.05},
		AngularSpeed: 1.7,
		RotationAxis: r3.Unit(r3.Vec{X: 1, Y: 2, Z: 2}),
		AxisPoint:    r3.Vec{X: 0.3, Y: 0.1, Z: -0.2},
	}
	static := cases.Wall{Name: "crate", Type: cases.WallBox, Min: r3.Vec{X: -0.5, Y: -0.4, Z: -0.3}, Max: r3.Vec{X: 0.5, Y: 0.4, Z: 0.3}}
	moving := static
	moving.Motion = m
	ws, wm := mustWall(t, static), mustWall(t, moving)

	position := func(x0 r3.Vec, time float64) r3.Vec {
		return r3.Add(r3.Add(r3.Rotate(r3.Sub(x0, m.AxisPoint), m.AngularSpeed*time, m.RotationAxis), m.AxisPoint), r3.Scale(time, m.Velocity))
	}
	rng := rand.New(rand.NewPCG(5, 6))
	found := 0
	for i := 0; i < 2000; i++ {
		time := 3 * rng.Float64()
		p0 := randomPoint(rng, static.Min, static.Max)
		p := position(p0, time)
		want := ws.Contacts(p0, 0.15, 0, nil)
		got := wm.Contacts(p, 0.15, time, nil)
		if len(got) != len(want) {
			t.Fatalf("t %g: %d contacts, static box gives %d", time, len(got), len(want))
		}
		for k := range got {
			g, c := got[k], want[k]
			point := position(c.Point, time)
			normal := r3.Rotate(c.Normal, m.AngularSpeed*time, m.RotationAxis)
			const dt = 1e-6
			vel := r3.Scale(1/(2*dt), r3.Sub(position(c.Point, time+dt), position(c.Point, time-dt)))
			if g.Key != c.Key || math.Abs(g.Overlap-c.Overlap) > 1e-12 {
				t.Fatalf("t %g: contact %+v, static %+v", time, g, c)
			}
			if r3.Norm(r3.Sub(g.Point, point)) > 1e-12 || r3.Norm(r3.Sub(g.Normal, normal)) > 1e-12 {
				t.Fatalf("t %g: point %v normal %v, want %v %v", time, g.Point, g.Normal, point, normal)
			}
			if r3.Norm(r3.Sub(g.Velocity, vel)) > 1e-7 {
				t.Fatalf("t %g: velocity %v, central difference %v", time, g.Velocity, vel)
			}
			found++
		}
		np, nn, nv := wm.Nearest(p, time)
		sp, sn, _ := ws.Nearest(p0, 0)
		if r3.Norm(r3.Sub(np, position(sp, time))) > 1e-12 || r3.Norm(r3.Sub(nn, r3.Rotate(sn, m.AngularSpeed*time, m.RotationAxis))) > 1e-12 {
			t.Fatalf("t %g: nearest %v %v disagrees with the moved static answer", time, np, nn)
		}
		if r3.Norm(r3.Sub(nv, r3.Add(m.Velocity, r3.Cross(r3.Scale(m.AngularSpeed, m.RotationAxis), r3.Sub(np, position(m.AxisPoint, time)))))) > 1e-12 {
			t.Fatalf("t %g: nearest velocity %v", time, nv)
		}
	}
	if found < 100 {
		t.Fatalf("only %d contacts checked", found)
	}

	for _, time := range []float64{0, 0.4, 1.1, 2.9} {
		lo, hi := wm.Bounds(time)
		points, _ := Triangulate(ws, 0, 0)
		for _, x0 := range points {
			x := position(x0, time)
			if r3.Norm(r3.Sub(x, clampToBox(x, lo, hi))) > 1e-12 {
				t.Fatalf("t %g: corner %v is outside the bounds %v to %v", time, x, lo, hi)
			}
		}
	}
}
