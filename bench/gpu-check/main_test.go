package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/neusim/neusim/kernels"
)

const testModel = "../../models/hopper_cone/model.safetensors"

// The synthetic rollout and the training step, on the CPU backend at a
// small size: the code path gpu-check times on the device, run where no
// device is.
func TestRolloutOnCPU(t *testing.T) {
	b := kernels.NewCPU[float32](2)
	defer b.Close()
	m, meta, err := loadModel(testModel, b)
	if err != nil {
		t.Fatal(err)
	}
	o := options{particles: 20000, seed: 1}
	search := func(pos []float64, radius float64) ([]int32, []int32) { return kernels.RadiusPairs(pos, radius, 2) }
	res, err := timeRollout("cpu", b, m, meta, o, 2, 2, search, func() {}, true)
	if err != nil {
		t.Fatal(err)
	}
	// 20000 particles round to a 28×28×26 lattice in 4×4×2 blocks.
	if want := 7 * 7 * 13; res.entities != want {
		t.Errorf("%d entities, want %d", res.entities, want)
	}
	t.Logf("%+v", res)
	if !(res.phases.predict > 0) || !(res.train > 0) {
		t.Errorf("phase times %+v, training step %g s; want positive times", res.phases, res.train)
	}
}

// Without a device, gpu-check prints the reason in one line and exits with 1.
func TestNoDeviceExitsOne(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"-model", testModel}, &out, &errb)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(out.String(), "no CUDA device: kernels/cuda:") {
		t.Errorf("output does not say why:\n%s", out.String())
	}
}
