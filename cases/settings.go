package cases

import (
	"fmt"
	"strings"

	"gonum.org/v1/gonum/spatial/r3"
)

// solver reads the solver section.
//
//	solver:
//	  time_step: auto        # or a step in s
//	  rayleigh_fraction: 0.2 # of the Rayleigh time, with time_step: auto
//	  duration: 1.5          # s
//	  output_interval: 0.01  # s
//	  skin: 0.4e-3           # m, optional
func (d *decoder) solver(top *mapping) SolverSettings {
	sm := top.child("solver", !d.fluidCase)
	if sm == nil {
		return SolverSettings{}
	}
	sm.allow("the solver section", "time_step", "rayleigh_fraction", "duration", "output_interval", "skin")
	s := SolverSettings{
		RayleighFraction: sm.opt("rayleigh_fraction", 0.2,
			rule{func(v float64) bool { return v > 0 && v <= 1 }, "the Rayleigh fraction must be in (0, 1]"}),
		Duration: sm.req("duration", positive("the duration (s)")),
		Skin:     sm.opt("skin", 0, nonNegative("the neighbour-list skin (m)")),
	}
	if n := sm.lookup("time_step"); n != nil && !strings.EqualFold(scalarText(d.resolve(n)), "auto") {
		s.TimeStep = sm.req("time_step", positive("the time step (s; or auto)"))
	}
	interval := positive("the output interval (s)")
	if s.Duration > 0 {
		interval = rule{func(v float64) bool { return v > 0 && v <= s.Duration },
			fmt.Sprintf("the output interval (s) must be in (0, duration] = (0, %s]", formatFloat(s.Duration))}
	}
	s.OutputInterval = sm.req("output_interval", interval)
	return s
}

var observableKeys = map[string][]string{
	ObsOutletMass:    {"outlet"},
	ObsPlaneMass:     {"point", "normal"},
	ObsKineticEnergy: nil,
	ObsCenterOfMass:  nil,
	ObsRegionMass:    {"region"},
	ObsRunout:        {"axis"},
}

// observables reads the observables section. Each type takes its own
// keys: outlet_mass an outlet name, plane_mass a point and normal,
// region_mass a region, runout an axis (stored in Normal).
func (d *decoder) observables(top *mapping, outs []Outlet) []Observable {
	if d.fluidCase {
		return nil // read by fluidObservables into Fluid.Observables
	}
	var obs []Observable
	seen := map[string]bool{}
	for i, n := range top.seq("observables") {
		path := indexPath("observables", i)
		om := d.mapping(n, path, nil)
		if om == nil {
			continue
		}
		var o Observable
		o.Name, o.Type = d.observableNameType(om, path, seen, ObsOutletMass, ObsPlaneMass, ObsKineticEnergy, ObsCenterOfMass, ObsRegionMass, ObsRunout)
		if o.Type == "" {
			continue
		}
		om.allow("a "+o.Type+" observable", append([]string{"name", "type"}, observableKeys[o.Type]...)...)
		switch o.Type {
		case ObsOutletMass:
			o.Outlet = d.outletRef(om, "outlet", outs)
		case ObsPlaneMass:
			o.Point = om.vector("point", r3.Vec{}, true)
			o.Normal = om.direction("normal", r3.Vec{Z: 1}, true)
		case ObsRegionMass:
			if rn := om.lookup("region"); rn != nil {
				o.Region = d.region(rn, joinPath(path, "region"), om.keyNodes["region"])
			} else if !om.has("region") {
				om.missing("region", "expected the box or cylinder to weigh")
			}
		case ObsRunout:
			o.Normal = om.direction("axis", r3.Vec{X: 1}, true)
		}
		obs = append(obs, o)
	}
	return obs
}

// observableNameType reads the name and type of an observable entry and
// reports a name that an earlier entry in seen already uses. The type is
// "" when it is missing or not one of types, which is reported too.
func (d *decoder) observableNameType(om *mapping, path string, seen map[string]bool, types ...string) (name, typ string) {
	name = om.str("name", "", true)
	typ = om.choice("type", "", true, types...)
	if name != "" && seen[name] {
		d.errAt(om.lookup("name"), joinPath(path, "name"), "observable name %q is used twice", name)
	}
	seen[name] = true
	return name, typ
}
