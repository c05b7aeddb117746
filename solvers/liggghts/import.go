package liggghts

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/neusim/neusim/solvers"
)

// ImportDumps reads LIGGGHTS dump files and writes their frames to w in
// step order. Each file may contain several snapshots in step order. The
// files are sorted by their first step, because shell globs such as
// dump.*.txt put 1000 before 200. A step that appears twice or goes
// backwards is an error naming both files.
func ImportDumps(paths []string, opt DumpOptions, w solvers.Sink) error {
	type file struct {
		path  string
		first int64
	}
	files := make([]file, 0, len(paths))
	for _, p := range paths {
		step, err := firstStep(p)
		if err != nil {
			return err
		}
		files = append(files, file{p, step})
	}
	sort.SliceStable(files, func(a, b int) bool { return files[a].first < files[b].first })

	last, lastPlace := int64(-1), ""
	for _, fl := range files {
		r, err := os.Open(fl.path)
		if err != nil {
			return fmt.Errorf("liggghts: %w", err)
		}
		for f, err := range ReadDump(r, fl.path, opt) {
			if err != nil {
				r.Close()
				return err
			}
			if f.Step <= last {
				r.Close()
				return fmt.Errorf("liggghts: %s: step %d does not follow step %d in %s; pass each snapshot once", fl.path, f.Step, last, lastPlace)
			}
			last, lastPlace = f.Step, fl.path
			if err := w.WriteFrame(f); err != nil {
				r.Close()
				return err
			}
		}
		r.Close()
	}
	return nil
}

// firstStep returns the step of the first snapshot in a dump file.
func firstStep(path string) (int64, error) {
	r, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("liggghts: %w", err)
	}
	defer r.Close()
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) != "ITEM: TIMESTEP" {
			continue
		}
		if !sc.Scan() {
			break
		}
		line++
		s := strings.TrimSpace(sc.Text())
		step, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("liggghts: %s:%d: invalid step number %q; expected a non-negative integer", path, line, clip80(s))
		}
		return step, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("liggghts: %s: read: %w", path, err)
	}
	return 0, fmt.Errorf("liggghts: %s: no ITEM: TIMESTEP found; is this a LIGGGHTS dump file?", path)
}
