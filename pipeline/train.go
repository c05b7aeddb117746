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
	WallS      float64           `json:"wall_s"`
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
		return nil, fmt.Errorf("pipeline: train: no training sequences: the trajectories are shorter than the %d frames a sequence needs after the handover", opt.Settings.Chunk)
	}
	rep.Sequences, rep.HeldOutSequences = len(train), len(held)

	// Model, normalisation and trainer.
	b, err := kernels.Open(opt.Device, kernels.OpenOptions{Workers: opt.Workers, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("pipeline: train: %w", err)
	}
	defer b.Close()
	var model *surrogate.Model[float32]
	var norm surrogate.Normalisation
	if opt.Resume != "" {
		var meta surrogate.Metadata
		if model, meta, err = surrogate.LoadCheckpoint(opt.Resume, b); err != nil {
			return nil, fmt.Errorf("pipeline: train --resume: %w", err)
		}
		if !reflect.DeepEqual(meta.Features, feat) {
			return nil, fmt.Errorf("pipeline: train --resume %s: features %+v differ from those of the data %+v; train afresh", opt.Resume, meta.Features, feat)
		}
		norm = meta.Normalisation
		log.Info("pipeline: train: resuming", "checkpoint", opt.Resume, "iterations_before", meta.Training.Iterations)
	} else {
		if norm, err = surrogate.ComputeNormalisation(train); err != nil {
			return nil, fmt.Errorf("pipeline: train: %w", err)
		}
		if model, err = surrogate.NewModel(b, feat.ModelConfig(opt.Model), opt.Seed); err != nil {
			return nil, fmt.Errorf("pipeline: train: %w", err)
		}
	}
	tr, err := surrogate.NewTrainer(b, model, feat, norm, opt.Train, train, log)
	if err != nil {
		return nil, fmt.Errorf("pipeline: train: %w", err)
	}
	log.Info("pipeline: train: starting", "sequences", len(train), "held_out_sequences", len(held),
		"parameters", model.Params.Count(), "iterations", opt.Train.Iterations, "radius_m", feat.Radius)

	// Optimisation with periodic validation.
	pred := &surrogate.ModelPredictor{B: b, Model: model, Feat: feat, Norm: norm}
	validation := math.NaN()
	var sum, last50 float64
	var count int
	losses := make([]float64, 0, opt.Train.Iterations)
	for i := 1; i <= opt.Train.Iterations; i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		loss, _, err := tr.Step()
		if err != nil {
			return nil, fmt.Errorf("pipeline: train: iteration %d: %w", i, err)
		}
		losses = append(losses, loss)
		sum += loss
		count++
		if i%opt.ValidateEvery == 0 || i == opt.Train.Iterations {
			p := ValidationPoint{Iteration: i, TrainLoss: sum / float64(count)}
			if len(held) > 0 {
				e, err := surrogate.EvaluateOneStep(pred, pred.ResetMemory, held, feat.History)
				if err != nil {
					return nil, fmt.Errorf("pipeline: train: validation at iteration %d: %w", i, err)
				}
				p.ModelMSE, p.ConstantVelocity, p.Ratio = e.Model, e.ConstantVelocity, e.Model/e.ConstantVelocity
				validation = e.Model
			}
			rep.Validation = append(rep.Validation, p)
			log.Info("pipeline: train: progress", "iteration", i, "train_loss", p.TrainLoss,
				"val_mse", p.ModelMSE, "val_constant_velocity_mse", p.ConstantVelocity, "val_ratio", p.Ratio)
			sum, count = 0, 0
		}
		if opt.Progress != nil {
			opt.Progress(TrainProgress{Iteration: i, Iterations: opt.Train.Iterations, Loss: loss, Validation: validation})
		}
	}
	for _, l := range losses[max(0, len(losses)-50):] {
		last50 += l
	}
	last50 /= float64(min(50, len(losses)))

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
			Iterations: opt.Train.Iterations, FinalLoss: last50, RotateAboutGravity: opt.RotateAboutGravity}}
	if err := surrogate.SaveCheckpoint(opt.Out, b, model, meta); err != nil {
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
	log.Info("pipeline: train: done", "model", opt.Out, "final_loss", last50, "wall_s", rep.WallS)
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
