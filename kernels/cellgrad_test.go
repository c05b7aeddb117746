package kernels

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// checkFD compares analytic gradients with central differences of loss
// over every entry of every input. In float64 with step 1e-6 the
// truncation error is about 1e-12·|f”'| and the rounding error about
// 1e-16/1e-6 = 1e-10 relative, so 1e-6 leaves a wide margin.
func checkFD(t *testing.T, inputs map[string][]float64, grads map[string][]float64, loss func() float64) {
	t.Helper()
	const h = 1e-6
	for name, x := range inputs {
		for i := range x {
			old := x[i]
			x[i] = old + h
			lp := loss()
			x[i] = old - h
			lm := loss()
			x[i] = old
			fd := (lp - lm) / (2 * h)
			if g := grads[name][i]; math.Abs(g-fd) > 1e-6*(1+math.Abs(fd)) {
				t.Errorf("d/d%s[%d]: analytic %.10g, finite difference %.10g", name, i, g, fd)
			}
		}
	}
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// The loss of these tests is Σ_t w_t·h_t over a few steps, back-propagated
// through time. A loss on the stabilised state itself would not do: C and
// n carry the scale exp(-m), which the gradients rightly ignore because no
// output depends on it.

func TestMLSTMStepGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	b := NewCPU[float64](2)
	defer b.Close()
	n, heads, dk, dv, steps := 2, 2, 3, 2, 3
	hk, hv, hc := heads*dk, heads*dv, heads*dv*dk
	shape := map[string]int{"Q": hk, "K": hk, "V": hv, "I": heads, "F": heads, "O": hv}
	in := map[string][]float64{"C0": randSlice[float64](rng, n*hc), "N0": randSlice[float64](rng, n*hk)}
	for s := 0; s < steps; s++ {
		// Sorted keys, so that every run draws the same inputs.
		for _, k := range slices.Sorted(maps.Keys(shape)) {
			name := fmt.Sprintf("%s%d", k, s)
			in[name] = randSlice[float64](rng, n*shape[k])
		}
	}
	m0 := randSlice[float64](rng, n*heads)
	wH := make([][]float64, steps)
	for s := range wH {
		wH[s] = randSlice[float64](rng, n*hv)
	}
	forward := func() ([]MLSTMArgs[float64], float64) {
		var all []MLSTMArgs[float64]
		c, nn, m := upload(b, n, hc, in["C0"]), upload(b, n, hk, in["N0"]), upload(b, n, heads, m0)
		var loss float64
		for s := 0; s < steps; s++ {
			get := func(k string) *Tensor[float64] { return upload(b, n, shape[k], in[fmt.Sprintf("%s%d", k, s)]) }
			a := MLSTMArgs[float64]{Heads: heads, DK: dk, DV: dv, Q: get("Q"), K: get("K"), V: get("V"),
				I: get("I"), F: get("F"), O: get("O"), C0: c, N0: nn, M0: m,
				C1: b.NewTensor(n, hc), N1: b.NewTensor(n, hk), M1: b.NewTensor(n, heads), H: b.NewTensor(n, hv)}
			b.MLSTMStep(a)
			h := make([]float64, n*hv)
			b.Download(h, a.H)
			loss += dot(h, wH[s])
			all = append(all, a)
			c, nn, m = a.C1, a.N1, a.M1
		}
		return all, loss
	}

	all, _ := forward()
	grads := map[string][]float64{}
	dc, dn := b.NewTensor(n, hc), b.NewTensor(n, hk)
	for s := steps - 1; s >= 0; s-- {
		g := MLSTMGrads[float64]{DH: upload(b, n, hv, wH[s]), DC: dc, DN: dn,
			DQ: b.NewTensor(n, hk), DK: b.NewTensor(n, hk), DV: b.NewTensor(n, hv),
			DI: b.NewTensor(n, heads), DF: b.NewTensor(n, heads), DO: b.NewTensor(n, hv)}
		b.MLSTMStepGrad(all[s], g)
		for k, tt := range map[string]*Tensor[float64]{"Q": g.DQ, "K": g.DK, "V": g.DV, "I": g.DI, "F": g.DF, "O": g.DO} {
			name := fmt.Sprintf("%s%d", k, s)
			grads[name] = make([]float64, tt.Len())
			b.Download(grads[name], tt)
		}
	}
	grads["C0"], grads["N0"] = make([]float64, n*hc), make([]float64, n*hk)
	b.Download(grads["C0"], dc)
	b.Download(grads["N0"], dn)
	checkFD(t, in, grads, func() float64 { _, l := forward(); return l })
}

func TestSLSTMStepGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	b := NewCPU[float64](2)
	defer b.Close()
	n, heads, size, steps := 2, 2, 2, 3
	w := heads * size
	in := map[string][]float64{"C0": randSlice[float64](rng, n*w)}
	n0 := make([]float64, n*w)
	for i := range n0 {
		n0[i] = 0.5 + rng.Float64() // the normaliser state is positive
	}
	in["N0"] = n0
	for s := 0; s < steps; s++ {
		in[fmt.Sprintf("Pre%d", s)] = randSlice[float64](rng, n*4*w)
	}
	m0 := randSlice[float64](rng, n*w)
	wH := make([][]float64, steps)
	for s := range wH {
		wH[s] = randSlice[float64](rng, n*w)
	}
	forward := func() ([]SLSTMArgs[float64], float64) {
		var all []SLSTMArgs[float64]
		c, nn, m := upload(b, n, w, in["C0"]), upload(b, n, w, in["N0"]), upload(b, n, w, m0)
		var loss float64
		for s := 0; s < steps; s++ {
			a := SLSTMArgs[float64]{Heads: heads, Size: size, Pre: upload(b, n, 4*w, in[fmt.Sprintf("Pre%d", s)]),
				C0: c, N0: nn, M0: m, C1: b.NewTensor(n, w), N1: b.NewTensor(n, w), M1: b.NewTensor(n, w), H: b.NewTensor(n, w)}
			b.SLSTMStep(a)
			h := make([]float64, n*w)
			b.Download(h, a.H)
			loss += dot(h, wH[s])
			all = append(all, a)
			c, nn, m = a.C1, a.N1, a.M1
		}
		return all, loss
	}
	all, _ := forward()
	grads := map[string][]float64{}
	dc, dn := b.NewTensor(n, w), b.NewTensor(n, w)
	for s := steps - 1; s >= 0; s-- {
		g := SLSTMGrads[float64]{DH: upload(b, n, w, wH[s]), DC: dc, DN: dn, DPre: b.NewTensor(n, 4*w)}
		b.SLSTMStepGrad(all[s], g)
		name := fmt.Sprintf("Pre%d", s)
		grads[name] = make([]float64, n*4*w)
		b.Download(grads[name], g.DPre)
	}
	grads["C0"], grads["N0"] = make([]float64, n*w), make([]float64, n*w)
	b.Download(grads["C0"], dc)
	b.Download(grads["N0"], dn)
	checkFD(t, in, grads, func() float64 { _, l := forward(); return l })
}
