package surrogate

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/neusim/neusim/kernels"
)

// ApplyGradients takes one optimiser step on the gradients that Backward
// accumulated in m: global-norm clipping at cfg.ClipNorm, then AdamW at
// the learning rate of cfg's schedule for iteration (counted from 1). It
// returns the gradient norm before clipping and the learning rate used.
// It is the update of Trainer.Step, for trainers that build their own
// graphs and losses, such as the mesh-field surrogate of the pipeline
// package. cfg is taken through Defaults.
func ApplyGradients(b kernels.Backend, m *Model[float32], cfg TrainConfig, iteration int) (gradNorm, lr float64) {
	cfg = cfg.Defaults()
	gradNorm = clipGradients(b, &m.Params, cfg.ClipNorm)
	lr = learningRate(cfg.Schedule, cfg.LRStart, cfg.LREnd, cfg.DecaySteps, iteration-1)
	for _, p := range m.Params.List {
		b.AdamW(p.Value, p.Grad, p.M, p.V, kernels.AdamWStep{LR: lr, Beta1: cfg.Beta1, Beta2: cfg.Beta2,
			Eps: cfg.Eps, WeightDecay: cfg.WeightDecay, Step: iteration})
	}
	return gradNorm, lr
}

// SaveWeights writes the weights of m to path as safetensors, through a
// temporary file renamed when complete, with meta encoded as JSON under
// key in the file's __metadata__. It is the writer for models whose
// features are not the entity Features of SaveCheckpoint; the tensor names
// and layout are those of SaveCheckpoint.
func SaveWeights(path string, b kernels.Backend, m *Model[float32], key string, meta any) error {
	js, err := json.Marshal(meta)
	if err != nil {
		return fmt.Errorf("surrogate: weights %s: encode metadata: %w", path, err)
	}
	tensors := make([]NamedTensor, len(m.Params.List))
	for i, p := range m.Params.List {
		v := make([]float32, p.Value.Len())
		b.Download(v, p.Value)
		tensors[i] = NamedTensor{Name: p.Name, Shape: []int{p.Value.Rows(), p.Value.Cols()}, Data: v}
	}
	return writeFileAtomic(path, func(w io.Writer) error {
		return EncodeSafetensors(w, tensors, map[string]string{key: string(js)})
	})
}

// ReadWeightsMetadata returns the JSON stored under key in the
// __metadata__ of the safetensors file path, and the file's tensors.
func ReadWeightsMetadata(path, key string) ([]byte, []NamedTensor, error) {
	tensors, md, err := readSafetensorsFile(path, "weights")
	if err != nil {
		return nil, nil, err
	}
	js, ok := md[key]
	if !ok {
		return nil, nil, fmt.Errorf("surrogate: weights %s: no %q entry in __metadata__; the file is not a model of this kind", path, key)
	}
	return []byte(js), tensors, nil
}

// readSafetensorsFile decodes the safetensors file path. what names the
// kind of file in errors, such as "checkpoint".
func readSafetensorsFile(path, what string) ([]NamedTensor, map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("surrogate: %s: %w", what, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("surrogate: %s: %w", what, err)
	}
	return DecodeSafetensors(f, st.Size(), path)
}

// LoadWeights builds a model of architecture cfg on b and fills its
// parameters from tensors. Every parameter must be present with its shape
// and no unknown tensor may be present; path only names the file in
// errors.
func LoadWeights(path string, b kernels.Backend, cfg Config, tensors []NamedTensor) (*Model[float32], error) {
	m, err := NewModel(b, cfg, 0)
	if err != nil {
		return nil, fmt.Errorf("surrogate: weights %s: architecture: %w", path, err)
	}
	byName := make(map[string]NamedTensor, len(tensors))
	for _, t := range tensors {
		byName[t.Name] = t
	}
	for _, p := range m.Params.List {
		t, ok := byName[p.Name]
		if !ok {
			return nil, fmt.Errorf("surrogate: weights %s: tensor %q is missing", path, p.Name)
		}
		if len(t.Shape) != 2 || t.Shape[0] != p.Value.Rows() || t.Shape[1] != p.Value.Cols() {
			return nil, fmt.Errorf("surrogate: weights %s: tensor %q has shape %v, the architecture needs [%d %d]",
				path, p.Name, t.Shape, p.Value.Rows(), p.Value.Cols())
		}
		b.Upload(p.Value, t.Data)
		delete(byName, p.Name)
	}
	for name := range byName {
		return nil, fmt.Errorf("surrogate: weights %s: unknown tensor %q for this architecture", path, name)
	}
	return m, nil
}
