package mesh

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
)

// flatMesh tessellates the square [0, size]^2 at z = 0 into n x n
// squares split along alternating diagonals, with interior vertices moved
// in the plane by up to jitter times the square size.
func flatMesh(n int, size, jitter float64, rng *rand.Rand) [][3]r3.Vec {
	h := size / float64(n)
	grid := make([][]r3.Vec, n+1)
	for i := range grid {
		grid[i] = make([]r3.Vec, n+1)
		for j := range grid[i] {
			v := r3.Vec{X: float64(i) * h, Y: float64(j) * h}
			if i > 0 && i < n && j > 0 && j < n && jitter > 0 {
				v.X += (2*rng.Float64() - 1) * jitter * h
				v.Y += (2*rng.Float64() - 1) * jitter * h
			}
			grid[i][j] = v
		}
	}
	var tris [][3]r3.Vec
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			a, b, c, d := grid[i][j], grid[i+1][j], grid[i+1][j+1], grid[i][j+1]
			if (i+j)%2 == 0 {
				tris = append(tris, [3]r3.Vec{a, b, c}, [3]r3.Vec{a, c, d})
			} else {
				tris = append(tris, [3]r3.Vec{a, b, d}, [3]r3.Vec{b, c, d})
			}
		}
	}
	for _, tri := range tris {
		if r3.Cross(r3.Sub(tri[1], tri[0]), r3.Sub(tri[2], tri[0])).Z <= 0 {
			panic("flatMesh: jitter folded a triangle; use a smaller jitter")
		}
	}
	return tris
}

func mustTriMesh(t testing.TB, tris [][3]r3.Vec) *triMesh {
	t.Helper()
	m, err := newTriMesh(tris)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestClosestOnTriangleBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const n = 300
	for trial := 0; trial < 200; trial++ {
		var v [3]r3.Vec
		for k := range v {
			v[k] = randomPoint(rng, r3.Vec{X: -1, Y: -1, Z: -1}, r3.Vec{X: 1, Y: 1, Z: 1})
		}
		p := randomPoint(rng, r3.Vec{X: -2, Y: -2, Z: -2}, r3.Vec{X: 2, Y: 2, Z: 2})
		c, region := closestOnTriangle(p, v[0], v[1], v[2])
		dist := r3.Norm(r3.Sub(p, c))

		best := math.Inf(1)
		for i := 0; i <= n; i++ {
			for j := 0; i+j <= n; j++ {
				s, u := float64(i)/n, float64(j)/n
				x := r3.Add(v[0], r3.Add(r3.Scale(s, r3.Sub(v[1], v[0])), r3.Scale(u, r3.Sub(v[2], v[0]))))
				best = math.Min(best, r3.Norm(r3.Sub(p, x)))
			}
		}
		if dist > best+1e-12 {
			t.Fatalf("trial %d: closest distance %g, a sample is at %g", trial, dist, best)
		}

		// The point must lie on the feature its region names.
		onSegment := func(a, b r3.Vec) bool {
			ab := r3.Sub(b, a)
			s := r3.Dot(r3.Sub(c, a), ab) / r3.Norm2(ab)
			return s >= -1e-12 && s <= 1+1e-12 && r3.Norm(r3.Sub(c, r3.Add(a, r3.Scale(s, ab)))) < 1e-12
		}
		var ok bool
		switch region {
		case regionVertexA, regionVertexB, regionVertexC:
			ok = c == v[region-regionVertexA]
		case regionEdgeAB:
			ok = onSegment(v[0], v[1])
		case regionEdgeBC:
			ok = onSegment(v[1], v[2])
		case regionEdgeCA:
			ok = onSegment(v[2], v[0])
		case regionFace:
			ok = dist < best+1e-12 && best-dist < 0.05
		}
		if !ok {
			t.Fatalf("trial %d: point %v is not on region %d", trial, c, region)
		}
	}
}

// A sphere resting on a flat mesh must feel exactly one contact with the
// right overlap wherever it sits: inside triangles, on shared edges and
// on vertices shared by up to eight triangles.
func TestFlatMeshSingleContact(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	meshes := []struct {
		name   string
		tris   [][3]r3.Vec
		radius float64 // sphere radius, m
	}{
		{"2x2 squares", flatMesh(2, 2, 0, nil), 0.3},
		{"jittered 10x10", flatMesh(10, 2, 0.25, rng), 0.3},
		{"jittered 40x40", flatMesh(40, 2, 0.25, rng), 0.1},
	}
	const overlap = 0.01
	for _, mc := range meshes {
		tris, r := mc.tris, mc.radius
		t.Run(mc.name, func(t *testing.T) {
			w := mustWall(t, cases.Wall{Name: "plate", Type: cases.WallSTL, Triangles: tris})
			var points []r3.Vec
			for i := 0; i <= 8; i++ { // grid lines, edges and vertices of the 2x2 mesh
				for j := 0; j <= 8; j++ {
					points = append(points, r3.Vec{X: 0.25 * float64(i), Y: 0.25 * float64(j)})
				}
			}
			for _, tri := range tris { // vertices and edge midpoints of every mesh
				for k := 0; k < 3; k++ {
					points = append(points, tri[k], r3.Scale(0.5, r3.Add(tri[k], tri[(k+1)%3])))
				}
			}
			for i := 0; i < 2000; i++ {
				points = append(points, r3.Vec{X: 2 * rng.Float64(), Y: 2 * rng.Float64()})
			}
			for _, x := range points {
				for _, side := range []float64{1, -1} {
					p := r3.Vec{X: x.X, Y: x.Y, Z: side * (r - overlap)}
					cs := w.Contacts(p, r, 0, nil)
					if len(cs) != 1 {
						t.Fatalf("centre %v: %d contacts, want 1: %+v", p, len(cs), cs)
					}
					c := cs[0]
					if math.Abs(c.Overlap-overlap) > 1e-12 {
						t.Fatalf("centre %v: overlap %g, want %g", p, c.Overlap, overlap)
					}
					if r3.Norm(r3.Sub(c.Normal, r3.Vec{Z: side})) > 1e-9 || r3.Norm(r3.Sub(c.Point, x)) > 1e-12 {
						t.Fatalf("centre %v: contact %+v", p, c)
					}
				}
			}
		})
	}
}

// A flat mesh with a T-junction: the vertex (1, h) of three small
// triangles lies on (h = 0) or next to (h = 1e-9 m, as float32 rounding
// of STL coordinates leaves it) the long edge of a big triangle, so no
// edge is shared across the junction line.
func TestFlatMeshTJunction(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	for _, h := range []float64{0, 1e-9, -1e-9} {
		v := r3.Vec{X: 1, Y: h}
		tris := [][3]r3.Vec{
			{{X: 0}, {X: 1, Y: -1}, {X: 2}}, // big triangle below y = 0
			{{X: 0}, v, {Y: 1}},             // small triangles above
			{v, {X: 2, Y: 1}, {Y: 1}},
			{v, {X: 2}, {X: 2, Y: 1}},
		}
		w := mustWall(t, cases.Wall{Name: "plate", Type: cases.WallSTL, Triangles: tris})
		points := []r3.Vec{v, {X: 0.5}, {X: 1.5}, {X: 1, Y: 1e-10}, {X: 1, Y: -1e-10}}
		for i := 0; i < 500; i++ {
			x := r3.Vec{X: 0.1 + 1.8*rng.Float64(), Y: 0.2 * (rng.Float64() - 0.5)}
			points = append(points, x, r3.Vec{X: x.X})
		}
		const r, overlap = 0.2, 0.01
		for _, x := range points {
			p := r3.Vec{X: x.X, Y: x.Y, Z: r - overlap}
			cs := w.Contacts(p, r, 0, nil)
			if len(cs) != 1 {
				t.Fatalf("h %g, centre %v: %d contacts, want 1: %+v", h, p, len(cs), cs)
			}
			if math.Abs(cs[0].Overlap-overlap) > 1e-12 {
				t.Fatalf("h %g, centre %v: overlap %g, want %g", h, p, cs[0].Overlap, overlap)
			}
		}
	}
}

// boxMesh returns the six faces of the box [0,1]^3, each split into
// n x n squares of two triangles.
func boxMesh(n int) [][3]r3.Vec {
	var tris [][3]r3.Vec
	for k := 0; k < 6; k++ {
		a := k / 2
		b, c := (a+1)%3, (a+2)%3
		at := func(i, j int) r3.Vec {
			var v r3.Vec
			setComponent(&v, a, float64(k%2))
			setComponent(&v, b, float64(i)/float64(n))
			setComponent(&v, c, float64(j)/float64(n))
			return v
		}
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				tris = append(tris,
					[3]r3.Vec{at(i, j), at(i+1, j), at(i+1, j+1)},
					[3]r3.Vec{at(i, j), at(i+1, j+1), at(i, j+1)})
			}
		}
	}
	return tris
}

func TestConcaveCornerOneContactPerFace(t *testing.T) {
	w := mustWall(t, cases.Wall{Name: "bin", Type: cases.WallSTL, Triangles: boxMesh(4)})
	const r = 0.1
	for _, p := range []r3.Vec{
		{X: 0.05, Y: 0.07, Z: 0.06},
		{X: 0.25, Y: 0.07, Z: 0.06}, // centre above a shared edge of the floor
		{X: 0.95, Y: 0.94, Z: 0.5},  // two walls, on a diagonal height
		{X: 0.05, Y: 0.5, Z: 0.5},   // one wall, centred on a shared vertex
		{X: 0.08, Y: 0.08, Z: 0.92}, // top corner
	} {
		var want []float64
		for a := 0; a < 3; a++ {
			x := component(p, a)
			if x < r {
				want = append(want, r-x)
			}
			if 1-x < r {
				want = append(want, r-(1-x))
			}
		}
		cs := w.Contacts(p, r, 0, nil)
		if len(cs) != len(want) {
			t.Fatalf("centre %v: %d contacts, want %d: %+v", p, len(cs), len(want), cs)
		}
		sumGot, sumWant := 0.0, 0.0
		for i := range cs {
			sumGot += cs[i].Overlap
			sumWant += want[i]
			n := cs[i].Normal
			if math.Abs(math.Abs(n.X)+math.Abs(n.Y)+math.Abs(n.Z)-1) > 1e-9 {
				t.Fatalf("centre %v: normal %v is not along an axis", p, n)
			}
		}
		if math.Abs(sumGot-sumWant) > 1e-12 {
			t.Fatalf("centre %v: overlaps sum to %g, want %g", p, sumGot, sumWant)
		}
	}
}

func TestConvexEdgeContact(t *testing.T) {
	w := mustWall(t, cases.Wall{Name: "block", Type: cases.WallSTL, Triangles: boxMesh(3)})
	// Outside the block, beyond the edge x = 1, z = 1.
	p := r3.Vec{X: 1.05, Y: 0.5, Z: 1.05}
	cs := w.Contacts(p, 0.1, 0, nil)
	if len(cs) != 1 || cs[0].Feature != FeatureEdge {
		t.Fatalf("contacts %+v, want one edge contact", cs)
	}
	if math.Abs(cs[0].Overlap-(0.1-0.05*math.Sqrt2)) > 1e-12 {
		t.Fatalf("overlap %g", cs[0].Overlap)
	}
	// Beyond the corner: one vertex contact.
	cs = w.Contacts(r3.Vec{X: 1.04, Y: 1.04, Z: 1.04}, 0.1, 0, nil)
	if len(cs) != 1 || cs[0].Feature != FeatureVertex {
		t.Fatalf("contacts %+v, want one vertex contact", cs)
	}
	// Above the top face near the edge: the face only.
	cs = w.Contacts(r3.Vec{X: 0.97, Y: 0.5, Z: 1.05}, 0.1, 0, nil)
	if len(cs) != 1 || cs[0].Feature != FeatureFace || math.Abs(cs[0].Overlap-0.05) > 1e-12 {
		t.Fatalf("contacts %+v, want one face contact", cs)
	}
}

// randomSoup returns n random triangles of size about size in the unit
// cube.
func randomSoup(n int, size float64, rng *rand.Rand) [][3]r3.Vec {
	tris := make([][3]r3.Vec, n)
	for i := range tris {
		c := randomPoint(rng, r3.Vec{}, r3.Vec{X: 1, Y: 1, Z: 1})
		for k := 0; k < 3; k++ {
			tris[i][k] = r3.Add(c, r3.Scale(size, randomPoint(rng, r3.Vec{X: -1, Y: -1, Z: -1}, r3.Vec{X: 1, Y: 1, Z: 1})))
		}
	}
	return tris
}

// wavySurface returns a height field z = 0.1 sin(7x) cos(5y) over the
// unit square, n x n squares of two triangles.
func wavySurface(n int) [][3]r3.Vec {
	at := func(i, j int) r3.Vec {
		x, y := float64(i)/float64(n), float64(j)/float64(n)
		return r3.Vec{X: x, Y: y, Z: 0.1 * math.Sin(7*x) * math.Cos(5*y)}
	}
	var tris [][3]r3.Vec
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			tris = append(tris, [3]r3.Vec{at(i, j), at(i+1, j), at(i+1, j+1)}, [3]r3.Vec{at(i, j), at(i+1, j+1), at(i, j+1)})
		}
	}
	return tris
}

func TestSearchMatchesBruteScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	meshes := map[string][][3]r3.Vec{
		"soup":  randomSoup(2000, 0.05, rng),
		"wavy":  wavySurface(30),
		"box":   boxMesh(6),
		"large": randomSoup(300, 0.4, rng),
	}
	// A fixed order and one generator per mesh give every subtest the
	// same points on every run. Map order is random, so one generator
	// shared across a range over the map would not.
	for k, name := range []string{"soup", "wavy", "box", "large"} {
		tris := meshes[name]
		rng := rand.New(rand.NewPCG(13, uint64(k)))
		t.Run(name, func(t *testing.T) {
			m := mustTriMesh(t, tris)
			if m.index == nil || m.tree == nil {
				t.Fatal("mesh has no grid or tree")
			}
			// Points fill the mesh's bounding box grown by 0.15, so that
			// flat meshes such as the wavy sheet are touched often enough.
			lo, hi := tris[0][0], tris[0][0]
			for _, tri := range tris {
				for _, v := range tri {
					lo = r3.Vec{X: min(lo.X, v.X), Y: min(lo.Y, v.Y), Z: min(lo.Z, v.Z)}
					hi = r3.Vec{X: max(hi.X, v.X), Y: max(hi.Y, v.Y), Z: max(hi.Z, v.Z)}
				}
			}
			grow := r3.Vec{X: 0.15, Y: 0.15, Z: 0.15}
			lo, hi = r3.Sub(lo, grow), r3.Add(hi, grow)
			touching := 0
			for i := 0; i < 1000; i++ {
				p := randomPoint(rng, lo, hi)
				r := 0.01 + 0.1*rng.Float64()
				got := m.contacts(p, r, nil)
				want := m.contactsBrute(p, r, nil)
				if len(got) != len(want) {
					t.Fatalf("p %v r %g: grid %d contacts, brute scan %d", p, r, len(got), len(want))
				}
				for k := range got {
					if got[k] != want[k] {
						t.Fatalf("p %v r %g: contact %d: grid %+v, brute scan %+v", p, r, k, got[k], want[k])
					}
				}
				if len(got) > 0 {
					touching++
				}

				point, _ := m.nearest(p)
				_, bp, bd := m.nearestBrute(p)
				if d := r3.Norm(r3.Sub(p, point)); math.Abs(d-bd) > 1e-12 {
					t.Fatalf("p %v: tree nearest %v at %g, brute scan %v at %g", p, point, d, bp, bd)
				}
			}
			t.Logf("%d of 1000 spheres touched the mesh", touching)
			if touching < 50 {
				t.Fatalf("only %d of the spheres touched the mesh", touching)
			}
		})
	}
}

func TestNearestFarFromMesh(t *testing.T) {
	m := mustTriMesh(t, wavySurface(20))
	for _, p := range []r3.Vec{{X: 5, Y: -3, Z: 2}, {X: 0.5, Y: 0.5, Z: 40}, {X: -10, Y: 0.2, Z: 0}} {
		point, normal := m.nearest(p)
		_, bp, bd := m.nearestBrute(p)
		if d := r3.Norm(r3.Sub(p, point)); math.Abs(d-bd) > 1e-12 {
			t.Fatalf("p %v: nearest %v at %g, brute scan %v at %g", p, point, d, bp, bd)
		}
		if r3.Norm(r3.Sub(r3.Scale(bd, normal), r3.Sub(p, point))) > 1e-9 {
			t.Fatalf("p %v: normal %v does not point toward p", p, normal)
		}
	}
}

func TestTriMeshRejectsBadInput(t *testing.T) {
	bad := map[string][][3]r3.Vec{
		"empty":      nil,
		"degenerate": {{{X: 0}, {X: 1}, {X: 2}}},
		"nan":        {{{X: math.NaN()}, {X: 1}, {Y: 1}}},
	}
	for name, tris := range bad {
		if _, err := NewWall(cases.Wall{Name: name, Type: cases.WallSTL, File: "/cases/" + name + ".stl", Triangles: tris}); err == nil {
			t.Errorf("%s mesh accepted", name)
		}
	}
}

func TestRotatingMeshMatchesStatic(t *testing.T) {
	m := cases.Motion{AngularSpeed: 2, RotationAxis: r3.Vec{Y: 1}, AxisPoint: r3.Vec{X: 0.5, Z: 0.5}, Velocity: r3.Vec{Z: -0.1}}
	static := cases.Wall{Name: "paddle", Type: cases.WallSTL, Triangles: wavySurface(12)}
	moving := static
	moving.Motion = m
	ws, wm := mustWall(t, static), mustWall(t, moving)
	rng := rand.New(rand.NewPCG(13, 14))
	checked := 0
	for i := 0; i < 500; i++ {
		time := rng.Float64()
		p0 := randomPoint(rng, r3.Vec{Z: -0.2}, r3.Vec{X: 1, Y: 1, Z: 0.2})
		p := r3.Add(r3.Add(r3.Rotate(r3.Sub(p0, m.AxisPoint), m.AngularSpeed*time, m.RotationAxis), m.AxisPoint), r3.Scale(time, m.Velocity))
		want := ws.Contacts(p0, 0.05, 0, nil)
		got := wm.Contacts(p, 0.05, time, nil)
		if len(got) != len(want) {
			t.Fatalf("t %g: %d contacts, static mesh gives %d", time, len(got), len(want))
		}
		for k := range got {
			if got[k].Key != want[k].Key || math.Abs(got[k].Overlap-want[k].Overlap) > 1e-12 {
				t.Fatalf("t %g: contact %+v, static %+v", time, got[k], want[k])
			}
			checked++
		}
	}
	if checked < 50 {
		t.Fatalf("only %d contacts checked", checked)
	}
}

func benchmarkMesh(b *testing.B) *triMesh {
	m, err := newTriMesh(wavySurface(71)) // 10082 triangles
	if err != nil {
		b.Fatal(err)
	}
	return m
}

func BenchmarkTriMeshContactsGrid(b *testing.B) {
	m := benchmarkMesh(b)
	rng := rand.New(rand.NewPCG(15, 16))
	pts := make([]r3.Vec, 1024)
	for i := range pts {
		pts[i] = randomPoint(rng, r3.Vec{Z: -0.1}, r3.Vec{X: 1, Y: 1, Z: 0.1})
	}
	var buf []Contact
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf = m.contacts(pts[i%len(pts)], 0.02, buf[:0])
	}
}

func BenchmarkTriMeshContactsBrute(b *testing.B) {
	m := benchmarkMesh(b)
	rng := rand.New(rand.NewPCG(15, 16))
	pts := make([]r3.Vec, 1024)
	for i := range pts {
		pts[i] = randomPoint(rng, r3.Vec{Z: -0.1}, r3.Vec{X: 1, Y: 1, Z: 0.1})
	}
	var buf []Contact
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf = m.contactsBrute(pts[i%len(pts)], 0.02, buf[:0])
	}
}

func BenchmarkTriMeshNearestBVH(b *testing.B) {
	m := benchmarkMesh(b)
	rng := rand.New(rand.NewPCG(17, 18))
	pts := make([]r3.Vec, 1024)
	for i := range pts {
		pts[i] = randomPoint(rng, r3.Vec{Z: -0.3}, r3.Vec{X: 1, Y: 1, Z: 0.3})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.tree.nearest(m, pts[i%len(pts)])
	}
}

func BenchmarkTriMeshNearestBrute(b *testing.B) {
	m := benchmarkMesh(b)
	rng := rand.New(rand.NewPCG(17, 18))
	pts := make([]r3.Vec, 1024)
	for i := range pts {
		pts[i] = randomPoint(rng, r3.Vec{Z: -0.3}, r3.Vec{X: 1, Y: 1, Z: 0.3})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.nearestBrute(pts[i%len(pts)])
	}
}
