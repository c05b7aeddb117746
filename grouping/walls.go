package grouping

import (
	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/mesh"
)

// WallFeature is the relation of one entity to one nearby wall.
type WallFeature struct {
	Wall     int32   // index into the walls passed to WallFeatures
	Vector   r3.Vec  // nearest wall point minus entity centre, m
	Gap      float64 // distance from the centre to the wall minus the entity extent, m
	Normal   r3.Vec  // unit wall normal at the nearest point, toward the entity centre
	Velocity r3.Vec  // wall velocity at the nearest point, m/s
}

// WallTable lists the nearby walls of each entity in compressed rows:
// entity k's features are Features[Start[k]:Start[k+1]], in wall order.
type WallTable struct {
	Start    []int32
	Features []WallFeature
}

// Of returns entity k's wall features. The slice aliases w.
func (w *WallTable) Of(k int) []WallFeature { return w.Features[w.Start[k]:w.Start[k+1]] }

// activeSurface is implemented by walls that can be removed during a run,
// such as mesh.Wall.
type activeSurface interface {
	Active(t float64) bool
}

// WallFeatures returns, for every entity, the walls whose nearest point at
// time t (s) lies within cutoff (m) of the entity's extent, found with
// mesh.Surface.Nearest, so every wall type is handled the same way,
// triangle meshes included. Nil walls, and walls with an Active(t) method
// that reports false, are skipped. Entities without members get no
// features. The result does not depend on the worker count.
func WallFeatures(e *Entities, walls []mesh.Surface, t, cutoff float64, workers int) *WallTable {
	active := make([]bool, len(walls))
	for i, w := range walls {
		active[i] = w != nil
		if a, ok := w.(activeSurface); ok && active[i] {
			active[i] = a.Active(t)
		}
	}

	k := e.Len()
	rows := make([][]WallFeature, k)
	parallelFor(k, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if e.Mass[i] == 0 {
				continue
			}
			ext := e.Extent(i)
			c := e.Centre[i]
			for wi, w := range walls {
				if !active[wi] {
					continue
				}
				p, n, v := w.Nearest(c, t)
				d := r3.Sub(p, c)
				gap := r3.Norm(d) - ext
				if gap < cutoff {
					rows[i] = append(rows[i], WallFeature{Wall: int32(wi), Vector: d, Gap: gap, Normal: n, Velocity: v})
				}
			}
		}
	})

	tab := &WallTable{Start: make([]int32, k+1)}
	for i, r := range rows {
		tab.Features = append(tab.Features, r...)
		tab.Start[i+1] = int32(len(tab.Features))
	}
	return tab
}
