package pipeline

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/kernels"
	"github.com/neusim/neusim/surrogate"
)

// TestTrainEnsemble checks that each member of an ensemble equals the
// model that a single training with the member's seed gives. The report
// must hold every member's validation and the ensemble's, the solver must
// run all members, and resuming must ask for the same member count.
func TestTrainEnsemble(t *testing.T) {
	dir := t.TempDir()
	data, err := GenerateData(context.Background(), tinyCase, DataOptions{Dir: filepath.Join(dir, "data"), Variants: 2, Seed: 5, Jobs: 2, Cores: 2})
	if err != nil {
		t.Fatal(err)
	}
	train := func(name string, seed uint64, members int, resume string) (*TrainReport, error) {
		return Train(context.Background(), TrainOptions{Case: tinyCase, Data: data, Out: filepath.Join(dir, name), Seed: seed,
			Members: members, Resume: resume,
			Settings: Settings{Grouping: groupingTarget(16), Chunk: 6, ChunkStride: 1},
			Model:    surrogate.Config{Latent: 16, Steps: 1, Heads: 2},
			Train:    surrogate.TrainConfig{Iterations: 4, Window: 2}, ValidateEvery: 2, Workers: 2})
	}
	rep, err := train("ensemble.safetensors", 3, 2, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Validation) != 2 {
		t.Errorf("report: %d validations of member 0, want 2", len(rep.Validation))
	}
	if len(rep.MemberValidation) != 1 || len(rep.MemberValidation[0]) != 2 {
		t.Errorf("report: member validations %v, want member 1 with 2 points", rep.MemberValidation)
	}
	if rep.EnsembleValidation == nil {
		t.Error("report: no ensemble validation")
	}
	if len(rep.Metadata.Members) != 1 || rep.Metadata.Members[0].Seed != 4 {
		t.Errorf("metadata members %+v, want member 1 with seed 4", rep.Metadata.Members)
	}
	for _, seed := range []uint64{3, 4} {
		if _, err := train("single.safetensors", seed, 1, ""); err != nil {
			t.Fatal(err)
		}
		b := kernels.NewCPU[float32](1)
		ens, _, err := surrogate.LoadEnsemble(filepath.Join(dir, "ensemble.safetensors"), b)
		if err != nil {
			t.Fatal(err)
		}
		single, _, err := surrogate.LoadCheckpoint(filepath.Join(dir, "single.safetensors"), b)
		if err != nil {
			t.Fatal(err)
		}
		m := ens[seed-3]
		for i, p := range single.Params.List {
			a, c := make([]float32, p.Value.Len()), make([]float32, p.Value.Len())
			b.Download(a, p.Value)
			b.Download(c, m.Params.List[i].Value)
			if !slices.Equal(a, c) {
				t.Errorf("seed %d: parameter %s of the ensemble member differs from a single training with that seed", seed, p.Name)
				break
			}
		}
		b.Close()
	}

	s, err := NewSolver(filepath.Join(dir, "ensemble.safetensors"), SolverOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := cases.Load(tinyCase, cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	runFrames(t, s, c)
	if got := s.LastRun().Models; got != 2 {
		t.Errorf("ensemble run averaged %d models, want 2", got)
	}

	_, err = train("resumed.safetensors", 3, 1, filepath.Join(dir, "ensemble.safetensors"))
	if err == nil || !strings.Contains(err.Error(), "--members 2") {
		t.Errorf("resuming a 2-model ensemble as 1 model: error %v, want one naming --members 2", err)
	}
	if _, err := train("resumed.safetensors", 3, 2, filepath.Join(dir, "ensemble.safetensors")); err != nil {
		t.Errorf("resuming a 2-model ensemble with 2 members: %v", err)
	}
}
