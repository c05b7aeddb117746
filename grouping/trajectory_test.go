package grouping

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/trajectory"
)

func TestGroupTrajectoryFiles(t *testing.T) {
	frames, clump := clumpScene(12, 0.002)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.arrows")
	out := filepath.Join(dir, "grouped.arrows")

	w, err := trajectory.Create(in, trajectory.Meta{Case: "clump", Solver: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range frames {
		if err := w.WriteFrame(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	r, err := trajectory.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ow, err := trajectory.Create(out, r.Meta())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := GroupTrajectory(context.Background(), r, ow, TrajectoryOptions{Target: 27, Settings: Settings{Window: 5}})
	if err != nil {
		t.Fatal(err)
	}
	if err := ow.Close(); err != nil {
		t.Fatal(err)
	}

	if len(rep.Windows) != 3 || len(rep.Step) != 12 {
		t.Fatalf("report has %d windows and %d frames, want 3 and 12", len(rep.Windows), len(rep.Step))
	}
	if rep.Compression != 27 {
		t.Errorf("compression %g, want 27", rep.Compression)
	}
	if rep.PosRMSAll > 1e-12*rep.MeanDiameter {
		t.Errorf("rigid scene reconstructed with position error %g m", rep.PosRMSAll)
	}

	g, err := trajectory.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if !g.HasEntity() {
		t.Fatal("grouped trajectory has no entity column")
	}
	for i := 0; ; i++ {
		f, err := g.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		// The clump's particles share one entity that no other particle has.
		e := f.Entity[clumpIndex(f, clump[0])]
		for j, id := range f.ID {
			inClump := id >= clump[0] && id <= clump[len(clump)-1]
			if (f.Entity[j] == e) != inClump {
				t.Fatalf("frame %d: particle %d has entity %d, clump entity is %d", i, id, f.Entity[j], e)
			}
		}
	}

	var buf bytes.Buffer
	if err := rep.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "compression 27.00 over 12 frames in 3 windows") {
		t.Errorf("text report lacks the summary line:\n%s", buf.String())
	}
}

func clumpIndex(f *particles.Frame, id int64) int {
	for i, x := range f.ID {
		if x == id {
			return i
		}
	}
	return -1
}

type errSource struct{ n int }

func (s *errSource) Next() (*particles.Frame, error) {
	s.n++
	if s.n > 2 {
		return nil, errors.New("disk on fire")
	}
	f, _ := clumpScene(1, 0)
	return f[0], nil
}

func TestGroupTrajectoryReadError(t *testing.T) {
	_, err := GroupTrajectory(context.Background(), &errSource{}, nil, TrajectoryOptions{Target: 27})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("error %v, want the source's error", err)
	}
}
