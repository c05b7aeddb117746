//go:build liggghts

package plugin

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers/liggghts"
)

// The LIGGGHTS plugin serves the same translation and dump reader as the
// in-process solver, and LIGGGHTS run serially on the same input script
// is deterministic, so the frames must be equal bit for bit.
//
// Run with: go test -tags liggghts -run LIGGGHTS ./solvers/plugin/
func TestLIGGGHTSPluginBitIdentical(t *testing.T) {
	if _, err := liggghts.FindExecutable(""); err != nil {
		t.Fatalf("the liggghts tag needs LIGGGHTS: %v", err)
	}
	exe := filepath.Join(t.TempDir(), Prefix+"liggghts")
	if out, err := exec.Command("go", "build", "-o", exe, "github.com/neusim/neusim/cmd/neusim-solver-liggghts").CombinedOutput(); err != nil {
		t.Fatalf("go build neusim-solver-liggghts: %v\n%s", err, out)
	}
	c, err := cases.Load("testdata/small_hopper.yaml", cases.Options{})
	if err != nil {
		t.Fatal(err)
	}

	var want, got []*particles.Frame
	if err := liggghts.New(liggghts.Options{}).Run(context.Background(), c, collect(&want), nil); err != nil {
		t.Fatalf("in-process LIGGGHTS: %v", err)
	}
	if err := New("liggghts", exe, Options{}).Run(context.Background(), c, collect(&got), nil); err != nil {
		t.Fatalf("LIGGGHTS plugin: %v", err)
	}
	if len(got) != len(want) || len(want) == 0 {
		t.Fatalf("plugin sent %d frames, in-process run %d", len(got), len(want))
	}
	for i := range want {
		if d := frameDifference(got[i], want[i]); d != "" {
			t.Errorf("frame %d (t = %g s): %s", i, want[i].Time, d)
		}
	}
}
