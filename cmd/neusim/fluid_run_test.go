package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunCavityWritesFieldSeries(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "--log-level", "warn", "run", "cavity", "--set", "reynolds=50", "--vtk", "--out", out)
	if code != exitOK {
		t.Fatalf("neusim run cavity exited %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "lbm solver") {
		t.Errorf("stdout = %q, want the lbm solver", stdout)
	}
	var sum fluidSummary
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &sum); err != nil {
		t.Fatal(err)
	}
	if !sum.Completed || sum.Solver != "lbm" || sum.Parameters["reynolds"].Value != 50 || sum.Frames < 2 {
		t.Errorf("summary = %+v", sum)
	}
	pvd, err := os.ReadFile(filepath.Join(out, "vtk", "fields.pvd"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(pvd), "<DataSet"); n != sum.Frames {
		t.Errorf("fields.pvd lists %d files, the run sent %d frames", n, sum.Frames)
	}
}

func TestRunFluidCaseRejectsDEM(t *testing.T) {
	code, _, stderr := runCLI(t, "run", "cavity", "--solver", "dem", "--out", t.TempDir())
	if code != exitUsage || !strings.Contains(stderr, "--solver lbm") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "run", tinyHopper, "--solver", "lbm", "--out", t.TempDir())
	if code != exitUsage || !strings.Contains(stderr, "no fluid section") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
