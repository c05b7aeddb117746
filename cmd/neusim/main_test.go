package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neusim/neusim/cases"
)

// runCLI runs the neusim command line in process and returns its exit
// status, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"neusim"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestHelpListsEveryCommand(t *testing.T) {
	code, out, _ := runCLI(t, "--help")
	if code != exitOK {
		t.Fatalf("neusim --help exited %d", code)
	}
	for _, name := range []string{"run", "compare", "train", "sweep", "export", "cases", "validate", "version", "group", "solvers", "import", "--log-level", "--log-format"} {
		if !strings.Contains(out, name) {
			t.Errorf("neusim --help does not mention %q", name)
		}
	}
}

func TestSubcommandHelpExplainsFlags(t *testing.T) {
	// Every flag of every command appears in its help with a usage text.
	app := newApp(&environment{})
	for _, cmd := range app.Commands {
		code, out, _ := runCLI(t, "help", cmd.Name)
		if code != exitOK {
			t.Errorf("neusim help %s exited %d", cmd.Name, code)
			continue
		}
		if cmd.Description == "" {
			t.Errorf("command %s has no long description", cmd.Name)
		}
		for _, f := range cmd.Flags {
			name := f.Names()[0]
			if !strings.Contains(out, "--"+name) {
				t.Errorf("neusim help %s does not show --%s", cmd.Name, name)
			}
		}
	}
}

func TestCasesListsStandardCases(t *testing.T) {
	code, out, errs := runCLI(t, "cases")
	if code != exitOK {
		t.Fatalf("neusim cases exited %d: %s", code, errs)
	}
	for _, name := range []string{"hopper", "hopper_slot", "drum", "column", "box"} {
		if !strings.Contains(out, name) {
			t.Errorf("neusim cases does not list %s", name)
		}
	}
	if !strings.Contains(out, "outlet_diameter") {
		t.Errorf("neusim cases does not show the hopper's outlet_diameter parameter:\n%s", out)
	}
}

func TestCasesShowRoundTrips(t *testing.T) {
	code, out, errs := runCLI(t, "cases", "show", "hopper")
	if code != exitOK {
		t.Fatalf("neusim cases show hopper exited %d: %s", code, errs)
	}
	path := filepath.Join(t.TempDir(), "hopper.yaml")
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := cases.Load(path, cases.Options{})
	if err != nil {
		t.Fatalf("printed hopper YAML does not load back: %v", err)
	}
	if c.Name != "hopper" {
		t.Errorf("loaded case name = %q, want hopper", c.Name)
	}
}

func TestCasesShowUnknownName(t *testing.T) {
	code, _, errs := runCLI(t, "cases", "show", "hoper")
	if code != exitFailure {
		t.Errorf("exit status = %d, want %d", code, exitFailure)
	}
	if !strings.Contains(errs, "hoper") {
		t.Errorf("error does not name the unknown case: %s", errs)
	}
}

func TestSurrogateWithoutModelFails(t *testing.T) {
	t.Setenv(modelsDirEnv, t.TempDir())
	code, _, errs := runCLI(t, "run", tinyHopper, "--solver", "surrogate", "--out", t.TempDir())
	if code != exitFailure || !strings.Contains(errs, "neusim train tiny_hopper") {
		t.Errorf("exit %d, stderr %q: want a failure that says how to train a model", code, errs)
	}
}

func TestBadFlagsAreUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--log-level", "loud", "version"},
		{"--log-format", "xml", "version"},
		{"run", "--no-such-flag"},
		{"run", "hopper", "--solver", "fem"},
		{"run", "hopper", "--set", "friction=abc"},
		{"frobnicate"},
	} {
		code, _, errs := runCLI(t, args...)
		if code != exitUsage {
			t.Errorf("neusim %s exited %d, want %d (stderr: %s)", strings.Join(args, " "), code, exitUsage, errs)
		}
	}
}

// TestUnknownCommandSuggests checks that a misspelt command is a usage
// error that names it and the closest command.
func TestUnknownCommandSuggests(t *testing.T) {
	for _, args := range [][]string{{"rnu", "hopper"}, {"help", "rnu"}} {
		code, _, errs := runCLI(t, args...)
		if code != exitUsage {
			t.Errorf("neusim %s exited %d, want %d", strings.Join(args, " "), code, exitUsage)
		}
		if !strings.Contains(errs, `unknown command "rnu"`) || !strings.Contains(errs, `did you mean "run"?`) {
			t.Errorf("neusim %s printed %q, want the unknown command and the suggestion run", strings.Join(args, " "), errs)
		}
	}
}

func TestRunRejectsOutOfRangeSet(t *testing.T) {
	code, _, errs := runCLI(t, "run", "hopper", "--set", "outlet_diameter=5", "--out", t.TempDir())
	if code != exitUsage {
		t.Fatalf("exit status = %d, want %d", code, exitUsage)
	}
	if !strings.Contains(errs, "outlet_diameter") || !strings.Contains(errs, "allow-extrapolation") {
		t.Errorf("error should name the parameter and the way out: %s", errs)
	}
}

func TestVersionPrintsToolchain(t *testing.T) {
	code, out, _ := runCLI(t, "version")
	if code != exitOK || !strings.HasPrefix(out, "neusim ") || !strings.Contains(out, "go1.") {
		t.Errorf("neusim version = %d %q", code, out)
	}
}

func TestSolversListsBuiltIn(t *testing.T) {
	code, out, _ := runCLI(t, "solvers")
	if code != exitOK || !strings.Contains(out, "dem") || !strings.Contains(out, "liggghts") {
		t.Errorf("neusim solvers = %d %q, want dem and liggghts listed", code, out)
	}
}

func TestValidatePrintsPassingTable(t *testing.T) {
	code, out, errs := runCLI(t, "validate")
	if code != exitOK {
		t.Fatalf("neusim validate exited %d: %s\n%s", code, errs, out)
	}
	for _, want := range []string{"Chung & Ooi 1, glass", "Chung & Ooi 4, 85 deg", "elastic box", "35 of 35 checks passed"} {
		if !strings.Contains(out, want) {
			t.Errorf("validate output lacks %q:\n%s", want, out)
		}
	}
}

// TestModelsDirEnv checks the folders NEUSIM_MODELS may name: the models
// folder and a checkout's root above it, and that a single model's folder
// is rejected with an error that names the fix.
func TestModelsDirEnv(t *testing.T) {
	root := t.TempDir()
	model := filepath.Join(root, "models", "hopper_cone", "model.safetensors")
	if err := os.MkdirAll(filepath.Dir(model), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(model, []byte("weights"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{filepath.Join(root, "models"), root} {
		t.Setenv(modelsDirEnv, dir)
		if got, ok := shippedModel("hopper_cone"); !ok || got != model {
			t.Errorf("%s=%s: shippedModel = %q, %v; want %q, true", modelsDirEnv, dir, got, ok, model)
		}
	}
	t.Setenv(modelsDirEnv, filepath.Dir(model))
	code, _, errs := runCLI(t, "run", "hopper_cone", "--solver", "surrogate", "--out", t.TempDir())
	if code != exitFailure || !strings.Contains(errs, "a single model's folder") || !strings.Contains(errs, "--model "+model) {
		t.Errorf("%s naming a model's folder: exit %d, stderr %q; want a failure that suggests the models folder or --model", modelsDirEnv, code, errs)
	}
}

func TestVersionFlagMatchesCommand(t *testing.T) {
	code, want, _ := runCLI(t, "version")
	if code != exitOK || !strings.HasPrefix(want, "neusim ") {
		t.Fatalf("neusim version: exit %d, output %q", code, want)
	}
	for _, flag := range []string{"--version", "-v"} {
		code, got, errs := runCLI(t, flag)
		if code != exitOK || got != want {
			t.Errorf("neusim %s: exit %d, output %q, stderr %q; want %q as neusim version prints", flag, code, got, errs, want)
		}
	}
}

// TestRunDefaultSolver checks that run without --solver uses the model
// shipped for a particle case and DEM when none ships. The shipped model
// here is not a checkpoint, so picking it fails with the loader's error
// and the way to run DEM instead.
func TestRunDefaultSolver(t *testing.T) {
	models := t.TempDir()
	t.Setenv(modelsDirEnv, models)
	code, out, errs := runCLI(t, "run", tinyHopper, "--duration", "0.01", "--out", t.TempDir())
	if code != exitOK || !strings.Contains(out, "dem solver") {
		t.Errorf("no shipped model: exit %d, stdout %q, stderr %q; want a DEM run", code, out, errs)
	}

	model := filepath.Join(models, "tiny_hopper", "model.safetensors")
	if err := os.MkdirAll(filepath.Dir(model), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(model, []byte("not a checkpoint"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCLI(t, "run", tinyHopper, "--duration", "0.01", "--out", t.TempDir())
	if code != exitFailure || !strings.Contains(errs, model) || !strings.Contains(errs, "--solver dem") {
		t.Errorf("shipped model: exit %d, stderr %q; want the surrogate to fail on %s and name --solver dem", code, errs, model)
	}
}
