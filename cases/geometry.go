package cases

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/mesh/stl"
)

// standardGravity is g_n, m/s^2 (CGPM 1901), the default gravity along -z.
const standardGravity = 9.80665

// domain reads the simulation box and its periodic axes.
func (d *decoder) domain(top *mapping) Domain {
	dm := top.child("domain", !d.fluidCase)
	if dm == nil {
		return Domain{}
	}
	dm.allow("the domain", "min", "max", "periodic")
	dom := Domain{Min: dm.vector("min", r3.Vec{}, true), Max: dm.vector("max", r3.Vec{}, true)}
	d.ordered(dm, "min", "max", dom.Min, dom.Max)
	path := joinPath(dm.path, "periodic")
	for i, n := range dm.seq("periodic") {
		axis := scalarText(d.resolve(n))
		k := strings.Index("xyz", axis)
		if len(axis) != 1 || k < 0 {
			d.errAt(n, indexPath(path, i), "%q is not an axis: periodic takes a subset of [x, y, z]", axis)
			continue
		}
		if dom.Periodic[k] {
			d.errAt(n, indexPath(path, i), "axis %s is listed twice", axis)
		}
		dom.Periodic[k] = true
	}
	return dom
}

// ordered reports the first axis along which lo is not below hi, the
// corners of a box read from the keys minKey and maxKey of m.
func (d *decoder) ordered(m *mapping, minKey, maxKey string, lo, hi r3.Vec) bool {
	if m == nil || !m.has(minKey) || !m.has(maxKey) {
		return false
	}
	l, h := [3]float64{lo.X, lo.Y, lo.Z}, [3]float64{hi.X, hi.Y, hi.Z}
	for k := range 3 {
		if l[k] >= h[k] {
			d.errAt(m.lookup(maxKey), joinPath(m.path, maxKey), "%s is not above %s %s along %c: a box needs %s < %s on every axis",
				formatVec(hi), minKey, formatVec(lo), "xyz"[k], minKey, maxKey)
			return false
		}
	}
	return true
}

func formatVec(v r3.Vec) string {
	return fmt.Sprintf("[%s, %s, %s]", formatFloat(v.X), formatFloat(v.Y), formatFloat(v.Z))
}

// region reads a box or cylinder region.
func (d *decoder) region(n ast.Node, path string, at ast.Node) Region {
	rm := d.mapping(n, path, at)
	if rm == nil {
		return Region{}
	}
	r := Region{Type: rm.choice("type", "", true, RegionBox, RegionCylinder)}
	switch r.Type {
	case RegionBox:
		rm.allow("a box region", "type", "min", "max")
		r.Min, r.Max = rm.vector("min", r3.Vec{}, true), rm.vector("max", r3.Vec{}, true)
		d.ordered(rm, "min", "max", r.Min, r.Max)
	case RegionCylinder:
		rm.allow("a cylinder region", "type", "base", "axis", "radius", "length")
		r.Base = rm.vector("base", r3.Vec{}, true)
		r.Axis = rm.direction("axis", r3.Vec{Z: 1}, true)
		r.Radius = rm.req("radius", positive("a cylinder radius (m)"))
		r.Length = rm.req("length", positive("a cylinder length (m)"))
	}
	return r
}

var wallKeys = map[string][]string{
	WallPlane:    {"point", "normal"},
	WallBox:      {"min", "max"},
	WallCylinder: {"base", "axis", "radius", "length", "cap_bottom", "cap_top"},
	WallCone:     {"base", "axis", "radius", "radius_top", "length"},
	WallSTL:      {"file", "triangles", "scale", "offset"},
}

// walls reads geometry.walls.
func (d *decoder) walls(geo *mapping, mats []Material) []Wall {
	var walls []Wall
	names := map[string]bool{}
	for i, n := range geo.seq("walls") {
		path := indexPath(joinPath(geo.path, "walls"), i)
		wm := d.mapping(n, path, nil)
		if wm == nil {
			continue
		}
		w := Wall{Type: wm.choice("type", "", true, WallPlane, WallBox, WallCylinder, WallCone, WallSTL)}
		if w.Type == "" {
			continue
		}
		wm.allow("a "+w.Type+" wall", append([]string{"name", "type", "material", "motion", "removed_at"}, wallKeys[w.Type]...)...)
		w.Name = wm.str("name", fmt.Sprintf("%s%d", w.Type, i), false)
		if names[w.Name] {
			d.errAt(wm.lookup("name"), joinPath(path, "name"), "wall name %q is used twice", w.Name)
		}
		names[w.Name] = true
		w.Material = -1
		if !d.fluidCase || wm.has("material") {
			w.Material = d.materialRef(wm, "material", mats)
		}
		w.RemovedAt = wm.opt("removed_at", 0, positive("removed_at (s; leave it out for a wall that stays)"))
		w.Motion = d.motion(wm.child("motion", false))
		d.wallShape(wm, &w)
		walls = append(walls, w)
	}
	return walls
}

func (d *decoder) wallShape(wm *mapping, w *Wall) {
	switch w.Type {
	case WallPlane:
		w.Point = wm.vector("point", r3.Vec{}, true)
		w.Normal = wm.direction("normal", r3.Vec{Z: 1}, true)
	case WallBox:
		w.Min, w.Max = wm.vector("min", r3.Vec{}, true), wm.vector("max", r3.Vec{}, true)
		d.ordered(wm, "min", "max", w.Min, w.Max)
	case WallCylinder:
		w.Base = wm.vector("base", r3.Vec{}, true)
		w.Axis = wm.direction("axis", r3.Vec{Z: 1}, true)
		w.Radius = wm.req("radius", positive("a cylinder radius (m)"))
		w.Length = wm.req("length", positive("a cylinder length (m)"))
		w.CapBottom = wm.boolean("cap_bottom", false)
		w.CapTop = wm.boolean("cap_top", false)
	case WallCone:
		w.Base = wm.vector("base", r3.Vec{}, true)
		w.Axis = wm.direction("axis", r3.Vec{Z: 1}, true)
		w.Radius = wm.req("radius", nonNegative("a cone radius (m)"))
		w.RadiusTop = wm.req("radius_top", nonNegative("a cone radius (m)"))
		w.Length = wm.req("length", positive("a cone length (m)"))
		if wm.has("radius") && wm.has("radius_top") && w.Radius == 0 && w.RadiusTop == 0 {
			d.errAt(wm.lookup("radius_top"), joinPath(wm.path, "radius_top"), "0 is out of range: radius and radius_top of a cone cannot both be 0")
		}
	case WallSTL:
		d.stlWall(wm, w)
	}
}

// motion reads a wall's prescribed motion. The rotation axis is needed
// only when the angular speed is not zero, and is left zero otherwise.
func (d *decoder) motion(mm *mapping) Motion {
	if mm == nil {
		return Motion{}
	}
	mm.allow("a wall motion", "velocity", "angular_speed", "axis", "axis_point")
	m := Motion{
		Velocity:     mm.vector("velocity", r3.Vec{}, false),
		AngularSpeed: mm.opt("angular_speed", 0),
		AxisPoint:    mm.vector("axis_point", r3.Vec{}, false),
	}
	axis := mm.direction("axis", r3.Vec{}, m.AngularSpeed != 0)
	if m.AngularSpeed != 0 {
		m.RotationAxis = axis
	}
	return m
}

// stlWall reads the triangles of an stl wall, from a file relative to the
// case file or inline, and applies scale and offset:
// x_case = scale * x_file + offset.
func (d *decoder) stlWall(wm *mapping, w *Wall) {
	errs := len(d.errs)
	scale := wm.opt("scale", 1, positive("the STL scale factor"))
	offset := wm.vector("offset", r3.Vec{}, false)
	switch {
	case wm.has("file") && wm.has("triangles"):
		d.errAt(wm.keyNodes["triangles"], wm.path, "give either file or triangles, not both")
		return
	case wm.has("file"):
		name := wm.str("file", "", true)
		if name == "" {
			return
		}
		path := name
		if !filepath.IsAbs(path) {
			path = filepath.Join(d.dir, path)
		}
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		w.File = path
		tris, err := stl.ReadFile(path)
		if err != nil {
			d.errAt(wm.lookup("file"), joinPath(wm.path, "file"), "cannot read STL file %q: %v", name, err)
			return
		}
		w.Triangles = tris
	case wm.has("triangles"):
		w.Triangles = d.triangles(wm)
	default:
		wm.missing("file", "an stl wall needs a file (relative to the case file) or inline triangles")
		return
	}
	kept := w.Triangles[:0]
	for _, t := range w.Triangles {
		for k := range t {
			t[k] = r3.Add(r3.Scale(scale, t[k]), offset)
		}
		if r3.Norm2(r3.Cross(r3.Sub(t[1], t[0]), r3.Sub(t[2], t[0]))) > 0 {
			kept = append(kept, t)
		}
	}
	w.Triangles = kept
	if len(kept) == 0 && len(d.errs) == errs {
		at := wm.lookup("file")
		if at == nil {
			at = wm.lookup("triangles")
		}
		d.errAt(at, wm.path, "the mesh has no triangles of non-zero area")
	}
}

// triangles reads inline triangles, a list of [v1, v2, v3] vertex lists.
func (d *decoder) triangles(wm *mapping) [][3]r3.Vec {
	path := joinPath(wm.path, "triangles")
	var tris [][3]r3.Vec
	for i, n := range wm.seq("triangles") {
		tp := indexPath(path, i)
		verts := d.seq(n, tp)
		if verts == nil {
			continue
		}
		if len(verts) != 3 {
			d.errAt(n, tp, "a triangle needs 3 vertices, got %d", len(verts))
			continue
		}
		var t [3]r3.Vec
		ok := true
		for k, v := range verts {
			var vok bool
			t[k], vok = d.vec(v, indexPath(tp, k))
			ok = ok && vok
		}
		if ok {
			tris = append(tris, t)
		}
	}
	return tris
}

// outlets reads geometry.outlets.
func (d *decoder) outlets(geo *mapping) []Outlet {
	var outs []Outlet
	for i, n := range geo.seq("outlets") {
		path := indexPath(joinPath(geo.path, "outlets"), i)
		om := d.mapping(n, path, nil)
		if om == nil {
			continue
		}
		om.allow("an outlet", "name", "region")
		o := Outlet{Name: om.str("name", "", true)}
		for _, p := range outs {
			if o.Name != "" && p.Name == o.Name {
				d.errAt(om.lookup("name"), joinPath(path, "name"), "outlet name %q is used twice", o.Name)
			}
		}
		if n := om.lookup("region"); n != nil {
			o.Region = d.region(n, joinPath(path, "region"), om.keyNodes["region"])
		} else if !om.has("region") {
			om.missing("region", "expected the box or cylinder where particles leave")
		}
		outs = append(outs, o)
	}
	return outs
}

// outletRef reads an outlet name under key and returns its index, or -1
// after reporting an unknown name.
func (d *decoder) outletRef(m *mapping, key string, outs []Outlet) int {
	name := m.str(key, "", true)
	if name == "" {
		return -1
	}
	names := make([]string, len(outs))
	for i, o := range outs {
		if o.Name == name {
			return i
		}
		names[i] = o.Name
	}
	list := "the case defines no outlets"
	if len(names) > 0 {
		list = "outlets are " + strings.Join(names, ", ")
	}
	d.errAt(m.lookup(key), joinPath(m.path, key), "unknown outlet %q%s; %s", name, didYouMean(name, names), list)
	return -1
}
