package surrogate

import "github.com/neusim/neusim/grouping"

// FrameFromGrouping converts the grouping package's entity state into an
// EntityFrame (a copy). g supplies the entity pairs, both directions of
// each neighbour link; nil leaves them to the radius search of Features.
// w supplies the wall edges; nil means no walls near any entity.
func FrameFromGrouping(e *grouping.Entities, g *grouping.Graph, w *grouping.WallTable) EntityFrame {
	n := e.Len()
	f := EntityFrame{Pos: make([]float64, 3*n), Grad: make([]float64, 9*n), Shape: make([]float64, 6*n),
		Radius: append([]float64(nil), e.MeanRadius...), Material: append([]float64(nil), e.MaterialMix...)}
	for k := 0; k < n; k++ {
		c := e.Centre[k]
		f.Pos[3*k], f.Pos[3*k+1], f.Pos[3*k+2] = c.X, c.Y, c.Z
		copy(f.Grad[9*k:9*k+9], e.Grad[k][:])
		copy(f.Shape[6*k:6*k+6], e.Shape[k][:])
	}
	if g != nil {
		f.Senders, f.Receivers = make([]int32, 0, len(g.Neighbor)), make([]int32, 0, len(g.Neighbor))
		for k := 0; k < n; k++ {
			for _, s := range g.Neighbors(k) {
				f.Senders = append(f.Senders, s)
				f.Receivers = append(f.Receivers, int32(k))
			}
		}
	}
	if w != nil {
		for k := 0; k < n; k++ {
			for _, wf := range w.Of(k) {
				f.Walls = append(f.Walls, WallEdge{Entity: int32(k),
					ToWall:  [3]float64{wf.Vector.X, wf.Vector.Y, wf.Vector.Z},
					Normal:  [3]float64{wf.Normal.X, wf.Normal.Y, wf.Normal.Z},
					WallVel: [3]float64{wf.Velocity.X, wf.Velocity.Y, wf.Velocity.Z}})
			}
		}
	}
	return f
}

// RemapFromGrouping converts the grouping package's regrouping map into
// the Remap that ModelPredictor.Regroup takes.
func RemapFromGrouping(r *grouping.Remap) *Remap {
	return &Remap{Offsets: append([]int32(nil), r.Start...), Sources: append([]int32(nil), r.Parent...),
		Weights: append([]float64(nil), r.Weight...)}
}
