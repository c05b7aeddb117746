// Package solvers defines the contract between neusim and its numerical
// solvers, and the registry of built-in ones.
//
// A solver takes a resolved case and streams frames to a Sink at the case's
// output interval. It never writes files: the same solver serves the run,
// compare, train and sweep commands, in process or as a plugin in another
// process (package solvers/plugin) with frames crossing as Arrow record
// batches. Everything
// a solver needs arrives in the case, and everything it produces leaves
// through the sink and the progress callback, so the contract has no
// shared memory that a process boundary would break.
package solvers

import (
	"context"
	"time"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
)

// Sink receives the frames of a run in time order. The frame and its
// slices are valid only during the call: a sink that keeps data copies it.
// An error from WriteFrame stops the run and is returned by Run.
type Sink interface {
	WriteFrame(f *particles.Frame) error
}

// SinkFunc adapts a function to the Sink interface.
type SinkFunc func(f *particles.Frame) error

// WriteFrame calls fn(f).
func (fn SinkFunc) WriteFrame(f *particles.Frame) error { return fn(f) }

// Progress is a snapshot of a running solver, for progress bars and logs.
type Progress struct {
	Step      int64         // steps taken so far
	Steps     int64         // total steps of the run
	Time      float64       // simulated time, s
	Duration  float64       // simulated duration of the run, s
	Particles int           // particles in the domain
	Elapsed   time.Duration // wall time since the run started
}

// ProgressFunc receives progress snapshots. A solver calls it at most a few
// times per second of wall time and once at the end of the run. It may be
// nil.
type ProgressFunc func(Progress)

// Solver is a numerical solver for particle cases.
type Solver interface {
	// Name returns the solver's short name, as used by --solver.
	Name() string

	// Run simulates the case from its initial state for the case's
	// duration, sending a frame to sink at every output interval,
	// including the initial state at time 0. It returns ctx.Err() when
	// the context is cancelled, after the last completed frame was sent.
	Run(ctx context.Context, c *cases.Case, sink Sink, progress ProgressFunc) error
}
