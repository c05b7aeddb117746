package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/grouping"
	"github.com/neusim/neusim/kernels"
	"github.com/neusim/neusim/mesh"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/surrogate"
)

// rollout is the coupled entity-particle state of a surrogate run after
// the handover.
type rollout struct {
	c        *cases.Case
	walls    []mesh.Surface
	feat     surrogate.Features
	design   []float64 // values of feat.Design for the case
	settings Settings
	workers  int
	dt       float64 // coarse step, s
	t        float64 // simulated time of frame, s

	frame *particles.Frame // particles, with Entity from bind
	bind  *grouping.Binding
	ents  *grouping.Entities // restricted from frame
	state *surrogate.RolloutState
	pred  *surrogate.ModelPredictor

	acc, dgrad []float64
	contacts   []mesh.Contact
	old        []r3.Vec // particle positions before the step, m
	oldVel     []r3.Vec // particle velocities before the step, m/s
	sep        *separator

	// ghosts holds the members removed since the last regrouping,
	// continued in free fall. They still count in their entity's state,
	// as departed members do in the training sequences, so an entity's
	// centre does not jump as its members leave through the outlet.
	ghosts   particles.Frame
	regroups int
	log      *slog.Logger
	lost     int     // particles that left the domain other than through an outlet
	lostMass float64 // their mass, kg
}

// newRollout groups the last frame of history and starts the entity
// state with the finite-difference velocities of the earlier frames.
func newRollout(s *Solver, c *cases.Case, history []*particles.Frame, step int64) (*rollout, error) {
	for a, p := range c.Domain.Periodic {
		if p {
			// NOTE: members of an entity that straddles a periodic boundary
			// would be prolonged with the wrong offsets; not implemented.
			return nil, fmt.Errorf("pipeline: case %s: the domain is periodic along axis %d; the surrogate solver supports only closed domains", c.Name, a)
		}
	}
	walls, err := caseWalls(c)
	if err != nil {
		return nil, err
	}
	h := len(history) - 1
	f := history[h].Clone()
	f.Step = step
	r := &rollout{c: c, walls: walls, feat: s.meta.Features, settings: s.settings, workers: s.opt.Workers,
		dt: s.meta.Training.Dt, t: f.Time, frame: f, log: s.log}
	r.pred = &surrogate.ModelPredictor{B: s.b, Model: s.model, Members: s.members, Feat: s.meta.Features, Norm: s.meta.Normalisation}
	if t := s.opt.Turns; t > 1 {
		if r3.Norm(c.Gravity) == 0 {
			return nil, fmt.Errorf("pipeline: case %s has no gravity, so the predictions cannot be averaged over %d turns about it; use 1 turn", c.Name, t)
		}
		r.pred.Turns, r.pred.Axis = t, [3]float64{c.Gravity.X, c.Gravity.Y, c.Gravity.Z}
	}
	if r.design, err = r.feat.DesignValues(c.Values); err != nil {
		return nil, fmt.Errorf("pipeline: case %s: %w", c.Name, err)
	}
	if f.Len() == 0 {
		return r, nil
	}
	r.sep = newSeparator(particles.Box{Min: c.Domain.Min, Max: c.Domain.Max}, slices.Max(f.Radius)/2, r.workers)

	g, _, err := grouping.FitSettings([]*particles.Frame{f}, s.settings.Grouping, r.workers)
	if err != nil {
		return nil, fmt.Errorf("pipeline: grouping at the handover: %w", err)
	}
	r.bind = g.Bind(f)
	f.Entity = append(f.Entity[:0], r.bind.Entity...)
	centres := make([][]r3.Vec, len(history))
	for j, hf := range history {
		var e grouping.Entities
		if err := g.Bind(hf).Restrict(hf, len(c.Materials), &e); err != nil {
			return nil, fmt.Errorf("pipeline: restriction at %g s: %w", hf.Time, err)
		}
		centres[j] = e.Centre
		if j == h {
			r.clipGrads(&e)
			r.ents = &e
		}
	}
	n := g.Len()
	vels := make([][]float64, r.feat.History)
	for j := range vels {
		v := make([]float64, 3*n)
		for k := 0; k < n; k++ {
			d := r3.Scale(1/r.dt, r3.Sub(centres[j+1][k], centres[j][k]))
			v[3*k], v[3*k+1], v[3*k+2] = d.X, d.Y, d.Z
		}
		vels[j] = v
	}
	r.state = &surrogate.RolloutState{Time: f.Time, Vels: vels}
	r.refreshState()
	return r, nil
}

// refreshState rebuilds the model input frame from the entity state and
// the walls at the current time.
func (r *rollout) refreshState() {
	wt := grouping.WallFeatures(r.ents, r.walls, r.t, r.feat.Radius, r.workers)
	r.state.Frame = entityFrame(r.ents, allEntities(r.ents.Len()), wt)
	// The binned search lists the pairs and the order of the brute-force
	// scan Features.Build would run, in O(N) rather than O(N²) time, on the
	// model's device when it has one.
	r.state.Frame.Senders, r.state.Frame.Receivers = kernels.SearchPairs(r.pred.B, r.state.Frame.Pos, r.feat.Radius, r.workers)
	r.state.Frame.Design = r.design
	r.state.Time = r.t
}

// step advances the run by one coarse step; k counts the steps.
func (r *rollout) step(k int) error {
	r.frame.Step++
	if r.frame.Len() == 0 {
		r.t += r.dt
		r.frame.Time = r.t
		return nil
	}
	n := r.ents.Len()
	if len(r.acc) != 3*n {
		r.acc, r.dgrad = make([]float64, 3*n), make([]float64, 9*n)
	}

	// Predict and advance the entities.
	if err := r.pred.Predict(r.state, r.acc, r.dgrad); err != nil {
		return fmt.Errorf("pipeline: surrogate step at %g s: %w", r.t, err)
	}
	if r.log.Enabled(context.Background(), slog.LevelDebug) {
		r.log.Debug("pipeline: surrogate step", "time_s", r.t, "max_acc_m_s2", maxAbs(r.acc), "max_grad_change_1_s", maxAbs(r.dgrad),
			"max_grad_1_s", maxAbs(r.state.Frame.Grad))
	}
	if err := (surrogate.Euler{}).Advance(r.state, r.acc, r.dgrad, r.dt); err != nil {
		return fmt.Errorf("pipeline: surrogate step at %g s: %w", r.t, err)
	}
	clipRows(r.state.Frame.Grad, &r.pred.Norm.Grad, gradClip)
	next := r.ents.Clone()
	cur := r.state.Vels[len(r.state.Vels)-1]
	for i := 0; i < n; i++ {
		p := r.state.Frame.Pos[3*i : 3*i+3]
		next.Centre[i] = r3.Vec{X: p[0], Y: p[1], Z: p[2]}
		next.Vel[i] = r3.Vec{X: cur[3*i], Y: cur[3*i+1], Z: cur[3*i+2]}
		copy(next.Grad[i][:], r.state.Frame.Grad[9*i:9*i+9])
		next.Omega[i] = next.Grad[i].Axial()
	}
	next.Time = r.t + r.dt

	// Move the particles with their entities, then keep them out of the
	// walls and take out those that left.
	r.old = append(r.old[:0], r.frame.Pos...)
	// A member beyond the connectivity radius has drifted away from its
	// entity, such as one left above an entity that stretches into the
	// outlet. Extrapolating the entity's stretching to it flung beads out
	// of the top of the hopper.
	r.bind.Reach = r.feat.Radius
	r.oldVel = append(r.oldVel[:0], r.frame.Vel...)
	r.bind.Prolong(r.frame, r.ents, next, r.dt, r.workers)
	r.fallBelowWalls()
	r.t += r.dt
	r.frame.Time = r.t
	if err := r.sep.apply(r.frame); err != nil {
		return fmt.Errorf("pipeline: separating the particles at %g s: %w", r.t, err)
	}
	r.constrainWalls(r.old)
	r.fallGhosts()
	if r.removeLeft() > 0 {
		r.bind = r.bind.Grouping.Bind(r.frame)
	}

	// Restrict back, ghosts included, and set the current velocity to the
	// finite difference of the centre, as in training, for entities that
	// kept their members.
	src, bind := r.frame, r.bind
	if r.ghosts.Len() > 0 {
		src = r.withGhosts()
		bind = r.bind.Grouping.Bind(src)
	}
	var ents grouping.Entities
	if err := bind.Restrict(src, len(r.c.Materials), &ents); err != nil {
		return fmt.Errorf("pipeline: restriction at %g s: %w", r.t, err)
	}
	emptied := false
	for i := 0; i < n; i++ {
		v := ents.Vel[i]
		if ents.Count[i] == r.ents.Count[i] {
			v = r3.Scale(1/r.dt, r3.Sub(ents.Centre[i], r.ents.Centre[i]))
		}
		cur[3*i], cur[3*i+1], cur[3*i+2] = v.X, v.Y, v.Z
		emptied = emptied || len(r.bind.Members(i)) == 0
	}
	r.clipGrads(&ents)
	r.ents = &ents

	if emptied || k%r.settings.RegroupEvery == 0 {
		if err := r.regroup(); err != nil {
			return err
		}
	}
	r.frame.Entity = append(r.frame.Entity[:0], r.bind.Entity...)
	if r.frame.Len() > 0 {
		r.refreshState()
	}
	return nil
}

// regroup adapts the entities to the particles and carries the velocity
// history and the model memory over, weighted by mass.
func (r *rollout) regroup() error {
	if r.frame.Len() == 0 {
		return nil
	}
	_, bind, ents, remap, _, err := grouping.Regroup(r.bind, r.frame, grouping.RegroupOptions{
		TargetSize: r.settings.Grouping.TargetSize, Materials: len(r.c.Materials), Workers: r.workers})
	if err != nil {
		return fmt.Errorf("pipeline: regrouping at %g s: %w", r.t, err)
	}
	if err := r.pred.Regroup(surrogate.RemapFromGrouping(remap)); err != nil {
		return fmt.Errorf("pipeline: regrouping at %g s: %w", r.t, err)
	}
	for j, v := range r.state.Vels {
		r.state.Vels[j] = remapVelocities(remap, v, ents)
	}
	r.clipGrads(ents)
	r.bind, r.ents = bind, ents
	r.ghosts.Resize(0)
	r.regroups++
	return nil
}

// remapVelocities returns the velocities (N×3, m/s) of the new entities
// of a regrouping: the mass-weighted mean of their parents', and for the
// share of mass without a parent the restricted velocity of ents.
func remapVelocities(rm *grouping.Remap, old []float64, ents *grouping.Entities) []float64 {
	n := rm.Len()
	out := make([]float64, 3*n)
	for c := 0; c < n; c++ {
		var w float64
		var v r3.Vec
		for j := rm.Start[c]; j < rm.Start[c+1]; j++ {
			p, wj := rm.Parent[j], rm.Weight[j]
			v = r3.Add(v, r3.Scale(wj, r3.Vec{X: old[3*p], Y: old[3*p+1], Z: old[3*p+2]}))
			w += wj
		}
		if w < 1 {
			v = r3.Add(v, r3.Scale(1-w, ents.Vel[c]))
		}
		out[3*c], out[3*c+1], out[3*c+2] = v.X, v.Y, v.Z
	}
	return out
}

// constrainWalls moves every particle that overlaps an active wall back
// along the contact normal until it only touches it, and removes the
// velocity component into the wall. The DEM contact force would push it
// out over several steps; the surrogate has no contact forces, so the
// projection replaces them.
//
// A coarse step may carry a centre through a wall face. The contacts are
// therefore searched with the radius enlarged by the particle's
// displacement over the step, from old. A face crossed within the step is
// then still found. Its overlap minus the displacement is r - s, the
// overlap of the true radius r at the signed distance s (negative behind
// the face). A centre that passed
// a face of a closed shape entirely, from one side to beyond another, is
// not caught.
//
// NOTE: a centre carried through the corner where two walls meet, such
// as the hopper's cone and bin, ends beside both walls' rims, whose
// contact normals run from the rim to the centre, so the projection
// pushes it further out. Putting such a bead back only when points along
// its step lie behind a face would keep it inside and leave the orifice
// free, but it changes the shipped hopper model's measured figures.
func (r *rollout) constrainWalls(old []r3.Vec) {
	f := r.frame
	for i := range f.Pos {
		reach := r3.Norm(r3.Sub(f.Pos[i], old[i]))
		for _, w := range r.walls {
			if !wallActive(w, r.t) {
				continue
			}
			r.contacts = w.Contacts(f.Pos[i], f.Radius[i]+reach, r.t, r.contacts[:0])
			for _, ct := range r.contacts {
				overlap := ct.Overlap - reach
				if overlap <= 0 {
					continue
				}
				f.Pos[i] = r3.Add(f.Pos[i], r3.Scale(overlap, ct.Normal))
				rel := r3.Sub(f.Vel[i], ct.Velocity)
				if vn := r3.Dot(rel, ct.Normal); vn < 0 {
					f.Vel[i] = r3.Sub(f.Vel[i], r3.Scale(vn, ct.Normal))
				}
			}
		}
	}
}

// fallBelowWalls moves the particles that started the step below every
// active wall, along gravity, in free fall from their state before the
// step instead of with their entity. Only other falling beads touch them
// there, as in the jet under a hopper's orifice. An entity's affine field
// cannot follow that jet. In DEM of the default hopper it speeds up from
// about 0.06 m/s just above the orifice to 0.6 m/s 20 mm below it. Left
// with their entities, the beads in the first 10 mm under the orifice
// fell at 0.09 to 0.25 m/s instead of 0.4 m/s, and crowded it. An active wall without bounds, such as a plane, leaves
// every particle with its entity.
func (r *rollout) fallBelowWalls() {
	g := r.c.Gravity
	gn := r3.Norm(g)
	if gn == 0 {
		return
	}
	down := r3.Scale(1/gn, g)
	lowest := math.Inf(-1) // along down, m
	for _, w := range r.walls {
		if !wallActive(w, r.t) {
			continue
		}
		lo, hi := w.Bounds(r.t)
		if math.IsInf(lo.X+lo.Y+lo.Z+hi.X+hi.Y+hi.Z, 0) {
			return
		}
		// The farthest corner of the box along down.
		lowest = math.Max(lowest, farther(lo.X, hi.X, down.X)+farther(lo.Y, hi.Y, down.Y)+farther(lo.Z, hi.Z, down.Z))
	}
	if math.IsInf(lowest, 0) || math.IsNaN(lowest) {
		return // no active wall
	}
	f, dt := r.frame, r.dt
	for i := range f.Pos {
		if r3.Dot(r.old[i], down) <= lowest {
			continue
		}
		f.Pos[i] = r3.Add(r.old[i], r3.Add(r3.Scale(dt, r.oldVel[i]), r3.Scale(dt*dt/2, g)))
		f.Vel[i] = r3.Add(r.oldVel[i], r3.Scale(dt, g))
	}
}

// farther returns the larger projection of the bounds lo and hi of one
// axis onto the component d of a direction.
func farther(lo, hi, d float64) float64 { return max(lo*d, hi*d) }

// wallActive reports whether wall w is in place at time t (s). Only walls
// with a removal time are ever inactive.
func wallActive(w mesh.Surface, t float64) bool {
	a, ok := w.(interface{ Active(float64) bool })
	return !ok || a.Active(t)
}

// removeLeft removes the particles whose centre is inside an outlet,
// counting them for that outlet, or outside the domain, and returns how
// many it removed.
func (r *rollout) removeLeft() int {
	f := r.frame
	if len(f.OutletCount) < len(r.c.Outlets) {
		f.OutletCount = append(f.OutletCount, make([]int64, len(r.c.Outlets)-len(f.OutletCount))...)
		f.OutletMass = append(f.OutletMass, make([]float64, len(r.c.Outlets)-len(f.OutletMass))...)
	}
	lo, hi := r.c.Domain.Min, r.c.Domain.Max
	kept := 0
	for i := range f.ID {
		p := f.Pos[i]
		outlet := r.outletCrossed(r.old[i], p, f.Radius[i])
		outside := p.X < lo.X || p.X > hi.X || p.Y < lo.Y || p.Y > hi.Y || p.Z < lo.Z || p.Z > hi.Z
		switch {
		case outlet >= 0:
			f.OutletCount[outlet]++
			f.OutletMass[outlet] += f.Mass[i]
			r.addGhost(i)
			continue
		case outside:
			if r.lost < 10 {
				r.log.Debug("pipeline: particle left the domain", "id", f.ID[i], "time_s", r.t, "position_m", p, "velocity_m_s", f.Vel[i])
			}
			r.lost++
			r.lostMass += f.Mass[i]
			r.addGhost(i)
			continue
		}
		f.ID[kept], f.Pos[kept], f.Vel[kept], f.Omega[kept] = f.ID[i], f.Pos[i], f.Vel[i], f.Omega[i]
		f.Radius[kept], f.Mass[kept], f.Material[kept] = f.Radius[i], f.Mass[i], f.Material[i]
		if f.Entity != nil {
			f.Entity[kept] = f.Entity[i]
		}
		kept++
	}
	removed := f.Len() - kept
	f.Resize(kept)
	return removed
}

// maxPathSamples bounds the points outletCrossed tests on one path.
const maxPathSamples = 1000

// outletCrossed returns the index of the first outlet that a particle's
// path over the step, from old to p (m), enters, or -1. It tests points
// along the path one radius apart, the end included. A coarse step can
// carry a falling particle right through a thin outlet region: at 1 m/s a
// step of 0.04 s moves it 40 mm, twice the hopper outlet's depth.
func (r *rollout) outletCrossed(old, p r3.Vec, radius float64) int {
	n := 1
	if d := r3.Norm(r3.Sub(p, old)); d > radius && !math.IsInf(d, 0) {
		n = min(int(math.Ceil(d/radius)), maxPathSamples)
	}
	for k := 1; k <= n; k++ {
		q := r3.Add(old, r3.Scale(float64(k)/float64(n), r3.Sub(p, old)))
		if k == n {
			q = p
		}
		for o, out := range r.c.Outlets {
			if out.Region.Contains(q) {
				return o
			}
		}
	}
	return -1
}

// gradClip is the number of training standard deviations each component
// of an entity's velocity gradient is clipped to. Restriction of a nearly
// flat or collinear member cloud fits the gradient along its thin
// direction to velocity noise over a tiny extent. At the hopper's handover
// that gave 1000 1/s, and prolongation turned it into member velocities
// of 100 m/s. The model never saw such values in training beyond a few
// standard deviations, so clipping to them loses nothing it could use.
const gradClip = 5

// clipGrads clips the velocity gradients of e to gradClip standard
// deviations about the training mean.
func (r *rollout) clipGrads(e *grouping.Entities) {
	for k := range e.Grad {
		clipRows(e.Grad[k][:], &r.pred.Norm.Grad, gradClip)
	}
}

// clipRows clips every row of v, laid out like st's components, to
// mean ± limit·std.
func clipRows(v []float64, st *surrogate.Stats, limit float64) {
	w := len(st.Mean)
	for i := range v {
		j := i % w
		lo, hi := st.Mean[j]-limit*st.Std[j], st.Mean[j]+limit*st.Std[j]
		v[i] = math.Min(math.Max(v[i], lo), hi)
	}
}

// addGhost appends particle i of the frame to the ghosts.
func (r *rollout) addGhost(i int) {
	f, g := r.frame, &r.ghosts
	g.ID, g.Pos, g.Vel, g.Omega = append(g.ID, f.ID[i]), append(g.Pos, f.Pos[i]), append(g.Vel, f.Vel[i]), append(g.Omega, f.Omega[i])
	g.Radius, g.Mass, g.Material = append(g.Radius, f.Radius[i]), append(g.Mass, f.Mass[i]), append(g.Material, f.Material[i])
}

// fallGhosts advances the ghosts by one coarse step of free fall.
func (r *rollout) fallGhosts() {
	g, dt := &r.ghosts, r.dt
	for i := range g.Pos {
		g.Pos[i] = r3.Add(g.Pos[i], r3.Add(r3.Scale(dt, g.Vel[i]), r3.Scale(dt*dt/2, r.c.Gravity)))
		g.Vel[i] = r3.Add(g.Vel[i], r3.Scale(dt, r.c.Gravity))
	}
}

// withGhosts returns a frame of the particles and the ghosts, the ghosts
// last.
func (r *rollout) withGhosts() *particles.Frame {
	f := r.frame.Clone()
	f.Entity = nil
	g := &r.ghosts
	f.ID, f.Pos, f.Vel, f.Omega = append(f.ID, g.ID...), append(f.Pos, g.Pos...), append(f.Vel, g.Vel...), append(f.Omega, g.Omega...)
	f.Radius, f.Mass, f.Material = append(f.Radius, g.Radius...), append(f.Mass, g.Mass...), append(f.Material, g.Material...)
	return f
}

func maxAbs(v []float64) float64 {
	var m float64
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}
