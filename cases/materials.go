package cases

import (
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

var (
	restitutionRule = rule{func(v float64) bool { return v > 0 && v <= 1 },
		"the coefficient of restitution must be in (0, 1]"}
	poissonRule = rule{func(v float64) bool { return v >= 0 && v < 0.5 },
		"Poisson's ratio must be in [0, 0.5)"}
	frictionRule        = nonNegative("the sliding friction coefficient")
	rollingFrictionRule = nonNegative("the rolling friction coefficient")
)

// materials reads the materials section, a mapping from material name to
// its bulk properties, in file order.
func (d *decoder) materials(top *mapping) []Material {
	sec := top.child("materials", !d.fluidCase)
	if sec == nil {
		return nil
	}
	if len(sec.keys) == 0 {
		d.errAt(sec.at, sec.path, "no materials: define at least one, such as glass: {density: 2500, ...}")
	}
	var mats []Material
	for _, name := range sec.keys {
		mm := d.mapping(sec.vals[name], joinPath(sec.path, name), sec.keyNodes[name])
		if mm == nil {
			mats = append(mats, Material{Name: name})
			continue
		}
		mm.allow("a material", "density", "youngs_modulus", "poisson", "restitution", "friction", "rolling_friction", "source")
		mats = append(mats, Material{
			Name:            name,
			Density:         mm.req("density", positive("density (kg/m^3)")),
			YoungsModulus:   mm.req("youngs_modulus", positive("Young's modulus (Pa)")),
			Poisson:         mm.req("poisson", poissonRule),
			Restitution:     mm.req("restitution", restitutionRule),
			Friction:        mm.req("friction", frictionRule),
			RollingFriction: mm.opt("rolling_friction", 0, rollingFrictionRule),
			Source:          mm.str("source", "", false),
		})
	}
	return mats
}

// materialRef reads a material name under key and returns its index, or
// -1 after reporting an unknown name.
func (d *decoder) materialRef(m *mapping, key string, mats []Material) int {
	name := m.str(key, "", true)
	if name == "" {
		return -1
	}
	return d.materialIndex(m.lookup(key), joinPath(m.path, key), name, mats)
}

func (d *decoder) materialIndex(n ast.Node, path, name string, mats []Material) int {
	names := make([]string, len(mats))
	for i, mt := range mats {
		if mt.Name == name {
			return i
		}
		names[i] = mt.Name
	}
	d.errAt(n, path, "unknown material %q%s; materials are %s", name, didYouMean(name, names), strings.Join(names, ", "))
	return -1
}

// interactions reads the per-pair overrides. A coefficient an override
// leaves out keeps the mixed value of the pair (see Case.Interaction).
func (d *decoder) interactions(top *mapping, mats []Material) []PairOverride {
	var pairs []PairOverride
	for i, n := range top.seq("interactions") {
		path := indexPath("interactions", i)
		im := d.mapping(n, path, nil)
		if im == nil {
			continue
		}
		im.allow("an interaction", "materials", "restitution", "friction", "rolling_friction")
		p, ok := d.pair(im, mats)
		if !ok {
			continue
		}
		ma, mb := mats[p.A], mats[p.B]
		p.Interaction = Interaction{
			Restitution:     im.opt("restitution", (ma.Restitution+mb.Restitution)/2, restitutionRule),
			Friction:        im.opt("friction", (ma.Friction+mb.Friction)/2, frictionRule),
			RollingFriction: im.opt("rolling_friction", (ma.RollingFriction+mb.RollingFriction)/2, rollingFrictionRule),
		}
		if slices.ContainsFunc(pairs, func(q PairOverride) bool {
			return (q.A == p.A && q.B == p.B) || (q.A == p.B && q.B == p.A)
		}) {
			d.errAt(im.lookup("materials"), joinPath(path, "materials"), "the pair %s, %s is overridden twice", ma.Name, mb.Name)
			continue
		}
		pairs = append(pairs, p)
	}
	return pairs
}

// pair reads the materials: [a, b] of an interaction.
func (d *decoder) pair(im *mapping, mats []Material) (PairOverride, bool) {
	path := joinPath(im.path, "materials")
	n := im.lookup("materials")
	if n == nil {
		if !im.has("materials") {
			im.missing("materials", "expected the pair of material names, such as [glass, steel]")
		}
		return PairOverride{}, false
	}
	names := d.seq(n, path)
	if names == nil {
		return PairOverride{}, false
	}
	if len(names) != 2 {
		d.errAt(n, path, "expected a pair of material names, such as [glass, steel], got %d names", len(names))
		return PairOverride{}, false
	}
	var idx [2]int
	for i, e := range names {
		name := scalarText(d.resolve(e))
		if idx[i] = d.materialIndex(e, indexPath(path, i), name, mats); idx[i] < 0 {
			return PairOverride{}, false
		}
	}
	return PairOverride{A: idx[0], B: idx[1]}, true
}

// contact reads the contact section. Every key is optional: the default is
// Hertz-Mindlin without rolling resistance.
func (d *decoder) contact(top *mapping) ContactModel {
	cm := top.child("contact", false)
	c := ContactModel{Normal: "hertz", Rolling: "none"}
	if cm == nil {
		return c
	}
	cm.allow("the contact section", "normal", "rolling", "stiffness_normal", "stiffness_tangential", "rolling_damping")
	c.Normal = cm.choice("normal", "hertz", false, "hertz", "linear")
	c.Rolling = cm.choice("rolling", "none", false, "none", "constant_torque", "epsd")
	if c.Normal == "linear" {
		c.StiffnessNormal = cm.req("stiffness_normal", positive("the normal stiffness (N/m)"))
		c.StiffnessTangential = cm.req("stiffness_tangential", positive("the tangential stiffness (N/m)"))
	} else {
		for _, k := range []string{"stiffness_normal", "stiffness_tangential"} {
			if cm.has(k) {
				d.errAt(cm.keyNodes[k], cm.path, "%s is used only by normal: linear; the Hertz model takes its stiffness from the materials", k)
			}
		}
	}
	if c.Rolling == "epsd" {
		// 0.3 is a common choice of the damping ratio of the EPSD model,
		// described in Ai et al. (2011), Powder Technol. 206:269-282.
		c.RollingDamping = cm.opt("rolling_damping", 0.3,
			rule{func(v float64) bool { return v >= 0 && v <= 1 }, "the rolling damping ratio must be in [0, 1]"})
	} else if cm.has("rolling_damping") {
		d.errAt(cm.keyNodes["rolling_damping"], cm.path, "rolling_damping is used only by rolling: epsd")
	}
	return c
}
