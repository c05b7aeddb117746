package main

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/neusim/neusim/solvers"
)

func TestProgressQuietLogsNothing(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	for _, quiet := range []bool{false, true} {
		buf.Reset()
		p := newProgress(&buf, log, "case", quiet)
		p.update(solvers.Progress{Step: 10, Steps: 10})
		p.finish()
		if logged := buf.Len() > 0; logged == quiet {
			t.Errorf("quiet = %v: progress output %q", quiet, buf.String())
		}
	}
}
