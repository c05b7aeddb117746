package table

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/neusim/neusim/internal/atomicfile"
)

// WriteCSV writes t to path as comma-separated values with one header
// line of "name [unit]" entries ("name" alone for an empty unit). Numbers
// are written in the shortest form that parses back to the same float64.
func WriteCSV(path string, t *Table) error {
	if err := t.Validate(); err != nil {
		return fmt.Errorf("%w (writing %s)", err, path)
	}
	return writeAtomic(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		row := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			row[i] = c.Name
			if c.Unit != "" {
				row[i] += " [" + c.Unit + "]"
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
		for r := range t.Rows() {
			for i, c := range t.Columns {
				if c.Strings != nil {
					row[i] = c.Strings[r]
				} else {
					row[i] = strconv.FormatFloat(c.Values[r], 'g', -1, 64)
				}
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}

// writeAtomic writes a file through fill into a temporary file in the
// same directory and renames it to path when fill succeeds.
func writeAtomic(path string, fill func(w io.Writer) error) error {
	err := atomicfile.Write(path, 0o644, func(w *bufio.Writer) error { return fill(w) })
	if err != nil {
		return fmt.Errorf("table: %w", err)
	}
	return nil
}
