package surrogate

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neusim/neusim/kernels"
)

// harness is a model under a gradient check: loss runs the forward pass and
// returns Σ w·output for fixed random weights w, and grad runs forward and
// backward so that every Param's Grad holds d(loss)/d(param). Inputs that
// are checked are registered as Params too.
type harness[T Float] struct {
	ps   *Params[T]
	loss func() float64
	grad func()
}

// download returns the values of t as float64.
func download[T Float](b kernels.BackendOf[T], t *kernels.Tensor[T]) []float64 {
	v := make([]T, t.Len())
	b.Download(v, t)
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

func uploadF64[T Float](b kernels.BackendOf[T], t *kernels.Tensor[T], v []float64) {
	w := make([]T, len(v))
	for i, x := range v {
		w[i] = T(x)
	}
	b.Upload(t, w)
}

// weightedSum returns Σ w·y with w drawn from a fixed seed, and uploads w
// into dy so that it is the gradient of that sum.
func weightedSum[T Float](b kernels.BackendOf[T], y *kernels.Tensor[T], dy **kernels.Tensor[T]) float64 {
	rng := rand.New(rand.NewPCG(99, uint64(y.Len())))
	w := make([]float64, y.Len())
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	if dy != nil {
		uploadF64(b, ensure(b, dy, y.Rows(), y.Cols()), w)
	}
	var s float64
	for i, v := range download(b, y) {
		s += w[i] * v
	}
	return s
}

// gradCheck compares, for every parameter, the float32 analytic gradient
// and the float64 analytic gradient with central differences of the
// float64 loss, all at the float32 model's weights.
//
// Tolerances: in float64 a step of 1e-6 gives differences accurate to about
// 1e-9 relative, so the float64 backward must agree to 1e-6. The float32
// backward carries float32 rounding (2^-24 ≈ 6e-8 per operation) through a
// few hundred operations per value, so it must agree to 1e-3 of the
// largest gradient entry of the tensor.
func gradCheck(t *testing.T, h32 harness[float32], b32 kernels.BackendOf[float32],
	h64 harness[float64], b64 kernels.BackendOf[float64]) {
	t.Helper()
	if len(h32.ps.List) != len(h64.ps.List) {
		t.Fatalf("float32 model has %d parameters, float64 model %d", len(h32.ps.List), len(h64.ps.List))
	}
	for i, p := range h32.ps.List {
		uploadF64(b64, h64.ps.List[i].Value, download(b32, p.Value))
	}
	h32.grad()
	h64.grad()
	const step = 1e-6
	for i, p64 := range h64.ps.List {
		g32 := download(b32, h32.ps.List[i].Grad)
		g64 := download(b64, p64.Grad)
		v := download(b64, p64.Value)
		fd := make([]float64, len(v))
		scale := 0.0
		for j := range v {
			old := v[j]
			v[j] = old + step
			uploadF64(b64, p64.Value, v)
			lp := h64.loss()
			v[j] = old - step
			uploadF64(b64, p64.Value, v)
			lm := h64.loss()
			v[j] = old
			uploadF64(b64, p64.Value, v)
			fd[j] = (lp - lm) / (2 * step)
			scale = math.Max(scale, math.Abs(fd[j]))
		}
		for j := range fd {
			if d := math.Abs(g64[j] - fd[j]); d > 1e-6*(1+math.Abs(fd[j])) {
				t.Errorf("%s[%d]: float64 gradient %.10g, finite difference %.10g", p64.Name, j, g64[j], fd[j])
			}
			if d := math.Abs(g32[j] - fd[j]); d > 1e-3*math.Max(scale, 1e-3) {
				t.Errorf("%s[%d]: float32 gradient %.7g, finite difference %.7g (largest %.3g)", p64.Name, j, g32[j], fd[j], scale)
			}
		}
	}
}

// inputParam registers a random rows×cols input as a parameter so that its
// gradient is checked too.
func inputParam[T Float](b kernels.BackendOf[T], ps *Params[T], rows, cols int) *Param[T] {
	rng := rand.New(rand.NewPCG(7, uint64(rows*cols)))
	return ps.add(b, "input", rows, cols, func(int) float64 { return rng.NormFloat64() })
}

func linearHarness[T Float](b kernels.BackendOf[T]) harness[T] {
	ps := &Params[T]{}
	x := inputParam(b, ps, 5, 4)
	l := newLinear(b, ps, rand.New(rand.NewPCG(1, 1)), "lin", 4, 3)
	var c LinearCache[T]
	var dy *kernels.Tensor[T]
	return harness[T]{ps: ps,
		loss: func() float64 { return weightedSum(b, l.Forward(b, &c, x.Value), nil) },
		grad: func() {
			ps.ZeroGrad(b)
			weightedSum(b, l.Forward(b, &c, x.Value), &dy)
			b.Copy(x.Grad, l.Backward(b, &c, dy))
		}}
}

func layerNormHarness[T Float](b kernels.BackendOf[T]) harness[T] {
	ps := &Params[T]{}
	x := inputParam(b, ps, 4, 6)
	l := newLayerNorm(b, ps, "norm", 6)
	// Move γ and β away from 1 and 0 so that their gradients matter.
	rng := rand.New(rand.NewPCG(2, 2))
	uploadF64(b, l.Gamma.Value, []float64{0.5, 1.5, -1, 2, 0.3, 1.1})
	uploadF64(b, l.Beta.Value, []float64{rng.NormFloat64(), 0, 0.1, -0.2, 0.3, 1})
	var c LayerNormCache[T]
	var dy *kernels.Tensor[T]
	return harness[T]{ps: ps,
		loss: func() float64 { return weightedSum(b, l.Forward(b, &c, x.Value), nil) },
		grad: func() {
			ps.ZeroGrad(b)
			weightedSum(b, l.Forward(b, &c, x.Value), &dy)
			b.Copy(x.Grad, l.Backward(b, &c, dy))
		}}
}

func siluHarness[T Float](b kernels.BackendOf[T]) harness[T] {
	ps := &Params[T]{}
	x := inputParam(b, ps, 3, 5)
	var c SiLUCache[T]
	var dy *kernels.Tensor[T]
	return harness[T]{ps: ps,
		loss: func() float64 { return weightedSum(b, SiLU(b, &c, x.Value), nil) },
		grad: func() {
			ps.ZeroGrad(b)
			weightedSum(b, SiLU(b, &c, x.Value), &dy)
			b.Copy(x.Grad, SiLUBackward(b, &c, dy))
		}}
}

func mlpHarness[T Float](b kernels.BackendOf[T]) harness[T] {
	ps := &Params[T]{}
	x := inputParam(b, ps, 6, 4)
	m := newMLP(b, ps, rand.New(rand.NewPCG(3, 3)), "mlp", 4, 8, 2, 5, true)
	var c MLPCache[T]
	var dy *kernels.Tensor[T]
	return harness[T]{ps: ps,
		loss: func() float64 { return weightedSum(b, m.Forward(b, &c, x.Value), nil) },
		grad: func() {
			ps.ZeroGrad(b)
			weightedSum(b, m.Forward(b, &c, x.Value), &dy)
			b.Copy(x.Grad, m.Backward(b, &c, dy))
		}}
}

func TestLayerGradients(t *testing.T) {
	b32, b64 := kernels.NewCPU[float32](2), kernels.NewCPU[float64](2)
	defer b32.Close()
	defer b64.Close()
	t.Run("Linear", func(t *testing.T) { gradCheck(t, linearHarness(b32), b32, linearHarness(b64), b64) })
	t.Run("LayerNorm", func(t *testing.T) { gradCheck(t, layerNormHarness(b32), b32, layerNormHarness(b64), b64) })
	t.Run("SiLU", func(t *testing.T) { gradCheck(t, siluHarness(b32), b32, siluHarness(b64), b64) })
	t.Run("MLP", func(t *testing.T) { gradCheck(t, mlpHarness(b32), b32, mlpHarness(b64), b64) })
}
