package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"slices"
	"time"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/kernels"
	"github.com/neusim/neusim/mesh"
	"github.com/neusim/neusim/solvers"
	"github.com/neusim/neusim/solvers/lbm"
	"github.com/neusim/neusim/surrogate"
)

// DefaultFluidSteadyTolerance is the default of
// FluidSolverOptions.SteadyTolerance.
const DefaultFluidSteadyTolerance = 4e-3

// FluidSolverOptions controls a FluidSolver. The zero value is usable.
type FluidSolverOptions struct {
	Workers int          // goroutines of the network; zero means GOMAXPROCS
	Logger  *slog.Logger // nil discards
	// SteadyTolerance stops a run once the RMS change of the super-node
	// velocities over one surrogate step is below this fraction of their
	// RMS; default DefaultFluidSteadyTolerance, negative runs the whole
	// duration. The memory restarts make the shipped cavity model's
	// velocities vary by 0.2 to 0.6 % per step once steady, so much
	// smaller tolerances are never met.
	SteadyTolerance float64
	// MemoryWindow and MemoryBurnIn override the model's memory restarts
	// (see FluidMeta.MemoryWindow); a negative window carries the memory
	// through the whole run.
	MemoryWindow, MemoryBurnIn int
}

// FluidSolver runs a fluid case on a trained fluid surrogate (see
// TrainFluid). It groups the case's grid into the super-nodes of
// training, restricts the initial velocity to them and advances them by
// the model's time step with the mLSTM memory carried from step to step,
// from time 0 to the case's duration or the steady state. At every step
// the velocity is interpolated back to the grid nodes and sent to the
// sink.
//
// The surrogate predicts the velocity only; its frames hold the fields
// velocity (m/s) and solid, and no pressure or density.
type FluidSolver struct {
	path  string
	opt   FluidSolverOptions
	log   *slog.Logger
	b     *kernels.CPU[float32]
	model *surrogate.Model[float32]
	meta  FluidMeta
	last  FluidRunStats
}

// FluidRunStats describes the last run of a FluidSolver.
type FluidRunStats struct {
	Steps  int     // surrogate steps taken
	Time   float64 // simulated time reached, s
	Steady bool    // the run stopped at the steady state
	WallS  float64 // wall time of the run, s
}

// NewFluidSolver loads the fluid model at path.
func NewFluidSolver(path string, opt FluidSolverOptions) (*FluidSolver, error) {
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.SteadyTolerance == 0 {
		opt.SteadyTolerance = DefaultFluidSteadyTolerance
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	js, tensors, err := surrogate.ReadWeightsMetadata(path, fluidMetaKey)
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w; fluid cases need a model made by \"neusim train\" on a fluid case", err)
	}
	var meta FluidMeta
	if err := json.Unmarshal(js, &meta); err != nil {
		return nil, fmt.Errorf("pipeline: fluid model %s: invalid metadata JSON: %w", path, err)
	}
	if err := meta.validate(path); err != nil {
		return nil, err
	}
	b := kernels.NewCPU[float32](opt.Workers)
	m, err := surrogate.LoadWeights(path, b, meta.Architecture, tensors)
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	return &FluidSolver{path: path, opt: opt, log: log, b: b, model: m, meta: meta}, nil
}

// Name returns "surrogate".
func (s *FluidSolver) Name() string { return "surrogate" }

// Metadata returns what the model was trained on.
func (s *FluidSolver) Metadata() FluidMeta { return s.meta }

// LastRun returns the statistics of the last Run.
func (s *FluidSolver) LastRun() FluidRunStats { return s.last }

// Close stops the worker goroutines.
func (s *FluidSolver) Close() { s.b.Close() }

// checkCase returns the LBM configuration of c, which supplies the grid
// and the initial velocity, after checking that the model fits c. With
// warn, a parameter outside the trained range and a changed case file
// are warned about; they are never rejected.
func (s *FluidSolver) checkCase(c *cases.Case, warn bool) (lbm.Config, error) {
	if c.Name != s.meta.Case {
		return lbm.Config{}, fmt.Errorf("pipeline: fluid model %s was trained on case %s, not %s; train one with \"neusim train %s\"", s.path, s.meta.Case, c.Name, c.Name)
	}
	cfg, err := fluidGridOf(c, s.opt.Workers)
	if err != nil {
		return cfg, fmt.Errorf("pipeline: %w", err)
	}
	if cfg.Grid.Dims != s.meta.GridNodes {
		return cfg, fmt.Errorf("pipeline: fluid model %s was trained on a grid of %v nodes and case %s has %v; train on this grid or restore fluid.grid",
			s.path, s.meta.GridNodes, c.Name, cfg.Grid.Dims)
	}
	if !warn {
		return cfg, nil
	}
	if h, err := CaseHash(c); err == nil && h != s.meta.CaseHash {
		s.log.Warn("the case file differs from the one the fluid model was trained on", "case", c.Name, "model", s.path)
	}
	if u := c.Fluid.CharacteristicSpeed; math.Abs(u-s.meta.Speed) > 1e-9*s.meta.Speed {
		s.log.Warn("the case's characteristic speed differs from the model's velocity scale; velocities are scaled by the model's", "case_m_per_s", u, "model_m_per_s", s.meta.Speed)
	}
	for _, name := range s.meta.outsideTrained(c.Values) {
		r := s.meta.ParamRanges[name]
		s.log.Warn("parameter outside the range the fluid model was trained on; expect larger errors (\"neusim compare\" measures them)",
			"parameter", name, "value", c.Values[name], "trained_min", r[0], "trained_max", r[1])
	}
	return cfg, nil
}

// memoryWindow returns the steps between memory restarts and the burn-in
// steps before each restart: the options' values, else the model's
// training windows; a window of 0 carries the memory through the run.
func (s *FluidSolver) memoryWindow() (window, burn int) {
	window, burn = s.meta.MemoryWindow, s.meta.MemoryBurnIn
	if s.opt.MemoryWindow != 0 {
		window, burn = s.opt.MemoryWindow, s.opt.MemoryBurnIn
	}
	return max(window, 0), burn
}

// Run advances case c from its initial velocity and sends the fields of
// every surrogate step, time 0 included, to sink.
func (s *FluidSolver) Run(ctx context.Context, c *cases.Case, sink lbm.FieldSink, progress solvers.ProgressFunc) error {
	start := time.Now()
	s.last = FluidRunStats{}
	cfg, err := s.checkCase(c, true)
	if err != nil {
		return err
	}
	fg, err := newFluidGraph(cfg.Grid, c.Fluid.Faces, s.meta.Settings.Target, s.meta.Speed, s.meta.Length)
	if err != nil {
		return fmt.Errorf("pipeline: fluid surrogate: %w", err)
	}
	if fg.group.Len() != s.meta.SuperNodes {
		return fmt.Errorf("pipeline: fluid model %s has %d super-nodes and the grid of case %s groups into %d; the grouping changed since training, so train again",
			s.path, s.meta.SuperNodes, c.Name, fg.group.Len())
	}
	// The solver only supplies the initial fields. Its warnings about the
	// lattice's Mach number and relaxation time do not apply to the
	// surrogate's run.
	cfg.Logger = slog.New(slog.DiscardHandler)
	init, err := lbm.New(cfg)
	if err != nil {
		return fmt.Errorf("pipeline: fluid surrogate: %w", err)
	}
	fields := init.Fields(nil)
	state := fg.restrict(fields[0].Data, s.meta.Speed)
	params := fluidParamFeatures(&s.meta, c.Values)

	dt := s.meta.Settings.Dt
	steps := int(math.Round(c.Fluid.Duration / dt))
	frame := []mesh.Field{mesh.NewField(cfg.Grid, "velocity", "m/s", 3, mesh.AtPoints), mesh.NewField(cfg.Grid, "solid", "1", 1, mesh.AtPoints)}
	emit := func(k int) error {
		fg.prolong(state, s.meta.Speed, frame[0].Data)
		if sink == nil {
			return nil
		}
		return sink.WriteFields(int64(k), float64(k)*dt, frame)
	}
	report := func(k int) {
		if progress != nil {
			progress(solvers.Progress{Step: int64(k), Steps: int64(steps), Time: float64(k) * dt, Duration: float64(steps) * dt, Elapsed: time.Since(start)})
		}
	}

	b, m := s.b, s.model
	mem := [2]*surrogate.Memory[float32]{m.NewMemory(b, fg.group.Len()), m.NewMemory(b, fg.group.Len())}
	var g surrogate.Graph
	var dg surrogate.DeviceGraph[float32]
	var cache surrogate.StepCache[float32]
	out := make([]float32, fg.group.Len()*surrogate.OutWidth)
	forward := func(st []float64) {
		g.N, g.Nodes, g.Senders, g.Receivers, g.Edges = 0, g.Nodes[:0], g.Senders[:0], g.Receivers[:0], g.Edges[:0]
		g.WallReceivers, g.Walls = g.WallReceivers[:0], g.Walls[:0]
		fg.appendGraph(&g, st, params, s.meta.VelStd)
		dg.Upload(b, &g, m.Cfg)
		res := m.Forward(b, &cache, &dg, mem[0], mem[1])
		b.Download(out, res)
		mem[0], mem[1] = mem[1], mem[0]
	}
	window, burn := s.memoryWindow()
	history := [][]float64{slices.Clone(state)} // states 0..k
	if err := emit(0); err != nil {
		return err
	}
	k := 0
	for k < steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		// The memory restarts every window steps from zero, warmed up on
		// the burn states before, as in the training windows.
		if window > 0 && k%window == 0 && mem[0] != nil {
			m.ResizeMemory(b, mem[0], fg.group.Len())
			for j := burn; j >= 1; j-- {
				forward(history[max(0, k-j)])
			}
		}
		forward(state)

		var change, speed float64 // sums of squares
		for c := 0; c < fg.group.Len(); c++ {
			for d := 0; d < 2; d++ {
				du := float64(out[c*surrogate.OutWidth+d]) * s.meta.OutStd[d]
				state[2*c+d] += du
				change += du * du
				if v := state[2*c+d]; math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("pipeline: fluid surrogate: super-node %d velocity is %g at step %d; the rollout diverged", c, v, k+1)
				}
				speed += state[2*c+d] * state[2*c+d]
			}
		}
		change, speed = math.Sqrt(change), math.Sqrt(speed)
		k++
		history = append(history, slices.Clone(state))
		if err := emit(k); err != nil {
			return err
		}
		report(k)
		s.log.Debug("pipeline: fluid surrogate step", "step", k, "relative_change", change/speed)
		if s.opt.SteadyTolerance > 0 && speed > 0 && change/speed < s.opt.SteadyTolerance {
			s.log.Info("pipeline: fluid surrogate reached a steady state", "step", k, "time", float64(k)*dt, "relative_change", change/speed)
			s.last.Steady = true
			break
		}
	}
	s.last.Steps, s.last.Time, s.last.WallS = k, float64(k)*dt, time.Since(start).Seconds()
	return nil
}
