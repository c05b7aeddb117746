package main

import (
	"encoding/json"
	"math"
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

// A periodic channel between two obstacle walls, driven by a body
// acceleration: its observables reach summary.json and the printed
// summary, and the wall forces balance the body force rho a V.
const observedChannel = `name: observed_channel
fluid:
  grid: {origin: [0, 0, 0], spacing: 1.0e-3, nodes: [4, 18, 1]}
  time_step: 0.1
  duration: 1280
  output_interval: 320
  viscosity: 1.0e-6
  density: 1000
  body_acceleration: [1.5e-5, 0, 0]
  characteristic_speed: 5.0e-4
  faces:
    x-: {type: periodic}
    x+: {type: periodic}
  obstacles:
    - {name: lower, type: box, min: [-1, -1, -1], max: [1, 0.0005, 1]}
    - {name: upper, type: box, min: [-1, 0.0165, -1], max: [1, 1, 1]}
observables:
  - {name: lower_force, type: force, obstacle: lower, reference_speed: 5.0e-4, reference_length: 0.016}
  - {name: upper_force, type: force, obstacle: upper}
  - {name: dp, type: pressure_difference, from: [0.0005, 0.009, 0], to: [0.0025, 0.009, 0]}
  - {name: across, type: profile, from: [0.002, 0, 0], to: [0.002, 0.017, 0], samples: 5}
`

func TestRunFluidObservables(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "channel.yaml")
	if err := os.WriteFile(file, []byte(observedChannel), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI(t, "--log-level", "warn", "run", file, "--solver", "lbm", "--out", out)
	if code != exitOK {
		t.Fatalf("neusim run exited %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	for _, want := range []string{"lower_force: force (", "drag coefficient", "dp: pressure difference", "across: velocity profile of 5 samples"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}

	var sum fluidSummary
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &sum); err != nil {
		t.Fatal(err)
	}
	if len(sum.Observables) != 4 {
		t.Fatalf("summary has %d observables, want 4", len(sum.Observables))
	}
	for _, s := range sum.Observables {
		if len(s.Frames) != sum.Frames || s.Final == nil {
			t.Errorf("observable %s has %d frames and final %v, want %d frames and a final value", s.Name, len(s.Frames), s.Final, sum.Frames)
		}
	}
	lower, upper := sum.Observables[0].Final, sum.Observables[1].Final
	if lower == nil || upper == nil || lower.Force == nil || upper.Force == nil {
		t.Fatal("force observables have no final force")
	}
	want := 1000 * 1.5e-5 * (4 * 16 * 1e-6) // rho a V, N/m
	if total := lower.Force[0] + upper.Force[0]; math.Abs(total-want) > 1e-6*want {
		t.Errorf("wall force = %.9g N/m, want rho a V = %.9g N/m", total, want)
	}
	if sum.Observables[0].Unit != "N/m" || sum.Observables[2].Unit != "Pa" {
		t.Errorf("units %q and %q, want N/m and Pa", sum.Observables[0].Unit, sum.Observables[2].Unit)
	}
	// The periodic channel has no pressure gradient along it.
	if dp := sum.Observables[2].Final.PressureDifference; dp == nil || math.Abs(*dp) > 1e-9 {
		t.Errorf("pressure difference along the periodic channel = %v Pa, want 0", dp)
	}
}
