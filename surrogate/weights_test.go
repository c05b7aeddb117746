package surrogate

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/neusim/neusim/kernels"
)

func TestWeightsRoundTrip(t *testing.T) {
	b := kernels.NewCPU[float32](1)
	defer b.Close()
	cfg := Config{NodeIn: 5, EdgeIn: 3, WallIn: 2, Latent: 8, Steps: 1, Heads: 2}
	m, err := NewModel(b, cfg, 7)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "w.safetensors")
	if err := SaveWeights(path, b, m, "test-key", map[string]int{"answer": 42}); err != nil {
		t.Fatal(err)
	}

	js, tensors, err := ReadWeightsMetadata(path, "test-key")
	if err != nil {
		t.Fatal(err)
	}
	if string(js) != `{"answer":42}` {
		t.Errorf("metadata %s, want {\"answer\":42}", js)
	}
	back, err := LoadWeights(path, b, m.Cfg, tensors)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range m.Params.List {
		want, got := make([]float32, p.Value.Len()), make([]float32, p.Value.Len())
		b.Download(want, p.Value)
		b.Download(got, back.Params.List[i].Value)
		for j := range want {
			if got[j] != want[j] {
				t.Fatalf("parameter %s[%d]: loaded %g, saved %g", p.Name, j, got[j], want[j])
			}
		}
	}

	if _, _, err := ReadWeightsMetadata(path, "other-key"); err == nil || !strings.Contains(err.Error(), "other-key") {
		t.Errorf("reading another key: error %v, want one naming the key", err)
	}
	wider := m.Cfg
	wider.Latent = 16
	if _, err := LoadWeights(path, b, wider, tensors); err == nil || !strings.Contains(err.Error(), "shape") {
		t.Errorf("loading into a wider architecture: error %v, want a shape mismatch", err)
	}
}
