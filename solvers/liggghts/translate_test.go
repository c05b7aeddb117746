package liggghts

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
)

// Every embedded case translates, and LIGGGHTS runs it: walls of every
// type (cones, capped and rotating cylinders, STL plates, gates),
// outlets and pack insertions. The runs are cut to 300 particles and 200
// steps to stay fast.
func TestEmbeddedCasesRun(t *testing.T) {
	requireLIGGGHTS(t)
	for _, summary := range cases.List() {
		t.Run(summary.Name, func(t *testing.T) {
			c, err := cases.Load(summary.Name, cases.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if c.Fluid != nil {
				if _, err := Translate(c, ScriptOptions{}); err == nil || !strings.Contains(err.Error(), "fluid case") {
					t.Errorf("Translate of fluid case %s: error %v, want a fluid-case error", c.Name, err)
				}
				return
			}
			want := 0
			for k := range c.Insertions {
				c.Insertions[k].Count = min(c.Insertions[k].Count, 300/len(c.Insertions))
				c.Insertions[k].FillFraction = 0
				if c.Insertions[k].Mode != cases.InsertPour {
					want += c.Insertions[k].Count
				}
			}
			in, err := Translate(c, ScriptOptions{})
			if err != nil {
				t.Fatal(err)
			}
			c.Solver.TimeStep = in.TimeStep
			c.Solver.OutputInterval = 100 * in.TimeStep
			c.Solver.Duration = 200 * in.TimeStep
			frames := runFrames(t, c, Options{})
			if len(frames) != 3 {
				t.Fatalf("got %d frames, want 3", len(frames))
			}
			if n := frames[0].Len(); n != want {
				t.Errorf("%d particles at step 0, want the %d packed", n, want)
			}
		})
	}
}

func TestTranslateRejects(t *testing.T) {
	base := func() *cases.Case {
		c := testCase(softMaterial)
		c.Insertions = []cases.Insertion{{Name: "beads", Mode: cases.InsertPack, Count: 10,
			Region: cases.Region{Type: cases.RegionBox, Min: r3.Vec{X: -0.01, Y: -0.01, Z: -0.01}, Max: r3.Vec{X: 0.01, Y: 0.01, Z: 0.01}},
			Radius: cases.RadiusDistribution{Kind: cases.RadiusConstant, Value: 0.001}}}
		return c
	}
	for _, tc := range []struct {
		name   string
		modify func(c *cases.Case)
		want   string
	}{
		{"normal model", func(c *cases.Case) { c.Contact.Normal = "jkr" }, `contact normal model "jkr" is not supported`},
		{"rolling model", func(c *cases.Case) { c.Contact.Rolling = "viscous" }, `contact rolling model "viscous" is not supported`},
		{"tilted region", func(c *cases.Case) {
			c.Insertions[0].Region = cases.Region{Type: cases.RegionCylinder, Axis: r3.Unit(r3.Vec{X: 1, Z: 1}), Radius: 0.01, Length: 0.01}
		}, "insertion beads: cylinder region axis"},
		{"wall type", func(c *cases.Case) { c.Walls = []cases.Wall{{Name: "blob", Type: "sphere"}} }, `wall blob: wall type "sphere" is not supported`},
		{"radius kind", func(c *cases.Case) { c.Insertions[0].Radius.Kind = "lognormal" }, `radius distribution kind "lognormal" is not supported`},
		{"linear stiffness", func(c *cases.Case) { c.Contact.Normal = "linear" }, "linear contact stiffnesses normal 0 N/m"},
		{"outlet region", func(c *cases.Case) {
			c.Outlets = []cases.Outlet{{Name: "drain", Region: cases.Region{Type: "sphere"}}}
		}, `outlet drain: region type "sphere" is not supported`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := base()
			tc.modify(c)
			_, err := Translate(c, ScriptOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// The particle templates of a discrete distribution carry mass weights
// p r^3 / sum(p r^3), because LIGGGHTS weighs templates by mass.
func TestDistributionMassWeights(t *testing.T) {
	c := testCase(softMaterial)
	c.Insertions = []cases.Insertion{{Name: "beads", Mode: cases.InsertPack, Count: 10,
		Region: cases.Region{Type: cases.RegionBox, Min: r3.Vec{X: -0.01, Y: -0.01, Z: -0.01}, Max: r3.Vec{X: 0.01, Y: 0.01, Z: 0.01}},
		Radius: cases.RadiusDistribution{Kind: cases.RadiusDiscrete, Values: []float64{0.001, 0.002}, Weights: []float64{0.8, 0.2}}}}
	script, err := Script(c, ScriptOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// 0.8 * 1 : 0.2 * 8 = 0.8 : 1.6, so mass weights 1/3 and 2/3.
	want := "particledistribution/discrete"
	var line string
	for _, l := range strings.Split(script, "\n") {
		if strings.Contains(l, want) {
			line = l
		}
	}
	fields := strings.Fields(line)
	if len(fields) != 10 {
		t.Fatalf("distribution line %q, want 2 templates", line)
	}
	for k, w := range []float64{1.0 / 3, 2.0 / 3} {
		got := fields[7+2*k]
		if g(w) != got {
			t.Errorf("template %d mass weight %s, want %s", k, got, g(w))
		}
	}
}

func TestDiscreteRadiiBins(t *testing.T) {
	radii, weights, err := discreteRadii(cases.RadiusDistribution{Kind: cases.RadiusUniform, Min: 1, Max: 2}, 4)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range []float64{1.125, 1.375, 1.625, 1.875} {
		if radii[k] != want || weights[k] != 0.25 {
			t.Errorf("bin %d: radius %g weight %g, want %g and 0.25", k, radii[k], weights[k], want)
		}
	}

	// A normal distribution truncated symmetrically has symmetric bin
	// weights summing to one, largest at the mean.
	radii, weights, err = discreteRadii(cases.RadiusDistribution{Kind: cases.RadiusNormal, Mean: 1.5, Std: 0.2, Min: 1, Max: 2}, 5)
	if err != nil {
		t.Fatal(err)
	}
	var total float64
	for _, w := range weights {
		total += w
	}
	if math.Abs(total-1) > 1e-12 || math.Abs(weights[0]-weights[4]) > 1e-12 || weights[2] <= weights[1] {
		t.Errorf("normal bins radii %v weights %v: want symmetric weights summing to 1, peaked at 1.5", radii, weights)
	}
}

func TestTessellation(t *testing.T) {
	t.Run("frustum", func(t *testing.T) {
		base, axis := r3.Vec{X: 1, Y: 2, Z: 3}, r3.Unit(r3.Vec{X: 1, Y: 1})
		for _, tri := range frustumTriangles(base, axis, 0.01, 0.05, 0.1, 24) {
			for _, p := range tri {
				h := r3.Dot(r3.Sub(p, base), axis)
				radial := r3.Norm(r3.Sub(r3.Sub(p, base), r3.Scale(h, axis)))
				if want := 0.01 + 0.04*h/0.1; math.Abs(radial-want) > 1e-12 || h < -1e-12 || h > 0.1+1e-12 {
					t.Fatalf("vertex %v at height %g radius %g, want radius %g on [0, 0.1]", p, h, radial, want)
				}
			}
		}
	})
	t.Run("disc area", func(t *testing.T) {
		const n, radius = 32, 0.05
		var area float64
		for _, tri := range discTriangles(r3.Vec{}, r3.Vec{Z: 1}, radius, n) {
			area += r3.Norm(r3.Cross(r3.Sub(tri[1], tri[0]), r3.Sub(tri[2], tri[0]))) / 2
		}
		// The disc is the inscribed regular n-gon of area n/2 R^2 sin(2 pi/n).
		if want := n / 2.0 * radius * radius * math.Sin(2*math.Pi/n); math.Abs(area-want) > 1e-12 {
			t.Errorf("disc area %g m^2, want %g m^2", area, want)
		}
	})
	t.Run("box area", func(t *testing.T) {
		var area float64
		for _, tri := range boxTriangles(r3.Vec{}, r3.Vec{X: 1, Y: 2, Z: 3}) {
			area += r3.Norm(r3.Cross(r3.Sub(tri[1], tri[0]), r3.Sub(tri[2], tri[0]))) / 2
		}
		if want := 2.0 * (1*2 + 2*3 + 1*3); math.Abs(area-want) > 1e-12 {
			t.Errorf("box area %g, want %g", area, want)
		}
	})
	t.Run("plane clipped to box", func(t *testing.T) {
		lo, hi := r3.Vec{}, r3.Vec{X: 1, Y: 1, Z: 1}
		n := r3.Unit(r3.Vec{X: 1, Y: 1, Z: 1})
		var area float64
		for _, tri := range planeTriangles(r3.Vec{X: 0.5, Y: 0.5, Z: 0.5}, n, lo, hi) {
			for _, p := range tri {
				if math.Abs(r3.Dot(r3.Sub(p, r3.Vec{X: 0.5, Y: 0.5, Z: 0.5}), n)) > 1e-12 ||
					p.X < -1e-12 || p.X > 1+1e-12 || p.Y < -1e-12 || p.Y > 1+1e-12 || p.Z < -1e-12 || p.Z > 1+1e-12 {
					t.Fatalf("vertex %v off the plane or outside the unit cube", p)
				}
			}
			area += r3.Norm(r3.Cross(r3.Sub(tri[1], tri[0]), r3.Sub(tri[2], tri[0]))) / 2
		}
		// The section of the unit cube through its centre normal to the
		// diagonal is a regular hexagon of side sqrt(2)/2.
		side := math.Sqrt2 / 2
		if want := 3 * math.Sqrt(3) / 2 * side * side; math.Abs(area-want) > 1e-12 {
			t.Errorf("section area %g, want %g (regular hexagon)", area, want)
		}
	})
}
