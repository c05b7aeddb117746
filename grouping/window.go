package grouping

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/particles"
)

// window is a sequence of frames seen through the particles of its first
// frame, the reference. Particle i is the i-th particle of the first
// frame; in frame t it sits at index idx[t][i], or -1 once it has left.
type window struct {
	frames []*particles.Frame
	idx    [][]int32 // nil entry: frame t has the reference ids in order

	diameter float64 // mass-weighted mean particle diameter, m
	speed    float64 // RMS speed over all frames, mass-weighted, m/s
}

func newWindow(frames []*particles.Frame) (*window, error) {
	if len(frames) == 0 {
		return nil, fmt.Errorf("grouping: no frames to fit; pass at least one frame")
	}
	for _, f := range frames {
		if err := f.Validate(); err != nil {
			return nil, fmt.Errorf("grouping: %w", err)
		}
	}
	ref := frames[0]
	if ref.Len() == 0 {
		return nil, fmt.Errorf("grouping: first frame (step %d) has no particles; start the window at a frame with particles", ref.Step)
	}
	w := &window{frames: frames, idx: make([][]int32, len(frames))}

	var lookup map[int64]int32
	for t, f := range frames[1:] {
		if slices.Equal(f.ID, ref.ID) {
			continue
		}
		if lookup == nil {
			lookup = make(map[int64]int32, ref.Len())
			for i, id := range f.ID {
				lookup[id] = int32(i)
			}
		} else {
			clear(lookup)
			for i, id := range f.ID {
				lookup[id] = int32(i)
			}
		}
		m := make([]int32, ref.Len())
		for i, id := range ref.ID {
			j, ok := lookup[id]
			if !ok {
				j = -1
			}
			m[i] = j
		}
		w.idx[t+1] = m
	}

	var mass, md, mv2 float64
	for i, m := range ref.Mass {
		if !(m > 0) || math.IsInf(m, 0) {
			return nil, fmt.Errorf("grouping: particle %d at step %d has mass %g kg; masses must be positive and finite", ref.ID[i], ref.Step, m)
		}
		mass += m
		md += 2 * m * ref.Radius[i]
	}
	var mt float64
	for t := range frames {
		for i := 0; i < ref.Len(); i++ {
			if j := w.at(t, i); j >= 0 {
				mt += ref.Mass[i]
				mv2 += ref.Mass[i] * r3.Norm2(frames[t].Vel[j])
			}
		}
	}
	w.diameter = md / mass
	w.speed = math.Sqrt(mv2 / mt)
	if !(w.diameter > 0) {
		return nil, fmt.Errorf("grouping: mean particle diameter at step %d is %g m; radii must be positive", ref.Step, w.diameter)
	}
	return w, nil
}

// n returns the number of reference particles.
func (w *window) n() int { return w.frames[0].Len() }

// at returns the index of reference particle i in frame t, or -1.
func (w *window) at(t, i int) int32 {
	if w.idx[t] == nil {
		return int32(i)
	}
	return w.idx[t][i]
}

// meanVelocity returns each reference particle's velocity averaged over
// the frames it is present in, m/s.
func (w *window) meanVelocity() []r3.Vec {
	out := make([]r3.Vec, w.n())
	for i := range out {
		var s r3.Vec
		var c float64
		for t, f := range w.frames {
			if j := w.at(t, i); j >= 0 {
				s = r3.Add(s, f.Vel[j])
				c++
			}
		}
		out[i] = r3.Scale(1/c, s)
	}
	return out
}

// fitError is the mass-weighted sum of squared residuals of the best
// affine reconstruction of a set of particles, per frame.
type fitError struct {
	pos float64 // kg m^2
	vel float64 // kg m^2/s^2
}

// affineError returns the reconstruction error of the reference particles
// members treated as one entity, per frame, in errs (len = frames).
//
// Positions: frame t's positions are fitted from the reference positions
// by x ≈ c(t) + F(t) (X - C), with F(t) the mass-weighted least-squares
// deformation, which is the best any entity motion can do. Velocities:
// v ≈ v_c(t) + L(t) (x - c(t)) with the least-squares gradient L(t), as
// restriction computes it. Members absent from a frame are left out of
// that frame's fit.
func (w *window) affineError(members []int32, errs []fitError) {
	mass := w.frames[0].Mass
	ref := w.frames[0].Pos
	for t, f := range w.frames {
		// Centroids of the members present in frame t.
		var m float64
		var sx, sX, sv r3.Vec
		for _, i := range members {
			j := w.at(t, int(i))
			if j < 0 {
				continue
			}
			mi := mass[i]
			m += mi
			sX = r3.Add(sX, r3.Scale(mi, ref[i]))
			sx = r3.Add(sx, r3.Scale(mi, f.Pos[j]))
			sv = r3.Add(sv, r3.Scale(mi, f.Vel[j]))
		}
		if m == 0 {
			errs[t] = fitError{}
			continue
		}
		cX, cx, cv := r3.Scale(1/m, sX), r3.Scale(1/m, sx), r3.Scale(1/m, sv)

		// Second moments about the centroids.
		var sRef, sCur Sym3
		var aPos, aVel Mat3
		for _, i := range members {
			j := w.at(t, int(i))
			if j < 0 {
				continue
			}
			mi := mass[i]
			dX := r3.Sub(ref[i], cX)
			dx := r3.Sub(f.Pos[j], cx)
			dv := r3.Sub(f.Vel[j], cv)
			sRef.addOuter(mi, dX)
			sCur.addOuter(mi, dx)
			aPos.addOuter(mi, dx, dX)
			aVel.addOuter(mi, dv, dx)
		}
		deform := aPos.Mul(sRef.Inverse(pinvTol))
		grad := aVel.Mul(sCur.Inverse(pinvTol))

		// Residuals.
		var ep, ev float64
		for _, i := range members {
			j := w.at(t, int(i))
			if j < 0 {
				continue
			}
			mi := mass[i]
			dX := r3.Sub(ref[i], cX)
			dx := r3.Sub(f.Pos[j], cx)
			dv := r3.Sub(f.Vel[j], cv)
			ep += mi * r3.Norm2(r3.Sub(dx, deform.MulVec(dX)))
			ev += mi * r3.Norm2(r3.Sub(dv, grad.MulVec(dx)))
		}
		errs[t] = fitError{pos: ep, vel: ev}
	}
}

// objective returns the normalised error of per-frame residuals: position
// residuals in units of the mean diameter plus velocity residuals in units
// of the RMS speed (left out when nothing moves), both squared, kg.
func (w *window) objective(errs []fitError) float64 {
	var s float64
	for _, e := range errs {
		s += e.pos / (w.diameter * w.diameter)
		if w.speed > 0 {
			s += e.vel / (w.speed * w.speed)
		}
	}
	return s
}
