package sweep

import (
	"fmt"
	"math/rand/v2"
)

// Variant is one point of a sweep: the values of the swept parameters, in
// their units. Index is the variant's position in the sweep and names its
// result file.
type Variant struct {
	Index  int                `json:"index"`
	Values map[string]float64 `json:"values"`
}

// Grid returns the Cartesian product of the axes' values. The last axis
// varies fastest, so variants of a two-axis sweep read row by row.
func Grid(axes []Axis) []Variant {
	n := 1
	for _, a := range axes {
		n *= len(a.Values)
	}
	if len(axes) == 0 {
		n = 0
	}
	vs := make([]Variant, n)
	for i := range vs {
		vs[i] = Variant{Index: i, Values: make(map[string]float64, len(axes))}
		rest := i
		for k := len(axes) - 1; k >= 0; k-- {
			a := axes[k]
			vs[i].Values[a.Name] = a.Values[rest%len(a.Values)]
			rest /= len(a.Values)
		}
	}
	return vs
}

// Range is the interval a Latin hypercube samples for one parameter.
type Range struct {
	Name     string
	Min, Max float64 // in the parameter's unit
}

// LatinHypercube returns n samples of the ranges such that, along every
// parameter, each of the n equal strata of its range holds exactly one
// sample (McKay, Beckman and Conover, Technometrics 21 (1979) 239). The
// position inside each stratum is uniform. The same seed gives the same
// samples.
func LatinHypercube(ranges []Range, n int, seed uint64) ([]Variant, error) {
	if n < 1 {
		return nil, fmt.Errorf("sweep: --lhs %d: the sample count must be at least 1", n)
	}
	if len(ranges) == 0 {
		return nil, fmt.Errorf("sweep: a Latin hypercube needs at least one parameter range")
	}
	rng := rand.New(rand.NewPCG(seed, 0x6e657573696d)) // second word: "neusim"
	vs := make([]Variant, n)
	for i := range vs {
		vs[i] = Variant{Index: i, Values: make(map[string]float64, len(ranges))}
	}
	for _, r := range ranges {
		perm := rng.Perm(n)
		for i := range vs {
			u := (float64(perm[i]) + rng.Float64()) / float64(n)
			vs[i].Values[r.Name] = r.Min + u*(r.Max-r.Min)
		}
	}
	return vs, nil
}

// SpreadIndices returns k indices spread evenly over n variants in sample
// order, always including the first and, for k > 1, the last. It picks
// the variants that a sweep's --verify runs with the reference solver.
func SpreadIndices(n, k int) []int {
	if k <= 0 || n <= 0 {
		return nil
	}
	if k >= n {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	}
	if k == 1 {
		return []int{0}
	}
	out := make([]int, k)
	for i := range out {
		out[i] = (i*(n-1) + (k-1)/2) / (k - 1)
	}
	return out
}
