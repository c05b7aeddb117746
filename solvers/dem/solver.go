package dem

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"runtime"
	"time"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
)

// Options configures a Solver. The zero value is ready to use.
type Options struct {
	// Workers is the number of goroutines computing forces. Zero means
	// runtime.GOMAXPROCS(0). Results do not depend on it.
	Workers int

	// Logger receives warnings (time step, lost particles) and run
	// summaries. Nil discards them.
	Logger *slog.Logger
}

// Solver is the DEM solver. It implements solvers.Solver and is safe for
// concurrent runs.
type Solver struct {
	opt Options
}

var _ solvers.Solver = (*Solver)(nil)

// New returns a solver with the given options.
func New(opt Options) *Solver { return &Solver{opt: opt} }

// Name returns "dem".
func (*Solver) Name() string { return "dem" }

// progressInterval is the wall time between progress calls.
const progressInterval = 250 * time.Millisecond

// Run simulates c and sends a frame to sink every output interval,
// starting with the initial state at t = 0. See solvers.Solver.
func (sv *Solver) Run(ctx context.Context, c *cases.Case, sink solvers.Sink, progress solvers.ProgressFunc) error {
	r, err := sv.newRun(c)
	if err != nil {
		return err
	}
	defer r.pool.stop()
	return r.loop(ctx, sink, progress)
}

// run is the state of one simulation.
type run struct {
	c      *cases.Case
	log    *slog.Logger
	law    *law
	pool   pool
	s      state
	pairs  *pairs
	walls  *walls
	insert []*inserter

	domain   cases.Domain
	periodic bool
	gravity  r3.Vec
	outlets  []region
	skin     float64 // m
	dt       float64 // s
	step     int64
	steps    int64 // total steps of the run
	outEvery int64 // steps between frames

	dirty       bool // particles were added or removed since the last neighbour build
	outletCount []int64
	outletMass  []float64
	lost        int
	remove      []bool
	faults      []overlapFault
	bad         []int
	moved       []float64 // largest squared displacement per chunk, m^2
	// driftedAhead is set when the last step also applied the next
	// step's first half kick and drift (see advance).
	driftedAhead bool
	wallWorst    []wallFault
	frame        particles.Frame
}

func (r *run) time() float64 { return float64(r.step) * r.dt }

// newRun checks c and builds the initial state, packed insertions
// included.
func (sv *Solver) newRun(c *cases.Case) (_ *run, err error) {
	log := sv.opt.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	workers := sv.opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	l, err := newLaw(c)
	if err != nil {
		return nil, err
	}
	r := &run{c: c, log: log, law: l, pool: pool{workers: workers}, domain: c.Domain, gravity: c.Gravity}
	defer func() {
		if err != nil {
			r.pool.stop()
		}
	}()
	r.periodic = c.Domain.Periodic != [3]bool{}
	if err := r.checkDomain(); err != nil {
		return nil, err
	}
	if r.walls, err = newWalls(c); err != nil {
		return nil, err
	}
	for k, o := range c.Outlets {
		g, err := newRegion(o.Region, fmt.Sprintf("dem: case %q: outlet %d (%q)", c.Name, k, o.Name))
		if err != nil {
			return nil, err
		}
		r.outlets = append(r.outlets, g)
	}
	r.outletCount = make([]int64, len(c.Outlets))
	r.outletMass = make([]float64, len(c.Outlets))

	rmax := 0.0
	for k := range c.Insertions {
		it, err := newInserter(c, k)
		if err != nil {
			return nil, err
		}
		r.insert = append(r.insert, it)
		rmax = max(rmax, it.rmax)
	}
	if err := r.setTiming(); err != nil {
		return nil, err
	}
	r.skin = c.Solver.Skin
	if r.skin == 0 {
		r.skin = 0.4 * rmax
	}
	if !(r.skin > 0) {
		return nil, fmt.Errorf("dem: case %q: solver.skin is %g m and no insertion gives a radius; give a positive skin", c.Name, c.Solver.Skin)
	}
	box := particles.Box{Min: c.Domain.Min, Max: c.Domain.Max, Periodic: c.Domain.Periodic}
	r.pairs = newPairs(box, r.skin, l.rolling == rollingEPSD)
	r.pairs.nl.Workers = workers

	for _, it := range r.insert {
		if it.ins.Mode == cases.InsertPack {
			if err := it.pack(&r.s, r.walls, c.Materials[it.ins.Material]); err != nil {
				return nil, err
			}
		}
	}
	r.dirty = true
	return r, nil
}

func (r *run) checkDomain() error {
	d := r.domain
	if !(d.Max.X > d.Min.X && d.Max.Y > d.Min.Y && d.Max.Z > d.Min.Z) {
		return fmt.Errorf("dem: case %q: domain min %v max %v is empty; max must exceed min along every axis", r.c.Name, d.Min, d.Max)
	}
	return nil
}

// setTiming resolves the time step, the number of steps and the output
// interval in steps.
func (r *run) setTiming() error {
	c := r.c
	dt, err := chooseTimeStep(c, r.law, r.log)
	if err != nil {
		return err
	}
	if !(c.Solver.Duration > 0) {
		return fmt.Errorf("dem: case %q: solver.duration is %g s; give a positive duration", c.Name, c.Solver.Duration)
	}
	if !(c.Solver.OutputInterval > 0) {
		return fmt.Errorf("dem: case %q: solver.output_interval is %g s; give a positive interval", c.Name, c.Solver.OutputInterval)
	}
	if c.Solver.TimeStep == 0 {
		// Shorten the automatic step so frames fall exactly on multiples
		// of the output interval.
		dt = c.Solver.OutputInterval / math.Ceil(c.Solver.OutputInterval/dt-1e-9)
	}
	r.dt = dt
	r.steps = int64(math.Ceil(c.Solver.Duration/dt - 1e-9))
	r.outEvery = max(1, int64(math.Round(c.Solver.OutputInterval/dt)))
	r.log.Info("dem: run configured", "case", c.Name, "time_step_s", dt, "steps", r.steps, "steps_per_frame", r.outEvery)
	return nil
}

// loop runs the time steps, writing frames and reporting progress.
func (r *run) loop(ctx context.Context, sink solvers.Sink, progress solvers.ProgressFunc) error {
	started := time.Now()
	lastProgress := started
	report := func() {
		if progress != nil {
			progress(solvers.Progress{Step: r.step, Steps: r.steps, Time: r.time(), Duration: r.c.Solver.Duration, Particles: r.s.len(), Elapsed: time.Since(started)})
		}
	}

	if err := r.prepareForces(); err != nil {
		return err
	}
	if err := r.emit(sink); err != nil {
		return err
	}
	for r.step < r.steps {
		if err := ctx.Err(); err != nil {
			report()
			return err
		}
		// Unless the state after this step is sent to the sink, the next
		// step's first half kick and drift run with this step's forces.
		ahead := r.step+1 < r.steps && (r.step+1)%r.outEvery != 0
		if err := r.advance(ahead); err != nil {
			return err
		}
		if r.step%r.outEvery == 0 {
			if err := r.emit(sink); err != nil {
				return err
			}
		}
		if progress != nil && time.Since(lastProgress) >= progressInterval {
			lastProgress = time.Now()
			report()
		}
	}
	if r.lost > 0 {
		r.log.Warn("dem: particles left the domain and were removed", "case", r.c.Name, "count", r.lost)
	}
	report()
	return nil
}

// prepareForces computes the forces of the initial state, which the first
// half kick needs.
func (r *run) prepareForces() error {
	if err := r.rebuild(); err != nil {
		return err
	}
	return r.computeForces(forcesOnly)
}

// advance takes one velocity Verlet step. With ahead set it also applies
// the first half kick and the drift of the next step to each chunk right
// after its forces, which saves a pass over the particles. The state is
// then between two steps, so nothing may read it before the next call.
func (r *run) advance(ahead bool) error {
	n := r.s.len()
	ref := r.pairs.nl.Reference()
	if len(ref) != n {
		panic(fmt.Sprintf("dem: %d particles but the neighbour list was built for %d", n, len(ref)))
	}

	// First half kick and drift, unless the previous step applied them.
	if !r.driftedAhead {
		r.moved = resizeZero(r.moved, r.pool.chunks(n))
		r.pool.run(n, func(ch, lo, hi int) { r.moved[ch] = r.kickDrift(lo, hi, ref) })
	}
	r.driftedAhead = false
	moved := 0.0
	for _, m := range r.moved {
		moved = max(moved, m)
	}
	r.step++

	// Insertion and, when a particle may have closed the skin, a new
	// neighbour list.
	r.pourDue()
	if skin := r.pairs.nl.Skin; r.dirty || moved > skin*skin/4 {
		if err := r.rebuild(); err != nil {
			return err
		}
	}

	// Forces at the new positions, the second half kick and, ahead, the
	// next first half kick and drift.
	end := endStep
	if ahead {
		end = endStepAndDrift
	}
	if err := r.computeForces(end); err != nil {
		return err
	}
	r.driftedAhead = ahead
	return nil
}

// pourDue inserts the particles of pour insertions due at the current
// time.
func (r *run) pourDue() {
	for _, it := range r.insert {
		if it.ins.Mode != cases.InsertPour || len(it.radii) == 0 {
			continue
		}
		placed, deferred := it.pour(&r.s, r.walls, r.time(), r.c.Materials[it.ins.Material])
		if placed > 0 {
			r.dirty = true
		}
		if deferred && !it.warned {
			it.warned = true
			r.log.Warn("dem: pour insertion found no free spot; retrying on later steps", "case", r.c.Name, "insertion", it.ins.Name, "time_s", r.time(), "placed", it.placed)
		}
	}
}

// rebuild removes particles that left through an outlet or the domain,
// rebuilds the neighbour list with the contact history and finds the
// wall candidates.
func (r *run) rebuild() error {
	r.removeExited()
	if err := r.pairs.rebuild(&r.s, &r.pool); err != nil {
		return fmt.Errorf("dem: step %d (t = %.6g s): %w", r.step, r.time(), err)
	}
	n := r.s.len()
	r.walls.candidates = resizeZero(r.walls.candidates, n)
	t := r.time()
	r.pool.run(n, func(_, lo, hi int) { r.walls.findCandidates(&r.s, r.pairs.nl.Skin, t, lo, hi) })
	r.dirty = false
	return nil
}

// removeExited removes particles whose centre is inside an outlet or
// outside the domain along a non-periodic axis, counting them.
func (r *run) removeExited() {
	s := &r.s
	n := s.len()
	r.remove = resizeZero(r.remove, n)
	any := false
	d := r.domain
	for i, p := range s.pos {
		out := (!d.Periodic[0] && (p.X < d.Min.X || p.X > d.Max.X)) ||
			(!d.Periodic[1] && (p.Y < d.Min.Y || p.Y > d.Max.Y)) ||
			(!d.Periodic[2] && (p.Z < d.Min.Z || p.Z > d.Max.Z))
		if out {
			r.remove[i], any = true, true
			r.lost++
			continue
		}
		for k := range r.outlets {
			if r.outlets[k].contains(p) {
				r.remove[i], any = true, true
				r.outletCount[k]++
				r.outletMass[k] += s.mass[i]
				break
			}
		}
	}
	if any {
		s.compact(r.remove)
		r.dirty = true
	}
}

// emit removes exited particles, so frames never show particles inside an
// outlet, and sends the current state to sink.
func (r *run) emit(sink solvers.Sink) error {
	r.removeExited()
	if r.dirty {
		// Indices changed: rebuild now so the next force computation
		// pairs the right particles.
		if err := r.rebuild(); err != nil {
			return err
		}
	}
	s := &r.s
	f := &r.frame
	f.Step = r.step
	f.Time = r.time()
	f.Resize(s.len())
	copy(f.ID, s.id)
	copy(f.Pos, s.pos)
	copy(f.Vel, s.vel)
	copy(f.Omega, s.omega)
	copy(f.Radius, s.radius)
	copy(f.Mass, s.mass)
	copy(f.Material, s.material)
	f.OutletCount = append(f.OutletCount[:0], r.outletCount...)
	f.OutletMass = append(f.OutletMass[:0], r.outletMass...)
	return sink.WriteFrame(f)
}
