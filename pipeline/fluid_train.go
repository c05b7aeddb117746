package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/internal/buildversion"
	"github.com/neusim/neusim/kernels"
	"github.com/neusim/neusim/mesh"
	"github.com/neusim/neusim/solvers/lbm"
	"github.com/neusim/neusim/surrogate"
)

// FluidTrainOptions controls TrainFluid.
type FluidTrainOptions struct {
	Case string   // case name or path
	Set  []string // fixed parameter overrides, "name=value"
	// Values lists the training variants; each sets every varied
	// parameter (the same names in each), in the parameter's unit.
	Values []map[string]float64
	Out    string // path of the model, .safetensors
	Seed   uint64 // seed of the weights, window sampling and noise

	Settings FluidSettings
	Model    surrogate.Config // the feature widths are set by TrainFluid
	// Train sets Iterations (required), Batch (default 2), Window
	// (default 4), the learning-rate schedule and Pushforward. BurnIn is
	// the number of recorded steps before each window that fill the
	// memory. Noise is the standard deviation of the noise on each
	// window's first input, in velocity standard deviations.
	Train surrogate.TrainConfig
	// RelativeLoss divides each window's squared error by the mean square
	// of its targets (at least fluidLossFloor), so that the small changes
	// near the steady state weigh as much as the start from rest.
	RelativeLoss bool

	Workers int          // goroutines of the LBM runs and the network; 0 means GOMAXPROCS
	Logger  *slog.Logger // nil discards
}

// DefaultFluidTrainOptions returns the settings the shipped cavity model
// was trained with; Case, Values and Out are left to fill in.
func DefaultFluidTrainOptions() FluidTrainOptions {
	return FluidTrainOptions{
		Seed:  1,
		Model: surrogate.Config{Latent: 32, Steps: 3, Heads: 4, Memory: surrogate.MemoryMLSTM},
		Train: surrogate.TrainConfig{Iterations: 5000, Batch: 2, Window: 3, BurnIn: 2, Noise: 0.1, Pushforward: true,
			LRStart: 3e-3, LREnd: 3e-5, Schedule: surrogate.ScheduleCosine},
	}
}

// FluidTrainReport is the result of TrainFluid.
type FluidTrainReport struct {
	Meta FluidMeta `json:"metadata"`
	// Loss is the mean training loss of each block of 100 iterations.
	Loss []float64 `json:"loss_per_100_iterations"`
}

// fluidSeq is the super-node trajectory of one training variant.
type fluidSeq struct {
	name   string
	params []float64   // normalised design parameters
	frames [][]float64 // per frame, N×2 velocity / U
}

// TrainFluid runs LBM on every variant of opt.Values, restricts the
// velocity every Settings.Dt to super-nodes and trains the graph network
// with mLSTM memory to advance them by one step. It writes the model to
// opt.Out and returns its metadata with the loss history.
func TrainFluid(ctx context.Context, opt FluidTrainOptions) (*FluidTrainReport, error) {
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if len(opt.Values) == 0 {
		return nil, fmt.Errorf("pipeline: train fluid: no training variants; give at least one set of parameter values")
	}
	if opt.Train.Iterations < 1 {
		return nil, fmt.Errorf("pipeline: train fluid: %d iterations; give a positive number", opt.Train.Iterations)
	}
	if err := os.MkdirAll(filepath.Dir(opt.Out), 0o755); err != nil {
		return nil, fmt.Errorf("pipeline: train fluid: %w", err)
	}
	base, err := cases.Load(opt.Case, cases.Options{Set: opt.Set})
	if err != nil {
		return nil, fmt.Errorf("pipeline: train fluid: %w", err)
	}
	meta, err := newFluidMeta(base, opt)
	if err != nil {
		return nil, err
	}

	// Data: one LBM run per variant.
	start := time.Now()
	var fg *fluidGraph
	var seqs []*fluidSeq
	for _, values := range opt.Values {
		seq, g, err := fluidSequence(ctx, opt, meta, values, fg)
		if err != nil {
			return nil, err
		}
		fg = g
		seqs = append(seqs, seq)
		log.Info("pipeline: train fluid: variant simulated", "variant", seq.name, "frames", len(seq.frames), "elapsed", time.Since(start))
	}
	meta.Training.DataWallS = time.Since(start).Seconds()
	meta.SuperNodes = fg.group.Len()
	meta.VelStd, meta.OutStd = fluidStats(seqs)
	meta.Training.Sequences = len(seqs)
	for _, s := range seqs {
		meta.Training.Frames += len(s.frames)
	}

	// Training.
	b := kernels.NewCPU[float32](opt.Workers)
	defer b.Close()
	cfg := fluidModelConfig(opt.Model, len(meta.Params))
	m, err := surrogate.NewModel(b, cfg, opt.Seed)
	if err != nil {
		return nil, fmt.Errorf("pipeline: train fluid: %w", err)
	}
	meta.Architecture = m.Cfg
	tr := newFluidTrainer(b, m, fg, meta, seqs, opt.Train, opt.Seed)
	tr.relative = opt.RelativeLoss
	rep := &FluidTrainReport{}
	start = time.Now()
	var block float64
	for it := 1; it <= tr.cfg.Iterations; it++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		loss, err := tr.step(it)
		if err != nil {
			return nil, err
		}
		block += loss
		if it%100 == 0 || it == tr.cfg.Iterations {
			n := it % 100
			if n == 0 {
				n = 100
			}
			rep.Loss = append(rep.Loss, block/float64(n))
			log.Info("pipeline: train fluid", "iteration", it, "loss", block/float64(n), "elapsed", time.Since(start))
			block = 0
		}
	}
	meta.Training.TrainWallS = time.Since(start).Seconds()
	meta.Training.Iterations = tr.cfg.Iterations
	meta.MemoryWindow, meta.MemoryBurnIn = tr.cfg.Window, tr.cfg.BurnIn
	meta.Training.FinalLoss = rep.Loss[len(rep.Loss)-1]
	meta.Training.OneStepRMS, meta.Training.PersistenceRMS = tr.oneStepRMS()
	log.Info("pipeline: train fluid: one-step error on the training frames", "rms", meta.Training.OneStepRMS, "persistence_rms", meta.Training.PersistenceRMS)
	meta.Created = time.Now().UTC().Format(time.RFC3339)
	rep.Meta = *meta
	if err := surrogate.SaveWeights(opt.Out, b, m, fluidMetaKey, meta); err != nil {
		return nil, fmt.Errorf("pipeline: train fluid: %w", err)
	}
	return rep, nil
}

// newFluidMeta fills in the metadata that follows from the case and the
// options, before any data exists.
func newFluidMeta(c *cases.Case, opt FluidTrainOptions) (*FluidMeta, error) {
	if c.Fluid == nil {
		return nil, fmt.Errorf("pipeline: train fluid: case %s has no fluid section; train it with the DEM pipeline", c.Name)
	}
	hash, err := CaseHash(c)
	if err != nil {
		return nil, err
	}
	meta := &FluidMeta{Format: FluidFormat, Version: FluidFormatVersion, NeusimVersion: buildversion.String(),
		Settings: opt.Settings, Case: c.Name, CaseHash: hash, Solver: "lbm", Seed: opt.Seed,
		ParamRanges: map[string][2]float64{}, TrainValues: opt.Values}
	for name := range opt.Values[0] {
		meta.Params = append(meta.Params, name)
	}
	sort.Strings(meta.Params)
	for _, name := range meta.Params {
		i := slices.IndexFunc(c.Parameters, func(p cases.Parameter) bool { return p.Name == name })
		if i < 0 {
			return nil, fmt.Errorf("pipeline: train fluid: case %s has no parameter %q", c.Name, name)
		}
		p := c.Parameters[i]
		if !(p.Min > 0) || !(p.Max > p.Min) {
			return nil, fmt.Errorf("pipeline: train fluid: parameter %s has range [%g, %g]; the fluid surrogate needs a positive range, since it sees the logarithm", name, p.Min, p.Max)
		}
		lo, hi := math.Log(p.Min), math.Log(p.Max)
		meta.LogCentre = append(meta.LogCentre, (lo+hi)/2)
		meta.LogHalfWidth = append(meta.LogHalfWidth, (hi-lo)/2)
		r := [2]float64{math.Inf(1), math.Inf(-1)}
		for k, values := range opt.Values {
			v, ok := values[name]
			if !ok || len(values) != len(meta.Params) {
				return nil, fmt.Errorf("pipeline: train fluid: variant %d sets %v; every variant must set the same parameters %v", k, values, meta.Params)
			}
			r[0], r[1] = math.Min(r[0], v), math.Max(r[1], v)
		}
		meta.ParamRanges[name] = r
	}

	cfg, err := fluidGridOf(c, opt.Workers)
	if err != nil {
		return nil, fmt.Errorf("pipeline: train fluid: %w", err)
	}
	lo, hi := cfg.Grid.Extent()
	meta.GridNodes = cfg.Grid.Dims
	meta.Speed = c.Fluid.CharacteristicSpeed
	meta.Length = math.Max(hi.X-lo.X, hi.Y-lo.Y) + cfg.Grid.Spacing
	if meta.Settings.Target == 0 {
		meta.Settings.Target = 9
	}
	if meta.Settings.Dt == 0 {
		meta.Settings.Dt = 5 * meta.Length / meta.Speed
	}
	if meta.Settings.Duration == 0 {
		meta.Settings.Duration = c.Fluid.Duration
	}
	if !(meta.Settings.Dt > 0) || meta.Settings.Duration < 2*meta.Settings.Dt || meta.Settings.Target < 2 {
		return nil, fmt.Errorf("pipeline: train fluid: step %g s, duration %g s and target %d: want a positive step, a duration of at least two steps and at least 2 points per super-node",
			meta.Settings.Dt, meta.Settings.Duration, meta.Settings.Target)
	}
	return meta, nil
}

// fluidSequence runs LBM on one variant and returns its super-node
// trajectory. fg is the graph of the earlier variants (nil for the first);
// the returned graph is fg or, for the first variant, a new one.
func fluidSequence(ctx context.Context, opt FluidTrainOptions, meta *FluidMeta, values map[string]float64, fg *fluidGraph) (*fluidSeq, *fluidGraph, error) {
	set := slices.Clone(opt.Set)
	name := ""
	for _, p := range meta.Params {
		set = append(set, fmt.Sprintf("%s=%.17g", p, values[p]))
		name += fmt.Sprintf("%s=%g ", p, values[p])
	}
	c, err := cases.Load(opt.Case, cases.Options{Set: set})
	if err != nil {
		return nil, nil, fmt.Errorf("pipeline: train fluid: %w", err)
	}
	cfg, err := fluidGridOf(c, opt.Workers)
	if err != nil {
		return nil, nil, fmt.Errorf("pipeline: train fluid: %w", err)
	}
	if fg == nil {
		if fg, err = newFluidGraph(cfg.Grid, c.Fluid.Faces, meta.Settings.Target, meta.Speed, meta.Length); err != nil {
			return nil, nil, fmt.Errorf("pipeline: train fluid: %w", err)
		}
	} else if cfg.Grid.Dims != fg.grid.Dims {
		return nil, nil, fmt.Errorf("pipeline: train fluid: variant %s has a grid of %v nodes, the first has %v; every variant must share the grid", name, cfg.Grid.Dims, fg.grid.Dims)
	}

	dt := meta.Settings.Dt
	frames := int(math.Round(meta.Settings.Duration/dt)) + 1
	cfg.OutputInterval = dt
	cfg.Duration = dt * float64(frames-1)
	seq := &fluidSeq{name: name[:len(name)-1], params: fluidParamFeatures(meta, values)}
	var last []float64
	err = lbm.Run(ctx, cfg, lbm.FieldSinkFunc(func(_ int64, t float64, f []mesh.Field) error {
		last = fg.restrict(f[0].Data, meta.Speed)
		if k := t / dt; math.Abs(k-math.Round(k)) < 1e-6 {
			seq.frames = append(seq.frames, last)
		}
		return nil
	}), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("pipeline: train fluid: LBM on %s: %w", seq.name, err)
	}
	// A run that stopped at its steady state stays there.
	for len(seq.frames) < frames {
		seq.frames = append(seq.frames, last)
	}
	return seq, fg, nil
}

// fluidStats returns the standard deviation of the velocity over all
// frames and of its change over one step, per component.
func fluidStats(seqs []*fluidSeq) (float64, [2]float64) {
	var sv, nv float64
	var sd [2]float64
	var nd float64
	for _, s := range seqs {
		for t, f := range s.frames {
			for _, x := range f {
				sv += x * x
				nv++
			}
			if t == 0 {
				continue
			}
			prev := s.frames[t-1]
			for c := 0; c < len(f)/2; c++ {
				for d := 0; d < 2; d++ {
					x := f[2*c+d] - prev[2*c+d]
					sd[d] += x * x
				}
				nd++
			}
		}
	}
	vel := math.Sqrt(sv / nv)
	out := [2]float64{math.Sqrt(sd[0] / nd), math.Sqrt(sd[1] / nd)}
	for d := range out {
		if !(out[d] > 1e-12) {
			out[d] = 1
		}
	}
	if !(vel > 1e-12) {
		vel = 1
	}
	return vel, out
}

// fluidLossFloor is the smallest mean square of a window's normalised
// targets that its loss is divided by (see fluidTrainer.step).
const fluidLossFloor = 1e-2

// fluidTrainer fits the model to one-step changes of the super-node
// velocities. A window of Window steps starts from a recorded frame with
// Gaussian noise; its later inputs are the model's own predictions
// (Pushforward) or recorded frames with fresh noise, and every target is
// the recorded next frame minus the input, so the model learns to pull a
// perturbed state back to the recorded trajectory. The memory is carried
// through the window (backpropagation through time) after BurnIn recorded
// steps without gradient.
type fluidTrainer struct {
	b    kernels.Backend
	m    *surrogate.Model[float32]
	fg   *fluidGraph
	meta *FluidMeta
	seqs []*fluidSeq
	cfg  surrogate.TrainConfig
	rng  *rand.Rand
	// relative is FluidTrainOptions.RelativeLoss.
	relative bool

	graphs []surrogate.Graph
	device []surrogate.DeviceGraph[float32]
	caches []surrogate.StepCache[float32]
	states []*surrogate.Memory[float32]
	douts  []*kernels.Tensor[float32]
}

func newFluidTrainer(b kernels.Backend, m *surrogate.Model[float32], fg *fluidGraph, meta *FluidMeta,
	seqs []*fluidSeq, cfg surrogate.TrainConfig, seed uint64) *fluidTrainer {
	cfg = cfg.Defaults()
	k := cfg.Window
	t := &fluidTrainer{b: b, m: m, fg: fg, meta: meta, seqs: seqs, cfg: cfg,
		rng:    rand.New(rand.NewPCG(seed, 0x666c756964)),
		graphs: make([]surrogate.Graph, k), device: make([]surrogate.DeviceGraph[float32], k),
		caches: make([]surrogate.StepCache[float32], k+1), douts: make([]*kernels.Tensor[float32], k)}
	n := cfg.Batch * fg.group.Len()
	for i := 0; i <= k; i++ {
		t.states = append(t.states, m.NewMemory(b, n))
	}
	for i := range t.douts {
		t.douts[i] = b.NewTensor(n, surrogate.OutWidth)
	}
	return t
}

// fluidWindow is the state of one sampled window.
type fluidWindow struct {
	seq   *fluidSeq
	t0    int
	state []float64 // N×2 velocity / U of the current input
}

// noisy returns frame plus Gaussian noise of the configured size.
func (t *fluidTrainer) noisy(frame []float64) []float64 {
	out := slices.Clone(frame)
	sigma := t.cfg.Noise * t.meta.VelStd
	if sigma > 0 {
		for i := range out {
			out[i] += sigma * t.rng.NormFloat64()
		}
	}
	return out
}

// forward builds the joined graph of the windows into graph slot s and
// runs the model with cache slot cache from memory state s to s+1. It
// returns the normalised outputs.
func (t *fluidTrainer) forward(s, cache int, wins []fluidWindow) []float32 {
	g := &t.graphs[s]
	g.N, g.Nodes, g.Senders, g.Receivers, g.Edges = 0, g.Nodes[:0], g.Senders[:0], g.Receivers[:0], g.Edges[:0]
	g.WallReceivers, g.Walls = g.WallReceivers[:0], g.Walls[:0]
	for _, w := range wins {
		t.fg.appendGraph(g, w.state, w.seq.params, t.meta.VelStd)
	}
	t.device[s].Upload(t.b, g, t.m.Cfg)
	out := t.m.Forward(t.b, &t.caches[cache], &t.device[s], t.states[s], t.states[s+1])
	host := make([]float32, out.Len())
	t.b.Download(host, out)
	return host
}

// step samples a batch of windows, takes one optimiser step and returns
// the loss before it.
func (t *fluidTrainer) step(it int) (float64, error) {
	k, burn := t.cfg.Window, t.cfg.BurnIn
	n := t.fg.group.Len()
	wins := make([]fluidWindow, t.cfg.Batch)
	for i := range wins {
		seq := t.seqs[t.rng.IntN(len(t.seqs))]
		wins[i] = fluidWindow{seq: seq, t0: t.rng.IntN(len(seq.frames) - k)}
	}
	for _, st := range t.states {
		t.m.ResizeMemory(t.b, st, t.cfg.Batch*n)
	}

	// Burn-in: recorded frames before the window fill the memory. The
	// last slot of the caches serves these steps, whose activations are
	// not needed.
	if t.m.Mem != nil && burn > 0 {
		for j := burn; j >= 1; j-- {
			for i := range wins {
				wins[i].state = t.noisy(wins[i].seq.frames[max(0, wins[i].t0-j)])
			}
			t.forwardBurn(wins)
		}
	}

	// Window forward.
	outs := make([][]float32, k)
	targets := make([][]float64, k)
	for i := range wins {
		wins[i].state = t.noisy(wins[i].seq.frames[wins[i].t0])
	}
	for s := 0; s < k; s++ {
		outs[s] = t.forward(s, s, wins)
		targets[s] = make([]float64, 2*len(wins)*n)
		for i := range wins {
			w := &wins[i]
			next := w.seq.frames[w.t0+s+1]
			for c := 0; c < n; c++ {
				for d := 0; d < 2; d++ {
					targets[s][2*(i*n+c)+d] = (next[2*c+d] - w.state[2*c+d]) / t.meta.OutStd[d]
				}
			}
		}
		if s == k-1 {
			break
		}
		for i := range wins {
			w := &wins[i]
			if t.cfg.Pushforward {
				for c := 0; c < n; c++ {
					for d := 0; d < 2; d++ {
						w.state[2*c+d] += float64(outs[s][(i*n+c)*surrogate.OutWidth+d]) * t.meta.OutStd[d]
					}
				}
			} else {
				w.state = t.noisy(w.seq.frames[w.t0+s+1])
			}
		}
	}

	// Loss over the two velocity columns; the other outputs are unused.
	// With RelativeLoss, each window's squared error is divided by the
	// mean square of its targets (at least fluidLossFloor).
	var loss float64
	rows := len(wins) * n
	grads := make([][]float32, k)
	for s := range grads {
		grads[s] = make([]float32, rows*surrogate.OutWidth)
	}
	for i := range wins {
		var ms float64
		for s := 0; s < k; s++ {
			for _, y := range targets[s][2*i*n : 2*(i+1)*n] {
				ms += y * y
			}
		}
		ms /= float64(k * n * 2)
		if !t.relative {
			ms = 1
		}
		scale := 1 / (math.Max(ms, fluidLossFloor) * float64(k*rows*2))
		for s := 0; s < k; s++ {
			for r := i * n; r < (i+1)*n; r++ {
				for d := 0; d < 2; d++ {
					diff := float64(outs[s][r*surrogate.OutWidth+d]) - targets[s][2*r+d]
					loss += diff * diff * scale
					grads[s][r*surrogate.OutWidth+d] = float32(2 * diff * scale)
				}
			}
		}
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss, fmt.Errorf("pipeline: train fluid: loss is %g at iteration %d; lower the learning rate", loss, it)
	}

	// Backward through time and the update.
	t.m.Params.ZeroGrad(t.b)
	ds := t.m.NewMemoryGrad(t.b, rows)
	for s := k - 1; s >= 0; s-- {
		t.b.Upload(t.douts[s], grads[s])
		t.m.Backward(t.b, &t.caches[s], t.douts[s], ds)
	}
	surrogate.ApplyGradients(t.b, t.m, t.cfg, it)
	return loss, nil
}

// oneStepRMS returns the RMS error of the one-step change of u/U that
// the model predicts along every recorded sequence, memory carried from
// frame 0, and the RMS of the change itself (the error of persistence).
func (t *fluidTrainer) oneStepRMS() (model, persistence float64) {
	n := t.fg.group.Len()
	var sm, sp, count float64
	for _, seq := range t.seqs {
		for _, st := range t.states[:2] {
			t.m.ResizeMemory(t.b, st, n)
		}
		for f := 0; f+1 < len(seq.frames); f++ {
			win := []fluidWindow{{seq: seq, state: seq.frames[f]}}
			out := t.forward(0, 0, win)
			for c := 0; c < n; c++ {
				for d := 0; d < 2; d++ {
					change := seq.frames[f+1][2*c+d] - seq.frames[f][2*c+d]
					pred := float64(out[c*surrogate.OutWidth+d]) * t.meta.OutStd[d]
					sm += (pred - change) * (pred - change)
					sp += change * change
					count++
				}
			}
			t.carryMemory()
		}
	}
	return math.Sqrt(sm / count), math.Sqrt(sp / count)
}

// forwardBurn advances memory state 0 by one step on the windows'
// current states. Its activations go to the spare cache slot, because
// Backward never needs them.
func (t *fluidTrainer) forwardBurn(wins []fluidWindow) {
	t.forward(0, t.cfg.Window, wins)
	t.carryMemory()
}

// carryMemory copies memory state 1 into state 0 (nothing without memory).
func (t *fluidTrainer) carryMemory() {
	if t.states[0] == nil {
		return
	}
	for i := range t.states[0].Tensors {
		t.b.Copy(t.states[0].Tensors[i], t.states[1].Tensors[i])
	}
}
