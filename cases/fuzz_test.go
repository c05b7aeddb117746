package cases

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"
)

// FuzzLoad feeds arbitrary bytes to the loader: it must not panic, and it
// returns either positioned errors or a case that keeps its invariants.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(baseCase))
	for _, name := range embeddedNames() {
		data, _ := EmbeddedYAML(name)
		f.Add(data)
	}
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("materials: {glass: *undefined}\n"))
	dir := caseDir(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := LoadBytes("fuzz.yaml", data, dir, Options{})
		if err != nil {
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error %v is not a non-empty Errors", err)
			}
			for _, e := range es {
				if e.Msg == "" || e.File != "fuzz.yaml" {
					t.Fatalf("error without message or file: %#v", e)
				}
			}
			if c != nil {
				t.Fatal("a case returned with an error")
			}
			return
		}
		if err := checkCase(c); err != nil {
			t.Fatalf("loaded an invalid case: %v", err)
		}
	})
}

// checkCase verifies what Load promises to solvers.
func checkCase(c *Case) error {
	if len(c.Values) != len(c.Parameters) {
		return fmt.Errorf("%d values for %d parameters", len(c.Values), len(c.Parameters))
	}
	nm := len(c.Materials)
	for _, m := range c.Materials {
		if !(m.Density > 0 && m.YoungsModulus > 0 && m.Poisson >= 0 && m.Poisson < 0.5 &&
			m.Restitution > 0 && m.Restitution <= 1 && m.Friction >= 0 && m.RollingFriction >= 0) {
			return fmt.Errorf("material %+v out of range", m)
		}
	}
	for _, p := range c.Pairs {
		if p.A < 0 || p.A >= nm || p.B < 0 || p.B >= nm || !(p.Restitution > 0 && p.Restitution <= 1) {
			return fmt.Errorf("pair %+v", p)
		}
	}
	for _, w := range c.Walls {
		if (w.Material < 0 && (c.Fluid == nil || w.Material != -1)) || w.Material >= nm {
			return fmt.Errorf("wall %s material %d", w.Name, w.Material)
		}
		if w.Type == WallSTL && len(w.Triangles) == 0 {
			return fmt.Errorf("stl wall %s without triangles", w.Name)
		}
		if w.Motion.AngularSpeed != 0 && math.Abs(r3.Norm(w.Motion.RotationAxis)-1) > 1e-12 {
			return fmt.Errorf("wall %s rotates about a non-unit axis", w.Name)
		}
	}
	for _, in := range c.Insertions {
		if in.Material < 0 || in.Material >= nm || (in.Count > 0) == (in.FillFraction > 0) {
			return fmt.Errorf("insertion %+v", in)
		}
		if in.Region.Volume() <= 0 {
			return fmt.Errorf("insertion %s region has volume %g", in.Name, in.Region.Volume())
		}
		switch r := in.Radius; r.Kind {
		case RadiusConstant:
			if !(r.Value > 0) {
				return fmt.Errorf("radius %+v", r)
			}
		case RadiusUniform, RadiusNormal:
			if !(r.Min > 0 && r.Min <= r.Max) {
				return fmt.Errorf("radius %+v", r)
			}
		case RadiusDiscrete:
			sum := 0.0
			for _, w := range r.Weights {
				sum += w
			}
			if len(r.Values) == 0 || len(r.Values) != len(r.Weights) || math.Abs(sum-1) > 1e-9 {
				return fmt.Errorf("radius %+v", r)
			}
		default:
			return fmt.Errorf("radius kind %q", r.Kind)
		}
	}
	for _, o := range c.Observables {
		if o.Type == ObsOutletMass && (o.Outlet < 0 || o.Outlet >= len(c.Outlets)) {
			return fmt.Errorf("observable %s outlet %d", o.Name, o.Outlet)
		}
	}
	if c.Fluid != nil {
		return checkFluid(c.Fluid)
	}
	s := c.Solver
	if !(s.Duration > 0 && s.OutputInterval > 0 && s.OutputInterval <= s.Duration && s.TimeStep >= 0 &&
		s.RayleighFraction > 0 && s.RayleighFraction <= 1) {
		return fmt.Errorf("solver %+v", s)
	}
	return nil
}

// checkFluid verifies what Load promises about a fluid section.
func checkFluid(f *Fluid) error {
	for k, n := range f.Nodes {
		if n < 3 && !(k == 2 && n == 1) {
			return fmt.Errorf("fluid nodes %v", f.Nodes)
		}
	}
	if !(f.Spacing > 0 && f.TimeStep > 0 && f.Duration > 0 && f.Viscosity > 0 && f.Density > 0 &&
		f.OutputInterval >= 0 && f.OutputInterval <= f.Duration && f.MaxMach > 0 && f.MaxMach < 1) {
		return fmt.Errorf("fluid %+v", f)
	}
	if f.Collision != FluidBGK && f.Collision != FluidTRT {
		return fmt.Errorf("fluid collision %q", f.Collision)
	}
	for k, face := range f.Faces {
		if _, ok := fluidFaceKeys[face.Type]; !ok {
			return fmt.Errorf("fluid face %s type %q", FluidFaceNames[k], face.Type)
		}
	}
	return nil
}
