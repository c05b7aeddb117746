package liggghts

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
)

// walls writes one fix wall/gran per wall (six for a primitive box), with
// the meshes and motions the wall needs, and records the fixes to unfix
// at each wall's removal step.
func (t *translator) walls() error {
	for i, w := range t.c.Walls {
		if w.Material < 0 || w.Material >= len(t.c.Materials) {
			return fmt.Errorf("liggghts: case %s: wall %s: material index %d out of range [0, %d)", t.c.Name, wallName(w, i), w.Material, len(t.c.Materials))
		}
		prims, ok := t.primitives(w)
		if !ok {
			if err := t.meshWall(i, w); err != nil {
				return fmt.Errorf("liggghts: case %s: wall %s: %w", t.c.Name, wallName(w, i), err)
			}
			continue
		}
		fixes := t.primitiveWalls(i, w, prims)
		if step := t.removalStep(w); step > 0 {
			t.removals[step] = append(t.removals[step], fixes...)
		}
	}
	t.meshContacts(0)
	for _, m := range t.meshes {
		if m.removedAt > 0 {
			// The run must stop at the removal step even when no
			// primitive wall goes then.
			t.removals[m.removedAt] = t.removals[m.removedAt]
		}
	}
	t.sentinelWall()
	return nil
}

// sentinelWall adds a wall of atom type 1 a metre below the domain when
// nothing else keeps type 1 in use for the whole run. LIGGGHTS stops with
// "Atom types must start from 1" when the smallest type among the atoms,
// walls and insertions is not 1, which happens once outlets have removed
// every particle or the wall that used type 1 is gone. The wall is too
// far away to touch any particle.
func (t *translator) sentinelWall() {
	for _, w := range t.c.Walls {
		if w.Material == 0 && t.removalStep(w) < 0 {
			return
		}
	}
	model, suffix := t.wallModelArgs()
	t.printf("fix wall_sentinel all wall/gran %s primitive type 1 zplane %s %s\n", model, g(t.c.Domain.Min.Z-1), suffix)
}

// primitives returns the LIGGGHTS primitive wall arguments of a static
// wall that has an exact primitive form, such as "zplane 0.1".
func (t *translator) primitives(w cases.Wall) ([]string, bool) {
	if w.Motion.Moving() {
		return nil, false
	}
	switch w.Type {
	case cases.WallPlane:
		axis, _, ok := coordinateAxis(w.Normal)
		if !ok {
			return nil, false
		}
		return []string{fmt.Sprintf("%splane %s", axisNames[axis], g(component(w.Point, axis)))}, true

	case cases.WallBox:
		var prims []string
		for axis := range 3 {
			prims = append(prims,
				fmt.Sprintf("%splane %s", axisNames[axis], g(component(w.Min, axis))),
				fmt.Sprintf("%splane %s", axisNames[axis], g(component(w.Max, axis))))
		}
		return prims, true

	case cases.WallCylinder:
		// A primitive cylinder is infinitely long, which is exact only when
		// the cylinder spans the domain along its axis.
		axis, sign, ok := coordinateAxis(w.Axis)
		if !ok || w.CapBottom || w.CapTop {
			return nil, false
		}
		lo := component(w.Base, axis)
		hi := lo + sign*w.Length
		if lo > hi {
			lo, hi = hi, lo
		}
		dlo, dhi := component(t.c.Domain.Min, axis), component(t.c.Domain.Max, axis)
		if lo > dlo || hi < dhi {
			return nil, false
		}
		c1, c2 := otherComponents(w.Base, axis)
		return []string{fmt.Sprintf("%scylinder %s %s %s", axisNames[axis], g(w.Radius), g(c1), g(c2))}, true
	}
	return nil, false
}

func (t *translator) primitiveWalls(i int, w cases.Wall, prims []string) []string {
	model, suffix := t.wallModelArgs()
	fixes := make([]string, len(prims))
	for k, p := range prims {
		id := fmt.Sprintf("wall_%d", i)
		if len(prims) > 1 {
			id = fmt.Sprintf("wall_%d_%d", i, k)
		}
		t.printf("fix %s all wall/gran %s primitive type %d %s %s\n", id, model, w.Material+1, p, suffix)
		fixes[k] = id
	}
	return fixes
}

// meshWall is a wall written as an STL mesh.
type meshWall struct {
	id        string   // fix mesh/surface id
	fixes     []string // the mesh and its motions, in unfix order
	removedAt int64    // step at which the wall goes, or -1
}

// meshWall writes the wall as an STL mesh with its motion. The contact
// fix for all meshes is written by meshContacts.
func (t *translator) meshWall(i int, w cases.Wall) error {
	tris, err := t.tessellate(w)
	if err != nil {
		return err
	}
	if len(tris) == 0 {
		return fmt.Errorf("wall has no triangles inside the domain")
	}
	file := fmt.Sprintf("wall_%d.stl", i)
	t.files[file] = stlASCII(fmt.Sprintf("wall_%d", i), tris)

	mesh := fmt.Sprintf("wall_%d_mesh", i)
	t.printf("fix %s all mesh/surface file %s type %d\n", mesh, file, w.Material+1)
	fixes := []string{mesh}

	// LIGGGHTS superposes move/mesh fixes with each later one acting in
	// the frame moved by the earlier ones, so translating first and then
	// rotating about the carried axis point gives
	// x(t) = R(t)(x0 - P) + P + V t, the case's motion.
	m := w.Motion
	if m.Velocity != (r3.Vec{}) {
		id := fmt.Sprintf("wall_%d_translate", i)
		t.printf("fix %s all move/mesh mesh %s linear %s\n", id, mesh, vec(m.Velocity))
		fixes = append(fixes, id)
	}
	if m.AngularSpeed != 0 {
		n := r3.Norm(m.RotationAxis)
		if n == 0 {
			return fmt.Errorf("angular speed %g rad/s needs a rotation axis", m.AngularSpeed)
		}
		axis := r3.Scale(math.Copysign(1/n, m.AngularSpeed), m.RotationAxis)
		period := 2 * math.Pi / math.Abs(m.AngularSpeed)
		id := fmt.Sprintf("wall_%d_rotate", i)
		t.printf("fix %s all move/mesh mesh %s rotate origin %s axis %s period %s\n", id, mesh, vec(m.AxisPoint), vec(axis), g(period))
		fixes = append(fixes, id)
	}

	// Unfix in reverse order of creation, as fix move/mesh requires.
	slices.Reverse(fixes)
	t.meshes = append(t.meshes, meshWall{id: mesh, fixes: fixes, removedAt: t.removalStep(w)})
	return nil
}

// meshContactsID is the id of the one fix wall/gran for all mesh walls.
const meshContactsID = "wall_meshes"

// meshContacts writes the contact fix for the mesh walls present after
// step, and reports whether there were any.
func (t *translator) meshContacts(step int64) bool {
	var ids []string
	for _, m := range t.meshes {
		if m.removedAt < 0 || m.removedAt > step {
			ids = append(ids, m.id)
		}
	}
	if len(ids) == 0 {
		return false
	}
	model, suffix := t.wallModelArgs()
	t.printf("fix %s all wall/gran %s mesh n_meshes %d meshes %s %s\n", meshContactsID, model, len(ids), strings.Join(ids, " "), suffix)
	return true
}

// removeMeshes writes the commands that remove the mesh walls whose
// removal step is step: the shared contact fix is unfixed, the meshes
// removed, and the contact fix written again for the meshes that remain.
// NOTE: this also drops the tangential history of contacts with the
// remaining meshes at that step.
func (t *translator) removeMeshes(step int64) {
	var gone []meshWall
	for _, m := range t.meshes {
		if m.removedAt == step {
			gone = append(gone, m)
		}
	}
	if len(gone) == 0 {
		return
	}
	t.printf("unfix %s\n", meshContactsID)
	for _, m := range gone {
		for _, id := range m.fixes {
			t.printf("unfix %s\n", id)
		}
	}
	t.meshContacts(step)
}

// removalStep returns the step at which w is removed, or -1 when it stays
// for the whole run.
func (t *translator) removalStep(w cases.Wall) int64 {
	if w.RemovedAt <= 0 {
		return -1
	}
	step := int64(math.Round(w.RemovedAt / t.dt))
	if step >= t.steps {
		return -1
	}
	return max(step, 1)
}

func (t *translator) tessellate(w cases.Wall) ([]triangle, error) {
	n := t.opt.Segments
	switch w.Type {
	case cases.WallPlane:
		if r3.Norm(w.Normal) == 0 {
			return nil, fmt.Errorf("plane normal is zero")
		}
		return planeTriangles(w.Point, r3.Unit(w.Normal), t.c.Domain.Min, t.c.Domain.Max), nil
	case cases.WallBox:
		return boxTriangles(w.Min, w.Max), nil
	case cases.WallCylinder, cases.WallCone:
		if r3.Norm(w.Axis) == 0 || w.Length <= 0 || w.Radius < 0 {
			return nil, fmt.Errorf("axis %v, length %g m and radius %g m must be non-zero, positive and non-negative", w.Axis, w.Length, w.Radius)
		}
		axis := r3.Unit(w.Axis)
		top := w.Radius
		if w.Type == cases.WallCone {
			top = w.RadiusTop
		}
		tris := frustumTriangles(w.Base, axis, w.Radius, top, w.Length, n)
		if w.Type == cases.WallCylinder && w.CapBottom {
			tris = append(tris, discTriangles(w.Base, axis, w.Radius, n)...)
		}
		if w.Type == cases.WallCylinder && w.CapTop {
			tris = append(tris, discTriangles(r3.Add(w.Base, r3.Scale(w.Length, axis)), axis, w.Radius, n)...)
		}
		return tris, nil
	case cases.WallSTL:
		tris := make([]triangle, len(w.Triangles))
		for k, v := range w.Triangles {
			tris[k] = triangle(v)
		}
		return tris, nil
	}
	return nil, fmt.Errorf("wall type %q is not supported by the translation; use plane, box, cylinder, cone or stl", w.Type)
}

func wallName(w cases.Wall, i int) string {
	if w.Name != "" {
		return w.Name
	}
	return fmt.Sprintf("#%d", i)
}
