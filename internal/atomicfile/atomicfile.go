// Package atomicfile writes files so that a reader never sees a partial
// file: the data goes to a temporary file in the same directory, which is
// synced and then renamed over the target.
package atomicfile

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
)

// WriteFile writes data to path atomically with permissions perm. On
// failure the previous content of path, if any, is left untouched and the
// temporary file is removed.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	return Write(path, perm, func(w *bufio.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write streams a file through fill, which writes to a buffered temporary
// file in path's directory, and renames the file to path with permissions
// perm when fill succeeds. On failure the previous content of path, if
// any, is left untouched and the temporary file is removed.
func Write(path string, perm os.FileMode, fill func(w *bufio.Writer) error) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename

	bw := bufio.NewWriterSize(tmp, 1<<20)
	err = fill(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Chmod(perm)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("atomicfile: writing %s: %w", path, err)
	}
	return nil
}
