// Package table writes tables of observables and sweep results as Parquet
// and CSV, and reads Parquet back.
//
// A table is a list of named columns of equal length, each numeric
// (float64) or text, with its SI unit. Parquet files keep the units twice:
// as the field metadata key "unit" of each column in the stored Arrow
// schema, and as the file metadata key "neusim.units", a JSON object
// mapping column names to units, which any Parquet reader shows. CSV
// files put the unit in the header, as "name [unit]".
//
// Files are written to a temporary name in the same directory and renamed
// when complete.
package table

import (
	"errors"
	"fmt"
)

// Column is one column of a table. Exactly one of Values and Strings is
// non-nil.
type Column struct {
	Name    string
	Unit    string    // SI unit, "1" for dimensionless, "" for text
	Values  []float64 // numeric values, in Unit
	Strings []string  // text values
}

// Len returns the number of rows of c.
func (c *Column) Len() int {
	if c.Strings != nil {
		return len(c.Strings)
	}
	return len(c.Values)
}

// Table is a list of columns of equal length.
type Table struct {
	Columns []Column
}

// Rows returns the number of rows, that of the first column.
func (t *Table) Rows() int {
	if len(t.Columns) == 0 {
		return 0
	}
	return t.Columns[0].Len()
}

// Column returns the column named name, or nil.
func (t *Table) Column(name string) *Column {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// Validate returns an error when a column has no name, a name is
// repeated, a column is both or neither numeric and text, or the columns
// differ in length.
func (t *Table) Validate() error {
	if len(t.Columns) == 0 {
		return errors.New("table: no columns")
	}
	seen := make(map[string]bool, len(t.Columns))
	for i, c := range t.Columns {
		if c.Name == "" {
			return fmt.Errorf("table: column %d has no name", i)
		}
		if seen[c.Name] {
			return fmt.Errorf("table: column name %q is repeated", c.Name)
		}
		seen[c.Name] = true
		if (c.Values == nil) == (c.Strings == nil) {
			return fmt.Errorf("table: column %q must set exactly one of Values and Strings", c.Name)
		}
		if c.Len() != t.Rows() {
			return fmt.Errorf("table: column %q has %d rows, column %q has %d", c.Name, c.Len(), t.Columns[0].Name, t.Rows())
		}
	}
	return nil
}
