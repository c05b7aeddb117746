//go:build slow

package pipeline

// Run with
//
//	go test -tags slow -run TestShippedCavityModel -v -timeout 30m ./pipeline/
//
// It compares the shipped cavity model with LBM on the 65 x 65 grid at
// Reynolds numbers it was not trained on, a minute or two on two cores.
// With NEUSIM_TRAIN_CAVITY=1 it first trains the model again from
// scratch with DefaultFluidTrainOptions and checks that one instead;
// that took 20 minutes on a loaded 2-core machine, so give -timeout 60m.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// shippedCavityValues are the Reynolds numbers models/cavity was trained on.
var shippedCavityValues = []float64{50, 60, 100, 125, 175, 200, 250, 350, 400}

func TestShippedCavityModel(t *testing.T) {
	model := "../models/cavity/model.safetensors"
	if os.Getenv("NEUSIM_TRAIN_CAVITY") == "1" {
		model = filepath.Join(t.TempDir(), "model.safetensors")
		opt := DefaultFluidTrainOptions()
		opt.Case, opt.Out, opt.Logger = "cavity", model, testLogger(t)
		for _, re := range shippedCavityValues {
			opt.Values = append(opt.Values, map[string]float64{"reynolds": re})
		}
		if _, err := TrainFluid(context.Background(), opt); err != nil {
			t.Fatal(err)
		}
	}

	// Held-out values inside the trained range must meet the 5 % bar on
	// both steady centreline profiles.
	for _, re := range []float64{75, 150, 300} {
		rep, err := CompareFluid(context.Background(), "cavity", []string{fmt.Sprintf("reynolds=%g", re)}, model, t.TempDir(), FluidCompareOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("Re %g: centreline u %.2f %%, v %.2f %%, domain %.2f %%; LBM %.2f s, surrogate %.2f s, speed-up %.1f",
			re, 100*rep.CentrelineUError, 100*rep.CentrelineVError, 100*rep.DomainError, rep.WallTimeLBM, rep.WallTimeSurrogate, rep.Speedup)
		if rep.CentrelineUError > 0.05 {
			t.Errorf("Re %g: centreline u error %.2f %%, want at most 5 %%", re, 100*rep.CentrelineUError)
		}
		if rep.CentrelineVError > 0.05 {
			t.Errorf("Re %g: centreline v error %.2f %%, want at most 5 %%", re, 100*rep.CentrelineVError)
		}
	}

	// A value outside the range is only reported: the model extrapolates.
	rep, err := CompareFluid(context.Background(), "cavity", []string{"reynolds=600"}, model, t.TempDir(), FluidCompareOptions{AllowExtrapolation: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Re 600 (outside the trained range): centreline u %.2f %%, v %.2f %%, domain %.2f %%",
		100*rep.CentrelineUError, 100*rep.CentrelineVError, 100*rep.DomainError)
}
