package table

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
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
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("table: %w", err)
	}
	tmp := f.Name()
	bw := bufio.NewWriter(f)
	err = fill(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("table: writing %s: %w", path, err)
	}
	return nil
}
