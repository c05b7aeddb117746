//go:build slow

package pipeline

// Run with
//
//	go test -tags slow -run TestShippedHopperModel -v -timeout 30m ./pipeline/
//
// It runs the shipped steep-cone hopper model (DEM to the gate opening at
// 0.3 s, then the surrogate) on the hopper_cone case, a few minutes on two
// cores.

import (
	"math"
	"testing"

	"github.com/neusim/neusim/cases"
)

func TestShippedHopperModel(t *testing.T) {
	s, err := NewSolver("../models/hopper_cone/model.safetensors", SolverOptions{Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := cases.Load("hopper_cone", cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	frames := runFrames(t, s, c)
	want := int(math.Round(c.Solver.Duration/c.Solver.OutputInterval)) + 1
	if len(frames) != want {
		t.Fatalf("%d frames, want %d", len(frames), want)
	}
	st := s.LastRun()
	last := frames[len(frames)-1]
	var out float64
	for _, m := range last.OutletMass {
		out += m
	}
	m0 := totalMass(frames[0])
	if m := totalMass(last) + out + st.LostMass; math.Abs(m-m0) > 1e-12*m0 {
		t.Errorf("remaining %g kg + discharged %g kg + lost %g kg = %g kg, want %g kg", totalMass(last), out, st.LostMass, m, m0)
	}
	t.Logf("discharged %.4g kg of %.4g kg, %d particles lost, %d regroupings, surrogate wall time %.1f s after %.1f s of DEM",
		out, m0, st.Lost, st.Regroupings, st.WallS-st.DEMWallS, st.DEMWallS)
}
