//go:build slow

package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

// The hopper comparison of gpu-check with the model on the CPU twice: the
// code path of the device check, whose observables must then agree
// exactly. It took 40 s on the shared 2-core machine.
func TestHopperComparisonCPUTwice(t *testing.T) {
	var out bytes.Buffer
	r := &report{w: &out}
	o := options{model: testModel, hopperTol: 0}
	if err := compareHopperOn(context.Background(), r, o, slog.New(slog.DiscardHandler), "cpu", "cpu"); err != nil {
		t.Fatal(err)
	}
	t.Log(out.String())
	if r.failures != 0 {
		t.Errorf("%d observables differ between two CPU runs", r.failures)
	}
	if !strings.Contains(out.String(), "mass_flow") {
		t.Errorf("no mass flow rate in the comparison:\n%s", out.String())
	}
}
