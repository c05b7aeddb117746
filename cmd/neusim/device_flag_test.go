package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/neusim/neusim/kernels/cuda"
)

var shippedHopperModel = filepath.Join("..", "..", "models", "hopper_cone", "model.safetensors")

func skipWithDevice(t *testing.T) {
	t.Helper()
	if b, err := cuda.Open(cuda.Options{}); err == nil {
		b.Close()
		t.Skip("a CUDA device is present; the no-device paths cannot be shown here")
	}
}

// --device cuda without a usable GPU fails before anything runs, with exit
// status 1 and a message naming the flag's backend and what is missing.
func TestDeviceCUDAWithoutGPUFails(t *testing.T) {
	skipWithDevice(t)
	out := t.TempDir()
	code, _, stderr := runCLI(t, "run", tinyHopper, "--model", shippedHopperModel, "--device", "cuda", "--out", out)
	if code != exitFailure {
		t.Errorf("exit status %d, want %d", code, exitFailure)
	}
	if !strings.Contains(stderr, "kernels/cuda:") || !strings.Contains(stderr, "not found") {
		t.Errorf("stderr does not say what is missing:\n%s", stderr)
	}
	if strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("the error spans several lines:\n%s", stderr)
	}
	if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine") {
		t.Errorf("neusim crashed:\n%s", stderr)
	}
}

// --device auto without a usable GPU logs one warning and goes on with the
// CPU; the run then stops on the case check, since the shipped model was
// trained on the full hopper, which keeps the test short.
func TestDeviceAutoFallsBackWithOneWarning(t *testing.T) {
	skipWithDevice(t)
	out := t.TempDir()
	_, _, stderr := runCLI(t, "run", tinyHopper, "--model", shippedHopperModel, "--device", "auto", "--out", out)
	if n := strings.Count(stderr, "running on the CPU"); n != 1 {
		t.Errorf("%d fallback warnings, want 1:\n%s", n, stderr)
	}
	if !strings.Contains(stderr, "was trained on case") {
		t.Errorf("the run did not go on to the case check on the CPU:\n%s", stderr)
	}
}

func TestDeviceFlagRejectsUnknown(t *testing.T) {
	code, _, stderr := runCLI(t, "run", tinyHopper, "--solver", "surrogate", "--model", shippedHopperModel, "--device", "tpu", "--out", t.TempDir())
	if code != exitUsage || !strings.Contains(stderr, `run --device: "tpu" is not one of auto, cpu, cuda`) {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}
