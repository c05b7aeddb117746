package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/neusim/neusim/solvers"
)

// progressReporter draws a progress bar on a terminal and logs a line
// every few seconds elsewhere, so that redirected output and CI logs stay
// readable.
type progressReporter struct {
	quiet   bool // neither a bar nor progress lines
	bar     *progressbar.ProgressBar
	w       io.Writer
	log     *slog.Logger
	label   string
	lastLog time.Time
	every   time.Duration
}

func newProgress(w io.Writer, log *slog.Logger, label string, quiet bool) *progressReporter {
	p := &progressReporter{quiet: quiet, w: w, log: log, label: label, every: 5 * time.Second}
	if quiet {
		return p
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions64(1000,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(label),
			progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionFullWidth(),
			progressbar.OptionThrottle(100*time.Millisecond),
		)
	}
	return p
}

// update is a solvers.ProgressFunc.
func (p *progressReporter) update(s solvers.Progress) {
	if p.quiet {
		return
	}
	frac := 0.0
	if s.Steps > 0 {
		frac = float64(s.Step) / float64(s.Steps)
	}
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("%s t=%.3fs particles=%d", p.label, s.Time, s.Particles))
		_ = p.bar.Set64(int64(frac * 1000))
		return
	}
	if p.log != nil && (time.Since(p.lastLog) >= p.every || s.Step == s.Steps) {
		p.lastLog = time.Now()
		p.log.Info("progress", "run", p.label, "step", s.Step, "steps", s.Steps,
			"time_s", s.Time, "particles", s.Particles, "percent", fmt.Sprintf("%.1f", 100*frac))
	}
}

func (p *progressReporter) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
		fmt.Fprintln(p.w)
	}
}

// timedRun calls run with a progress callback that drives a progress
// reporter labelled label, and returns the last progress snapshot, the
// wall time and run's error.
func timedRun(env *environment, label string, quiet bool, run func(solvers.ProgressFunc) error) (solvers.Progress, time.Duration, error) {
	prog := newProgress(env.stderr, env.log, label, quiet)
	var last solvers.Progress
	start := time.Now()
	err := run(func(p solvers.Progress) {
		last = p
		prog.update(p)
	})
	wall := time.Since(start)
	prog.finish()
	return last, wall, err
}
