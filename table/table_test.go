package table

import (
	"encoding/csv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

func sampleTable(rows int) *Table {
	rng := rand.New(rand.NewPCG(1, 2))
	time := make([]float64, rows)
	flow := make([]float64, rows)
	names := make([]string, rows)
	special := []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 5e-324, math.MaxFloat64}
	for i := range rows {
		time[i] = float64(i) * 1e-3
		flow[i] = rng.NormFloat64()
		if i < len(special) {
			flow[i] = special[i]
		}
		names[i] = []string{"plain", "with, comma", "with \"quotes\"", "ünïcode ∞", "new\nline", ""}[i%6]
	}
	return &Table{Columns: []Column{
		{Name: "time", Unit: "s", Values: time},
		{Name: "mass_flow", Unit: "kg/s", Values: flow},
		{Name: "variant", Strings: names},
	}}
}

func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

func TestParquetRoundTrip(t *testing.T) {
	for _, rows := range []int{0, 1, 1000} {
		want := sampleTable(rows)
		meta := map[string]string{"case": "hopper", "solver": "dem", "note": "x=1; y=2"}
		path := filepath.Join(t.TempDir(), "obs.parquet")
		if err := WriteParquet(path, want, meta); err != nil {
			t.Fatal(err)
		}
		got, gotMeta, err := ReadParquet(path)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(gotMeta, meta) {
			t.Errorf("%d rows: metadata %v, want %v", rows, gotMeta, meta)
		}
		if len(got.Columns) != len(want.Columns) {
			t.Fatalf("%d rows: %d columns, want %d", rows, len(got.Columns), len(want.Columns))
		}
		for i, w := range want.Columns {
			g := got.Columns[i]
			if g.Name != w.Name || g.Unit != w.Unit {
				t.Errorf("%d rows: column %d is %q [%s], want %q [%s]", rows, i, g.Name, g.Unit, w.Name, w.Unit)
			}
			if w.Strings != nil && !(len(g.Strings) == len(w.Strings) && (len(w.Strings) == 0 || reflect.DeepEqual(g.Strings, w.Strings))) {
				t.Errorf("%d rows: column %q strings differ", rows, w.Name)
			}
			if w.Values != nil && !sameFloats(g.Values, w.Values) {
				t.Errorf("%d rows: column %q values differ", rows, w.Name)
			}
		}
	}
}

func TestCSVContent(t *testing.T) {
	want := sampleTable(50)
	path := filepath.Join(t.TempDir(), "obs.csv")
	if err := WriteCSV(path, want); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if h := records[0]; !reflect.DeepEqual(h, []string{"time [s]", "mass_flow [kg/s]", "variant"}) {
		t.Errorf("header %q", h)
	}
	if len(records) != 51 {
		t.Fatalf("%d records, want a header and 50 rows", len(records))
	}
	for r, rec := range records[1:] {
		for i, c := range want.Columns[:2] {
			v, err := strconv.ParseFloat(rec[i], 64)
			if err != nil {
				t.Fatalf("row %d column %s: %v", r, c.Name, err)
			}
			if !sameFloats([]float64{v}, []float64{c.Values[r]}) {
				t.Errorf("row %d column %s = %v, want %v", r, c.Name, v, c.Values[r])
			}
		}
		if rec[2] != want.Columns[2].Strings[r] {
			t.Errorf("row %d variant = %q, want %q", r, rec[2], want.Columns[2].Strings[r])
		}
	}
}

func TestInvalidTablesRejected(t *testing.T) {
	dir := t.TempDir()
	for name, tb := range map[string]*Table{
		"no columns":  {},
		"no name":     {Columns: []Column{{Values: []float64{1}}}},
		"repeated":    {Columns: []Column{{Name: "a", Values: []float64{1}}, {Name: "a", Values: []float64{2}}}},
		"both kinds":  {Columns: []Column{{Name: "a", Values: []float64{1}, Strings: []string{"x"}}}},
		"neither":     {Columns: []Column{{Name: "a"}}},
		"uneven rows": {Columns: []Column{{Name: "a", Values: []float64{1, 2}}, {Name: "b", Values: []float64{1}}}},
	} {
		path := filepath.Join(dir, "x.parquet")
		if err := WriteParquet(path, tb, nil); err == nil || !strings.HasPrefix(err.Error(), "table:") {
			t.Errorf("%s: WriteParquet err = %v, want a table error", name, err)
		}
		if err := WriteCSV(path, tb); err == nil {
			t.Errorf("%s: WriteCSV accepted it", name)
		}
		if _, err := os.Stat(path); err == nil {
			t.Errorf("%s: a file was written", name)
		}
	}
}

func TestReservedMetadataKey(t *testing.T) {
	err := WriteParquet(filepath.Join(t.TempDir(), "x.parquet"), sampleTable(2), map[string]string{unitsKey: "{}"})
	if err == nil {
		t.Errorf("metadata key %s accepted", unitsKey)
	}
}

func TestFieldUnitMetadataStored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.parquet")
	if err := WriteParquet(path, sampleTable(3), nil); err != nil {
		t.Fatal(err)
	}
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	s, err := fr.Schema()
	if err != nil {
		t.Fatal(err)
	}
	if u, ok := s.Field(1).Metadata.GetValue("unit"); !ok || u != "kg/s" {
		t.Errorf("field metadata unit of mass_flow = %q, %v, want kg/s", u, ok)
	}
}

func TestReadParquetBadFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.parquet")
	os.WriteFile(bad, []byte("not parquet"), 0o644)
	for _, p := range []string{bad, filepath.Join(dir, "missing.parquet")} {
		if _, _, err := ReadParquet(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("ReadParquet(%s): err = %v, want an error naming the file", p, err)
		}
	}
}
