package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neusim/neusim/solvers/plugin"
	"github.com/neusim/neusim/trajectory"
)

// buildDEMPlugin builds cmd/neusim-solver-dem into a temporary folder and
// returns the folder.
func buildDEMPlugin(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("go", "build", "-o", filepath.Join(dir, plugin.Prefix+"dem"), "github.com/neusim/neusim/cmd/neusim-solver-dem").CombinedOutput()
	if err != nil {
		t.Fatalf("go build neusim-solver-dem: %v\n%s", err, out)
	}
	return dir
}

func TestSolversListsPlugins(t *testing.T) {
	dir := buildDEMPlugin(t)
	code, out, errs := runCLI(t, "solvers", "--plugin-dir", dir)
	if code != exitOK {
		t.Fatalf("neusim solvers exited %d: %s", code, errs)
	}
	for _, want := range []string{"dem", "lbm", "liggghts", "surrogate", "plugin:dem", filepath.Join(dir, plugin.Prefix+"dem"), "wall:cone"} {
		if !strings.Contains(out, want) {
			t.Errorf("neusim solvers output lacks %q:\n%s", want, out)
		}
	}
}

func TestRunUnknownSolverNamesPluginPath(t *testing.T) {
	dir := t.TempDir()
	code, _, errs := runCLI(t, "run", tinyHopper, "--solver", "nosuch", "--plugin-dir", dir, "--out", t.TempDir())
	if code != exitUsage {
		t.Errorf("exit status %d, want %d", code, exitUsage)
	}
	for _, want := range []string{"nosuch", plugin.Prefix + "nosuch", dir, "--plugin-dir"} {
		if !strings.Contains(errs, want) {
			t.Errorf("error output lacks %q: %s", want, errs)
		}
	}
}

// The DEM plugin and the built-in DEM run the same code on the same case,
// so compare --reference must find every summary value equal.
func TestCompareReferencePluginDEM(t *testing.T) {
	dir := buildDEMPlugin(t)
	out := t.TempDir()
	code, stdout, errs := runCLI(t, "compare", tinyHopper, "--solver", "dem", "--reference", "plugin:dem",
		"--plugin-dir", dir, "--out", out, "--workers", "1")
	if code != exitOK {
		t.Fatalf("neusim compare exited %d: %s", code, errs)
	}
	if !strings.Contains(stdout, "dem against plugin:dem") {
		t.Errorf("stdout lacks the report title:\n%s", stdout)
	}

	data, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep referenceReport
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Quantities) == 0 {
		t.Fatal("the report has no quantities")
	}

	var discharged bool
	for _, q := range rep.Quantities {
		if q.Solver == nil || q.Reference == nil {
			continue
		}
		if *q.Solver != *q.Reference {
			t.Errorf("%s: dem %v, plugin:dem %v: want equal values", q.Name, *q.Solver, *q.Reference)
		}
		discharged = discharged || (q.Name == "discharged_mass.discharged_mass" && *q.Solver > 0)
	}
	if !discharged {
		t.Errorf("the report has no positive discharged mass of both runs, so the comparison misses the outlet counters")
	}
}

func TestCompareSolverNeedsReference(t *testing.T) {
	code, _, errs := runCLI(t, "compare", tinyHopper, "--solver", "dem")
	if code != exitUsage || !strings.Contains(errs, "--reference") {
		t.Errorf("exit status %d, stderr %q: want a usage error asking for --reference", code, errs)
	}
}

// A plugin that crashes after its first frame fails the run with an error
// naming it, and the trajectory keeps that frame.
func TestRunCrashingPluginKeepsFrames(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, plugin.Prefix+"crash")
	if out, err := exec.Command("go", "build", "-o", exe, "github.com/neusim/neusim/solvers/plugin/testdata/misbehave").CombinedOutput(); err != nil {
		t.Fatalf("go build misbehave: %v\n%s", err, out)
	}
	out := t.TempDir()
	code, _, errs := runCLI(t, "run", "testdata/free_fall.yaml", "--solver", "crash", "--plugin-dir", dir, "--out", out, "--quiet")
	if code != exitFailure {
		t.Errorf("exit status %d, want %d", code, exitFailure)
	}
	for _, want := range []string{"solver plugin crash", "exited unexpectedly", "deliberate crash"} {
		if !strings.Contains(errs, want) {
			t.Errorf("error output lacks %q: %s", want, errs)
		}
	}
	r, err := trajectory.Open(filepath.Join(out, "trajectory.arrow"))
	if err != nil {
		t.Fatalf("the trajectory of the failed run: %v", err)
	}
	defer r.Close()
	if n := r.Len(); n != 1 {
		t.Errorf("the trajectory holds %d frames, want the 1 sent before the crash", n)
	}
}
