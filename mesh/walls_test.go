package mesh

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
)

// primitiveCase is a primitive wall with its analytic surface test and a
// dense sampling of its surface for brute-force nearest-point checks.
type primitiveCase struct {
	name    string
	wall    cases.Wall
	onWall  func(x r3.Vec) bool
	samples []r3.Vec
	spacing float64 // largest gap between neighbouring samples, m
	lo, hi  r3.Vec  // box that random query points are drawn from, m
}

func primitiveCases() []primitiveCase {
	box := cases.Wall{Name: "box", Type: cases.WallBox, Min: r3.Vec{X: -1, Y: -0.5, Z: 0}, Max: r3.Vec{X: 1, Y: 0.5, Z: 2}}
	cyl := cases.Wall{Name: "drum", Type: cases.WallCylinder, Base: r3.Vec{X: 0.2, Y: -0.1, Z: 0.3},
		Axis: r3.Unit(r3.Vec{X: 0.3, Y: 0.1, Z: 1}), Radius: 0.8, Length: 1.5, CapBottom: true}
	cone := cases.Wall{Name: "hopper", Type: cases.WallCone, Base: r3.Vec{Z: 0.1},
		Axis: r3.Vec{Z: 1}, Radius: 0.2, RadiusTop: 1.0, Length: 1.2}
	return []primitiveCase{
		planeCase(),
		boxCase(box),
		revolvedCase("cylinder", cyl, cyl.Radius),
		revolvedCase("cone", cone, cone.RadiusTop),
		revolvedCase("narrowing cone", cases.Wall{Name: "nozzle", Type: cases.WallCone, Base: r3.Vec{},
			Axis: r3.Vec{X: 1}, Radius: 1.0, RadiusTop: 0.3, Length: 0.9, CapBottom: true, CapTop: true}, 0.3),
	}
}

// planeCase samples a 6 m square of an inclined plane. Query points lie
// within 1.5 m of the origin, so their nearest points are well inside it.
func planeCase() primitiveCase {
	const n, half = 300, 3.0
	w := cases.Wall{Name: "slope", Type: cases.WallPlane, Point: r3.Vec{X: 0.1, Y: 0.2, Z: -0.1}, Normal: r3.Vec{X: 0.2, Y: -0.3, Z: 1}}
	normal := r3.Unit(w.Normal)
	u := perpendicular(normal)
	v := r3.Cross(normal, u)
	var pts []r3.Vec
	for i := 0; i <= n; i++ {
		for j := 0; j <= n; j++ {
			a, b := half*(2*float64(i)/n-1), half*(2*float64(j)/n-1)
			pts = append(pts, r3.Add(w.Point, r3.Add(r3.Scale(a, u), r3.Scale(b, v))))
		}
	}
	onWall := func(x r3.Vec) bool {
		return math.Abs(r3.Dot(r3.Sub(x, w.Point), normal)) < 1e-12
	}
	ext := r3.Vec{X: 1.5, Y: 1.5, Z: 1.5}
	return primitiveCase{name: "plane", wall: w, onWall: onWall, samples: pts,
		spacing: 2 * half / n * math.Sqrt2, lo: r3.Scale(-1, ext), hi: ext}
}

func boxCase(w cases.Wall) primitiveCase {
	const n = 200
	var pts []r3.Vec
	size := r3.Sub(w.Max, w.Min)
	for k := 0; k < 6; k++ {
		a := k / 2
		b, c := (a+1)%3, (a+2)%3
		for i := 0; i <= n; i++ {
			for j := 0; j <= n; j++ {
				var x r3.Vec
				if k%2 == 0 {
					setComponent(&x, a, component(w.Min, a))
				} else {
					setComponent(&x, a, component(w.Max, a))
				}
				setComponent(&x, b, component(w.Min, b)+component(size, b)*float64(i)/n)
				setComponent(&x, c, component(w.Min, c)+component(size, c)*float64(j)/n)
				pts = append(pts, x)
			}
		}
	}
	onWall := func(x r3.Vec) bool {
		const tol = 1e-12
		inside := true
		onFace := false
		for a := 0; a < 3; a++ {
			lo, hi := component(w.Min, a), component(w.Max, a)
			v := component(x, a)
			inside = inside && v >= lo-tol && v <= hi+tol
			onFace = onFace || math.Abs(v-lo) < tol || math.Abs(v-hi) < tol
		}
		return inside && onFace
	}
	pad := r3.Vec{X: 0.5, Y: 0.5, Z: 0.5}
	return primitiveCase{name: "box", wall: w, onWall: onWall, samples: pts, spacing: 2.0 / n * math.Sqrt2,
		lo: r3.Sub(w.Min, pad), hi: r3.Add(w.Max, pad)}
}

func revolvedCase(name string, w cases.Wall, top float64) primitiveCase {
	const nAngle, nHeight, nRadius = 400, 200, 100
	axis := r3.Unit(w.Axis)
	u := perpendicular(axis)
	v := r3.Cross(axis, u)
	radius := func(h float64) float64 { return w.Radius + (top-w.Radius)*h/w.Length }
	at := func(h, rho, phi float64) r3.Vec {
		return r3.Add(w.Base, r3.Add(r3.Scale(h, axis),
			r3.Add(r3.Scale(rho*math.Cos(phi), u), r3.Scale(rho*math.Sin(phi), v))))
	}

	var pts []r3.Vec
	for i := 0; i < nAngle; i++ {
		phi := 2 * math.Pi * float64(i) / nAngle
		for j := 0; j <= nHeight; j++ {
			h := w.Length * float64(j) / nHeight
			pts = append(pts, at(h, radius(h), phi))
		}
		for j := 0; j <= nRadius; j++ {
			if w.CapBottom {
				pts = append(pts, at(0, w.Radius*float64(j)/nRadius, phi))
			}
			if w.CapTop {
				pts = append(pts, at(w.Length, top*float64(j)/nRadius, phi))
			}
		}
	}

	maxR := math.Max(w.Radius, top)
	spacing := math.Hypot(2*math.Pi*maxR/nAngle, math.Max(w.Length/nHeight, maxR/nRadius))
	onWall := func(x r3.Vec) bool {
		const tol = 1e-12
		d := r3.Sub(x, w.Base)
		h := r3.Dot(d, axis)
		rho := r3.Norm(r3.Sub(d, r3.Scale(h, axis)))
		lateral := h >= -tol && h <= w.Length+tol && math.Abs(rho-radius(h)) < tol
		bottom := w.CapBottom && math.Abs(h) < tol && rho <= w.Radius+tol
		topCap := w.CapTop && math.Abs(h-w.Length) < tol && rho <= top+tol
		return lateral || bottom || topCap
	}
	lo, hi := pts[0], pts[0]
	for _, x := range pts {
		lo, hi = minVec(lo, x), maxVec(hi, x)
	}
	pad := r3.Vec{X: 0.5, Y: 0.5, Z: 0.5}
	return primitiveCase{name: name, wall: w, onWall: onWall, samples: pts, spacing: spacing,
		lo: r3.Sub(lo, pad), hi: r3.Add(hi, pad)}
}

func randomPoint(rng *rand.Rand, lo, hi r3.Vec) r3.Vec {
	return r3.Vec{
		X: lo.X + (hi.X-lo.X)*rng.Float64(),
		Y: lo.Y + (hi.Y-lo.Y)*rng.Float64(),
		Z: lo.Z + (hi.Z-lo.Z)*rng.Float64(),
	}
}

func mustWall(t testing.TB, w cases.Wall) *Wall {
	t.Helper()
	wall, err := NewWall(w)
	if err != nil {
		t.Fatal(err)
	}
	return wall
}

func TestNearestPrimitivesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, pc := range primitiveCases() {
		t.Run(pc.name, func(t *testing.T) {
			w := mustWall(t, pc.wall)
			lo, hi := w.Bounds(0)
			for _, s := range pc.samples {
				if s != clampToBox(s, lo, hi) {
					t.Fatalf("surface point %v is outside the bounds %v to %v", s, lo, hi)
				}
			}
			for i := 0; i < 100; i++ {
				p := randomPoint(rng, pc.lo, pc.hi)
				point, normal, vel := w.Nearest(p, 0)
				if !pc.onWall(point) {
					t.Fatalf("p %v: nearest %v is not on the surface", p, point)
				}
				if vel != (r3.Vec{}) {
					t.Fatalf("p %v: static wall velocity %v", p, vel)
				}
				dist := r3.Norm(r3.Sub(p, point))
				if math.Abs(r3.Norm(normal)-1) > 1e-12 {
					t.Fatalf("p %v: normal %v is not unit", p, normal)
				}
				if dist > 1e-9 && r3.Norm(r3.Sub(r3.Scale(dist, normal), r3.Sub(p, point))) > 1e-9 {
					t.Fatalf("p %v: normal %v does not point from %v toward p", p, normal, point)
				}
				best := math.Inf(1)
				for _, s := range pc.samples {
					best = math.Min(best, r3.Norm(r3.Sub(p, s)))
				}
				if dist > best+1e-12 {
					t.Fatalf("p %v: nearest distance %g but sample at %g", p, dist, best)
				}
				if dist < best-pc.spacing {
					t.Fatalf("p %v: nearest distance %g below best sample %g by more than the spacing %g", p, dist, best, pc.spacing)
				}
			}
		})
	}
}

// Where a sphere touches one feature from the inside, Contacts must
// report the point, normal and overlap that Nearest implies.
func TestContactsMatchNearest(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, pc := range primitiveCases() {
		t.Run(pc.name, func(t *testing.T) {
			w := mustWall(t, pc.wall)
			checked := 0
			for i := 0; i < 20000 && checked < 200; i++ {
				p := randomPoint(rng, pc.lo, pc.hi)
				r := 0.02 + 0.1*rng.Float64()
				cs := w.Contacts(p, r, 0, nil)
				if len(cs) != 1 || r3.Dot(cs[0].Normal, r3.Sub(p, cs[0].Point)) < 0 {
					continue // no contact, several, or an escaped centre
				}
				point, normal, _ := w.Nearest(p, 0)
				dist := r3.Norm(r3.Sub(p, point))
				c := cs[0]
				if r3.Norm(r3.Sub(c.Point, point)) > 1e-9 {
					t.Fatalf("p %v r %g: contact point %v, nearest %v", p, r, c.Point, point)
				}
				if r3.Norm(r3.Sub(c.Normal, normal)) > 1e-9 {
					t.Fatalf("p %v r %g: contact normal %v, nearest normal %v", p, r, c.Normal, normal)
				}
				if math.Abs(c.Overlap-(r-dist)) > 1e-9 || c.Overlap <= 0 {
					t.Fatalf("p %v r %g: overlap %g, want %g", p, r, c.Overlap, r-dist)
				}
				checked++
			}
			if checked < 50 {
				t.Fatalf("only %d single-contact spheres found", checked)
			}
		})
	}
}

func TestPlaneContact(t *testing.T) {
	w := mustWall(t, cases.Wall{Name: "floor", Type: cases.WallPlane, Point: r3.Vec{Z: 1}, Normal: r3.Vec{Z: 2}})
	cases := []struct {
		z, overlap float64
		count      int
	}{
		{1.5, 0, 0}, {1.2, 0.1, 1}, {1.0, 0.3, 1}, {0.9, 0.4, 1}, {0.7, 0, 0},
	}
	for _, c := range cases {
		cs := w.Contacts(r3.Vec{X: 3, Y: -2, Z: c.z}, 0.3, 0, nil)
		if len(cs) != c.count {
			t.Fatalf("z %g: %d contacts, want %d", c.z, len(cs), c.count)
		}
		if c.count == 0 {
			continue
		}
		if math.Abs(cs[0].Overlap-c.overlap) > 1e-12 {
			t.Fatalf("z %g: overlap %g, want %g", c.z, cs[0].Overlap, c.overlap)
		}
		if cs[0].Normal != (r3.Vec{Z: 1}) || cs[0].Point != (r3.Vec{X: 3, Y: -2, Z: 1}) {
			t.Fatalf("z %g: contact %+v", c.z, cs[0])
		}
	}
}

func TestBoxCornerThreeContacts(t *testing.T) {
	w := mustWall(t, cases.Wall{Name: "bin", Type: cases.WallBox, Max: r3.Vec{X: 1, Y: 1, Z: 1}})
	p := r3.Vec{X: 0.05, Y: 0.07, Z: 0.96}
	cs := w.Contacts(p, 0.1, 0, nil)
	if len(cs) != 3 {
		t.Fatalf("%d contacts, want 3: %+v", len(cs), cs)
	}
	want := map[int64]float64{0: 0.05, 2: 0.03, 5: 0.06}
	for _, c := range cs {
		o, ok := want[c.Key]
		if !ok {
			t.Fatalf("unexpected face %d", c.Key)
		}
		if math.Abs(c.Overlap-o) > 1e-12 {
			t.Fatalf("face %d: overlap %g, want %g", c.Key, c.Overlap, o)
		}
		delete(want, c.Key)
	}
}

func TestCylinderCappedCorner(t *testing.T) {
	w := mustWall(t, cases.Wall{Name: "can", Type: cases.WallCylinder, Axis: r3.Vec{Z: 1}, Radius: 1, Length: 2, CapBottom: true})
	cs := w.Contacts(r3.Vec{X: 0.95, Z: 0.08}, 0.1, 0, nil)
	if len(cs) != 2 {
		t.Fatalf("%d contacts at the capped corner, want 2: %+v", len(cs), cs)
	}
	for _, c := range cs {
		switch c.Key {
		case keyLateral:
			if math.Abs(c.Overlap-0.05) > 1e-12 || r3.Norm(r3.Sub(c.Normal, r3.Vec{X: -1})) > 1e-12 {
				t.Fatalf("lateral contact %+v", c)
			}
		case keyCapBottom:
			if math.Abs(c.Overlap-0.02) > 1e-12 || c.Normal != (r3.Vec{Z: 1}) {
				t.Fatalf("cap contact %+v", c)
			}
		default:
			t.Fatalf("unexpected key %d", c.Key)
		}
	}

	// At the open top the sphere rests on the rim edge.
	p := r3.Vec{X: 0.95, Z: 2.05}
	cs = w.Contacts(p, 0.1, 0, nil)
	if len(cs) != 1 || cs[0].Key != keyRimTop || cs[0].Feature != FeatureEdge {
		t.Fatalf("open rim contacts %+v", cs)
	}
	want := 0.1 - math.Hypot(0.05, 0.05)
	if math.Abs(cs[0].Overlap-want) > 1e-12 {
		t.Fatalf("rim overlap %g, want %g", cs[0].Overlap, want)
	}
}

func TestConeHopperOverlap(t *testing.T) {
	// Hopper wall at 45 degrees: radius 0.1 m at z = 0, 1.1 m at z = 1.
	w := mustWall(t, cases.Wall{Name: "hopper", Type: cases.WallCone, Axis: r3.Vec{Z: 1}, Radius: 0.1, RadiusTop: 1.1, Length: 1})
	// At z = 0.5 the wall radius is 0.6; a centre at rho 0.55 is
	// 0.05/sqrt(2) from the wall.
	p := r3.Vec{Y: 0.55, Z: 0.5}
	cs := w.Contacts(p, 0.05, 0, nil)
	if len(cs) != 1 {
		t.Fatalf("%d contacts, want 1", len(cs))
	}
	want := 0.05 - 0.05/math.Sqrt2
	if math.Abs(cs[0].Overlap-want) > 1e-12 {
		t.Fatalf("overlap %g, want %g", cs[0].Overlap, want)
	}
	n := r3.Vec{Y: -1 / math.Sqrt2, Z: 1 / math.Sqrt2}
	if r3.Norm(r3.Sub(cs[0].Normal, n)) > 1e-12 {
		t.Fatalf("normal %v, want %v", cs[0].Normal, n)
	}
}

func TestContainmentPushesBack(t *testing.T) {
	w := mustWall(t, cases.Wall{Name: "drum", Type: cases.WallCylinder, Axis: r3.Vec{Z: 1}, Radius: 1, Length: 1})
	cs := w.Contacts(r3.Vec{X: 1.02, Z: 0.5}, 0.1, 0, nil)
	if len(cs) != 1 || math.Abs(cs[0].Overlap-0.12) > 1e-12 || r3.Norm(r3.Sub(cs[0].Normal, r3.Vec{X: -1})) > 1e-12 {
		t.Fatalf("escaped centre contacts %+v", cs)
	}
	if cs := w.Contacts(r3.Vec{X: 1.2, Z: 0.5}, 0.1, 0, nil); len(cs) != 0 {
		t.Fatalf("sphere outside the wall has contacts %+v", cs)
	}
}

func TestRemovedWall(t *testing.T) {
	w := mustWall(t, cases.Wall{Name: "gate", Type: cases.WallPlane, Normal: r3.Vec{Z: 1}, RemovedAt: 0.5})
	p := r3.Vec{Z: 0.01}
	if !w.Active(0.49) || len(w.Contacts(p, 0.1, 0.49, nil)) != 1 {
		t.Fatal("gate missing before its removal")
	}
	if w.Active(0.5) || len(w.Contacts(p, 0.1, 0.5, nil)) != 0 {
		t.Fatal("gate still present at its removal time")
	}
}

func TestNewWallRejectsBadGeometry(t *testing.T) {
	bad := []cases.Wall{
		{Name: "a", Type: cases.WallPlane},
		{Name: "b", Type: cases.WallBox, Min: r3.Vec{X: 1}, Max: r3.Vec{Y: 1, Z: 1}},
		{Name: "c", Type: cases.WallCylinder, Axis: r3.Vec{Z: 1}, Radius: 1},
		{Name: "d", Type: cases.WallCone, Axis: r3.Vec{Z: 1}, Length: 1},
		{Name: "e", Type: "sphere"},
		{Name: "f", Type: cases.WallPlane, Normal: r3.Vec{Z: 1}, Motion: cases.Motion{AngularSpeed: 1}},
		{Name: "g", Type: cases.WallPlane, Normal: r3.Vec{Z: 1}, Point: r3.Vec{X: math.NaN()}},
		{Name: "h", Type: cases.WallBox, Max: r3.Vec{X: math.Inf(1), Y: 1, Z: 1}},
		{Name: "i", Type: cases.WallCylinder, Base: r3.Vec{Y: math.Inf(-1)}, Axis: r3.Vec{Z: 1}, Radius: 1, Length: 1},
		{Name: "j", Type: cases.WallPlane, Normal: r3.Vec{Z: 1}, Motion: cases.Motion{Velocity: r3.Vec{Z: math.NaN()}}},
	}
	for _, w := range bad {
		if _, err := NewWall(w); err == nil {
			t.Errorf("wall %q accepted", w.Name)
		}
	}
}
