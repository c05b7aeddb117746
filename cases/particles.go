package cases

import (
	"fmt"
	"math"

	"github.com/goccy/go-yaml/ast"
	"gonum.org/v1/gonum/spatial/r3"
)

// maxFillFraction is the densest random packing of equal spheres, about
// 0.64 (Scott & Kilgour 1969, J. Phys. D 2:863).
const maxFillFraction = 0.64

// maxCount bounds the particle count of one insertion, to catch a unit
// slip (a radius in mm read as m) before a solver allocates for it.
const maxCount = 100_000_000

// insertions reads the particles section, a list of insertions.
func (d *decoder) insertions(top *mapping, mats []Material, dom Domain) []Insertion {
	var ins []Insertion
	seen := map[string]bool{}
	nodes := top.seq("particles")
	if nodes == nil && !top.has("particles") && !d.fluidCase {
		top.missing("particles", "expected a list of insertions")
	}
	for i, n := range nodes {
		path := indexPath("particles", i)
		pm := d.mapping(n, path, nil)
		if pm == nil {
			continue
		}
		pm.allow("an insertion", "name", "material", "region", "count", "fill_fraction", "radius", "mode", "rate", "velocity", "seed")
		in := Insertion{
			Name:     pm.str("name", fmt.Sprintf("particles%d", i), false),
			Material: d.materialRef(pm, "material", mats),
			Mode:     pm.choice("mode", InsertPack, false, InsertPack, InsertPour),
			Velocity: pm.vector("velocity", r3.Vec{}, false),
			Seed:     uint64(pm.integer("seed", int64(i)+1, 0, math.MaxInt64, false)),
		}
		if seen[in.Name] {
			d.errAt(pm.lookup("name"), joinPath(path, "name"), "insertion name %q is used twice", in.Name)
		}
		seen[in.Name] = true
		if n := pm.lookup("region"); n != nil {
			in.Region = d.region(n, joinPath(path, "region"), pm.keyNodes["region"])
			d.insideDomain(pm, in.Region, dom)
		} else if !pm.has("region") {
			pm.missing("region", "expected the box or cylinder to place particles in")
		}
		switch {
		case pm.has("count") && pm.has("fill_fraction"):
			d.errAt(pm.keyNodes["fill_fraction"], path, "give either count or fill_fraction, not both")
		case pm.has("count"):
			in.Count = int(pm.integer("count", 0, 1, maxCount, true))
		case pm.has("fill_fraction"):
			in.FillFraction = pm.req("fill_fraction", rule{func(v float64) bool { return v > 0 && v <= maxFillFraction },
				"the fill fraction (solid volume over region volume) must be in (0, 0.64]"})
		default:
			pm.missing("count", "give count (particles) or fill_fraction (solid volume fraction of the region)")
		}
		if in.Mode == InsertPour {
			in.Rate = pm.req("rate", positive("the pour rate (particles/s)"))
		} else if pm.has("rate") {
			d.errAt(pm.keyNodes["rate"], path, "rate is used only with mode: pour")
		}
		in.Radius = d.radius(pm)
		ins = append(ins, in)
	}
	return ins
}

// insideDomain reports an insertion region that reaches outside the
// domain, where its particles would be removed at once.
func (d *decoder) insideDomain(pm *mapping, r Region, dom Domain) {
	if dom.Min == dom.Max || r.Type == "" {
		return
	}
	lo, hi := r.bounds()
	const tol = 1e-12
	l, h := [3]float64{lo.X, lo.Y, lo.Z}, [3]float64{hi.X, hi.Y, hi.Z}
	dl, dh := [3]float64{dom.Min.X, dom.Min.Y, dom.Min.Z}, [3]float64{dom.Max.X, dom.Max.Y, dom.Max.Z}
	for k := range 3 {
		if l[k] < dl[k]-tol || h[k] > dh[k]+tol {
			d.errAt(pm.keyNodes["region"], joinPath(pm.path, "region"),
				"the region spans [%s, %s] along %c, outside the domain's [%s, %s]: particles placed there would be removed",
				formatFloat(l[k]), formatFloat(h[k]), "xyz"[k], formatFloat(dl[k]), formatFloat(dh[k]))
			return
		}
	}
}

// radius reads an insertion's radius distribution. A plain number is a
// constant radius; a mapping names its distribution:
//
//	radius: {distribution: uniform, min: 0.9e-3, max: 1.1e-3}
//	radius: {distribution: normal, mean: 1e-3, std: 0.1e-3, min: 0.8e-3, max: 1.2e-3}
//	radius: {distribution: discrete, values: [1e-3, 1.5e-3], weights: [2, 1]}
func (d *decoder) radius(pm *mapping) RadiusDistribution {
	path := joinPath(pm.path, "radius")
	n := pm.lookup("radius")
	if n == nil {
		if !pm.has("radius") {
			pm.missing("radius", "expected a radius in m, or a mapping with a distribution")
		}
		return RadiusDistribution{}
	}
	radiusRule := positive("a particle radius (m)")
	if d.isScalar(n) {
		v, shown, ok := d.number(n, path)
		if !ok || !d.check(n, path, v, shown, []rule{radiusRule}) {
			return RadiusDistribution{}
		}
		return RadiusDistribution{Kind: RadiusConstant, Value: v}
	}
	rm := d.mapping(n, path, pm.keyNodes["radius"])
	if rm == nil {
		return RadiusDistribution{}
	}
	r := RadiusDistribution{Kind: rm.choice("distribution", "", true, RadiusConstant, RadiusUniform, RadiusNormal, RadiusDiscrete)}
	switch r.Kind {
	case RadiusConstant:
		rm.allow("a constant radius", "distribution", "value")
		r.Value = rm.req("value", radiusRule)
	case RadiusUniform:
		rm.allow("a uniform radius distribution", "distribution", "min", "max")
		r.Min, r.Max = rm.req("min", radiusRule), rm.req("max", radiusRule)
		d.atMost(rm, "min", "max", r.Min, r.Max)
	case RadiusNormal:
		rm.allow("a normal radius distribution", "distribution", "mean", "std", "min", "max")
		r.Mean = rm.req("mean", radiusRule)
		r.Std = rm.req("std", nonNegative("the standard deviation (m)"))
		r.Min = rm.opt("min", r.Mean-3*r.Std, radiusRule)
		r.Max = rm.opt("max", r.Mean+3*r.Std, radiusRule)
		switch {
		case r.Mean > 0 && r.Min <= 0:
			d.errAt(rm.at, path, "mean - 3 std = %s m is not a radius: give min, the truncation bound, > 0", formatFloat(r.Min))
		case d.atMost(rm, "min", "max", r.Min, r.Max) && (r.Mean < r.Min || r.Mean > r.Max):
			d.errAt(rm.lookup("mean"), joinPath(path, "mean"), "%s is out of range: the mean must lie in [min, max] = [%s, %s]",
				formatFloat(r.Mean), formatFloat(r.Min), formatFloat(r.Max))
		}
	case RadiusDiscrete:
		rm.allow("a discrete radius distribution", "distribution", "values", "weights")
		r.Values, r.Weights = d.discrete(rm, radiusRule)
	}
	return r
}

func (d *decoder) isScalar(n ast.Node) bool {
	switch d.resolve(n).(type) {
	case *ast.MappingNode, *ast.SequenceNode, nil:
		return false
	}
	return true
}

// atMost reports min > max for two keys of m and says whether they are
// in order.
func (d *decoder) atMost(m *mapping, minKey, maxKey string, lo, hi float64) bool {
	if lo <= hi {
		return true
	}
	at := m.lookup(maxKey)
	if at == nil {
		at = m.at
	}
	d.errAt(at, joinPath(m.path, maxKey), "%s is out of range: %s must be >= %s = %s", formatFloat(hi), maxKey, minKey, formatFloat(lo))
	return false
}

// discrete reads the radii and weights of a discrete distribution and
// normalises the weights to sum to 1. Missing weights are equal.
func (d *decoder) discrete(rm *mapping, radiusRule rule) (values, weights []float64) {
	numbers := func(key string, r rule) []float64 {
		var out []float64
		for i, n := range rm.seq(key) {
			p := indexPath(joinPath(rm.path, key), i)
			v, shown, ok := d.number(n, p)
			if ok && d.check(n, p, v, shown, []rule{r}) {
				out = append(out, v)
			} else {
				out = append(out, math.NaN())
			}
		}
		return out
	}
	values = numbers("values", radiusRule)
	if len(values) == 0 {
		d.errAt(rm.at, rm.path, "a discrete distribution needs values, a non-empty list of radii in m")
		return nil, nil
	}
	if !rm.has("weights") {
		weights = make([]float64, len(values))
		for i := range weights {
			weights[i] = 1 / float64(len(values))
		}
		return values, weights
	}
	weights = numbers("weights", nonNegative("a weight"))
	if len(weights) != len(values) {
		d.errAt(rm.lookup("weights"), joinPath(rm.path, "weights"), "%d weights for %d values: give one weight per radius", len(weights), len(values))
		return values, nil
	}
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	if !(sum > 0) || math.IsInf(sum, 0) {
		if !math.IsNaN(sum) {
			d.errAt(rm.lookup("weights"), joinPath(rm.path, "weights"), "the weights sum to %s: the sum must be > 0", formatFloat(sum))
		}
		return values, nil
	}
	for i := range weights {
		weights[i] /= sum
	}
	return values, weights
}
