package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neusim/neusim/trajectory"
)

const tinyHopper = "testdata/tiny_hopper.yaml"

func TestRunWritesSummaryTrajectoryAndVTK(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "--log-level", "warn", "run", tinyHopper, "--solver", "dem", "--vtk", "--out", out, "--workers", "2")
	if code != exitOK {
		t.Fatalf("neusim run exited %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "discharged_mass.discharged_mass") {
		t.Errorf("printed summary lacks the discharged mass:\n%s", stdout)
	}

	var sum runSummary
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &sum); err != nil {
		t.Fatalf("summary.json: %v", err)
	}
	if !sum.Completed || sum.Case != "tiny_hopper" || sum.Solver != "dem" {
		t.Errorf("summary header = %+v", sum)
	}
	if got := sum.Parameters["outlet_diameter"]; got.Value != 0.012 || got.Unit != "m" {
		t.Errorf("summary outlet_diameter = %+v, want 0.012 m", got)
	}

	// Mass balance: what left through the orifice plus what remains
	// equals the initial mass (no particle leaves the domain elsewhere).
	r, err := trajectory.Open(filepath.Join(out, "trajectory.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Len() != 11 {
		t.Errorf("trajectory has %d frames, want 11 (0 to 0.25 s every 0.025 s)", r.Len())
	}
	first, err := r.Frame(0)
	if err != nil {
		t.Fatal(err)
	}
	initial := totalMass(first.Mass)
	last, err := r.Frame(r.Len() - 1)
	if err != nil {
		t.Fatal(err)
	}
	left := last.OutletMass[0]
	if left <= 0 {
		t.Errorf("no mass discharged through the orifice by t = %g s", last.Time)
	}
	if got := left + totalMass(last.Mass); math.Abs(got-initial) > 1e-12*initial {
		t.Errorf("discharged %g kg + remaining %g kg = %g kg, want the initial %g kg", left, totalMass(last.Mass), got, initial)
	}
	if got := sum.Summary["discharged_mass.discharged_mass"].Value; got != left {
		t.Errorf("summary discharged mass = %g kg, trajectory says %g kg", got, left)
	}

	if _, err := os.Stat(filepath.Join(out, "vtk", "particles.pvd")); err != nil {
		t.Errorf("VTK series missing: %v", err)
	}
}

func TestExportVTKFromTrajectory(t *testing.T) {
	out := t.TempDir()
	if code, _, stderr := runCLI(t, "--log-level", "warn", "run", tinyHopper, "--out", out, "--set", "outlet_diameter=0.016"); code != exitOK {
		t.Fatalf("neusim run exited %d: %s", code, stderr)
	}
	vtkDir := filepath.Join(out, "exported")
	code, _, stderr := runCLI(t, "export", "vtk", filepath.Join(out, "trajectory.arrow"), "--out", vtkDir, "--fields")
	if code != exitOK {
		t.Fatalf("neusim export vtk exited %d: %s", code, stderr)
	}
	for _, name := range []string{"particles.pvd", "fields.pvd"} {
		if _, err := os.Stat(filepath.Join(vtkDir, name)); err != nil {
			t.Errorf("%s missing: %v", name, err)
		}
	}
}

func totalMass(m []float64) float64 {
	var s float64
	for _, x := range m {
		s += x
	}
	return s
}
