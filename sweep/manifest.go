package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"

	"github.com/neusim/neusim/internal/atomicfile"
)

// manifestVersion is the format version of sweep.json.
const manifestVersion = 1

// Manifest describes a sweep completely: what runs and how. It is stored
// as DIR/sweep.json when the sweep starts, and a restart must present an
// identical manifest, so results from different sweeps never mix.
type Manifest struct {
	Version     int       `json:"version"`
	Case        string    `json:"case"`                          // case name or file path as given
	Set         []string  `json:"set,omitempty"`                 // fixed NAME=VALUE overrides for every variant
	Extrapolate bool      `json:"allow_extrapolation,omitempty"` // values outside the case's ranges allowed
	Params      []string  `json:"params"`                        // swept parameter names, in column order
	Units       []string  `json:"units"`                         // unit of each swept parameter
	Solver      string    `json:"solver"`                        // solver name for every variant
	Model       string    `json:"model,omitempty"`               // surrogate model path, if any
	Turns       int       `json:"turns,omitempty"`               // turns about gravity per surrogate prediction; 0: the model's default
	Verify      []int     `json:"verify,omitempty"`              // variants also run with the reference solver
	Variants    []Variant `json:"variants"`
}

const manifestName = "sweep.json"

// prepare creates dir and its manifest, or checks that an existing
// manifest describes the same sweep.
func prepare(dir string, m *Manifest) error {
	m.Version = manifestVersion
	if err := os.MkdirAll(filepath.Join(dir, resultsDir), 0o755); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	path := filepath.Join(dir, manifestName)
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		out, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			return err
		}
		return atomicfile.WriteFile(path, append(out, '\n'), 0o644)
	case err != nil:
		return fmt.Errorf("sweep: %w", err)
	}
	var old Manifest
	if err := json.Unmarshal(data, &old); err != nil {
		return fmt.Errorf("sweep: %s is not a sweep manifest (%v): use another --out directory", path, err)
	}
	if !reflect.DeepEqual(normalized(old), normalized(*m)) {
		return fmt.Errorf("sweep: %s was written by a different sweep (case, parameters, solver or variants differ): "+
			"rerun that sweep's exact command to resume it, or use another --out directory", path)
	}
	return nil
}

// ReadManifest reads DIR/sweep.json.
func ReadManifest(dir string) (*Manifest, error) {
	path := filepath.Join(dir, manifestName)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sweep: %w: is %s a sweep directory?", err, dir)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("sweep: %s: %w", path, err)
	}
	if m.Version != manifestVersion {
		return nil, fmt.Errorf("sweep: %s: format version %d, this neusim reads %d", path, m.Version, manifestVersion)
	}
	return &m, nil
}

// normalized makes nil and empty slices compare equal after a JSON round
// trip.
func normalized(m Manifest) Manifest {
	if len(m.Set) == 0 {
		m.Set = nil
	}
	if len(m.Verify) == 0 {
		m.Verify = nil
	}
	for i := range m.Variants {
		if len(m.Variants[i].Values) == 0 {
			m.Variants[i].Values = nil
		}
	}
	return m
}
