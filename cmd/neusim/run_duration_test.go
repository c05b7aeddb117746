package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestRunDurationShortensRun(t *testing.T) {
	out := t.TempDir()
	code, _, stderr := runCLI(t, "--log-level", "warn", "run", tinyHopper, "--duration", "0.02", "--quiet", "--out", out)
	if code != exitOK {
		t.Fatalf("run --duration 0.02 exited %d: %s", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		SimTime float64 `json:"simulated_time_s"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if math.Abs(s.SimTime-0.02) > 1e-6 {
		t.Errorf("simulated time %g s, want 0.02 s", s.SimTime)
	}

	for _, bad := range []string{"0", "-1"} {
		if code, _, _ := runCLI(t, "run", tinyHopper, "--duration", bad, "--out", t.TempDir()); code != exitUsage {
			t.Errorf("run --duration %s exited %d, want %d", bad, code, exitUsage)
		}
	}
	if code, _, _ := runCLI(t, "compare", tinyHopper, "--duration", "-1", "--out", t.TempDir()); code != exitUsage {
		t.Errorf("compare --duration -1 exited %d, want %d", code, exitUsage)
	}
}
