package liggghts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
)

// Options configures the LIGGGHTS solver. The zero value works when a
// LIGGGHTS executable is on PATH.
type Options struct {
	// Executable is the LIGGGHTS program. Default: the first of
	// "liggghts" (the Debian package's name) and "lmp_auto" found on PATH.
	Executable string

	// Processes > 1 runs LIGGGHTS under "mpirun -np Processes". Default 1.
	// Open MPI refuses to start as root unless OMPI_ALLOW_RUN_AS_ROOT=1
	// and OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 are in the environment.
	Processes int

	// WorkDir is the directory in which the run's temporary work
	// directory is created. Default os.TempDir().
	WorkDir string

	// Keep keeps the work directory (script, meshes, log, dumps) after
	// the run; it is always kept when LIGGGHTS fails.
	Keep bool

	// Script controls the translation of the case.
	Script ScriptOptions

	// Logger receives the work directory, the command and failures.
	// Default: a logger that discards everything.
	Logger *slog.Logger

	// Poll is how often the work directory is checked for new dumps.
	// Default 100 ms.
	Poll time.Duration
}

// Solver runs cases in LIGGGHTS. It implements solvers.Solver.
type Solver struct {
	opt Options
}

// New returns a LIGGGHTS solver.
func New(opt Options) *Solver {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Poll <= 0 {
		opt.Poll = 100 * time.Millisecond
	}
	return &Solver{opt: opt}
}

// Name returns "liggghts".
func (s *Solver) Name() string { return "liggghts" }

// FindExecutable returns the path of the LIGGGHTS program: path itself
// when non-empty, else the first of liggghts and lmp_auto on PATH.
func FindExecutable(path string) (string, error) {
	if path != "" {
		return exec.LookPath(path)
	}
	for _, name := range []string{"liggghts", "lmp_auto"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("liggghts: no LIGGGHTS executable found on PATH (tried liggghts, lmp_auto); install it (Debian: apt-get install liggghts) or set the executable path")
}

// ExecutableVersion runs the LIGGGHTS program at exe on an empty input
// and returns the version in its banner, such as "LIGGGHTS-PUBLIC
// 3.8.0". It gives up after 10 s.
func ExecutableVersion(exe string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-log", "none")
	cmd.Stdin = strings.NewReader("")
	// The working directory guards against files LIGGGHTS may write
	// there despite -log none.
	cmd.Dir = os.TempDir()
	out, err := cmd.CombinedOutput()
	if v, ok := parseBannerVersion(string(out)); ok {
		return v, nil
	}
	if err != nil {
		return "", fmt.Errorf("liggghts: running %s for its version: %w", exe, err)
	}
	return "", fmt.Errorf("liggghts: %s printed no \"(Version ...,\" banner; check that it is a LIGGGHTS executable", exe)
}

// parseBannerVersion finds the version in LIGGGHTS's first line,
// "LIGGGHTS (Version LIGGGHTS-PUBLIC 3.8.0, compiled ...)".
func parseBannerVersion(out string) (string, bool) {
	_, rest, ok := strings.Cut(out, "(Version ")
	if !ok {
		return "", false
	}
	v, _, ok := strings.Cut(rest, ",")
	v = strings.TrimSpace(v)
	return v, ok && v != ""
}

// Run translates c, runs LIGGGHTS in a temporary work directory and sends
// each dump to sink as a frame, with outlet counts, as soon as LIGGGHTS
// has finished writing it. Cancelling ctx kills LIGGGHTS; Run then
// returns ctx.Err().
func (s *Solver) Run(ctx context.Context, c *cases.Case, sink solvers.Sink, progress solvers.ProgressFunc) error {
	log := s.opt.Logger
	exe, err := FindExecutable(s.opt.Executable)
	if err != nil {
		return err
	}
	in, err := Translate(c, s.opt.Script)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp(s.opt.WorkDir, "neusim-liggghts-")
	if err != nil {
		return fmt.Errorf("liggghts: create work directory: %w", err)
	}
	if err := in.WriteDir(dir); err != nil {
		return err
	}

	args := []string{"-in", ScriptName, "-echo", "none", "-log", "log.liggghts"}
	name := exe
	if s.opt.Processes > 1 {
		args = append([]string{"-np", strconv.Itoa(s.opt.Processes), exe}, args...)
		name = "mpirun"
	}
	// runCtx also stops LIGGGHTS when following its output fails.
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	cmd := exec.CommandContext(runCtx, name, args...)
	cmd.Dir = dir
	cmd.WaitDelay = 5 * time.Second
	if s.opt.Processes > 1 {
		// mpirun forwards SIGTERM to its ranks; SIGKILL would orphan them.
		// It is killed after WaitDelay if it does not stop.
		cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	}
	out := newOutputWatcher(c.Outlets)
	cmd.Stdout = out
	cmd.Stderr = out
	log.Info("liggghts: starting", "case", c.Name, "dir", dir, "command", cmd.String())
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("liggghts: start %s: %w", name, err)
	}
	exited := make(chan error, 1)
	waited := make(chan struct{})
	go func() {
		exited <- cmd.Wait()
		close(waited)
	}()

	st := &stream{in: in, c: c, dir: dir, out: out, sink: sink, progress: progress, start: start, keep: s.opt.Keep}
	runErr := st.follow(ctx, exited, s.opt.Poll)
	stop()
	<-waited
	if runErr != nil {
		if ctx.Err() != nil {
			log.Info("liggghts: cancelled", "case", c.Name, "dir", dir)
			if !s.opt.Keep {
				os.RemoveAll(dir)
			}
			return ctx.Err()
		}
		log.Error("liggghts: run failed", "case", c.Name, "dir", dir, "err", runErr)
		return runErr
	}
	log.Info("liggghts: finished", "case", c.Name, "elapsed", time.Since(start))
	if !s.opt.Keep {
		os.RemoveAll(dir)
	}
	return nil
}

// stream follows one LIGGGHTS run and forwards its dumps.
type stream struct {
	in       *Input
	c        *cases.Case
	dir      string
	out      *outputWatcher
	sink     solvers.Sink
	progress solvers.ProgressFunc
	start    time.Time
	keep     bool

	next         int64 // step of the next frame to send
	lastProgress time.Time
}

// follow sends frames as they complete until LIGGGHTS exits, then sends
// the rest. A frame is complete when the dump after it exists, or
// LIGGGHTS has exited, and the outlet check at its step, if any, has been
// printed.
func (st *stream) follow(ctx context.Context, exited <-chan error, poll time.Duration) error {
	ticker := time.NewTicker(poll)
	defer ticker.Stop()
	for {
		select {
		case err := <-exited:
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err != nil {
				return fmt.Errorf("liggghts: LIGGGHTS failed (%v): %s; see %s", err, st.out.failure(), filepath.Join(st.dir, "log.liggghts"))
			}
			if err := st.send(true); err != nil {
				return err
			}
			if st.next <= st.in.Steps {
				return fmt.Errorf("liggghts: LIGGGHTS exited before writing the dump of step %d: %s; see %s", st.next, st.out.failure(), st.dir)
			}
			return nil
		case <-ticker.C:
			if err := st.send(false); err != nil {
				return err
			}
		}
	}
}

func (st *stream) dumpPath(step int64) string {
	return filepath.Join(st.dir, strings.Replace(st.in.DumpPattern, "*", strconv.FormatInt(step, 10), 1))
}

// send forwards every complete frame.
func (st *stream) send(exited bool) error {
	for st.next <= st.in.Steps {
		step := st.next
		if _, err := os.Stat(st.dumpPath(step)); err != nil {
			return nil
		}
		following := step + st.in.OutputSteps
		if !exited {
			// LIGGGHTS opens a dump file only after closing the previous
			// one, and the last one is complete only when it exits.
			if following > st.in.Steps {
				return nil
			}
			if _, err := os.Stat(st.dumpPath(following)); err != nil {
				return nil
			}
			if len(st.c.Outlets) > 0 && !st.out.reached(step) {
				return nil
			}
		}
		if err := st.sendFrame(step); err != nil {
			return err
		}
		st.next = following
	}
	return nil
}

func (st *stream) sendFrame(step int64) error {
	path := st.dumpPath(step)
	r, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("liggghts: %w", err)
	}
	defer r.Close()

	opt := DumpOptions{TimeStep: st.in.TimeStep, IDOffset: st.in.IDOffset}
	var frame *particles.Frame
	for f, err := range ReadDump(r, path, opt) {
		if err != nil {
			return err
		}
		frame = f
	}
	if frame == nil {
		return fmt.Errorf("liggghts: %s: no snapshot in the dump", path)
	}

	if len(st.c.Outlets) > 0 {
		frame.OutletCount, frame.OutletMass = st.out.totals(step)
		if st.out.checkedAt(step) {
			removeInside(frame, st.c.Outlets)
		}
	}
	if err := st.sink.WriteFrame(frame); err != nil {
		return err
	}
	if !st.keep {
		os.Remove(path)
	}
	st.report(frame)
	return nil
}

// report calls the progress function at most four times per second, and
// always for the last frame.
func (st *stream) report(f *particles.Frame) {
	if st.progress == nil {
		return
	}
	now := time.Now()
	if f.Step+st.in.OutputSteps <= st.in.Steps && now.Sub(st.lastProgress) < 250*time.Millisecond {
		return
	}
	st.lastProgress = now
	st.progress(solvers.Progress{
		Step:      f.Step,
		Steps:     st.in.Steps,
		Time:      f.Time,
		Duration:  float64(st.in.Steps) * st.in.TimeStep,
		Particles: f.Len(),
		Elapsed:   now.Sub(st.start),
	})
}

// removeInside drops the particles whose centres lie in an outlet region.
// LIGGGHTS deletes them right after writing the dump of the step at which
// it checks the outlets, and counts them in that check.
func removeInside(f *particles.Frame, outlets []cases.Outlet) {
	keep := 0
	for i := range f.ID {
		in := false
		for _, o := range outlets {
			if insideRegion(o.Region, f.Pos[i]) {
				in = true
				break
			}
		}
		if in {
			continue
		}
		f.ID[keep], f.Pos[keep], f.Vel[keep], f.Omega[keep] = f.ID[i], f.Pos[i], f.Vel[i], f.Omega[i]
		f.Radius[keep], f.Mass[keep], f.Material[keep] = f.Radius[i], f.Mass[i], f.Material[i]
		keep++
	}
	f.Resize(keep)
}
