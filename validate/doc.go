// Package validate computes observables from frames, summarises them, and
// compares runs against published references and against each other.
//
// A Recorder is a solvers.Sink: it follows a run frame by frame and keeps
// one time series per observable of the case. Summary values (mean mass
// flow rate, discharge time, final kinetic energy) are derived from those
// series after the run. Units are SI throughout and are stored with every
// series.
package validate
