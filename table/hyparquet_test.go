package table

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

const arrowcheck = "../tools/arrowcheck"

// TestReadByHyparquet writes a table and reads it with the hyparquet npm
// package, a Parquet implementation independent of arrow-go. The test
// runs when node and the package are installed ("npm ci" in
// tools/arrowcheck); with CI=true it fails when they are not.
func TestReadByHyparquet(t *testing.T) {
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(arrowcheck, "node_modules", "hyparquet", "package.json"))
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("hyparquet is required when CI=true: %v (run npm ci in tools/arrowcheck)", err)
		}
		t.Skipf("hyparquet not available (%v); run npm ci in tools/arrowcheck", err)
	}

	want := &Table{Columns: []Column{
		{Name: "time", Unit: "s", Values: []float64{0, 0.001, 0.002, 1e-300}},
		{Name: "mass_flow", Unit: "kg/s", Values: []float64{1.5, -2.25, 3.0000000000000004, 123456789.125}},
		{Name: "variant", Strings: []string{"a", "b, c", "ünïcode", ""}},
	}}
	path := filepath.Join(t.TempDir(), "obs.parquet")
	if err := WriteParquet(path, want, map[string]string{"case": "hopper"}); err != nil {
		t.Fatal(err)
	}

	script, _ := filepath.Abs(filepath.Join(arrowcheck, "readparquet.mjs"))
	cmd := exec.Command(node, script, path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("readparquet.mjs: %v\n%s", err, stderr.String())
	}
	var js struct {
		Metadata map[string]string `json:"metadata"`
		Columns  []string          `json:"columns"`
		Rows     int               `json:"rows"`
		Values   []map[string]any  `json:"values"`
	}
	if err := json.Unmarshal(out, &js); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(js.Columns, []string{"time", "mass_flow", "variant"}) || js.Rows != 4 {
		t.Errorf("columns %v with %d rows, want time, mass_flow, variant with 4", js.Columns, js.Rows)
	}
	if js.Metadata["case"] != "hopper" || js.Metadata[unitsKey] != `{"mass_flow":"kg/s","time":"s","variant":""}` {
		t.Errorf("key-value metadata %v lacks the case or the units", js.Metadata)
	}
	if len(js.Values) != 4 {
		t.Fatalf("%d rows read, want 4", len(js.Values))
	}
	for r, row := range js.Values {
		for _, c := range want.Columns {
			var w any
			if c.Strings != nil {
				w = c.Strings[r]
			} else {
				w = c.Values[r]
			}
			if row[c.Name] != w {
				t.Errorf("row %d column %s: hyparquet read %v, want %v", r, c.Name, row[c.Name], w)
			}
		}
	}
}
