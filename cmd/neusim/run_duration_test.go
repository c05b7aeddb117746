package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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

// TestRunStoppedBySignal checks that a run cancelled by SIGTERM exits with
// 128 plus the signal's number, as shells report it, and that its summary
// names the signal.
func TestRunStoppedBySignal(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(signalError{syscall.SIGTERM})
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"neusim", "--log-level", "warn", "run", tinyHopper, "--solver", "dem", "--quiet", "--out", out}, &stdout, &stderr)
	if code != 143 {
		t.Errorf("run stopped by SIGTERM exited %d, want 143", code)
	}
	if !strings.Contains(stderr.String(), "interrupted by SIGTERM") {
		t.Errorf("run stopped by SIGTERM printed %q, want it to name the signal", stderr.String())
	}
	sum := readRunSummary(t, out)
	if sum.Completed || sum.Error != "interrupted by SIGTERM" {
		t.Errorf("summary: completed %v, error %q; want an incomplete run interrupted by SIGTERM", sum.Completed, sum.Error)
	}
}
