package lbm

import (
	"context"
	"math"
	"time"

	"github.com/neusim/neusim/mesh"
	"github.com/neusim/neusim/solvers"
)

// FieldSink receives the frames of a grid run in time order: the step
// count, the simulated time in s and the fields at the grid nodes (see
// Solver.Fields). The fields and their slices are valid only during the
// call, so a sink that keeps data copies it. An error from WriteFields
// stops the run and is returned by Run.
type FieldSink interface {
	WriteFields(step int64, time float64, fields []mesh.Field) error
}

// FieldSinkFunc adapts a function to the FieldSink interface.
type FieldSinkFunc func(step int64, time float64, fields []mesh.Field) error

// WriteFields calls fn(step, time, fields).
func (fn FieldSinkFunc) WriteFields(step int64, time float64, fields []mesh.Field) error {
	return fn(step, time, fields)
}

// progressInterval is the least wall time between progress reports.
const progressInterval = 250 * time.Millisecond

// Run simulates cfg from time 0 for cfg.Duration, sending the fields to
// sink at time 0, at every output interval and at the end. It stops early
// when cfg.SteadyTolerance is set and the flow has become steady, and it
// returns ctx.Err() when the context is cancelled, after the last
// completed frame was sent. A diverged solution stops the run with an
// error.
func Run(ctx context.Context, cfg Config, sink FieldSink, progress solvers.ProgressFunc) error {
	s, err := New(cfg)
	if err != nil {
		return err
	}
	return s.Run(ctx, sink, progress)
}

// Run advances s to the end of its configured duration; see the function
// Run.
func (s *Solver) Run(ctx context.Context, sink FieldSink, progress solvers.ProgressFunc) error {
	cfg := &s.cfg
	log := cfg.logger()
	dt := cfg.TimeStep
	total := s.step + int64(math.Round(cfg.Duration/dt))
	outEvery := int64(0)
	if cfg.OutputInterval > 0 {
		outEvery = max(1, int64(math.Round(cfg.OutputInterval/dt)))
	}
	var steady *steadiness
	if cfg.SteadyTolerance > 0 {
		every := int64(100)
		if cfg.SteadyInterval > 0 {
			every = max(1, int64(math.Round(cfg.SteadyInterval/dt)))
		}
		steady = newSteadiness(s, every, cfg.SteadyTolerance)
	}
	log.Info("lbm: run started", "lattice", s.lat.Name, "collision", cfg.Collision, "nodes", s.nodes,
		"tau", s.tau, "steps", total-s.step, "workers", len(s.parts))

	start := time.Now()
	lastReport := start
	report := func() {
		if progress != nil {
			progress(solvers.Progress{Step: s.step, Steps: total, Time: s.Time(), Duration: float64(total) * dt, Elapsed: time.Since(start)})
		}
	}
	var fields []mesh.Field
	maxMach := cfg.MaxMach
	if maxMach == 0 {
		maxMach = defaultMaxMach
	}
	warned := false
	check := func() error {
		mach, err := s.checkFinite()
		if err == nil && mach > maxMach && !warned {
			warned = true
			log.Warn("lbm: flow speed exceeds the Mach limit during the run; results carry compressibility errors, "+
				"so set CharacteristicSpeed to the real speed and lower the time step", "step", s.step, "mach", mach, "max_mach", maxMach)
		}
		return err
	}
	emit := func() error {
		if err := check(); err != nil {
			return err
		}
		if sink == nil {
			return nil
		}
		fields = s.Fields(fields)
		return sink.WriteFields(s.step, s.Time(), fields)
	}

	if err := emit(); err != nil {
		return err
	}
	lastOut := s.step
	for s.step < total {
		select {
		case <-ctx.Done():
			return ctx.Err()
		default:
		}

		s.Step()

		done := false
		if steady != nil && s.step%steady.every == 0 {
			if err := check(); err != nil {
				return err
			}
			change, ok := steady.update()
			log.Debug("lbm: steadiness check", "step", s.step, "relative_change", change)
			if ok {
				log.Info("lbm: steady state reached", "step", s.step, "time", s.Time(), "relative_change", change)
				done = true
			}
		}
		if done || s.step == total || (outEvery > 0 && s.step%outEvery == 0) {
			if err := emit(); err != nil {
				return err
			}
			lastOut = s.step
		}
		if done {
			break
		}
		// Between frames, look for divergence at the pace of the progress
		// reports, so a long interval does not hide it.
		if now := time.Now(); now.Sub(lastReport) >= progressInterval {
			lastReport = now
			if err := check(); err != nil {
				return err
			}
			report()
		}
	}
	if lastOut != s.step {
		if err := emit(); err != nil {
			return err
		}
	}
	report()
	log.Info("lbm: run finished", "steps", s.step, "time", s.Time(), "elapsed", time.Since(start))
	return nil
}

// steadiness tracks the largest velocity change between checks.
type steadiness struct {
	s     *Solver
	every int64
	tol   float64
	prev  []float64 // lattice velocity components at the last check
	have  bool
}

func newSteadiness(s *Solver, every int64, tol float64) *steadiness {
	return &steadiness{s: s, every: every, tol: tol, prev: make([]float64, 3*s.nodes)}
}

// update records the current velocity and reports the largest change of a
// velocity component since the last check divided by the largest speed,
// and whether it is below the tolerance.
func (st *steadiness) update() (float64, bool) {
	var maxChange, maxSpeed float64
	for n := 0; n < st.s.nodes; n++ {
		if st.s.grid.IsSolid(n) {
			continue
		}
		_, u := st.s.nodeState(n)
		for a := 0; a < 3; a++ {
			maxChange = math.Max(maxChange, math.Abs(u[a]-st.prev[3*n+a]))
			st.prev[3*n+a] = u[a]
		}
		maxSpeed = math.Max(maxSpeed, math.Sqrt(u[0]*u[0]+u[1]*u[1]+u[2]*u[2]))
	}
	first := !st.have
	st.have = true
	if first || maxSpeed == 0 {
		return math.Inf(1), false
	}
	change := maxChange / maxSpeed
	return change, change < st.tol
}
