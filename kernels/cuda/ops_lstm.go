package cuda

import (
	"fmt"
	"math"

	"github.com/neusim/neusim/kernels"
)

// MLSTMStep advances a batch of mLSTM cells by one step, with one thread
// block per head of each entity.
func (b *Backend) MLSTMStep(a kernels.MLSTMArgs[float32]) {
	a.Check("MLSTMStep")
	groups := a.Q.Rows() * a.Heads
	shared := 4 * (a.DV*a.DK + a.DK)
	if shared > b.info.SharedPerBlock {
		panic(fmt.Sprintf("kernels/cuda: MLSTMStep: heads of %d×%d need %d bytes of shared memory, the device has %d per block",
			a.DV, a.DK, shared, b.info.SharedPerBlock))
	}
	b.enter()
	defer b.leave()
	scale := float32(1 / math.Sqrt(float64(a.DK)))
	b.params().ptr(b.mem(a.Q)).ptr(b.mem(a.K)).ptr(b.mem(a.V)).ptr(b.mem(a.I)).ptr(b.mem(a.F)).ptr(b.mem(a.O)).
		ptr(b.mem(a.C0)).ptr(b.mem(a.N0)).ptr(b.mem(a.M0)).ptr(b.mem(a.C1)).ptr(b.mem(a.N1)).ptr(b.mem(a.M1)).ptr(b.mem(a.H)).
		i64(groups).i32(a.DK).i32(a.DV).f32(scale)
	block := min(threads, max(32, (a.DV*a.DK+31)/32*32))
	grid := min(groups, 65535*8)
	b.launch("k_mlstm_step", uint32(grid), 1, uint32(block), 1, uint32(shared))
}

// MLSTMStepGrad back-propagates one mLSTM step whose inputs and outputs
// are in a (as left by MLSTMStep).
func (b *Backend) MLSTMStepGrad(a kernels.MLSTMArgs[float32], g kernels.MLSTMGrads[float32]) {
	a.Check("MLSTMStepGrad")
	g.Check(&a)
	groups := a.Q.Rows() * a.Heads
	b.enter()
	defer b.leave()
	b.params().ptr(b.mem(a.Q)).ptr(b.mem(a.K)).ptr(b.mem(a.V)).ptr(b.mem(a.I)).ptr(b.mem(a.F)).ptr(b.mem(a.O)).
		ptr(b.mem(a.C0)).ptr(b.mem(a.N0)).ptr(b.mem(a.M0)).ptr(b.mem(a.C1)).ptr(b.mem(a.N1)).
		ptr(b.mem(g.DH)).ptr(b.mem(g.DC)).ptr(b.mem(g.DN)).ptr(b.mem(g.DQ)).ptr(b.mem(g.DK)).ptr(b.mem(g.DV)).
		ptr(b.mem(g.DI)).ptr(b.mem(g.DF)).ptr(b.mem(g.DO)).
		i64(groups).i32(a.DK).i32(a.DV).f64(1 / math.Sqrt(float64(a.DK)))
	b.launch1D("k_mlstm_step_grad", groups)
}

// SLSTMStep advances a batch of sLSTM cells by one step.
func (b *Backend) SLSTMStep(a kernels.SLSTMArgs[float32]) {
	a.Check("SLSTMStep")
	b.enter()
	defer b.leave()
	b.params().ptr(b.mem(a.Pre)).ptr(b.mem(a.C0)).ptr(b.mem(a.N0)).ptr(b.mem(a.M0)).
		ptr(b.mem(a.C1)).ptr(b.mem(a.N1)).ptr(b.mem(a.M1)).ptr(b.mem(a.H)).
		i64(a.Pre.Rows()).i32(a.Heads).i32(a.Size)
	b.launch1D("k_slstm_step", a.H.Len())
}

// SLSTMStepGrad back-propagates one sLSTM step.
func (b *Backend) SLSTMStepGrad(a kernels.SLSTMArgs[float32], g kernels.SLSTMGrads[float32]) {
	a.Check("SLSTMStepGrad")
	kernels.CheckSame("SLSTMStepGrad DH", g.DH, a.H)
	kernels.CheckSame("SLSTMStepGrad DC", g.DC, a.C1)
	kernels.CheckSame("SLSTMStepGrad DN", g.DN, a.N1)
	kernels.CheckSame("SLSTMStepGrad DPre", g.DPre, a.Pre)
	b.enter()
	defer b.leave()
	b.params().ptr(b.mem(a.Pre)).ptr(b.mem(a.C0)).ptr(b.mem(a.N0)).ptr(b.mem(a.M0)).ptr(b.mem(a.C1)).ptr(b.mem(a.N1)).
		ptr(b.mem(g.DH)).ptr(b.mem(g.DC)).ptr(b.mem(g.DN)).ptr(b.mem(g.DPre)).
		i64(a.Pre.Rows()).i32(a.Heads).i32(a.Size)
	b.launch1D("k_slstm_step_grad", a.H.Len())
}
