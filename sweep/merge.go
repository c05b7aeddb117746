package sweep

import (
	"path/filepath"
	"sort"

	"github.com/neusim/neusim/table"
)

// Merge reads every result of the sweep in dir, writes the merged table
// as dir/results.csv and dir/results.parquet and the plots under
// dir/plots, and returns the number of results and how many of them
// failed.
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
	if err := table.WriteCSV(filepath.Join(dir, "results.csv"), t); err != nil {
		return 0, 0, err
	}
	meta := map[string]string{"neusim.case": m.Case, "neusim.solver": m.Solver}
	if err := table.WriteParquet(filepath.Join(dir, "results.parquet"), t, meta); err != nil {
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

// buildTable lays out one row per result in variant order: the variant
// index, the swept parameters, every summary observable, the relative
// errors of verified variants, then wall time, solver, model, status and
// error. Numeric cells are NaN where a variant has no value.
func buildTable(m *Manifest, results map[int]Result) *table.Table {
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
	indices := make([]int, 0, len(results))
	for i := range results {
		indices = append(indices, i)
	}
	sort.Ints(indices)
	rows := make([]Result, len(indices))
	for k, i := range indices {
		rows[k] = results[i]
	}

	numeric := func(name, unit string, value func(r Result) (float64, bool)) table.Column {
		c := table.Column{Name: name, Unit: unit, Values: make([]float64, len(rows))}
		for k, r := range rows {
			v, ok := value(r)
			if !ok {
				v = nan
			}
			c.Values[k] = v
		}
		return c
	}
	text := func(name string, value func(r Result) string) table.Column {
		c := table.Column{Name: name, Strings: make([]string, len(rows))}
		for k, r := range rows {
			c.Strings[k] = value(r)
		}
		return c
	}

	t := &table.Table{}
	t.Columns = append(t.Columns, numeric("variant", "1", func(r Result) (float64, bool) { return float64(r.Variant), true }))
	for i, p := range m.Params {
		t.Columns = append(t.Columns, numeric(p, m.Units[i], func(r Result) (float64, bool) { v, ok := r.Values[p]; return v, ok }))
	}
	for _, k := range sortedKeys(obs) {
		t.Columns = append(t.Columns, numeric(k, obs[k], func(r Result) (float64, bool) { q, ok := r.Summary[k]; return q.Value, ok }))
	}
	for _, k := range sortedKeys(rel) {
		t.Columns = append(t.Columns, numeric("rel_error."+k, "1", func(r Result) (float64, bool) { e, ok := r.RelError[k]; return e, ok }))
	}
	t.Columns = append(t.Columns,
		numeric("wall_time", "s", func(r Result) (float64, bool) { return r.WallTime, true }),
		text("solver", func(r Result) string { return r.Solver }),
		text("model", func(r Result) string { return r.Model }),
		text("status", func(r Result) string { return r.Status }),
		text("error", func(r Result) string { return r.Error }),
	)
	return t
}
