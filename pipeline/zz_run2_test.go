//go:build gen

package pipeline

import (
	"log/slog"
	"os"
	"testing"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/validate"
	"gonum.org/v1/gonum/spatial/r3"
)

func TestSurrogateQuick(t *testing.T) {
	s, err := NewSolver(os.Getenv("MODEL"), SolverOptions{Workers: 1, Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := cases.Load("hopper", cases.Options{Set: []string{"outlet_diameter=0.016", "friction=0.3"}})
	frames := runFrames(t, s, c)
	for _, f := range frames[28:36] {
		var vmax float64
		var id int64
		for i, v := range f.Vel {
			if n := r3.Norm(v); n > vmax {
				vmax, id = n, f.ID[i]
			}
		}
		t.Log(f.Time, f.Len(), validate.KineticEnergy(f), vmax, id)
	}
	l := frames[len(frames)-1]
	t.Log(l.OutletCount, l.Len(), s.LastRun())
}
