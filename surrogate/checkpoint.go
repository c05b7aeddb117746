package surrogate

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/neusim/neusim/internal/buildversion"
	"github.com/neusim/neusim/kernels"
)

// CheckpointFormat and CheckpointVersion identify the metadata layout.
// Version 2 adds ensemble members. A checkpoint of one model is still
// written as version 1, so that older readers load it.
const (
	CheckpointFormat  = "neusim-surrogate"
	CheckpointVersion = 2
)

// metadataKey is the key of the safetensors __metadata__ map that holds the
// Metadata JSON.
const metadataKey = "neusim"

// Metadata records what a checkpoint was trained on. It travels as JSON in
// the safetensors __metadata__ under the key "neusim".
type Metadata struct {
	Format        string `json:"format"`  // CheckpointFormat
	Version       int    `json:"version"` // CheckpointVersion
	NeusimVersion string `json:"neusim_version"`
	Created       string `json:"created"` // RFC 3339 UTC

	Architecture  Config        `json:"architecture"`
	Features      Features      `json:"features"`
	Normalisation Normalisation `json:"normalisation"`

	Case     string `json:"case"`      // case name
	CaseHash string `json:"case_hash"` // hash of the resolved case file
	Solver   string `json:"solver"`    // solver that produced the training data
	// ParamRanges maps each design parameter varied in training to its
	// [min, max], in the parameter's unit.
	ParamRanges map[string][2]float64 `json:"param_ranges,omitempty"`
	// Grouping holds the grouping settings as the grouping package writes them.
	Grouping json.RawMessage `json:"grouping,omitempty"`
	Seed     uint64          `json:"seed"`
	Training TrainingSummary `json:"training"`
	// Members describes the ensemble members after the first model, in
	// order; Seed and Training describe the first. Empty for a single
	// model. The tensors of member k (from 1) are named MemberPrefix(k)
	// followed by the parameter name.
	Members []MemberSummary `json:"members,omitempty"`
}

// MemberSummary describes one further member of an ensemble checkpoint: a
// model of the same architecture, features and normalisation trained on
// the same data with another seed.
type MemberSummary struct {
	Seed      uint64  `json:"seed"`       // seed of its weights and training windows
	FinalLoss float64 `json:"final_loss"` // mean normalised training loss of its last 50 iterations
}

// MemberPrefix returns the prefix of the tensor names of ensemble member
// k; the first model (k = 0) has none.
func MemberPrefix(k int) string {
	if k == 0 {
		return ""
	}
	return fmt.Sprintf("member%d/", k)
}

// TrainingSummary describes the training data and run.
type TrainingSummary struct {
	Sequences   int     `json:"sequences"`
	Frames      int     `json:"frames"`
	EntitySteps int     `json:"entity_steps"`
	Dt          float64 `json:"dt"` // coarse step, s
	Iterations  int     `json:"iterations"`
	FinalLoss   float64 `json:"final_loss"`
	// RotateAboutGravity is true when the training windows were turned by
	// random angles about gravity.
	RotateAboutGravity bool `json:"rotate_about_gravity,omitempty"`
}

// SaveCheckpoint writes the weights of m and meta to path as safetensors,
// through a temporary file renamed when complete. Format, Version,
// Architecture, Created and an empty NeusimVersion are filled in. Tensor
// names are the parameter names; a Linear weight is stored In×Out (the
// transpose of PyTorch's nn.Linear.weight), a bias 1×Out.
func SaveCheckpoint(path string, b kernels.Backend, m *Model[float32], meta Metadata) error {
	return SaveEnsemble(path, b, []*Model[float32]{m}, meta)
}

// SaveEnsemble writes models of one architecture, trained with the
// features and normalisation of meta, as one ensemble checkpoint.
// meta.Members must describe every model after the first.
func SaveEnsemble(path string, b kernels.Backend, models []*Model[float32], meta Metadata) error {
	if len(models) == 0 {
		return fmt.Errorf("surrogate: checkpoint %s: no model to save", path)
	}
	if len(meta.Members) != len(models)-1 {
		return fmt.Errorf("surrogate: checkpoint %s: %d models but %d member summaries; want one for every model after the first",
			path, len(models), len(meta.Members))
	}
	m := models[0]
	for k, o := range models[1:] {
		if o.Cfg != m.Cfg {
			return fmt.Errorf("surrogate: checkpoint %s: member %d has architecture %+v, the first model %+v; an ensemble shares one",
				path, k+1, o.Cfg, m.Cfg)
		}
	}
	if err := meta.Features.Validate(); err != nil {
		return fmt.Errorf("surrogate: checkpoint %s: %w", path, err)
	}
	if got := meta.Features.ModelConfig(m.Cfg); got != m.Cfg {
		return fmt.Errorf("surrogate: checkpoint %s: features give input widths %d/%d/%d, the model has %d/%d/%d",
			path, got.NodeIn, got.EdgeIn, got.WallIn, m.Cfg.NodeIn, m.Cfg.EdgeIn, m.Cfg.WallIn)
	}
	if err := meta.Normalisation.Validate(); err != nil {
		return fmt.Errorf("surrogate: checkpoint %s: %w", path, err)
	}
	meta.Format, meta.Version, meta.Architecture = CheckpointFormat, 1, m.Cfg
	if len(models) > 1 {
		meta.Version = 2
	}
	if meta.Created == "" {
		meta.Created = time.Now().UTC().Format(time.RFC3339)
	}
	if meta.NeusimVersion == "" {
		meta.NeusimVersion = buildversion.String()
	}
	js, err := json.Marshal(meta)
	if err != nil {
		return fmt.Errorf("surrogate: checkpoint %s: encode metadata: %w", path, err)
	}
	var tensors []NamedTensor
	for k, o := range models {
		for _, p := range o.Params.List {
			v := make([]float32, p.Value.Len())
			b.Download(v, p.Value)
			tensors = append(tensors, NamedTensor{Name: MemberPrefix(k) + p.Name, Shape: []int{p.Value.Rows(), p.Value.Cols()}, Data: v})
		}
	}
	return writeFileAtomic(path, func(w io.Writer) error {
		return EncodeSafetensors(w, tensors, map[string]string{metadataKey: string(js)})
	})
}

// LoadCheckpoint reads a checkpoint written by SaveCheckpoint and returns
// the model on backend b with its metadata. Every parameter must be
// present with its shape and no unknown tensor may be present. Of an
// ensemble checkpoint it returns the first model; LoadEnsemble returns
// them all.
func LoadCheckpoint(path string, b kernels.Backend) (*Model[float32], Metadata, error) {
	models, meta, err := LoadEnsemble(path, b)
	if err != nil {
		return nil, meta, err
	}
	return models[0], meta, nil
}

// LoadEnsemble reads a checkpoint written by SaveEnsemble or
// SaveCheckpoint and returns its models on backend b, the first model
// followed by meta.Members, with the metadata.
func LoadEnsemble(path string, b kernels.Backend) ([]*Model[float32], Metadata, error) {
	var meta Metadata
	tensors, md, err := readSafetensorsFile(path, "checkpoint")
	if err != nil {
		return nil, meta, err
	}
	js, ok := md[metadataKey]
	if !ok {
		var keys []string
		for k := range md {
			if strings.HasPrefix(k, metadataKey+"-") {
				keys = append(keys, k)
			}
		}
		if len(keys) > 0 {
			sort.Strings(keys)
			return nil, meta, fmt.Errorf("surrogate: checkpoint %s: the file contains a neusim model of another kind (metadata %q), not a particle surrogate; give the model trained on this case", path, keys[0])
		}
		return nil, meta, fmt.Errorf("surrogate: checkpoint %s: no %q entry in __metadata__; the file was not written by neusim", path, metadataKey)
	}
	if err := json.Unmarshal([]byte(js), &meta); err != nil {
		return nil, meta, fmt.Errorf("surrogate: checkpoint %s: invalid metadata JSON: %w", path, err)
	}
	if meta.Format != CheckpointFormat || meta.Version < 1 || meta.Version > CheckpointVersion {
		return nil, meta, fmt.Errorf("surrogate: checkpoint %s: format %q version %d, want %q version 1 to %d",
			path, meta.Format, meta.Version, CheckpointFormat, CheckpointVersion)
	}
	if err := meta.Features.Validate(); err != nil {
		return nil, meta, fmt.Errorf("surrogate: checkpoint %s: metadata: %w", path, err)
	}
	if err := meta.Normalisation.Validate(); err != nil {
		return nil, meta, fmt.Errorf("surrogate: checkpoint %s: metadata: %w", path, err)
	}
	if got := meta.Features.ModelConfig(meta.Architecture); got != meta.Architecture {
		return nil, meta, fmt.Errorf("surrogate: checkpoint %s: metadata: features give input widths %d/%d/%d, the architecture has %d/%d/%d",
			path, got.NodeIn, got.EdgeIn, got.WallIn, meta.Architecture.NodeIn, meta.Architecture.EdgeIn, meta.Architecture.WallIn)
	}
	byName := make(map[string]NamedTensor, len(tensors))
	for _, t := range tensors {
		byName[t.Name] = t
	}
	models := make([]*Model[float32], 1+len(meta.Members))
	for k := range models {
		m, err := NewModel(b, meta.Architecture, 0)
		if err != nil {
			return nil, meta, fmt.Errorf("surrogate: checkpoint %s: architecture: %w", path, err)
		}
		for _, p := range m.Params.List {
			name := MemberPrefix(k) + p.Name
			t, ok := byName[name]
			if !ok {
				return nil, meta, fmt.Errorf("surrogate: checkpoint %s: tensor %q is missing", path, name)
			}
			if len(t.Shape) != 2 || t.Shape[0] != p.Value.Rows() || t.Shape[1] != p.Value.Cols() {
				return nil, meta, fmt.Errorf("surrogate: checkpoint %s: tensor %q has shape %v, the architecture needs [%d %d]",
					path, name, t.Shape, p.Value.Rows(), p.Value.Cols())
			}
			b.Upload(p.Value, t.Data)
			delete(byName, name)
		}
		models[k] = m
	}
	for name := range byName {
		return nil, meta, fmt.Errorf("surrogate: checkpoint %s: unknown tensor %q for this architecture and %d ensemble members (metadata field members)",
			path, name, len(meta.Members))
	}
	return models, meta, nil
}
