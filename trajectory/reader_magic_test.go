package trajectory

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenRejectsOtherFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "summary.json")
	if err := os.WriteFile(path, []byte(`{"case": "hopper"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path)
	if err == nil || !strings.Contains(err.Error(), "not a neusim trajectory") || !strings.Contains(err.Error(), path) {
		t.Errorf("Open(JSON file) error = %v, want it to name the file and say it is not a trajectory", err)
	}
}
