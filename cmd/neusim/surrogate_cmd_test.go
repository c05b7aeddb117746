package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainRunCompareTinyHopper trains a tiny model on two DEM variants
// of the test hopper, runs it as the solver of neusim run, and compares
// it with DEM. The model is far too small to be accurate; the test checks
// the chain and its outputs, and mass conservation of the surrogate run.
func TestTrainRunCompareTinyHopper(t *testing.T) {
	dir := t.TempDir()
	modelDir := filepath.Join(dir, "model")
	code, stdout, stderr := runCLI(t, "--log-level", "warn", "train", tinyHopper, "--variants", "2", "--iterations", "20",
		"--target", "8", "--stride", "1", "--handover-delay", "0.02", "--latent", "16", "--steps", "1", "--data", filepath.Join(dir, "data"), "--out", modelDir)
	if code != exitOK {
		t.Fatalf("neusim train exited %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	model := filepath.Join(modelDir, "model.safetensors")
	for _, name := range []string{"model.safetensors", "metadata.json", "model.train.json"} {
		if _, err := os.Stat(filepath.Join(modelDir, name)); err != nil {
			t.Errorf("train wrote no %s: %v", name, err)
		}
	}

	// --model takes the folder that train wrote as well as the file.
	out := filepath.Join(dir, "run")
	code, stdout, stderr = runCLI(t, "--log-level", "warn", "run", tinyHopper, "--model", modelDir, "--out", out)
	if code != exitOK {
		t.Fatalf("neusim run with the surrogate exited %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	sum := readRunSummary(t, out)
	if sum.Solver != "surrogate" || !sum.Completed {
		t.Errorf("summary: solver %q, completed %v; want a completed surrogate run", sum.Solver, sum.Completed)
	}
	// The step count is DEM's steps to the handover plus the surrogate's,
	// and the simulated time splits the same way.
	if p := sum.Surrogate; p == nil {
		t.Errorf("summary.json of a surrogate run has no surrogate section")
	} else {
		if p.Model != model {
			t.Errorf("summary: model %q, want the checkpoint in the folder given, %q", p.Model, model)
		}
		if p.DEMSteps < 1 || p.SurrogateSteps < 1 || sum.Steps != p.DEMSteps+int64(p.SurrogateSteps) {
			t.Errorf("summary: steps %d, DEM steps %d, surrogate steps %d; want both phases, adding up", sum.Steps, p.DEMSteps, p.SurrogateSteps)
		}
		// The gate opens at 0.05 s and the model hands over 0.02 s later,
		// rounded up to its 0.025 s step.
		if math.Abs(p.HandoverS-0.075) > 1e-9 {
			t.Errorf("summary: handover at %g s, want 0.075 s", p.HandoverS)
		}
		if got := p.HandoverS + float64(p.SurrogateSteps)*p.SurrogateDt; math.Abs(got-sum.SimTime) > 1e-9*sum.SimTime {
			t.Errorf("summary: handover %g s + %d steps of %g s = %g s; simulated time %g s", p.HandoverS, p.SurrogateSteps, p.SurrogateDt, got, sum.SimTime)
		}
	}
	if !strings.Contains(stdout, "surrogate steps of") {
		t.Errorf("run printed no split of DEM and surrogate steps:\n%s", stdout)
	}

	// A run that ends before the handover is DEM alone, and its summary
	// line reports that.
	code, stdout, stderr = runCLI(t, "--log-level", "warn", "run", tinyHopper, "--model", modelDir, "--duration", "0.05", "--out", filepath.Join(dir, "short"))
	if code != exitOK {
		t.Fatalf("neusim run --duration 0.05 with the surrogate exited %d\nstderr: %s", code, stderr)
	}
	if !strings.Contains(stdout, "ended before the handover") || strings.Contains(stdout, "surrogate steps of") {
		t.Errorf("run ending before the handover printed:\n%s\nwant a line saying that DEM simulated all of it", stdout)
	}

	cmp := filepath.Join(dir, "compare")
	code, stdout, stderr = runCLI(t, "--log-level", "warn", "compare", tinyHopper, "--model", model, "--out", cmp)
	if code != exitOK {
		t.Fatalf("neusim compare exited %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	var rep map[string]any
	data, err := os.ReadFile(filepath.Join(cmp, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"mass_flow_rate_error", "discharge_time_error", "field_error", "wall_time_dem_s", "wall_time_surrogate_s", "speedup"} {
		if _, ok := rep[key]; !ok {
			t.Errorf("report.json lacks %s", key)
		}
	}
	if !strings.Contains(stdout, "report in") {
		t.Errorf("compare printed no report path:\n%s", stdout)
	}
}

func TestTrainRejectsBadSettings(t *testing.T) {
	for _, tc := range []struct{ flag, value, want string }{
		{"--stride", "0", "--stride 0"},
		{"--window", "0", "--window 0"},
		{"--noise", "0", "--noise 0"},
		{"--target", "1", "--target 1"},
		{"--handover-delay", "-0.1", "--handover-delay -0.1"},
		{"--members", "0", "--members 0"},
		{"--duration", "-1", "--duration -1"},
		{"--workers", "-1", "--workers -1"},
	} {
		code, _, stderr := runCLI(t, "train", tinyHopper, tc.flag, tc.value, "--out", t.TempDir())
		if code != exitUsage {
			t.Errorf("train %s %s exited %d, want %d", tc.flag, tc.value, code, exitUsage)
		}
		if !strings.Contains(stderr, tc.want) {
			t.Errorf("train %s %s printed %q, want a message naming %s", tc.flag, tc.value, stderr, tc.want)
		}
	}
}

// TestFlagParseErrorIsOneLine checks that a flag value the parser rejects
// gives one line naming the value and the command's help, not the help.
func TestFlagParseErrorIsOneLine(t *testing.T) {
	code, stdout, stderr := runCLI(t, "train", tinyHopper, "--duration", "abc", "--out", t.TempDir())
	if code != exitUsage {
		t.Errorf("train --duration abc exited %d, want %d", code, exitUsage)
	}
	want := `neusim: invalid value "abc" for flag -duration: parse error; see 'neusim train --help'` + "\n"
	if stderr != want {
		t.Errorf("train --duration abc printed %q on stderr, want %q", stderr, want)
	}
	if stdout != "" {
		t.Errorf("train --duration abc printed %q on stdout, want nothing", stdout)
	}
}

// TestSurrogateFlagErrors checks that a bad --model or --turns fails
// before any simulation, with a message that names the value and the fix.
func TestSurrogateFlagErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"folder without checkpoint", []string{"--model", dir}, exitFailure, []string{dir, "model.safetensors not found", "neusim train --out"}},
		{"missing file", []string{"--model", filepath.Join(dir, "none.safetensors")}, exitFailure, []string{"none.safetensors: file not found", "neusim train --out"}},
		{"negative turns", []string{"--turns", "-1"}, exitUsage, []string{"--turns -1", "give 0 (the model's default), 1 (no averaging) or more"}},
	} {
		args := append([]string{"--log-level", "warn", "run", tinyHopper, "--out", filepath.Join(dir, "run")}, tc.args...)
		code, _, stderr := runCLI(t, args...)
		if code != tc.code {
			t.Errorf("%s: exit code %d, want %d\n%s", tc.name, code, tc.code, stderr)
		}
		for _, want := range tc.want {
			if !strings.Contains(stderr, want) {
				t.Errorf("%s: error does not contain %q:\n%s", tc.name, want, stderr)
			}
		}
	}
}

// TestTurnsIgnoredByDEM checks that --turns with the DEM solver runs DEM
// and warns that only the surrogate uses it.
func TestTurnsIgnoredByDEM(t *testing.T) {
	code, _, stderr := runCLI(t, "--log-level", "warn", "run", tinyHopper, "--solver", "dem", "--turns", "4", "--duration", "0.01",
		"--out", filepath.Join(t.TempDir(), "run"))
	if code != exitOK {
		t.Fatalf("run --solver dem --turns 4 exited %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "--turns applies only to the surrogate") {
		t.Errorf("no warning that --turns is ignored by DEM:\n%s", stderr)
	}
}

// TestTrainEnsembleResumeChecksFirst trains a tiny ensemble and checks
// that resuming it with another member count fails before any DEM run.
func TestTrainEnsembleResumeChecksFirst(t *testing.T) {
	dir := t.TempDir()
	modelDir := filepath.Join(dir, "ensemble")
	tiny := []string{"--log-level", "warn", "train", tinyHopper, "--variants", "2", "--iterations", "4",
		"--target", "8", "--stride", "1", "--handover-delay", "0.02", "--latent", "16", "--steps", "1"}
	code, stdout, stderr := runCLI(t, append(tiny, "--members", "2", "--data", filepath.Join(dir, "data"), "--out", modelDir)...)
	if code != exitOK {
		t.Fatalf("neusim train --members 2 exited %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "validation of the 2-model ensemble") {
		t.Errorf("train --members 2 printed no ensemble validation:\n%s", stdout)
	}
	fresh := filepath.Join(dir, "fresh-data")
	code, _, stderr = runCLI(t, append(tiny, "--resume", modelDir, "--data", fresh, "--out", filepath.Join(dir, "resumed"))...)
	if code != exitUsage || !strings.Contains(stderr, "give --members 2") {
		t.Errorf("resuming a 2-model ensemble without --members: exit %d, stderr %q; want a usage error naming --members 2", code, stderr)
	}
	if _, err := os.Stat(fresh); err == nil {
		t.Errorf("the refused resume created %s; want the check before any DEM run", fresh)
	}

	// The run prints that it averages an ensemble, and a model of another
	// case is refused before any output.
	code, stdout, stderr = runCLI(t, "--log-level", "warn", "run", tinyHopper, "--model", modelDir, "--out", filepath.Join(dir, "run"))
	if code != exitOK || !strings.Contains(stdout, "ensemble of 2 models") {
		t.Errorf("run with the ensemble: exit %d, stdout %q, stderr %q; want a run that names the 2-model ensemble", code, stdout, stderr)
	}
	other := filepath.Join(dir, "other")
	code, _, stderr = runCLI(t, "run", "hopper", "--model", modelDir, "--out", other)
	if code == exitOK || !strings.Contains(stderr, `not "hopper"`) {
		t.Errorf("run hopper with the tiny model: exit %d, stderr %q; want an error naming the case", code, stderr)
	}
	if _, err := os.Stat(other); err == nil {
		t.Errorf("the refused run made %s", other)
	}
}

func TestCountedPlural(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "0 variants"}, {1, "1 variant"}, {2, "2 variants"}} {
		if got := counted(tc.n, "variant"); got != tc.want {
			t.Errorf("counted(%d, variant) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
