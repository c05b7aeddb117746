package surrogate

import (
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"

	"github.com/neusim/neusim/kernels"
)

// TrainConfig holds the training settings. Zero fields take the default
// given in their comment; Defaults fills them in.
type TrainConfig struct {
	Iterations int      // optimiser steps (required)
	Schedule   Schedule // default ScheduleExponential
	LRStart    float64  // default 1e-4 (GNS)
	LREnd      float64  // default 1e-6 (GNS)
	DecaySteps int      // default Iterations
	Beta1      float64  // default 0.9
	Beta2      float64  // default 0.999
	Eps        float64  // default 1e-8
	// WeightDecay is the decoupled weight decay of AdamW; 0 means none.
	WeightDecay float64
	ClipNorm    float64 // global gradient norm limit; default 1, negative disables

	Batch  int // windows per optimiser step, joined into one graph; default 2
	Window int // consecutive steps per window, memory carried with backpropagation through time; default 4

	// Noise is the standard deviation of the random-walk noise added to
	// the input velocity history, in units of the velocity standard
	// deviation, reached at the most recent velocity (Sanchez-Gonzalez et
	// al. 2020). Default 0: no noise.
	Noise float64
	// RolloutWeight weighs the window position loss (see Trainer) against
	// the one-step loss; 0 leaves it out.
	RolloutWeight float64
	// BurnIn is the number of recorded steps run forward, without
	// gradient, before each window to fill the memory; 0 starts every
	// window from the zero memory.
	BurnIn int
	// Pushforward builds the inputs of every window step after the first
	// from the model's own predictions (integrated without gradient), with
	// targets that lead back to the recorded trajectory, instead of from
	// the recorded states (teacher forcing). It trains the model to
	// correct its own drift (Brandstetter, Worrall and Welling 2022,
	// "Message passing neural PDE solvers").
	Pushforward bool
	// RotateAbout, when not zero, is a direction (any length) about which
	// every training window is turned by a random angle, with its walls.
	// Set to gravity, it teaches the model that the physics does not
	// depend on the horizontal direction, which the case's axes otherwise
	// let it learn.
	RotateAbout [3]float64

	Seed uint64 // seed of window sampling, rotations and noise
}

// Defaults returns c with zero fields set to their defaults.
func (c TrainConfig) Defaults() TrainConfig {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.LRStart, 1e-4)
	def(&c.LREnd, 1e-6)
	def(&c.Beta1, 0.9)
	def(&c.Beta2, 0.999)
	def(&c.Eps, 1e-8)
	def(&c.ClipNorm, 1)
	if c.Schedule == "" {
		c.Schedule = ScheduleExponential
	}
	if c.DecaySteps == 0 {
		c.DecaySteps = c.Iterations
	}
	if c.Batch == 0 {
		c.Batch = 2
	}
	if c.Window == 0 {
		c.Window = 4
	}
	return c
}

// Trainer fits a float32 model to sequences.
//
// The loss of one window of K steps t..t+K-1, with memory carried from a
// zero state through the window, is
//
//	L = (1/K) Σ_k mean((ŷ_k - y_k)²) + RolloutWeight·(1/K) Σ_k mean((E_k/k)²)
//
// where ŷ and y are the normalised predicted and target outputs (12 per
// entity) and E_k = Σ_{i<k} (k-i)·(â_i - a_i) is the position error, in
// units of Dt²·std(a), that semi-implicit Euler accumulates after k steps
// from the acceleration errors.
//
// With teacher forcing the inputs inside a window are the recorded states,
// so the position term measures accumulated drift but not the feedback of
// the model's own errors into its inputs; Pushforward adds that feedback.
//
// Without BurnIn every window starts from a zero memory, while a rollout's
// memory has seen all earlier steps.
type Trainer struct {
	B     kernels.Backend
	Model *Model[float32]
	Feat  Features
	Norm  Normalisation
	Cfg   TrainConfig
	Log   *slog.Logger

	seqs      []*Sequence
	rng       *rand.Rand
	iteration int
	windows   []window
	burn      [2]*Memory[float32] // burn-in states

	caches  []StepCache[float32]
	graphs  []DeviceGraph[float32]
	states  []*Memory[float32]
	douts   []*kernels.Tensor[float32]
	host    hostWindow
	outHost []float32
}

// hostWindow holds the host-side inputs and targets of one batch.
type hostWindow struct {
	graphs  []Graph     // one per step, the batch joined
	targets [][]float64 // per step, N×12 normalised targets
	part    Graph
}

// NewTrainer checks its inputs and returns a trainer. log may be nil.
func NewTrainer(b kernels.Backend, m *Model[float32], feat Features, norm Normalisation,
	cfg TrainConfig, seqs []*Sequence, log *slog.Logger) (*Trainer, error) {
	cfg = cfg.Defaults()
	if cfg.Iterations < 1 || cfg.Window < 1 || cfg.Batch < 1 || cfg.BurnIn < 0 {
		return nil, fmt.Errorf("surrogate: train: iterations %d, window %d and batch %d must be positive and burn-in %d not negative",
			cfg.Iterations, cfg.Window, cfg.Batch, cfg.BurnIn)
	}
	if err := feat.Validate(); err != nil {
		return nil, err
	}
	if m.Cfg.NodeIn != feat.NodeIn() || m.Cfg.EdgeIn != EdgeFeatures || m.Cfg.WallIn != WallFeatures {
		return nil, fmt.Errorf("surrogate: train: model input widths %d/%d/%d do not match the features %d/%d/%d",
			m.Cfg.NodeIn, m.Cfg.EdgeIn, m.Cfg.WallIn, feat.NodeIn(), EdgeFeatures, WallFeatures)
	}
	for _, s := range seqs {
		if err := s.Validate(feat.Materials); err != nil {
			return nil, err
		}
		for t := range s.Frames {
			if got := len(s.Frames[t].Design); got != len(feat.Design) {
				return nil, fmt.Errorf("surrogate: train: sequence %q frame %d has %d design parameter values, want %d (one per Features.Design)",
					s.Name, t, got, len(feat.Design))
			}
		}
		if need := feat.History + cfg.BurnIn + cfg.Window + 1; len(s.Frames) < need {
			return nil, fmt.Errorf("surrogate: train: sequence %q has %d frames, want at least history + burn-in + window + 1 = %d",
				s.Name, len(s.Frames), need)
		}
	}
	if len(seqs) == 0 {
		return nil, fmt.Errorf("surrogate: train: no sequences")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Trainer{B: b, Model: m, Feat: feat, Norm: norm, Cfg: cfg, Log: log, seqs: seqs,
		rng: rand.New(rand.NewPCG(cfg.Seed, 0x747261696e))}, nil
}

// Iteration returns the number of optimiser steps taken.
func (t *Trainer) Iteration() int { return t.iteration }

// Step samples a batch of windows, takes one AdamW step and returns the
// loss before the step and the gradient norm before clipping.
func (t *Trainer) Step() (loss, gradNorm float64, err error) {
	b, m, k := t.B, t.Model, t.Cfg.Window
	if len(t.caches) != k {
		t.caches, t.graphs = make([]StepCache[float32], k), make([]DeviceGraph[float32], k)
		t.douts, t.states = make([]*kernels.Tensor[float32], k), nil
		t.host.graphs, t.host.targets = make([]Graph, k), make([][]float64, k)
	}
	t.sampleWindows()
	n := 0
	for _, w := range t.windows {
		n += len(w.pos) / 3
	}

	// Forward through the window with memory carried.
	if len(t.states) != k+1 {
		t.states = make([]*Memory[float32], k+1)
		for i := range t.states {
			t.states[i] = m.NewMemory(b, n)
		}
	}
	for i := range t.states {
		m.ResizeMemory(b, t.states[i], n)
	}
	if err := t.burnIn(n); err != nil {
		return 0, 0, err
	}
	outs := make([][]float64, k)
	for s := 0; s < k; s++ {
		t.buildStep(s)
		if err := t.host.graphs[s].Validate(m.Cfg); err != nil {
			return 0, 0, err
		}
		t.graphs[s].Upload(b, &t.host.graphs[s], m.Cfg)
		out := m.Forward(b, &t.caches[s], &t.graphs[s], t.states[s], t.states[s+1])
		outs[s] = t.download(out)
		if t.Cfg.Pushforward && s < k-1 {
			t.advanceWindows(outs[s])
		}
	}

	// Loss and its gradient with respect to the outputs.
	loss, grads := windowLoss(outs, t.host.targets, t.Cfg.RolloutWeight)
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss, 0, fmt.Errorf("surrogate: train: loss is %g at iteration %d; lower the learning rate or check the data", loss, t.iteration)
	}

	// Backward through time, clip, update.
	m.Params.ZeroGrad(b)
	ds := m.NewMemoryGrad(b, n)
	for s := k - 1; s >= 0; s-- {
		d := ensure(b, &t.douts[s], n, OutWidth)
		g32 := make([]float32, len(grads[s]))
		for i, v := range grads[s] {
			g32[i] = float32(v)
		}
		b.Upload(d, g32)
		m.Backward(b, &t.caches[s], d, ds)
	}
	gradNorm = clipGradients(b, &m.Params, t.Cfg.ClipNorm)
	t.iteration++
	lr := learningRate(t.Cfg.Schedule, t.Cfg.LRStart, t.Cfg.LREnd, t.Cfg.DecaySteps, t.iteration-1)
	for _, p := range m.Params.List {
		b.AdamW(p.Value, p.Grad, p.M, p.V, kernels.AdamWStep{LR: lr, Beta1: t.Cfg.Beta1, Beta2: t.Cfg.Beta2,
			Eps: t.Cfg.Eps, WeightDecay: t.Cfg.WeightDecay, Step: t.iteration})
	}
	if t.iteration%100 == 0 {
		t.Log.Info("surrogate: training", "iteration", t.iteration, "loss", loss, "grad_norm", gradNorm, "lr", lr)
	}
	return loss, gradNorm, nil
}

// burnIn runs BurnIn recorded steps before the windows, without
// gradient, and leaves the memory they produce in t.states[0].
func (t *Trainer) burnIn(n int) error {
	b, m := t.B, t.Model
	if t.Cfg.BurnIn == 0 || m.Mem == nil {
		return nil
	}
	if t.burn[0] == nil {
		t.burn = [2]*Memory[float32]{m.NewMemory(b, n), m.NewMemory(b, n)}
	}
	m.ResizeMemory(b, t.burn[0], n)
	m.ResizeMemory(b, t.burn[1], n)
	for j := 0; j < t.Cfg.BurnIn; j++ {
		t.buildFrames(0, j-t.Cfg.BurnIn, true)
		if err := t.host.graphs[0].Validate(m.Cfg); err != nil {
			return err
		}
		t.graphs[0].Upload(b, &t.host.graphs[0], m.Cfg)
		m.Forward(b, &t.caches[0], &t.graphs[0], t.burn[0], t.burn[1])
		t.burn[0], t.burn[1] = t.burn[1], t.burn[0]
	}
	for i, src := range t.burn[0].Tensors {
		b.Copy(t.states[0].Tensors[i], src)
	}
	return nil
}

func (t *Trainer) download(out *kernels.Tensor[float32]) []float64 {
	if cap(t.outHost) < out.Len() {
		t.outHost = make([]float32, out.Len())
	}
	h := t.outHost[:out.Len()]
	t.B.Download(h, out)
	v := make([]float64, len(h))
	for i, x := range h {
		v[i] = float64(x)
	}
	return v
}

// windowLoss returns the loss of the package doc and its gradient with
// respect to every output.
func windowLoss(outs, targets [][]float64, rolloutWeight float64) (float64, [][]float64) {
	k := len(outs)
	grads := make([][]float64, k)
	var loss float64
	for s := range outs {
		grads[s] = make([]float64, len(outs[s]))
		scale := 1 / float64(k*len(outs[s]))
		for i, y := range outs[s] {
			d := y - targets[s][i]
			loss += d * d * scale
			grads[s][i] = 2 * d * scale
		}
	}
	if rolloutWeight == 0 {
		return loss, grads
	}
	n := len(outs[0]) / OutWidth
	scale := rolloutWeight / float64(k*n*3)
	for e := 0; e < n; e++ {
		for c := 0; c < 3; c++ {
			j := e*OutWidth + c
			for kk := 1; kk <= k; kk++ {
				var ek float64
				for i := 0; i < kk; i++ {
					ek += float64(kk-i) * (outs[i][j] - targets[i][j])
				}
				w := 1 / float64(kk*kk)
				loss += scale * ek * ek * w
				for i := 0; i < kk; i++ {
					grads[i][j] += scale * 2 * ek * w * float64(kk-i)
				}
			}
		}
	}
	return loss, grads
}
