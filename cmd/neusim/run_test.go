package main

import (
	"encoding/json"
	"io"
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

	sum := readRunSummary(t, out)
	if !sum.Completed || sum.Case != "tiny_hopper" || sum.Solver != "dem" {
		t.Errorf("summary header = %+v", sum)
	}
	if sum.Lost != 0 {
		t.Errorf("DEM lost %d particles outside the outlet; the tiny hopper's domain contains every path", sum.Lost)
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

func TestGroupWritesEntityIDs(t *testing.T) {
	out := t.TempDir()
	if code, _, stderr := runCLI(t, "--log-level", "warn", "run", tinyHopper, "--out", out); code != exitOK {
		t.Fatalf("neusim run exited %d: %s", code, stderr)
	}
	grouped := filepath.Join(out, "group")
	code, stdout, stderr := runCLI(t, "group", filepath.Join(out, "trajectory.arrow"), "--target", "8", "--window", "4", "--out", grouped, "--vtk")
	if code != exitOK {
		t.Fatalf("neusim group exited %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "results in") {
		t.Errorf("group printed no report:\n%s", stdout)
	}
	r, err := trajectory.Open(filepath.Join(grouped, "grouped.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f, err := r.Frame(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Entity) != f.Len() {
		t.Fatalf("grouped frame has %d entity ids for %d particles", len(f.Entity), f.Len())
	}
	entities := map[int32]int{}
	for _, e := range f.Entity {
		entities[e]++
	}
	// 150 particles at about 8 per entity: between 150/32 and 150/2
	// entities, since fitted entity sizes stay within [n/4, 4n].
	if n := len(entities); n < 150/32 || n > 150/2 {
		t.Errorf("first frame has %d entities for 150 particles at target 8", n)
	}
	if _, err := os.Stat(filepath.Join(grouped, "vtk", "particles.pvd")); err != nil {
		t.Errorf("grouped VTK missing: %v", err)
	}
}

func TestClearStaleVTKKeepsOtherFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"particles_000003.vtp", "walls_000001.vtu", "fields_000002.vti", "particles.pvd", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := &environment{}
	env.log, _ = newLogger(io.Discard, "info", "text")
	if err := clearStaleVTK(dir, true, env); err != nil {
		t.Fatal(err)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 1 || left[0].Name() != "notes.txt" {
		var names []string
		for _, e := range left {
			names = append(names, e.Name())
		}
		t.Errorf("left %v, want only notes.txt", names)
	}
}

// readRunSummary reads the summary.json that a run wrote into dir.
func readRunSummary(t *testing.T, dir string) runSummary {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sum runSummary
	if err := json.Unmarshal(data, &sum); err != nil {
		t.Fatalf("%s: %v", filepath.Join(dir, "summary.json"), err)
	}
	return sum
}
