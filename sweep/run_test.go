package sweep

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/neusim/neusim/solvers"
	"github.com/neusim/neusim/table"
)

// analyticRunner replaces a solver in tests: its "mass flow rate" is a
// deterministic function of the parameters, and it takes delay per
// variant so that a test can kill a sweep while variants run.
type analyticRunner struct {
	delay time.Duration
	fail  map[int]bool
	scale float64
}

func (a analyticRunner) Run(ctx context.Context, v Variant, progress solvers.ProgressFunc) (Result, error) {
	select {
	case <-time.After(a.delay):
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	if a.fail[v.Index] {
		return Result{}, errors.New("blow-up at step 12")
	}
	scale := a.scale
	if scale == 0 {
		scale = 1
	}
	d, mu := v.Values["outlet_diameter"], v.Values["friction"]
	rate := scale * 1500 * math.Sqrt(9.81) * math.Pow(d, 2.5) * (1 - mu/2)
	return Result{Solver: "analytic", Summary: map[string]Quantity{
		"discharge.mass_flow_rate": {Value: rate, Unit: "kg/s"},
	}}, nil
}

func testManifest() Manifest {
	axes := []Axis{
		{Name: "outlet_diameter", Values: []float64{0.012, 0.016, 0.02, 0.024}},
		{Name: "friction", Values: []float64{0.2, 0.35, 0.5}},
	}
	return Manifest{
		Case: "hopper", Params: []string{"outlet_diameter", "friction"}, Units: []string{"m", "1"},
		Solver: "analytic", Variants: Grid(axes),
	}
}

func TestRunWritesEveryVariantOnce(t *testing.T) {
	dir := t.TempDir()
	m := testManifest()
	rep, err := Run(context.Background(), dir, m, analyticRunner{fail: map[int]bool{5: true}}, Options{Jobs: 3})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Ran != 11 || rep.Failed != 1 || rep.Skipped != 0 {
		t.Errorf("report = %+v, want 11 ran, 1 failed, 0 skipped", rep)
	}
	rows := readCSV(t, dir)
	if len(rows) != 1+len(m.Variants) {
		t.Fatalf("results.csv has %d lines, want a header and %d rows", len(rows), len(m.Variants))
	}
	if !strings.Contains(rows[6], "failed") || !strings.Contains(rows[6], "blow-up at step 12") {
		t.Errorf("row of variant 5 = %q, want the failure and its error", rows[6])
	}
	pq, _, err := table.ReadParquet(filepath.Join(dir, "results.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if pq.Rows() != len(m.Variants) {
		t.Errorf("results.parquet has %d rows, want %d", pq.Rows(), len(m.Variants))
	}
	if c := pq.Column("outlet_diameter"); c == nil || c.Unit != "m" || c.Values[11] != 0.024 {
		t.Errorf("results.parquet outlet_diameter column = %+v, want unit m and 0.024 in the last row", c)
	}
	if _, err := os.Stat(filepath.Join(dir, "plots", "discharge.mass_flow_rate--vs--outlet_diameter.png")); err != nil {
		t.Errorf("plot missing: %v", err)
	}

	// A second run with the same manifest runs nothing again.
	rep, err = Run(context.Background(), dir, m, analyticRunner{}, Options{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Ran != 0 || rep.Skipped != len(m.Variants) {
		t.Errorf("rerun report = %+v, want everything skipped", rep)
	}
}

func TestRunRejectsOtherSweepsDirectory(t *testing.T) {
	dir := t.TempDir()
	m := testManifest()
	if _, err := Run(context.Background(), dir, m, analyticRunner{}, Options{}); err != nil {
		t.Fatal(err)
	}
	other := testManifest()
	other.Variants = other.Variants[:3]
	_, err := Run(context.Background(), dir, other, analyticRunner{}, Options{})
	if err == nil || !strings.Contains(err.Error(), "different sweep") {
		t.Errorf("error = %v, want a different-sweep error", err)
	}
}

func TestVerifyAddsRelativeError(t *testing.T) {
	dir := t.TempDir()
	m := testManifest()
	m.Verify = SpreadIndices(len(m.Variants), 2)
	_, err := Run(context.Background(), dir, m, analyticRunner{scale: 1.1}, Options{Reference: analyticRunner{}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := readResults(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range m.Verify {
		got := res[i].RelError["discharge.mass_flow_rate"]
		if math.Abs(got-0.1) > 1e-12 {
			t.Errorf("variant %d: relative error = %v, want 0.1", i, got)
		}
	}
	if len(res[1].RelError) != 0 {
		t.Errorf("variant 1 was not verified but has errors %v", res[1].RelError)
	}
}

func readCSV(t *testing.T, dir string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(data), "\n"), "\n")
}

// childEnv names the sweep directory when the test binary runs as a
// sweep process for TestKilledSweepResumes.
const childEnv = "NEUSIM_SWEEP_TEST_CHILD_DIR"

func TestMain(m *testing.M) {
	// As the executable of a Slurm array task: "sweep run-task --workers N
	// --task I DIR", the command line that WriteSlurmScript writes.
	if len(os.Args) == 8 && os.Args[1] == "sweep" && os.Args[2] == "run-task" {
		task, err := strconv.Atoi(os.Args[6])
		if err == nil {
			err = RunTask(context.Background(), os.Args[7], task, analyticRunner{}, analyticRunner{})
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if dir := os.Getenv(childEnv); dir != "" {
		_, err := Run(context.Background(), dir, testManifest(), analyticRunner{delay: 150 * time.Millisecond}, Options{Jobs: 2})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestKilledSweepResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts sweep processes")
	}
	killed := t.TempDir()
	child := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+killed)
		return cmd
	}

	// Start a sweep process, wait until some but not all variants have
	// finished, and kill it with SIGKILL.
	cmd := child()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, _ := filepath.Glob(filepath.Join(killed, resultsDir, "variant-*.json"))
		if len(n) >= 3 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the sweep process wrote no results within 30 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	before, _ := filepath.Glob(filepath.Join(killed, resultsDir, "variant-*.json"))
	if len(before) == len(testManifest().Variants) {
		t.Fatal("the sweep finished before it was killed; the test proves nothing")
	}

	// Restart with the same command and let it finish.
	if out, err := child().CombinedOutput(); err != nil {
		t.Fatalf("restarted sweep failed: %v\n%s", err, out)
	}

	// An uninterrupted sweep gives the same table, apart from wall times.
	clean := t.TempDir()
	if _, err := Run(context.Background(), clean, testManifest(), analyticRunner{}, Options{Jobs: 2}); err != nil {
		t.Fatal(err)
	}
	got, want := readCSV(t, killed), readCSV(t, clean)
	if len(got) != len(want) {
		t.Fatalf("killed-and-resumed sweep has %d lines, uninterrupted %d", len(got), len(want))
	}
	for i := range got {
		if dropWallTime(got[i]) != dropWallTime(want[i]) {
			t.Errorf("line %d differs:\n resumed: %s\n   clean: %s", i, got[i], want[i])
		}
	}
}

// dropWallTime removes the wall-time column, the only one that differs
// between two runs of the same sweep.
func dropWallTime(line string) string {
	f := strings.Split(line, ",")
	return strings.Join(append(f[:4:4], f[5:]...), ",")
}
