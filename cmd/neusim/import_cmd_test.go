package main

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neusim/neusim/trajectory"
)

const twoAtomDump = `ITEM: TIMESTEP
100
ITEM: NUMBER OF ATOMS
2
ITEM: BOX BOUNDS ff ff ff
0 1
0 1
0 1
ITEM: ATOMS radius x y z id type vx vy vz
0.001 0.1 0.2 0.3 1 1 0 0 -1
0.002 0.4 0.5 0.6 2 1 1 0 0
`

func TestImportLIGGGHTSDump(t *testing.T) {
	dir := t.TempDir()
	dump := filepath.Join(dir, "dump.txt")
	if err := os.WriteFile(dump, []byte(twoAtomDump), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "imported.arrow")
	code, stdout, stderr := runCLI(t, "import", "liggghts", dump, "--out", out, "--dt", "1e-5", "--density", "1=2500")
	if code != exitOK {
		t.Fatalf("neusim import exited %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "wrote 1 frame to") {
		t.Errorf("stdout = %q", stdout)
	}
	r, err := trajectory.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f, err := r.Frame(0)
	if err != nil {
		t.Fatal(err)
	}
	// Mass from radius and density: 4/3 pi r^3 rho.
	want := 4.0 / 3.0 * math.Pi * 0.002 * 0.002 * 0.002 * 2500
	if f.Len() != 2 || math.Abs(f.Mass[1]-want) > 1e-15 || math.Abs(f.Time-1e-3) > 1e-15 {
		t.Errorf("frame: %d particles, mass[1] %g kg (want %g), time %g s (want 1e-3)", f.Len(), f.Mass[1], want, f.Time)
	}
}

func TestImportLIGGGHTSNeedsDensity(t *testing.T) {
	dir := t.TempDir()
	dump := filepath.Join(dir, "dump.txt")
	if err := os.WriteFile(dump, []byte(twoAtomDump), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "import", "liggghts", dump, "--out", filepath.Join(dir, "x.arrow"), "--dt", "1e-5")
	if code != exitFailure || !strings.Contains(stderr, "dump.txt:10") || !strings.Contains(stderr, "density") {
		t.Errorf("exit %d, stderr %q: want the file, line and the missing density", code, stderr)
	}
	code, _, stderr = runCLI(t, "import", "liggghts", dump, "--out", filepath.Join(dir, "x.arrow"), "--dt", "1e-5", "--density", "glass=2500")
	if code != exitUsage || !strings.Contains(stderr, "TYPE=RHO") {
		t.Errorf("bad --density: exit %d, stderr %q", code, stderr)
	}
}

// TestImportFailureKeepsOutput checks that an import whose input is
// missing or not a dump leaves a file already at --out as it was.
func TestImportFailureKeepsOutput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "keep.arrow")
	want := []byte("an earlier trajectory")
	notDump := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDump, []byte("no dump here\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, input := range []string{filepath.Join(dir, "missing.dump"), notDump} {
		if err := os.WriteFile(out, want, 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runCLI(t, "import", "liggghts", input, "--out", out, "--dt", "1e-5")
		if code != exitFailure {
			t.Errorf("import of %s exited %d, want %d: %s", input, code, exitFailure, stderr)
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("import of %s replaced the existing %s (now %d bytes)", input, out, len(got))
		}
		if left, _ := filepath.Glob(out + "*.tmp*"); len(left) > 0 {
			t.Errorf("import of %s left temporary files %v", input, left)
		}
	}
}

func TestRunWithLIGGGHTSMatchesDEM(t *testing.T) {
	if _, err := exec.LookPath("liggghts"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("liggghts not found; scripts/setup.sh installs the Debian package")
		}
		t.Skip("liggghts not installed")
	}
	discharged := map[string]float64{}
	for _, solver := range []string{"dem", "liggghts"} {
		out := t.TempDir()
		if code, _, stderr := runCLI(t, "--log-level", "warn", "run", tinyHopper, "--solver", solver, "--out", out, "--no-trajectory"); code != exitOK {
			t.Fatalf("neusim run --solver %s exited %d: %s", solver, code, stderr)
		}
		sum := readRunSummary(t, out)
		discharged[solver] = sum.Summary["discharged_mass.discharged_mass"].Value
	}
	// Both codes empty the tiny hopper within 0.25 s; a difference of a
	// few beads is chaos in a granular flow, not a translation error.
	bead := 4.0 / 3.0 * math.Pi * 1e-9 * 2500
	if d := math.Abs(discharged["dem"] - discharged["liggghts"]); d > 5*bead {
		t.Errorf("discharged mass: dem %g kg, liggghts %g kg, differ by %.1f beads (tolerance 5)", discharged["dem"], discharged["liggghts"], d/bead)
	}
}

func TestImportLIGGGHTSNeedsTimeStep(t *testing.T) {
	dir := t.TempDir()
	dump := filepath.Join(dir, "dump.txt")
	if err := os.WriteFile(dump, []byte(twoAtomDump), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "import", "liggghts", dump, "--out", filepath.Join(dir, "x.arrow"), "--density", "1=2500")
	if code != exitUsage || !strings.Contains(stderr, "dt") {
		t.Errorf("import without --dt: exit %d, stderr %q; want a usage error naming --dt", code, stderr)
	}
}
