package surrogate

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// boxSystem is a small physical system with interactions for training
// tests: spheres of radius r in the unit box under gravity, with linear
// repulsion between overlapping spheres and damped linear springs at the
// walls. Accelerations are per unit mass.
type boxSystem struct {
	n          int
	radius     float64 // m
	gravity    float64 // m/s², along -z
	kPair      float64 // 1/s², pair stiffness per unit mass
	kWall      float64 // 1/s², wall stiffness per unit mass
	cWall      float64 // 1/s, wall damping per unit mass
	fineDt     float64 // s
	substeps   int     // fine steps per coarse frame
	wallRadius float64 // m, wall edges within this distance
}

func defaultBox() boxSystem {
	return boxSystem{n: 8, radius: 0.08, gravity: 9.81, kPair: 2000, kWall: 2000, cWall: 4,
		fineDt: 2e-4, substeps: 50, wallRadius: 0.25}
}

func (b boxSystem) accel(x, v, a []float64) {
	for i := range a {
		a[i] = 0
	}
	for i := 0; i < b.n; i++ {
		a[3*i+2] -= b.gravity
		for d := 0; d < 3; d++ {
			if lo := x[3*i+d] - b.radius; lo < 0 {
				a[3*i+d] += -b.kWall*lo - b.cWall*v[3*i+d]
			}
			if hi := x[3*i+d] + b.radius - 1; hi > 0 {
				a[3*i+d] += -b.kWall*hi - b.cWall*v[3*i+d]
			}
		}
		for j := i + 1; j < b.n; j++ {
			r := dist(x, i, j)
			if ov := 2*b.radius - r; ov > 0 && r > 0 {
				for d := 0; d < 3; d++ {
					f := b.kPair * ov * (x[3*i+d] - x[3*j+d]) / r
					a[3*i+d] += f
					a[3*j+d] -= f
				}
			}
		}
	}
}

// sequence integrates the system with velocity Verlet at fineDt and
// records every substeps-th frame.
func (b boxSystem) sequence(rng *rand.Rand, frames int, name string) *Sequence {
	x, v := make([]float64, 3*b.n), make([]float64, 3*b.n)
	for i := 0; i < b.n; i++ {
	place:
		for d := 0; d < 3; d++ {
			x[3*i+d] = b.radius + rng.Float64()*(1-2*b.radius)
			v[3*i+d] = rng.NormFloat64()
		}
		for j := 0; j < i; j++ {
			if dist(x, i, j) < 2*b.radius {
				goto place
			}
		}
	}
	a := make([]float64, 3*b.n)
	b.accel(x, v, a)
	seq := &Sequence{Name: name, Dt: b.fineDt * float64(b.substeps)}
	for f := 0; f < frames; f++ {
		seq.Frames = append(seq.Frames, b.frame(x))
		for s := 0; s < b.substeps; s++ {
			for i := range x {
				v[i] += 0.5 * b.fineDt * a[i]
				x[i] += b.fineDt * v[i]
			}
			b.accel(x, v, a)
			for i := range x {
				v[i] += 0.5 * b.fineDt * a[i]
			}
		}
	}
	return seq
}

func (b boxSystem) frame(x []float64) EntityFrame {
	f := EntityFrame{Pos: clone(x), Grad: make([]float64, 9*b.n), Shape: make([]float64, 6*b.n),
		Radius: make([]float64, b.n), Material: make([]float64, b.n)}
	for i := 0; i < b.n; i++ {
		f.Radius[i], f.Material[i] = b.radius, 1
		for d := 0; d < 3; d++ {
			f.Shape[6*i+[3]int{0, 3, 5}[d]] = b.radius * b.radius / 5 // solid sphere, diagonal xx yy zz
		}
		for d := 0; d < 3; d++ {
			for side, wall := range [2]float64{0, 1} {
				gap := wall - x[3*i+d]
				if math.Abs(gap) < b.wallRadius {
					w := WallEdge{Entity: int32(i)}
					w.ToWall[d] = gap
					w.Normal[d] = 1 - 2*float64(side)
					f.Walls = append(f.Walls, w)
				}
			}
		}
	}
	return f
}

func boxSequences(seed uint64, count, frames int) []*Sequence {
	rng := rand.New(rand.NewPCG(seed, 1))
	var out []*Sequence
	for i := 0; i < count; i++ {
		out = append(out, defaultBox().sequence(rng, frames, fmt.Sprintf("box-%d-%d", seed, i)))
	}
	return out
}
