package sweep

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/neusim/neusim/internal/atomicfile"
)

// Table is the merged results of a sweep, one row per variant in index
// order. Numeric cells are NaN where a variant has no value.
type Table struct {
	Header  []string   // column names, with the unit in brackets where there is one
	Numeric []bool     // whether each column holds numbers
	Rows    [][]string // formatted cells
}

// Merge reads every result of the sweep in dir, writes dir/results.csv
// and the plots under dir/plots, and returns the number of results and
// how many of them failed.
func Merge(dir string) (n, failed int, err error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return 0, 0, err
	}
	results, err := readResults(dir)
	if err != nil {
		return 0, 0, err
	}
	t := buildTable(m, results)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(t.Header); err != nil {
		return 0, 0, err
	}
	if err := w.WriteAll(t.Rows); err != nil {
		return 0, 0, err
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, "results.csv"), buf.Bytes(), 0o644); err != nil {
		return 0, 0, err
	}
	if err := writePlots(filepath.Join(dir, "plots"), m, results); err != nil {
		return 0, 0, err
	}
	for _, r := range results {
		if r.Status != StatusOK {
			failed++
		}
	}
	return len(results), failed, nil
}

func buildTable(m *Manifest, results map[int]Result) Table {
	obs := map[string]string{} // summary key -> unit
	rel := map[string]bool{}
	for _, r := range results {
		for k, q := range r.Summary {
			obs[k] = q.Unit
		}
		for k := range r.RelError {
			rel[k] = true
		}
	}
	obsKeys := sortedKeys(obs)
	relKeys := sortedKeys(rel)

	var t Table
	add := func(name string, numeric bool) {
		t.Header = append(t.Header, name)
		t.Numeric = append(t.Numeric, numeric)
	}
	add("variant", true)
	for i, p := range m.Params {
		add(withUnit(p, m.Units[i]), true)
	}
	for _, k := range obsKeys {
		add(withUnit(k, obs[k]), true)
	}
	for _, k := range relKeys {
		add("rel_error."+k, true)
	}
	add("wall_time [s]", true)
	add("solver", false)
	add("model", false)
	add("status", false)
	add("error", false)

	indices := make([]int, 0, len(results))
	for i := range results {
		indices = append(indices, i)
	}
	sort.Ints(indices)
	for _, i := range indices {
		r := results[i]
		row := []string{strconv.Itoa(r.Variant)}
		for _, p := range m.Params {
			row = append(row, formatFloat(r.Values[p], true))
		}
		for _, k := range obsKeys {
			q, ok := r.Summary[k]
			row = append(row, formatFloat(q.Value, ok))
		}
		for _, k := range relKeys {
			e, ok := r.RelError[k]
			row = append(row, formatFloat(e, ok))
		}
		row = append(row, formatFloat(r.WallTime, true), r.Solver, r.Model, r.Status, r.Error)
		t.Rows = append(t.Rows, row)
	}
	return t
}

func withUnit(name, unit string) string {
	if unit == "" || unit == "1" {
		return name
	}
	return fmt.Sprintf("%s [%s]", name, unit)
}

// formatFloat writes v with full precision, so that the CSV round-trips
// bit for bit, or "NaN" when the value is absent.
func formatFloat(v float64, ok bool) string {
	if !ok {
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
