package sweep

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSlurmScriptRunsEachVariant(t *testing.T) {
	dir := t.TempDir()
	m := testManifest()
	if err := Prepare(dir, m); err != nil {
		t.Fatal(err)
	}
	script, err := WriteSlurmScript(dir, SlurmOptions{Executable: "/opt/neusim/bin/neusim", MaxRunning: 4, TimeLimit: "00:10:00"})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, want := range []string{
		"#SBATCH --array=0-11%4",
		"#SBATCH --time=00:10:00",
		`/opt/neusim/bin/neusim sweep run-task --workers 1 --task "$SLURM_ARRAY_TASK_ID" ` + dir,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("script lacks %q:\n%s", want, text)
		}
	}
	if _, err := WriteSlurmScript(dir, SlurmOptions{Executable: "neusim"}); err == nil {
		t.Error("a relative executable path was accepted; array tasks start in another directory")
	}
}

func TestRunTaskAndCollectReportMissing(t *testing.T) {
	dir := t.TempDir()
	m := testManifest()
	m.Variants = m.Variants[:4]
	if err := Prepare(dir, m); err != nil {
		t.Fatal(err)
	}
	for _, task := range []int{0, 2, 3} {
		if err := RunTask(context.Background(), dir, task, analyticRunner{fail: map[int]bool{3: true}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := Collect(dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Finished != 3 || len(rep.Missing) != 1 || rep.Missing[0] != 1 || len(rep.Failed) != 1 || rep.Failed[0] != 3 {
		t.Errorf("collect report = %+v, want 3 finished, variant 1 missing, variant 3 failed", rep)
	}
	if err := RunTask(context.Background(), dir, 7, analyticRunner{}, nil); err == nil || !strings.Contains(err.Error(), "variants 0 to 3") {
		t.Errorf("out-of-range task error = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "results.csv")); err != nil {
		t.Errorf("collect wrote no table: %v", err)
	}
}
