package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSweepRunsGridAndResumes(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sweep")
	args := []string{"--log-level", "warn", "sweep", tinyHopper, "--param", "outlet_diameter=0.012,0.016", "--jobs", "2", "--out", out}
	code, stdout, stderr := runCLI(t, args...)
	if code != exitOK {
		t.Fatalf("neusim sweep exited %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	data, err := os.ReadFile(filepath.Join(out, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 3 {
		t.Fatalf("results.csv has %d lines, want a header and 2 rows:\n%s", len(lines), data)
	}
	if !strings.Contains(lines[0], "discharged_mass.discharged_mass [kg]") || !strings.Contains(lines[0], "outlet_diameter [m]") {
		t.Errorf("header lacks the parameter or the observable with units: %s", lines[0])
	}
	for _, l := range lines[1:] {
		if !strings.Contains(l, ",ok,") {
			t.Errorf("variant did not finish: %s", l)
		}
	}

	// The same command again resumes and runs nothing.
	code, stdout, _ = runCLI(t, args...)
	if code != exitOK || !strings.Contains(stdout, "0 run now, 2 resumed") {
		t.Errorf("rerun exited %d: %s", code, stdout)
	}
}

func TestSweepRejectsBadParameters(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sweep", "hopper"}, "sweep is empty"},
		{[]string{"sweep", "hopper", "--param", "outlet_diamter=0.02:0.03:3"}, `did you mean "outlet_diameter"`},
		{[]string{"sweep", "hopper", "--param", "outlet_diameter=0.001:0.03:3"}, "outside the case's range"},
		{[]string{"sweep", "hopper", "--lhs", "5", "--param", "friction=0.2,0.3"}, "NAME=LO:HI"},
	} {
		code, _, errs := runCLI(t, append(tc.args, "--out", t.TempDir())...)
		if code != exitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("neusim %s: exit %d, stderr %q; want exit %d and %q", strings.Join(tc.args, " "), code, errs, exitUsage, tc.want)
		}
	}
}
