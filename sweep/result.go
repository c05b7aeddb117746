package sweep

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/neusim/neusim/internal/atomicfile"
)

// Status values of a result.
const (
	StatusOK     = "ok"
	StatusFailed = "failed"
)

// Quantity is a number with its SI unit.
type Quantity struct {
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// Result is the outcome of one variant: its summary observables, wall
// time and status.
type Result struct {
	Variant  int                 `json:"variant"`
	Values   map[string]float64  `json:"values"`              // swept parameter values
	Summary  map[string]Quantity `json:"summary"`             // summary observables
	WallTime float64             `json:"wall_time_s"`         // s
	Solver   string              `json:"solver"`              //
	Model    string              `json:"model,omitempty"`     //
	Status   string              `json:"status"`              // StatusOK or StatusFailed
	Error    string              `json:"error,omitempty"`     // failure message
	Verify   map[string]Quantity `json:"verify,omitempty"`    // reference solver's summary, for --verify variants
	RelError map[string]float64  `json:"rel_error,omitempty"` // |solver - reference| / |reference| per observable
}

const resultsDir = "results"

func resultPath(dir string, variant int) string {
	return filepath.Join(dir, resultsDir, fmt.Sprintf("variant-%06d.json", variant))
}

// writeResult stores r atomically, so a killed sweep leaves either the
// whole result or none.
func writeResult(dir string, r Result) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(resultPath(dir, r.Variant), append(data, '\n'), 0o644)
}

// readResults returns the stored results of dir by variant index. Files
// that are not whole results (none should exist, since writes are
// atomic) are reported as errors naming the file.
func readResults(dir string) (map[int]Result, error) {
	entries, err := os.ReadDir(filepath.Join(dir, resultsDir))
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	out := map[int]Result{}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, "variant-") || !strings.HasSuffix(name, ".json") {
			continue
		}
		path := filepath.Join(dir, resultsDir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("sweep: %w", err)
		}
		var r Result
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, fmt.Errorf("sweep: %s: %w: delete the file to rerun that variant", path, err)
		}
		if filepath.Base(resultPath(dir, r.Variant)) != name {
			return nil, fmt.Errorf("sweep: %s contains the result of variant %d, not of the variant in its name: delete the file to rerun it", path, r.Variant)
		}
		out[r.Variant] = r
	}
	return out, nil
}
