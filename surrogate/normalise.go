package surrogate

import (
	"fmt"
	"math"
)

// Stats holds the mean and standard deviation of one group of features,
// estimated from training data and stored in the checkpoint.
type Stats struct {
	Mean []float64 `json:"mean"`
	Std  []float64 `json:"std"`
}

// Normalise returns (x - mean)/std for feature j.
func (s *Stats) Normalise(j int, x float64) float64 { return (x - s.Mean[j]) / s.Std[j] }

// Denormalise is the inverse of Normalise: mean + std·y.
func (s *Stats) Denormalise(j int, y float64) float64 { return s.Mean[j] + s.Std[j]*y }

// Normalisation is the set of statistics a model's features and targets
// are scaled with.
type Normalisation struct {
	Vel    Stats `json:"velocity"`     // m/s, 3 components
	Acc    Stats `json:"acceleration"` // m/s², 3 components
	DGrad  Stats `json:"grad_change"`  // 1/s, 9 components
	Grad   Stats `json:"grad"`         // 1/s, 9 components
	Shape  Stats `json:"shape"`        // m², 6 components
	Radius Stats `json:"radius"`       // m, 1 component
}

// minStd is the smallest standard deviation used: a feature that is
// constant in the data (such as a shape of spheres) is divided by 1 times
// its unit instead of by zero.
const minStd = 1e-8

// accumulator gathers per-component sums for mean and variance. It uses
// Welford's update (Welford 1962) for numerical stability.
type accumulator struct {
	n    float64
	mean []float64
	m2   []float64
}

func newAccumulator(width int) *accumulator {
	return &accumulator{mean: make([]float64, width), m2: make([]float64, width)}
}

func (a *accumulator) add(row []float64) {
	a.n++
	for j, x := range row {
		d := x - a.mean[j]
		a.mean[j] += d / a.n
		a.m2[j] += d * (x - a.mean[j])
	}
}

func (a *accumulator) stats() Stats {
	s := Stats{Mean: append([]float64(nil), a.mean...), Std: make([]float64, len(a.mean))}
	for j := range s.Std {
		if a.n > 0 {
			s.Std[j] = math.Sqrt(a.m2[j] / a.n)
		}
		if s.Std[j] < minStd {
			s.Std[j] = 1
		}
	}
	return s
}

// ComputeNormalisation estimates the statistics from every usable step of
// the sequences (see Sequence).
func ComputeNormalisation(seqs []*Sequence) (Normalisation, error) {
	vel, acc, dgrad := newAccumulator(3), newAccumulator(3), newAccumulator(9)
	grad, shape, radius := newAccumulator(9), newAccumulator(6), newAccumulator(1)
	v := make([]float64, 3)
	for _, s := range seqs {
		for t := 1; t < len(s.Frames)-1; t++ {
			f := &s.Frames[t]
			n := f.N()
			a, dg := make([]float64, 3*n), make([]float64, 9*n)
			s.Target(t, a, dg)
			for i := 0; i < n; i++ {
				s.velocity(t, i, v)
				vel.add(v)
				acc.add(a[3*i : 3*i+3])
				dgrad.add(dg[9*i : 9*i+9])
				grad.add(f.Grad[9*i : 9*i+9])
				shape.add(f.Shape[6*i : 6*i+6])
				radius.add(f.Radius[i : i+1])
			}
		}
	}
	if acc.n == 0 {
		return Normalisation{}, fmt.Errorf("surrogate: normalisation: no usable steps; each sequence needs at least 3 frames")
	}
	return Normalisation{Vel: vel.stats(), Acc: acc.stats(), DGrad: dgrad.stats(),
		Grad: grad.stats(), Shape: shape.stats(), Radius: radius.stats()}, nil
}

// Validate reports an error when a group has the wrong number of
// components or a standard deviation that is not positive and finite.
func (n *Normalisation) Validate() error {
	for _, g := range []struct {
		name  string
		s     *Stats
		width int
	}{{"velocity", &n.Vel, 3}, {"acceleration", &n.Acc, 3}, {"grad_change", &n.DGrad, 9},
		{"grad", &n.Grad, 9}, {"shape", &n.Shape, 6}, {"radius", &n.Radius, 1}} {
		if len(g.s.Mean) != g.width || len(g.s.Std) != g.width {
			return fmt.Errorf("surrogate: normalisation %s: %d means and %d standard deviations, want %d each",
				g.name, len(g.s.Mean), len(g.s.Std), g.width)
		}
		for j := range g.s.Std {
			if !(g.s.Std[j] > 0) || math.IsInf(g.s.Std[j], 0) || math.IsNaN(g.s.Mean[j]) || math.IsInf(g.s.Mean[j], 0) {
				return fmt.Errorf("surrogate: normalisation %s[%d]: mean %g, std %g; want finite values and std > 0",
					g.name, j, g.s.Mean[j], g.s.Std[j])
			}
		}
	}
	return nil
}
