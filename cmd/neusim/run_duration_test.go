package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
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

func TestRunFluidDeviceChecked(t *testing.T) {
	if code, _, _ := runCLI(t, "run", "cavity", "--device", "gpu", "--out", t.TempDir()); code != exitUsage {
		t.Errorf("run cavity --device gpu exited %d, want %d", code, exitUsage)
	}
	code, _, stderr := runCLI(t, "run", "cavity", "--device", "cuda", "--out", t.TempDir())
	if code != exitFailure || !strings.Contains(stderr, "CPU only") {
		t.Errorf("run cavity --device cuda exited %d (%s), want %d and a message saying it runs on the CPU only", code, stderr, exitFailure)
	}
}

// TestRunWarnsUnwrittenEnd checks the warning for a duration that is not a
// whole number of the tiny hopper's 0.025 s output intervals.
func TestRunWarnsUnwrittenEnd(t *testing.T) {
	const warning = "the duration is not a multiple of the output interval"
	code, _, stderr := runCLI(t, "--log-level", "warn", "run", tinyHopper, "--solver", "dem", "--duration", "0.03", "--quiet", "--no-trajectory", "--out", t.TempDir())
	if code != exitOK {
		t.Fatalf("run --duration 0.03 exited %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, warning) {
		t.Errorf("run --duration 0.03 printed %q, want the warning %q", stderr, warning)
	}
	if !strings.Contains(stderr, "last_frame_s=0.025") {
		t.Errorf("run --duration 0.03 printed %q, want the last frame's time 0.025 s", stderr)
	}
	code, _, stderr = runCLI(t, "--log-level", "warn", "run", tinyHopper, "--solver", "dem", "--duration", "0.05", "--quiet", "--no-trajectory", "--out", t.TempDir())
	if code != exitOK {
		t.Fatalf("run --duration 0.05 exited %d: %s", code, stderr)
	}
	if strings.Contains(stderr, warning) {
		t.Errorf("run --duration 0.05 warned about the output interval: %q", stderr)
	}
}
