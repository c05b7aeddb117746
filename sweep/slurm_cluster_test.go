//go:build slurm

package sweep

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSlurmArrayCompletes submits a small sweep as a job array to the
// Slurm cluster on this machine (.ci/slurm.sh starts one) and waits for
// every task's result. The test binary itself is the tasks' executable:
// TestMain runs "sweep run-task" command lines.
func TestSlurmArrayCompletes(t *testing.T) {
	if _, err := exec.LookPath("sbatch"); err != nil {
		t.Fatal("sbatch not found: install slurm-wlm and run .ci/slurm.sh")
	}
	dir := t.TempDir()
	m := testManifest()
	m.Variants = m.Variants[:4]
	if err := Prepare(dir, m); err != nil {
		t.Fatal(err)
	}
	exe, err := filepath.Abs(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	script, err := WriteSlurmScript(dir, SlurmOptions{Executable: exe, TimeLimit: "00:05:00"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	id, err := Submit(ctx, script)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("submitted job array %s", id)

	for {
		out, err := exec.CommandContext(ctx, "squeue", "-h", "-j", id, "-o", "%i %T").CombinedOutput()
		if err != nil && ctx.Err() != nil {
			t.Fatalf("job array %s did not finish within 3 minutes; squeue: %s", id, out)
		}
		if strings.TrimSpace(string(out)) == "" {
			break
		}
		time.Sleep(time.Second)
	}

	rep, err := Collect(dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Finished != 4 || len(rep.Missing) != 0 || len(rep.Failed) != 0 {
		logs, _ := filepath.Glob(filepath.Join(dir, "slurm", "*.out"))
		for _, l := range logs {
			b, _ := os.ReadFile(l)
			t.Logf("%s:\n%s", l, b)
		}
		t.Fatalf("collect report = %+v, want all 4 variants finished", rep)
	}
}
