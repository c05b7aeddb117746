package sweep

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"

	"github.com/neusim/neusim/internal/atomicfile"
)

// SlurmOptions control the job-array script of a sweep.
type SlurmOptions struct {
	Executable string   // absolute path of the neusim binary the tasks run
	Partition  string   // --partition; empty uses the cluster's default
	MaxRunning int      // array throttle (%N); 0 means no limit
	TimeLimit  string   // --time, e.g. "02:00:00"; empty uses the partition's limit
	CPUs       int      // --cpus-per-task; 0 means 1
	Extra      []string // further #SBATCH lines, without the prefix
}

var slurmTemplate = template.Must(template.New("sbatch").Parse(`#!/bin/bash
# Slurm job array for the neusim sweep in {{.Dir}}: one array task per
# variant. Each task writes its own result file; after the array finishes,
# "neusim sweep collect {{.Dir}}" merges them and lists missing or failed
# variants.
#SBATCH --job-name=neusim-sweep
#SBATCH --array=0-{{.Last}}{{if .MaxRunning}}%{{.MaxRunning}}{{end}}
#SBATCH --output={{.Dir}}/slurm/task-%a.out
#SBATCH --cpus-per-task={{.CPUs}}
{{- if .Partition}}
#SBATCH --partition={{.Partition}}
{{- end}}
{{- if .TimeLimit}}
#SBATCH --time={{.TimeLimit}}
{{- end}}
{{- range .Extra}}
#SBATCH {{.}}
{{- end}}
set -euo pipefail
exec {{.Executable}} sweep run-task --workers {{.CPUs}} --task "$SLURM_ARRAY_TASK_ID" {{.Dir}}
`))

// WriteSlurmScript writes dir/sweep.sbatch, the job-array script that
// runs every variant of the sweep prepared in dir, and returns its path.
// dir must already hold the sweep's manifest (see Prepare).
func WriteSlurmScript(dir string, opt SlurmOptions) (string, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return "", err
	}
	if len(m.Variants) == 0 {
		return "", fmt.Errorf("sweep: %s has no variants to submit", dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if opt.Executable == "" || !filepath.IsAbs(opt.Executable) {
		return "", fmt.Errorf("sweep: the Slurm script needs the absolute path of the neusim executable, got %q", opt.Executable)
	}
	if err := os.MkdirAll(filepath.Join(abs, "slurm"), 0o755); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	err = slurmTemplate.Execute(&buf, map[string]any{
		"Dir": shellQuote(abs), "Last": len(m.Variants) - 1, "MaxRunning": opt.MaxRunning,
		"CPUs": max(opt.CPUs, 1), "Partition": opt.Partition, "TimeLimit": opt.TimeLimit,
		"Extra": opt.Extra, "Executable": shellQuote(opt.Executable),
	})
	if err != nil {
		return "", err
	}
	path := filepath.Join(abs, "sweep.sbatch")
	return path, atomicfile.WriteFile(path, buf.Bytes(), 0o755)
}

// Submit submits a job-array script with sbatch and returns the job id.
func Submit(ctx context.Context, script string) (string, error) {
	out, err := exec.CommandContext(ctx, "sbatch", "--parsable", script).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("sweep: sbatch %s: %w: %s", script, err, strings.TrimSpace(string(out)))
	}
	id, _, _ := strings.Cut(strings.TrimSpace(string(out)), ";") // "id;cluster" on federated clusters
	return id, nil
}

// Prepare creates dir and its manifest without running anything, for a
// sweep whose variants run elsewhere (as Slurm array tasks).
func Prepare(dir string, m Manifest) error { return prepare(dir, &m) }

// RunTask runs the single variant task of the sweep in dir and stores its
// result; it is what each Slurm array task executes. A task whose result
// exists already returns at once, so a requeued task does no work twice.
func RunTask(ctx context.Context, dir string, task int, r Runner, ref Runner) error {
	m, err := ReadManifest(dir)
	if err != nil {
		return err
	}
	if task < 0 || task >= len(m.Variants) {
		return fmt.Errorf("sweep: task %d: the sweep in %s has variants 0 to %d", task, dir, len(m.Variants)-1)
	}
	if _, err := os.Stat(resultPath(dir, task)); err == nil {
		return nil
	}
	verify := false
	for _, i := range m.Verify {
		verify = verify || i == task
	}
	if verify && ref == nil {
		return fmt.Errorf("sweep: task %d is verified but no reference runner was given", task)
	}
	res, err := runOne(ctx, *m, m.Variants[task], r, ref, verify, nil)
	if err != nil {
		return err
	}
	return writeResult(dir, res)
}

// CollectReport is the state of a sweep directory: finished, failed and
// missing variants.
type CollectReport struct {
	Variants int
	Finished int
	Failed   []int // variants whose run failed
	Missing  []int // variants without a result
}

// Collect merges the results of the sweep in dir into results.csv and
// plots, and reports failed and missing variants.
func Collect(dir string) (CollectReport, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return CollectReport{}, err
	}
	results, err := readResults(dir)
	if err != nil {
		return CollectReport{}, err
	}
	rep := CollectReport{Variants: len(m.Variants), Finished: len(results)}
	for _, v := range m.Variants {
		r, ok := results[v.Index]
		switch {
		case !ok:
			rep.Missing = append(rep.Missing, v.Index)
		case r.Status != StatusOK:
			rep.Failed = append(rep.Failed, v.Index)
		}
	}
	if _, _, err := Merge(dir); err != nil {
		return rep, err
	}
	return rep, nil
}

// shellQuote quotes s for bash when it contains anything but safe characters.
func shellQuote(s string) string {
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+=:,@", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// FormatIndices writes indices compactly for messages, e.g. "3, 7, 12".
func FormatIndices(idx []int) string {
	parts := make([]string, len(idx))
	for i, v := range idx {
		parts[i] = strconv.Itoa(v)
	}
	return strings.Join(parts, ", ")
}
