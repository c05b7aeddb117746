package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const tinyCavity = "../../pipeline/testdata/cavity_tiny.yaml"

// TestTrainRunCompareTinyCavity trains a tiny fluid surrogate on the
// 17 x 17 test cavity, runs it with neusim run and compares it with LBM.
// The model is too small and short-trained to be accurate; the test checks
// the chain and its outputs.
func TestTrainRunCompareTinyCavity(t *testing.T) {
	dir := t.TempDir()
	modelDir := filepath.Join(dir, "model")
	code, stdout, stderr := runCLI(t, "--log-level", "warn", "train", tinyCavity, "--values", "reynolds=80,120",
		"--iterations", "20", "--latent", "16", "--steps", "1", "--workers", "1", "--out", modelDir)
	if code != exitOK {
		t.Fatalf("neusim train exited %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	for _, name := range []string{"model.safetensors", "metadata.json", "model.train.json"} {
		if _, err := os.Stat(filepath.Join(modelDir, name)); err != nil {
			t.Errorf("train wrote no %s: %v", name, err)
		}
	}
	model := filepath.Join(modelDir, "model.safetensors")

	out := filepath.Join(dir, "run")
	code, stdout, stderr = runCLI(t, "--log-level", "warn", "run", tinyCavity, "--set", "reynolds=100", "--model", model, "--vtk", "--workers", "1", "--out", out)
	if code != exitOK {
		t.Fatalf("neusim run with the fluid surrogate exited %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "fluid surrogate") {
		t.Errorf("stdout = %q, want the fluid surrogate", stdout)
	}
	var sum fluidSummary
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Solver != "surrogate" || !sum.Completed || sum.Frames < 2 {
		t.Errorf("summary: solver %q, completed %v, %d frames; want surrogate, true and at least 2", sum.Solver, sum.Completed, sum.Frames)
	}
	if sum.CentrelineU == nil || len(sum.CentrelineU.Velocity) != 17 {
		t.Errorf("summary centreline_u = %+v, want 17 values", sum.CentrelineU)
	}
	if _, err := os.Stat(filepath.Join(out, "vtk", "fields.pvd")); err != nil {
		t.Errorf("run --vtk wrote no fields.pvd: %v", err)
	}

	cmp := filepath.Join(dir, "compare")
	code, stdout, stderr = runCLI(t, "--log-level", "warn", "compare", tinyCavity, "--set", "reynolds=100", "--model", model, "--workers", "1", "--out", cmp)
	if code != exitOK {
		t.Fatalf("neusim compare exited %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "u on the vertical centreline") {
		t.Errorf("compare stdout = %q, want the centreline table", stdout)
	}
	for _, name := range []string{"report.md", "report.json", "field_error.png", "centreline_u.png", "centreline_v.png"} {
		if _, err := os.Stat(filepath.Join(cmp, name)); err != nil {
			t.Errorf("compare wrote no %s: %v", name, err)
		}
	}
}

func TestTrainFluidRejectsBadValues(t *testing.T) {
	code, _, stderr := runCLI(t, "train", tinyCavity, "--values", "viscosity=1,2", "--out", t.TempDir())
	if code != exitUsage || !strings.Contains(stderr, "NAME=V1,V2") {
		t.Errorf("exit %d, stderr %q; want a usage error naming NAME=V1,V2", code, stderr)
	}
	code, _, stderr = runCLI(t, "train", tinyCavity, "--values", "reynolds=100,abc", "--out", t.TempDir())
	if code != exitUsage || !strings.Contains(stderr, `"abc"`) {
		t.Errorf("exit %d, stderr %q; want a usage error naming \"abc\"", code, stderr)
	}
	code, _, stderr = runCLI(t, "train", tinyCavity, "--members", "2", "--out", t.TempDir())
	if code != exitUsage || !strings.Contains(stderr, "drop --members") {
		t.Errorf("--members on a fluid case: exit %d, stderr %q; want a usage error telling to drop --members", code, stderr)
	}
}
