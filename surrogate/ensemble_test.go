package surrogate

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/neusim/neusim/kernels"
)

// TestPredictMembersMean checks that a predictor with ensemble members
// predicts the mean of its models' predictions at every step, each model
// carrying its own memory, with and without turns.
func TestPredictMembersMean(t *testing.T) {
	be := kernels.NewCPU[float32](1)
	defer be.Close()
	feat := Features{History: 2, Materials: 1, Radius: 0.025}
	cfg := feat.ModelConfig(Config{Latent: 16, Width: 16, Hidden: 1, Steps: 2, Memory: MemoryMLSTM, Heads: 2})
	a, err := NewModel(be, cfg, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewModel(be, cfg, 8)
	if err != nil {
		t.Fatal(err)
	}
	const n = 27
	rng := rand.New(rand.NewPCG(5, 6))
	s := randomRolloutState(rng, n, feat)
	axis := [3]float64{0, 0, -9.81}
	for _, turns := range []int{1, 3} {
		mk := func(m *Model[float32], members ...*Model[float32]) *ModelPredictor {
			return &ModelPredictor{B: be, Model: m, Members: members, Feat: feat, Norm: unitNormalisation(), Turns: turns, Axis: axis}
		}
		pa, pb, pe := mk(a), mk(b), mk(a, b)
		accA, accB, accE := make([]float64, 3*n), make([]float64, 3*n), make([]float64, 3*n)
		gA, gB, gE := make([]float64, 9*n), make([]float64, 9*n), make([]float64, 9*n)
		spread, worst := 0.0, 0.0

		for step := range 3 {
			s.Step = step
			for _, c := range []struct {
				p      *ModelPredictor
				acc, g []float64
			}{{pa, accA, gA}, {pb, accB, gB}, {pe, accE, gE}} {
				if err := c.p.Predict(s, c.acc, c.g); err != nil {
					t.Fatal(err)
				}
			}
			for i := range accE {
				spread = max(spread, math.Abs(accA[i]-accB[i]))
				worst = max(worst, math.Abs(accE[i]-(accA[i]+accB[i])/2))
			}
			for i := range gE {
				worst = max(worst, math.Abs(gE[i]-(gA[i]+gB[i])/2))
			}
			// A memory that changes the outputs makes the later steps
			// check that each model kept its own.
			for j := range s.Vels {
				s.Vels[j] = randSlice(rng, 3*n)
			}
		}

		if worst > 1e-12 {
			t.Errorf("%d turns: ensemble prediction differs from the mean of its members' by %g, want at most 1e-12", turns, worst)
		}
		if spread < 1e-3 {
			t.Errorf("%d turns: the two members' predictions differ by only %g; want different models so that the test can fail", turns, spread)
		}
	}
}

// TestEnsembleCheckpointRoundTrip saves three models as one checkpoint and
// checks that each comes back with its own weights, that LoadCheckpoint
// returns the first, and that a file whose metadata lists fewer members
// than its tensors hold is rejected.
func TestEnsembleCheckpointRoundTrip(t *testing.T) {
	b := kernels.NewCPU[float32](1)
	defer b.Close()
	first, feat := testModel(t, b)
	models := []*Model[float32]{first}
	for _, seed := range []uint64{4, 5} {
		m, err := NewModel(b, first.Cfg, seed)
		if err != nil {
			t.Fatal(err)
		}
		models = append(models, m)
	}
	norm, err := ComputeNormalisation(boxSequences(9, 1, 10))
	if err != nil {
		t.Fatal(err)
	}
	meta := Metadata{Features: feat, Normalisation: norm, Case: "box", Seed: 3,
		Training: TrainingSummary{Sequences: 1, Frames: 10, Dt: 0.01},
		Members:  []MemberSummary{{Seed: 4, FinalLoss: 0.5}, {Seed: 5, FinalLoss: 0.6}}}
	dir := t.TempDir()
	path := filepath.Join(dir, "ensemble.safetensors")
	if err := SaveEnsemble(path, b, models, meta); err != nil {
		t.Fatal(err)
	}
	got, gotMeta, err := LoadEnsemble(path, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("loaded %d models, want 3", len(got))
	}
	if gotMeta.Version != 2 {
		t.Errorf("version %d, want 2 for an ensemble", gotMeta.Version)
	}
	if !reflect.DeepEqual(gotMeta.Members, meta.Members) {
		t.Errorf("members %+v after loading, saved %+v", gotMeta.Members, meta.Members)
	}
	weights := func(m *Model[float32]) []float32 {
		var w []float32
		for _, p := range m.Params.List {
			v := make([]float32, p.Value.Len())
			b.Download(v, p.Value)
			w = append(w, v...)
		}
		return w
	}
	for k := range models {
		if !slices.Equal(weights(got[k]), weights(models[k])) {
			t.Errorf("member %d: weights changed on the round trip", k)
		}
	}
	if slices.Equal(weights(models[1]), weights(models[2])) {
		t.Fatal("members 1 and 2 have equal weights; want different seeds so that the test can tell them apart")
	}
	firstOnly, _, err := LoadCheckpoint(path, b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(weights(firstOnly), weights(models[0])) {
		t.Error("LoadCheckpoint of an ensemble did not return the first model")
	}

	// A single model keeps version 1 for older readers.
	single := filepath.Join(dir, "single.safetensors")
	meta.Members = nil
	if err := SaveCheckpoint(single, b, first, meta); err != nil {
		t.Fatal(err)
	}
	if _, m, err := LoadCheckpoint(single, b); err != nil || m.Version != 1 {
		t.Errorf("single model: version %d, error %v; want version 1", m.Version, err)
	}

	// Three models with one summary, and an ensemble file whose metadata
	// drops a member.
	meta.Members = []MemberSummary{{Seed: 4}}
	if err := SaveEnsemble(filepath.Join(dir, "bad.safetensors"), b, models, meta); err == nil || !strings.Contains(err.Error(), "member summaries") {
		t.Errorf("3 models, 1 summary: error %v, want one about the member summaries", err)
	}
	tensors, md, err := readSafetensorsFile(path, "checkpoint")
	if err != nil {
		t.Fatal(err)
	}
	var m Metadata
	if err := json.Unmarshal([]byte(md[metadataKey]), &m); err != nil {
		t.Fatal(err)
	}
	m.Members = m.Members[:1]
	js, _ := json.Marshal(m)
	var buf bytes.Buffer
	if err := EncodeSafetensors(&buf, tensors, map[string]string{metadataKey: string(js)}); err != nil {
		t.Fatal(err)
	}
	dropped := filepath.Join(dir, "dropped.safetensors")
	if err := os.WriteFile(dropped, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadEnsemble(dropped, b); err == nil || !strings.Contains(err.Error(), "member2/") {
		t.Errorf("metadata with one member of two: error %v, want one naming a member2/ tensor", err)
	}
}
