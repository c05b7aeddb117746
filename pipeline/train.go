package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/internal/atomicfile"
	"github.com/neusim/neusim/kernels"
	"github.com/neusim/neusim/surrogate"
)

// TrainOptions controls Train. Zero fields take the default in their
// comment; Case, Data, Out and Train.Iterations are required.
type TrainOptions struct {
	Case string   // case name or file the data was generated from
	Set  []string // the overrides given to GenerateData
	Data []Variant
	Out  string // checkpoint path, conventionally NAME.safetensors

	Settings Settings // default DefaultSettings()
	History  int      // velocities per node; default 3

	// RadiusFactor sets the connectivity radius of the entity graph and
	// of wall edges: R = RadiusFactor · d · TargetSize^(1/3), with d the
	// mean particle diameter, so about the distance between the centres
	// of neighbouring entities times RadiusFactor. Default 1.5.
	RadiusFactor float64

	// Model is the architecture. Zero fields default to a small model
	// that trains on a few CPU cores: Latent 48, Width 48, Hidden 1,
	// Steps 3, Heads 4, mLSTM memory.
	Model surrogate.Config
	// Train holds the optimiser settings; Iterations is required. Zero
	// fields default as in surrogate.TrainConfig, except LRStart 1e-3,
	// LREnd 1e-5, Schedule cosine, Batch 2, Noise 0.05 and RolloutWeight
	// 0.1. The exponential schedule decays to a tenth of LRStart over
	// DecaySteps, so with DecaySteps equal to Iterations it ends ten times
	// above LREnd. The cosine schedule reaches LREnd.
	Train surrogate.TrainConfig

	// RotateAboutGravity turns every training window by a random angle
	// about the case's gravity, walls included (surrogate.TrainConfig's
	// RotateAbout), so that the model cannot learn a preferred horizontal
	// direction. The case must have gravity.
	RotateAboutGravity bool

	// Holdout is the number of variants, the last ones of Data, held out
	// for the validation loss. Default 1 when Data has at least 2
	// variants, else 0.
	Holdout int
	// ValidateEvery is the number of iterations between validation
	// losses; default 100.
	ValidateEvery int

	// Design names the case parameters given to every entity as an
	// input, mapped from the case's [min, max] onto [-1, 1]. Nil means
	// every parameter whose value differs between the variants of Data,
	// so that the model can tell the variants apart; an empty non-nil
	// slice means none.
	Design []string

	Seed uint64 // seed of the weights and of the training windows

	// Members is the number of models trained on the same data and
	// normalisation, member k with seed Seed+k for its weights and
	// windows, and saved as one ensemble checkpoint that predicts their
	// mean (surrogate.SaveEnsemble). Default 1. The members train at the
	// same time, each on Workers/Members goroutines (at least one).
	Members int

	// Resume, when set, starts from the weights and normalisation of this
	// checkpoint instead of fresh weights. The optimiser moments and the
	// learning-rate schedule start again.
	Resume string

	Workers  int          // goroutines; zero means GOMAXPROCS; results do not depend on it
	Device   string       // backend of the model, as in SolverOptions.Device
	Logger   *slog.Logger // nil discards
	Progress func(TrainProgress)
}

// TrainProgress is a snapshot of training.
type TrainProgress struct {
	Iteration, Iterations int
	Loss                  float64 // normalised training loss of the last iteration
	Validation            float64 // last held-out one-step acceleration MSE, (m/s²)²; NaN before the first
}

// ValidationPoint is one held-out evaluation.
type ValidationPoint struct {
	Iteration        int     `json:"iteration"`
	TrainLoss        float64 `json:"train_loss"`                 // mean normalised loss since the previous point
	ModelMSE         float64 `json:"model_mse"`                  // one-step acceleration MSE, (m/s²)²
	ConstantVelocity float64 `json:"constant_velocity_mse"`      // same for zero acceleration, (m/s²)²
	Ratio            float64 `json:"ratio_to_constant_velocity"` // ModelMSE / ConstantVelocity
}

// TrainReport describes a training run; Train writes it as JSON next to
// the checkpoint (NAME.train.json).
type TrainReport struct {
	Model    string             `json:"model"` // checkpoint path
	Metadata surrogate.Metadata `json:"metadata"`

	TrainVariants    []int `json:"train_variants"`
	HeldOutVariants  []int `json:"held_out_variants"`
	Sequences        int   `json:"sequences"`
	HeldOutSequences int   `json:"held_out_sequences"`
	// EntitiesSeen counts the entities at the sequence starts, and
	// EntitiesDropped those left out because a member left within the
	// sequence.
	EntitiesSeen    int `json:"entities_seen"`
	EntitiesDropped int `json:"entities_dropped"`
	// GhostParticleFrames counts the particle-frames of members that had
	// left, continued in free fall (see Settings.DropLeaving).
	GhostParticleFrames int `json:"ghost_particle_frames"`

	Validation []ValidationPoint `json:"validation"`
	// MemberValidation holds the validation losses of the ensemble
	// members after the first, whose losses are Validation.
	MemberValidation [][]ValidationPoint `json:"member_validation,omitempty"`
	// EnsembleValidation is the held-out loss of the whole ensemble after
	// the last iteration; nil for a single model or without held-out data.
	EnsembleValidation *ValidationPoint `json:"ensemble_validation,omitempty"`
	WallS              float64          `json:"wall_s"`
}

// designParams returns the design parameters of the features: those
// named, or, when names is nil, every parameter of c whose value differs
// between the variants of data, in the case's order. Each is mapped from
// its range in the case file.
func designParams(c *cases.Case, names []string, data []Variant) ([]surrogate.DesignParam, error) {
	var out []surrogate.DesignParam
	for _, p := range c.Parameters {
		use := false
		if names == nil {
			for _, v := range data {
				use = use || v.Values[p.Name] != data[0].Values[p.Name]
			}
		} else {
			use = slices.Contains(names, p.Name)
		}
		if use {
			out = append(out, surrogate.DesignParam{Name: p.Name, Min: p.Min, Max: p.Max})
		}
	}
	for _, n := range names {
		if !slices.ContainsFunc(out, func(p surrogate.DesignParam) bool { return p.Name == n }) {
			return nil, fmt.Errorf("pipeline: train: design parameter %q is not a parameter of case %s", n, c.Name)
		}
	}
	return out, nil
}

func (o TrainOptions) withDefaults() TrainOptions {
	o.Settings = o.Settings.withDefaults()
	if o.History == 0 {
		o.History = 3
	}
	if o.RadiusFactor == 0 {
		o.RadiusFactor = 1.5
	}
	m := &o.Model
	if m.Latent == 0 {
		m.Latent = 48
	}
	if m.Width == 0 {
		m.Width = m.Latent
	}
	if m.Hidden == 0 {
		m.Hidden = 1
	}
	if m.Steps == 0 {
		m.Steps = 3
	}
	if m.Heads == 0 {
		m.Heads = 4
	}
	t := &o.Train
	if t.LRStart == 0 {
		t.LRStart = 1e-3
	}
	if t.LREnd == 0 {
		t.LREnd = 1e-5
	}
	if t.Schedule == "" {
		t.Schedule = surrogate.ScheduleCosine
	}
	if t.Batch == 0 {
		t.Batch = 2
	}
	if t.Noise == 0 {
		t.Noise = 0.05
	}
	if t.RolloutWeight == 0 {
		t.RolloutWeight = 0.1
	}
	if t.Seed == 0 {
		t.Seed = o.Seed
	}
	if o.Members == 0 {
		o.Members = 1
	}
	if o.Holdout == 0 && len(o.Data) >= 2 {
		o.Holdout = 1
	}
	if o.ValidateEvery == 0 {
		o.ValidateEvery = 100
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

// Train fits the grouping to the DEM trajectories of opt.Data, builds
// entity sequences and trains a surrogate on all but the held-out
// variants. It writes the checkpoint to opt.Out. Its metadata records the
// case, the parameter ranges, the pipeline settings, the normalisation,
// the seed and the training data. The parameter ranges span every variant
// of opt.Data, the held-out ones included, because the solver warns
// outside the sampled design space, not outside the gradient updates.
func Train(ctx context.Context, opt TrainOptions) (*TrainReport, error) {
	start := time.Now()
	opt = opt.withDefaults()
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if len(opt.Data) == 0 || opt.Out == "" || opt.Train.Iterations < 1 {
		return nil, fmt.Errorf("pipeline: train: %d variants, output %q, %d iterations; want data, an output path and at least 1 iteration",
			len(opt.Data), opt.Out, opt.Train.Iterations)
	}
	if d := opt.Settings.HandoverDelay; !(d >= 0) || math.IsInf(d, 0) {
		return nil, fmt.Errorf("pipeline: train: handover delay %g s; want zero or a positive finite time", d)
	}
	if opt.Members < 1 {
		return nil, fmt.Errorf("pipeline: train: %d ensemble members; want 1 or more", opt.Members)
	}
	if opt.Holdout >= len(opt.Data) {
		return nil, fmt.Errorf("pipeline: train: %d of %d variants held out; at least one must remain for training", opt.Holdout, len(opt.Data))
	}

	// Sequences per variant.
	rep := &TrainReport{Model: opt.Out}
	var train, held []*surrogate.Sequence
	var feat surrogate.Features
	var caseName, caseHash string
	ranges := map[string][2]float64{}
	for i, v := range opt.Data {
		c, err := cases.Load(opt.Case, cases.Options{Set: variantSet(opt.Set, v.Values)})
		if err != nil {
			return nil, fmt.Errorf("pipeline: train: variant %d: %w", v.Index, err)
		}
		caseName = c.Name
		if opt.RotateAboutGravity {
			if r3.Norm(c.Gravity) == 0 {
				return nil, fmt.Errorf("pipeline: train: case %s has no gravity, so the training windows cannot be turned about it; train without the rotation (drop --rotate)", c.Name)
			}
			opt.Train.RotateAbout = [3]float64{c.Gravity.X, c.Gravity.Y, c.Gravity.Z}
		}
		if caseHash, err = CaseHash(c); err != nil {
			return nil, err
		}
		for name, x := range c.Values {
			r, ok := ranges[name]
			if !ok {
				r = [2]float64{x, x}
			}
			ranges[name] = [2]float64{math.Min(r[0], x), math.Max(r[1], x)}
		}
		frames, _, err := readFrames(v.Path)
		if err != nil {
			return nil, err
		}
		if feat.Radius == 0 {
			d := 2 * meanRadius(frames[0].Radius)
			feat = surrogate.Features{History: opt.History, Materials: len(c.Materials),
				Radius: opt.RadiusFactor * d * math.Cbrt(float64(opt.Settings.Grouping.TargetSize))}
			if feat.Design, err = designParams(c, opt.Design, opt.Data); err != nil {
				return nil, err
			}
		}
		design, err := feat.DesignValues(c.Values)
		if err != nil {
			return nil, fmt.Errorf("pipeline: train: variant %d: %w", v.Index, err)
		}
		walls, err := caseWalls(c)
		if err != nil {
			return nil, err
		}
		seqs, st, err := variantSequences(fmt.Sprintf("variant-%03d", v.Index), frames, c, walls, opt.Settings, feat, opt.Workers)
		if err != nil {
			return nil, err
		}
		for _, s := range seqs {
			for t := range s.Frames {
				s.Frames[t].Design = design
			}
		}
		rep.EntitiesSeen += st.Entities
		rep.EntitiesDropped += st.Dropped
		rep.GhostParticleFrames += st.Ghosts
		if i >= len(opt.Data)-opt.Holdout {
			held = append(held, seqs...)
			rep.HeldOutVariants = append(rep.HeldOutVariants, v.Index)
		} else {
			train = append(train, seqs...)
			rep.TrainVariants = append(rep.TrainVariants, v.Index)
		}
		log.Info("pipeline: train: variant grouped", "variant", v.Index, "sequences", st.Sequences,
			"entities", st.Entities, "dropped", st.Dropped, "ghost_particle_frames", st.Ghosts, "held_out", i >= len(opt.Data)-opt.Holdout)
	}
	if len(train) == 0 {
		return nil, fmt.Errorf("pipeline: train: no training sequences: the trajectories are shorter than the %d frames a sequence needs after the handover; simulate longer DEM runs (neusim train --duration, in s)", opt.Settings.Chunk)
	}
	rep.Sequences, rep.HeldOutSequences = len(train), len(held)

	// Models and normalisation.
	b, err := kernels.Open(opt.Device, kernels.OpenOptions{Workers: opt.Workers, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("pipeline: train: %w", err)
	}
	defer b.Close()
	var models []*surrogate.Model[float32]
	var norm surrogate.Normalisation
	if opt.Resume != "" {
		var meta surrogate.Metadata
		if models, meta, err = surrogate.LoadEnsemble(opt.Resume, b); err != nil {
			return nil, fmt.Errorf("pipeline: train --resume: %w", err)
		}
		if !reflect.DeepEqual(meta.Features, feat) {
			return nil, fmt.Errorf("pipeline: train --resume %s: features %+v differ from those of the data %+v; train afresh", opt.Resume, meta.Features, feat)
		}
		if err := resumeMembers(opt.Resume, opt.Members, len(models)); err != nil {
			return nil, err
		}
		norm = meta.Normalisation
		log.Info("pipeline: train: resuming", "checkpoint", opt.Resume, "iterations_before", meta.Training.Iterations)
	} else {
		if norm, err = surrogate.ComputeNormalisation(train); err != nil {
			return nil, fmt.Errorf("pipeline: train: %w", err)
		}
		for k := range opt.Members {
			m, err := surrogate.NewModel(b, feat.ModelConfig(opt.Model), opt.Seed+uint64(k))
			if err != nil {
				return nil, fmt.Errorf("pipeline: train: %w", err)
			}
			models = append(models, m)
		}
	}
	log.Info("pipeline: train: starting", "sequences", len(train), "held_out_sequences", len(held),
		"parameters", models[0].Params.Count(), "iterations", opt.Train.Iterations, "radius_m", feat.Radius, "members", opt.Members)

	// Optimisation with periodic validation, one goroutine per member.
	results := make([]memberResult, opt.Members)
	if opt.Members == 1 {
		results[0] = trainMember(ctx, &opt, b, models[0], 0, feat, norm, train, held, log)
	} else {
		// Each member trains on a backend of its own, because a backend
		// runs one operation at a time. The weights cross between the
		// backends outside the goroutines.
		backends := make([]kernels.BackendCloser, opt.Members)
		copies := make([]*surrogate.Model[float32], opt.Members)
		defer func() {
			for _, mb := range backends {
				if mb != nil {
					mb.Close()
				}
			}
		}()
		for k := range backends {
			// The first backend has reported any missing library already.
			mb, err := kernels.Open(opt.Device, kernels.OpenOptions{Workers: max(1, opt.Workers/opt.Members), Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				return nil, fmt.Errorf("pipeline: train: member %d: %w", k, err)
			}
			backends[k] = mb
			if copies[k], err = surrogate.NewModel(mb, models[k].Cfg, 0); err != nil {
				return nil, fmt.Errorf("pipeline: train: member %d: %w", k, err)
			}
			copyWeights(mb, copies[k], b, models[k])
		}
		var wg sync.WaitGroup
		for k := range opt.Members {
			wg.Go(func() {
				results[k] = trainMember(ctx, &opt, backends[k], copies[k], k, feat, norm, train, held, log.With("member", k))
			})
		}
		wg.Wait()
		for k := range models {
			if results[k].err == nil {
				copyWeights(b, models[k], backends[k], copies[k])
			}
		}
	}
	for k, r := range results {
		if r.err != nil {
			if opt.Members > 1 {
				return nil, fmt.Errorf("pipeline: train: member %d: %w", k, r.err)
			}
			return nil, fmt.Errorf("pipeline: train: %w", r.err)
		}
	}
	rep.Validation = results[0].validation
	for _, r := range results[1:] {
		rep.MemberValidation = append(rep.MemberValidation, r.validation)
	}
	if opt.Members > 1 && len(held) > 0 {
		pred := &surrogate.ModelPredictor{B: b, Model: models[0], Members: models[1:], Feat: feat, Norm: norm}
		e, err := surrogate.EvaluateOneStep(pred, pred.ResetMemory, held, feat.History)
		if err != nil {
			return nil, fmt.Errorf("pipeline: train: ensemble validation: %w", err)
		}
		p := ValidationPoint{Iteration: opt.Train.Iterations, ModelMSE: e.Model, ConstantVelocity: e.ConstantVelocity, Ratio: e.Model / e.ConstantVelocity}
		for _, r := range results {
			p.TrainLoss += r.validation[len(r.validation)-1].TrainLoss / float64(len(results))
		}
		rep.EnsembleValidation = &p
		log.Info("pipeline: train: ensemble validation", "members", opt.Members, "val_mse", p.ModelMSE, "val_ratio", p.Ratio)
	}

	// Checkpoint and report.
	settings, err := json.Marshal(opt.Settings)
	if err != nil {
		return nil, fmt.Errorf("pipeline: train: %w", err)
	}
	var steps, frames int
	for _, s := range train {
		frames += len(s.Frames)
		steps += s.Frames[0].N() * max(len(s.Frames)-1-feat.History, 0)
	}
	meta := surrogate.Metadata{Features: feat, Normalisation: norm, Case: caseName, CaseHash: caseHash, Solver: "dem",
		ParamRanges: ranges, Grouping: settings, Seed: opt.Seed,
		Training: surrogate.TrainingSummary{Sequences: len(train), Frames: frames, EntitySteps: steps, Dt: train[0].Dt,
			Iterations: opt.Train.Iterations, FinalLoss: results[0].finalLoss, RotateAboutGravity: opt.RotateAboutGravity}}
	for k, r := range results[1:] {
		meta.Members = append(meta.Members, surrogate.MemberSummary{Seed: opt.Seed + uint64(k+1), FinalLoss: r.finalLoss})
	}
	if err := surrogate.SaveEnsemble(opt.Out, b, models, meta); err != nil {
		return nil, fmt.Errorf("pipeline: train: %w", err)
	}
	if _, meta, err = surrogate.LoadCheckpoint(opt.Out, b); err != nil {
		return nil, fmt.Errorf("pipeline: train: reading back %s: %w", opt.Out, err)
	}
	rep.Metadata = meta
	rep.WallS = time.Since(start).Seconds()
	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("pipeline: train: %w", err)
	}
	if err := atomicfile.WriteFile(strings.TrimSuffix(opt.Out, ".safetensors")+".train.json", data, 0o644); err != nil {
		return nil, fmt.Errorf("pipeline: train: %w", err)
	}
	log.Info("pipeline: train: done", "model", opt.Out, "final_loss", results[0].finalLoss, "wall_s", rep.WallS)
	return rep, nil
}

// CaseHash returns the SHA-256 of the case file c was read from, in hex.
func CaseHash(c *cases.Case) (string, error) {
	var data []byte
	var err error
	if name, ok := strings.CutPrefix(c.Source, "embedded:"); ok {
		data, err = cases.EmbeddedYAML(strings.TrimSuffix(name, ".yaml"))
	} else {
		data, err = os.ReadFile(c.Source)
	}
	if err != nil {
		return "", fmt.Errorf("pipeline: hashing case %s: %w", c.Name, err)
	}
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:]), nil
}

func meanRadius(r []float64) float64 {
	var s float64
	for _, x := range r {
		s += x
	}
	return s / float64(max(len(r), 1))
}

// memberResult holds the outcome of training one ensemble member.
type memberResult struct {
	validation []ValidationPoint
	finalLoss  float64 // mean normalised loss of the last 50 iterations
	err        error
}

// trainMember trains model m, ensemble member k, on backend b with the
// seed opt.Seed+k for its training windows. Only the first member
// reports progress.
func trainMember(ctx context.Context, opt *TrainOptions, b kernels.Backend, m *surrogate.Model[float32], k int,
	feat surrogate.Features, norm surrogate.Normalisation, train, held []*surrogate.Sequence, log *slog.Logger) memberResult {
	var res memberResult
	cfg := opt.Train
	cfg.Seed += uint64(k)
	tr, err := surrogate.NewTrainer(b, m, feat, norm, cfg, train, log)
	if err != nil {
		res.err = err
		return res
	}
	pred := &surrogate.ModelPredictor{B: b, Model: m, Feat: feat, Norm: norm}
	validation := math.NaN()
	var sum float64
	var count int
	losses := make([]float64, 0, cfg.Iterations)
	for i := 1; i <= cfg.Iterations; i++ {
		if err := ctx.Err(); err != nil {
			res.err = err
			return res
		}
		loss, _, err := tr.Step()
		if err != nil {
			res.err = fmt.Errorf("iteration %d: %w", i, err)
			return res
		}
		losses = append(losses, loss)
		sum += loss
		count++
		if i%opt.ValidateEvery == 0 || i == cfg.Iterations {
			p := ValidationPoint{Iteration: i, TrainLoss: sum / float64(count)}
			if len(held) > 0 {
				e, err := surrogate.EvaluateOneStep(pred, pred.ResetMemory, held, feat.History)
				if err != nil {
					res.err = fmt.Errorf("validation at iteration %d: %w", i, err)
					return res
				}
				p.ModelMSE, p.ConstantVelocity, p.Ratio = e.Model, e.ConstantVelocity, e.Model/e.ConstantVelocity
				validation = e.Model
			}
			res.validation = append(res.validation, p)
			log.Info("pipeline: train: progress", "iteration", i, "train_loss", p.TrainLoss,
				"val_mse", p.ModelMSE, "val_constant_velocity_mse", p.ConstantVelocity, "val_ratio", p.Ratio)
			sum, count = 0, 0
		}
		if opt.Progress != nil && k == 0 {
			opt.Progress(TrainProgress{Iteration: i, Iterations: cfg.Iterations, Loss: loss, Validation: validation})
		}
	}
	for _, l := range losses[max(0, len(losses)-50):] {
		res.finalLoss += l
	}
	res.finalLoss /= float64(min(50, len(losses)))
	return res
}

// copyWeights copies the weights of src, a model on backend from, into
// dst, a model of the same architecture on backend to.
func copyWeights(to kernels.Backend, dst *surrogate.Model[float32], from kernels.Backend, src *surrogate.Model[float32]) {
	for i, p := range src.Params.List {
		v := make([]float32, p.Value.Len())
		from.Download(v, p.Value)
		to.Upload(dst.Params.List[i].Value, v)
	}
}

// CheckResume loads the checkpoint at path, as TrainOptions.Resume would,
// and returns an error unless it loads and holds members models. Calling
// it before GenerateData rejects such a checkpoint before the DEM runs.
func CheckResume(path string, members int) error {
	b := kernels.NewCPU[float32](1)
	defer b.Close()
	models, _, err := surrogate.LoadEnsemble(path, b)
	if err != nil {
		return fmt.Errorf("pipeline: train --resume: %w", err)
	}
	return resumeMembers(path, members, len(models))
}

// resumeMembers returns an error unless a checkpoint of have models is
// resumed with want ensemble members.
func resumeMembers(path string, want, have int) error {
	if want != have {
		return fmt.Errorf("pipeline: train --resume %s: invalid member count %d, because the checkpoint is an ensemble of %d; give --members %d", path, want, have, have)
	}
	return nil
}
