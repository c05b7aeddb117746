package surrogate

import (
	"math"

	"github.com/neusim/neusim/kernels"
)

// Schedule is a learning-rate schedule.
type Schedule string

const (
	// ScheduleExponential decays from LRStart to LREnd as
	// lr = LREnd + (LRStart - LREnd)·0.1^(iteration/DecaySteps), the
	// schedule of Sanchez-Gonzalez et al. 2020.
	ScheduleExponential Schedule = "exponential"
	// ScheduleCosine follows half a cosine from LRStart at iteration 0 to
	// LREnd at DecaySteps and stays at LREnd after.
	ScheduleCosine Schedule = "cosine"
)

// learningRate returns the rate for iteration it (from 0).
func learningRate(kind Schedule, start, end float64, decay, it int) float64 {
	x := float64(it) / float64(max(decay, 1))
	if kind == ScheduleCosine {
		x = math.Min(x, 1)
		return end + (start-end)*0.5*(1+math.Cos(math.Pi*x))
	}
	return end + (start-end)*math.Pow(0.1, x)
}

// clipGradients scales all gradients by min(1, maxNorm/‖g‖₂), with ‖g‖₂
// the global norm over every parameter, and returns ‖g‖₂ before
// clipping (Pascanu, Mikolov and Bengio 2013). maxNorm ≤ 0 disables
// clipping.
func clipGradients[T Float](b kernels.BackendOf[T], ps *Params[T], maxNorm float64) float64 {
	var sq float64
	for _, p := range ps.List {
		sq += b.SumSquares(p.Grad)
	}
	norm := math.Sqrt(sq)
	if maxNorm > 0 && norm > maxNorm {
		for _, p := range ps.List {
			b.Scale(p.Grad, T(maxNorm/norm))
		}
	}
	return norm
}
