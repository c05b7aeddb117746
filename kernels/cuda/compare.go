package cuda

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neusim/neusim/kernels"
)

// Check is the comparison of one output of one kernel with the reference.
type Check struct {
	Kernel   string  // operation and case, such as "Gemm NT beta=0"
	Output   string  // output tensor, such as "C"
	Elements int     // values compared
	RelErr   float64 // max |got - want| / max |want| over the output
	Bound    float64 // largest RelErr accepted
	// Unwritten counts the values of an output that was filled with NaN
	// before the kernel ran and still holds NaN: values the kernel never
	// wrote (or wrote as NaN).
	Unwritten int
}

// OK reports whether every value was written and RelErr is within Bound.
func (c Check) OK() bool {
	return c.Unwritten == 0 && !math.IsNaN(c.RelErr) && c.RelErr <= c.Bound
}

func (c Check) String() string {
	status := "ok"
	if !c.OK() {
		status = "FAIL"
	}
	return fmt.Sprintf("%-28s %-6s %8d  rel err %.2e (bound %.0e)  unwritten %d  %s",
		c.Kernel, c.Output, c.Elements, c.RelErr, c.Bound, c.Unwritten, status)
}

// Relative error bounds per precision, as max |got - want| / max |want|
// against the float64 reference. float32 rounds to a relative 6e-8; the
// bounds leave room for the rounding of every step of a kernel (the mLSTM
// chains products, an exponential and a division) and for reordered sums.
const (
	boundExact       = 1e-7 // copies and gathers: exact after rounding to float32
	boundElementwise = 1e-6 // one or two rounded operations per value
	boundReduction   = 1e-5 // sums over rows, LayerNorm, block products
	boundCell        = 1e-5 // mLSTM and sLSTM steps and their gradients
	// BoundGemmFP32 is the bound for Gemm in full FP32, with k up to 255.
	BoundGemmFP32 = 1e-5
	// BoundGemmTF32 is the bound for Gemm with TF32 inputs: each input is
	// rounded to a 10-bit mantissa (relative 5e-4), and random signs let
	// the errors of a k-term sum grow like sqrt(k).
	BoundGemmTF32 = 5e-3
)

// CompareWithReference runs every operation of kernels.Backend on cand and
// on ref with the same random inputs drawn from seed (rounded to float32,
// so both see the same values) and compares the outputs. Every output
// that an operation overwrites is filled with NaN on cand before the run,
// so each Check also proves that every value was written. gemmBound is
// the bound for Gemm: BoundGemmFP32, or BoundGemmTF32 when cand uses TF32.
func CompareWithReference(cand kernels.BackendOf[float32], ref kernels.BackendOf[float64], seed uint64, gemmBound float64) []Check {
	return compareSome(cand, ref, seed, gemmBound, nil)
}

// compareSome is CompareWithReference restricted to the cases whose name
// keep accepts (all when keep is nil).
func compareSome(cand kernels.BackendOf[float32], ref kernels.BackendOf[float64], seed uint64, gemmBound float64,
	keep func(name string) bool) []Check {
	var checks []Check
	for i, c := range comparisonCases(gemmBound) {
		if keep != nil && !keep(c.name) {
			continue
		}
		caseSeed := seed + uint64(i)*0x9e3779b97f4a7c15
		got := c.run32(&env[float32]{b: cand, rng: rand.New(rand.NewPCG(caseSeed, 1)), poison: true})
		want := c.run64(&env[float64]{b: ref, rng: rand.New(rand.NewPCG(caseSeed, 1))})
		for j := range got {
			checks = append(checks, compareOutput(c.name, c.bound, got[j], want[j]))
		}
	}
	return checks
}

func compareOutput(kernel string, bound float64, got, want output) Check {
	c := Check{Kernel: kernel, Output: got.name, Elements: len(got.vals), Bound: bound}
	var maxDiff, maxRef float64
	for i, g := range got.vals {
		if math.IsNaN(g) {
			c.Unwritten++
			continue
		}
		maxDiff = math.Max(maxDiff, math.Abs(g-want.vals[i]))
		maxRef = math.Max(maxRef, math.Abs(want.vals[i]))
	}
	c.RelErr = maxDiff / math.Max(maxRef, math.SmallestNonzeroFloat64)
	if maxDiff == 0 {
		c.RelErr = 0
	}
	return c
}

// output is one named output of a kernel, in float64.
type output struct {
	name string
	vals []float64
}

// env draws inputs and makes outputs on one backend.
type env[T kernels.Float] struct {
	b      kernels.BackendOf[T]
	rng    *rand.Rand
	poison bool
}

// normal returns a rows×cols tensor of normal values of standard
// deviation sd, rounded to float32.
func (e *env[T]) normal(rows, cols int, sd float64) *kernels.Tensor[T] {
	v := make([]T, rows*cols)
	for i := range v {
		v[i] = T(float32(sd * e.rng.NormFloat64()))
	}
	t := e.b.NewTensor(rows, cols)
	e.b.Upload(t, v)
	return t
}

// uniform returns a rows×cols tensor of values in [lo, hi).
func (e *env[T]) uniform(rows, cols int, lo, hi float64) *kernels.Tensor[T] {
	v := make([]T, rows*cols)
	for i := range v {
		v[i] = T(float32(lo + (hi-lo)*e.rng.Float64()))
	}
	t := e.b.NewTensor(rows, cols)
	e.b.Upload(t, v)
	return t
}

// out returns an output tensor: NaN-filled on the candidate, zero on the
// reference.
func (e *env[T]) out(rows, cols int) *kernels.Tensor[T] {
	t := e.b.NewTensor(rows, cols)
	if e.poison {
		v := make([]T, rows*cols)
		for i := range v {
			v[i] = T(math.NaN())
		}
		e.b.Upload(t, v)
	}
	return t
}

func (e *env[T]) get(name string, t *kernels.Tensor[T]) output {
	v := make([]T, t.Len())
	e.b.Download(v, t)
	f := make([]float64, len(v))
	for i, x := range v {
		f[i] = float64(x)
	}
	return output{name: name, vals: f}
}

// csr returns a CSR of rows destination rows with 0 to maxDeg random
// sources each, from [0, srcRows).
func (e *env[T]) csr(rows, srcRows, maxDeg int) *kernels.CSR {
	offsets := []int32{0}
	var src []int32
	for range rows {
		for range e.rng.IntN(maxDeg + 1) {
			src = append(src, int32(e.rng.IntN(srcRows)))
		}
		offsets = append(offsets, int32(len(src)))
	}
	c := e.b.NewCSR()
	e.b.SetCSR(c, offsets, src)
	return c
}

type comparisonCase struct {
	name  string
	bound float64
	run32 func(*env[float32]) []output
	run64 func(*env[float64]) []output
}

// Problem sizes: odd row and column counts, so that no size is a multiple
// of a block or a warp.
const (
	cmpRows = 1003
	cmpCols = 67
)

// CompareRadiusPairs checks search, a radius search such as
// Backend.RadiusPairs, against kernels.RadiusPairs on random points drawn
// from seed: the pairs must be identical, in the same order. RelErr is the
// fraction of pair slots that differ (0 when identical).
func CompareRadiusPairs(search func(pos []float64, radius float64) (senders, receivers []int32), seed uint64) []Check {
	var checks []Check
	rng := rand.New(rand.NewPCG(seed, 3))
	for _, tc := range []struct {
		name   string
		n      int
		side   float64 // m
		radius float64 // m
	}{
		{"RadiusPairs dense", 20000, 0.2, 0.0095},
		{"RadiusPairs sparse", 5000, 10, 0.05},
	} {
		pos := make([]float64, 3*tc.n)
		for i := range pos {
			pos[i] = tc.side * rng.Float64()
		}
		wantS, wantR := kernels.RadiusPairs(pos, tc.radius, 0)
		gotS, gotR := search(pos, tc.radius)
		c := Check{Kernel: tc.name, Output: "pairs", Elements: len(wantS)}
		if len(gotS) != len(wantS) || len(gotR) != len(wantR) {
			c.RelErr = 1
		} else {
			diff := 0
			for i := range wantS {
				if gotS[i] != wantS[i] || gotR[i] != wantR[i] {
					diff++
				}
			}
			c.RelErr = float64(diff) / float64(max(len(wantS), 1))
		}
		checks = append(checks, c)
	}
	return checks
}
