package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"time"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/kernels"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
	"github.com/neusim/neusim/solvers/dem"
	"github.com/neusim/neusim/surrogate"
)

// SolverOptions configures the surrogate solver. The zero value is usable.
type SolverOptions struct {
	// Workers is the number of goroutines of the model, the grouping and
	// the DEM settling phase; zero means GOMAXPROCS. Results do not
	// depend on it.
	Workers int
	// Device selects the backend of the model: "cpu", "cuda" or "auto"
	// (or empty): CUDA when a program that imports kernels/cuda finds a
	// usable GPU and its libraries, else the CPU after one warning. The
	// DEM phase and the grouping run on the CPU whatever it is.
	Device string
	// Logger receives the handover, regroupings and warnings, such as a
	// parameter outside the trained range. Nil discards them.
	Logger *slog.Logger
	// Turns is the number of turns of the scene about gravity that each
	// prediction is averaged over (surrogate.ModelPredictor.Turns), which
	// makes the model's steps equivariant under those turns. It costs
	// Turns model evaluations per step. Zero means DefaultTurns for a
	// model trained on turned windows and 1 otherwise.
	Turns int
}

// DefaultTurns is the number of turns a model trained on windows turned
// about gravity averages over unless SolverOptions.Turns sets another number.
// Quarter turns map the case's axes onto each other, so a preference for
// one horizontal axis cancels.
const DefaultTurns = 4

// Solver runs a trained surrogate as a solvers.Solver.
//
// A run has two phases. The DEM solver simulates the case from its
// initial state up to the handover time: the latest wall removal (a
// hopper's gate) plus the checkpoint's Settings.HandoverDelay, but at
// least History coarse steps, rounded up to a coarse step. The surrogate
// was trained on the flow after that time and has not learned insertion,
// settling and the start of the flow, so DEM does that part, and its
// frames go to the sink unchanged except for an Entity column of
// particles.NoEntity. From the handover on, the particles are grouped with
// the checkpoint's settings and the model advances the entities by coarse
// steps of the training time step. An ensemble checkpoint
// (surrogate.SaveEnsemble) advances them by the mean of its models'
// predictions. Every coarse step the members are
// moved with their entity (grouping.Binding.Prolong, its affine field
// bounded to the connectivity radius), except those below every active
// wall, which fall freely. Overlapping particles are then pushed apart,
// and particles are pushed out of the active walls. Members that enter
// an outlet or leave the domain are removed and counted, and the rest are
// restricted back to entity states.
// Entities are regrouped every RegroupEvery steps and whenever one has
// lost all its members. Frames with entity ids go to the sink at every output
// interval, so observables, trajectories and VTK work as with DEM.
//
// Frame.Step counts DEM steps up to the handover and one per coarse step
// after it.
type Solver struct {
	path     string
	opt      SolverOptions
	log      *slog.Logger
	b        kernels.BackendCloser
	model    *surrogate.Model[float32]
	members  []*surrogate.Model[float32] // ensemble members after model
	meta     surrogate.Metadata
	settings Settings
	last     RunStats
}

// RunStats describes the last run of a Solver.
type RunStats struct {
	Handover    float64 // time the surrogate took over from DEM, s
	DEMSteps    int64   // DEM steps up to the handover
	Dt          float64 // surrogate time step, s
	CoarseSteps int     // surrogate steps taken
	Regroupings int
	Turns       int // turns about gravity each prediction averaged over
	Models      int // models of the ensemble each prediction averaged over, 1 for a single model
	// Lost and LostMass count the particles, and their mass in kg, that
	// left the domain other than through an outlet. Outlet counts in the
	// frames do not include them, so remaining + discharged + lost is the
	// initial amount.
	Lost     int
	LostMass float64
	DEMWallS float64 // wall time of the DEM phase, s
	WallS    float64 // wall time of the whole run, s
}

var _ solvers.Solver = (*Solver)(nil)

// NewSolver loads the checkpoint at modelPath.
func NewSolver(modelPath string, opt SolverOptions) (*Solver, error) {
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	b, err := kernels.Open(opt.Device, kernels.OpenOptions{Workers: opt.Workers, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	models, meta, err := surrogate.LoadEnsemble(modelPath, b)
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	var st Settings
	if len(meta.Grouping) == 0 {
		b.Close()
		return nil, fmt.Errorf("pipeline: model %s has no pipeline settings in its metadata (field grouping); it was not trained by pipeline.Train", modelPath)
	}
	if err := json.Unmarshal(meta.Grouping, &st); err != nil {
		b.Close()
		return nil, fmt.Errorf("pipeline: model %s: metadata field grouping: %w", modelPath, err)
	}
	if !(meta.Training.Dt > 0) {
		b.Close()
		return nil, fmt.Errorf("pipeline: model %s: training time step %g s in the metadata; want a positive value", modelPath, meta.Training.Dt)
	}
	if opt.Turns < 0 {
		b.Close()
		return nil, fmt.Errorf("pipeline: %d turns about gravity; give 0 (the model's default), 1 (no averaging) or more", opt.Turns)
	}
	if opt.Turns == 0 {
		opt.Turns = 1
		if meta.Training.RotateAboutGravity {
			opt.Turns = DefaultTurns
		}
	}
	return &Solver{path: modelPath, opt: opt, log: log, b: b, model: models[0], members: models[1:], meta: meta, settings: st.withDefaults()}, nil
}

// Name returns "surrogate".
func (s *Solver) Name() string { return "surrogate" }

// Metadata returns the checkpoint's metadata.
func (s *Solver) Metadata() surrogate.Metadata { return s.meta }

// LastRun returns the statistics of the last call to Run. Run must not be
// called concurrently on one Solver when they are used.
func (s *Solver) LastRun() RunStats { return s.last }

// Path returns the checkpoint file the solver was loaded from.
func (s *Solver) Path() string { return s.path }

// Close releases the model's compute backend.
func (s *Solver) Close() { s.b.Close() }

// CheckCase returns an error when the model was trained on another case
// than c. Run checks it too; calling it first rejects such a model before
// any output is written.
func (s *Solver) CheckCase(c *cases.Case) error {
	if c.Name != s.meta.Case {
		return fmt.Errorf("pipeline: model %s was trained on case %q, not %q; give a model trained on %s", s.path, s.meta.Case, c.Name, c.Name)
	}
	return nil
}

// checkCase rejects a case the model was not trained for and warns about
// parameters outside the trained ranges.
func (s *Solver) checkCase(c *cases.Case) (coarse int, err error) {
	if err := s.CheckCase(c); err != nil {
		return 0, err
	}
	if h, err := CaseHash(c); err == nil && h != s.meta.CaseHash {
		s.log.Warn("pipeline: the case file differs from the one the model was trained on", "case", c.Source, "model", s.path)
	}
	for name, r := range s.meta.ParamRanges {
		if x, ok := c.Values[name]; ok && (x < r[0] || x > r[1]) {
			s.log.Warn("pipeline: parameter outside the trained range; the surrogate extrapolates",
				"parameter", name, "value", x, "trained_min", r[0], "trained_max", r[1])
		}
	}
	for _, in := range c.Insertions {
		if in.Mode == cases.InsertPour {
			// NOTE: particles poured after the handover would need grouping on
			// insertion, which grouping.Regroup does. This path has never been
			// trained or tested, so it is rejected.
			return 0, fmt.Errorf("pipeline: case %s: insertion %q pours particles; the surrogate solver supports only packed insertions", c.Name, in.Name)
		}
	}
	dt, out := s.meta.Training.Dt, c.Solver.OutputInterval
	ratio := out / dt
	coarse = int(math.Round(ratio))
	if coarse < 1 || math.Abs(ratio-float64(coarse)) > 1e-6*ratio {
		return 0, fmt.Errorf("pipeline: case %s: output interval %g s is not a multiple of the model's time step %g s; set solver.output_interval to a multiple of it",
			c.Name, out, dt)
	}
	return coarse, nil
}

// FitOutputInterval raises the output interval of c to the model's time
// step when the step is the longer, and logs a warning. A model trained on
// every k-th frame of its DEM data steps k output intervals at once and
// cannot write the frames in between.
func (s *Solver) FitOutputInterval(c *cases.Case) {
	dt, out := s.meta.Training.Dt, c.Solver.OutputInterval
	if dt > out*(1+1e-9) {
		s.log.Warn("pipeline: output interval raised to the surrogate's time step", "case", c.Name, "output_interval_s", out, "surrogate_dt_s", dt)
		c.Solver.OutputInterval = dt
	}
}

// WarnUnwrittenEnd logs a warning when the simulated duration of c is not
// a whole number of output intervals. Solvers write frames at whole
// intervals only, so the end state would not be written. Call it once
// the output interval is final, after FitOutputInterval.
func WarnUnwrittenEnd(log *slog.Logger, c *cases.Case) {
	d, out := c.Solver.Duration, c.Solver.OutputInterval
	frames := math.Floor(d/out + 1e-6)
	if last := frames * out; last < d-1e-6*out {
		log.Warn("the duration is not a multiple of the output interval, so the end state is not written; give a --duration that is a multiple of the interval",
			"case", c.Name, "duration_s", d, "output_interval_s", out, "last_frame_s", last)
	}
}

// handoverTime returns when the surrogate takes over from DEM in case c,
// s.
func (s *Solver) handoverTime(c *cases.Case) float64 {
	return handoverTime(c, s.meta.Training.Dt, s.meta.Features.History, s.settings.HandoverDelay)
}

// Run simulates c: DEM up to the handover, the surrogate after it.
func (s *Solver) Run(ctx context.Context, c *cases.Case, sink solvers.Sink, progress solvers.ProgressFunc) error {
	start := time.Now()
	perOutput, err := s.checkCase(c)
	if err != nil {
		return err
	}
	dt := s.meta.Training.Dt
	hist := s.meta.Features.History
	handover := s.handoverTime(c)
	if handover >= c.Solver.Duration {
		s.log.Warn("pipeline: the handover time is not before the end of the run; DEM runs all of it", "handover_s", handover, "duration_s", c.Solver.Duration)
		handover = c.Solver.Duration
	}

	// DEM phase, keeping the frames of the last History+1 coarse steps.
	s.last = RunStats{Handover: handover, Dt: dt, Turns: s.opt.Turns, Models: 1 + len(s.members)}
	defer func() { s.last.WallS = time.Since(start).Seconds() }()
	history, step, demSteps, err := s.settle(ctx, c, handover, sink, progress, start)
	s.last.DEMWallS, s.last.DEMSteps = time.Since(start).Seconds(), demSteps
	if err != nil || handover >= c.Solver.Duration {
		return err
	}
	s.log.Info("pipeline: handing over from DEM to the surrogate", "time_s", handover, "particles", history[hist].Len(), "dem_wall_s", time.Since(start).Seconds())

	r, err := newRollout(s, c, history, step)
	if err != nil {
		return err
	}
	total := int(math.Floor((c.Solver.Duration-handover)/dt + 1e-9))
	last := time.Now()
	for k := 1; k <= total; k++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := r.step(k)
		s.last.CoarseSteps, s.last.Regroupings, s.last.Lost, s.last.LostMass = k, r.regroups, r.lost, r.lostMass
		if err != nil {
			return err
		}
		if k%perOutput == 0 {
			r.frame.Time = handover + float64(k)*dt
			if err := sink.WriteFrame(r.frame); err != nil {
				return err
			}
		}
		// Progress follows every written frame, so that a run stopped
		// after it reports the frame's step and time.
		if progress != nil && (k == total || k%perOutput == 0 || time.Since(last) > 200*time.Millisecond) {
			last = time.Now()
			progress(solvers.Progress{Step: r.frame.Step, Steps: step + int64(total), Time: handover + float64(k)*dt,
				Duration: c.Solver.Duration, Particles: r.frame.Len(), Elapsed: time.Since(start)})
		}
	}
	if r.lost > 0 {
		// Info, not Warn: callers see the count in LastRun and the frames,
		// and the neusim command warns about it for every solver.
		s.log.Info("pipeline: particles left the domain other than through an outlet", "count", r.lost, "mass_kg", r.lostMass)
	}
	s.log.Info("pipeline: surrogate run done", "coarse_steps", total, "regroupings", r.regroups, "particles", r.frame.Len(), "wall_s", time.Since(start).Seconds())
	return nil
}

// settle runs DEM from the start to the handover time and sends the frames
// at the case's output interval to sink. It returns the frames at the last
// History+1 coarse steps, oldest first, the DEM step of the last of them,
// and the number of DEM steps run. That number is larger when the handover
// does not fall on a coarse step.
func (s *Solver) settle(ctx context.Context, c *cases.Case, handover float64, sink solvers.Sink, progress solvers.ProgressFunc, start time.Time) (_ []*particles.Frame, step, demSteps int64, _ error) {
	dt, out := s.meta.Training.Dt, c.Solver.OutputInterval
	hist := s.meta.Features.History
	cc := *c
	cc.Solver.Duration = handover
	cc.Solver.OutputInterval = dt
	history := make([]*particles.Frame, 0, hist+1)

	// Keep the last frames for the velocity history, and pass those on the
	// output interval to sink.
	fwd := solvers.SinkFunc(func(f *particles.Frame) error {
		if f.Time >= handover-(float64(hist)+0.5)*dt {
			if len(history) == hist+1 {
				history = append(history[:0], history[1:]...)
			}
			history = append(history, f.Clone())
		}
		step = f.Step
		k := f.Time / out
		if math.Abs(k-math.Round(k)) > 1e-6 {
			return nil
		}
		g := f.Clone()
		g.Entity = make([]int32, g.Len())
		for i := range g.Entity {
			g.Entity[i] = particles.NoEntity
		}
		return sink.WriteFrame(g)
	})

	// The DEM solver reports its step count at the end of the run.
	wrap := func(p solvers.Progress) {
		demSteps = p.Step
		if progress != nil {
			p.Duration = c.Solver.Duration
			p.Elapsed = time.Since(start)
			progress(p)
		}
	}
	err := dem.New(dem.Options{Workers: s.opt.Workers, Logger: s.log}).Run(ctx, &cc, fwd, wrap)
	if err != nil {
		return nil, 0, demSteps, err
	}
	if handover < c.Solver.Duration && len(history) != hist+1 {
		return nil, 0, 0, fmt.Errorf("pipeline: DEM phase of case %s wrote %d frames within %d coarse steps of the handover at %g s; want %d",
			c.Name, len(history), hist, handover, hist+1)
	}
	return history, step, demSteps, nil
}
