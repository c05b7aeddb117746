package grouping

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/spatial/r3"
)

func TestSymEigenMatchesGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 50; trial++ {
		n := 3 + trial%4
		a := make([]float64, n*n)
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				x := rng.NormFloat64()
				a[i*n+j], a[j*n+i] = x, x
			}
		}
		var es mat.EigenSym
		if !es.Factorize(mat.NewSymDense(n, append([]float64(nil), a...)), false) {
			t.Fatal("gonum EigenSym failed")
		}
		want := es.Values(nil) // ascending

		vals := make([]float64, n)
		vecs := make([]float64, n*n)
		orig := append([]float64(nil), a...)
		symEigen(a, n, vals, vecs)
		for i := 0; i < n; i++ {
			if d := math.Abs(vals[i] - want[n-1-i]); d > 1e-12 {
				t.Errorf("n=%d: eigenvalue %d is %g, gonum gives %g", n, i, vals[i], want[n-1-i])
			}
			// A u = λ u for column i.
			for r := 0; r < n; r++ {
				var s float64
				for c := 0; c < n; c++ {
					s += orig[r*n+c] * vecs[c*n+i]
				}
				if d := math.Abs(s - vals[i]*vecs[r*n+i]); d > 1e-11 {
					t.Fatalf("n=%d: residual of eigenpair %d is %g", n, i, d)
				}
			}
		}
	}
}

func TestExpOfSkewIsRotation(t *testing.T) {
	axis := r3.Unit(r3.Vec{X: 1, Y: -2, Z: 0.5})
	for _, angle := range []float64{1e-9, 0.3, 2, 40} {
		rot := Skew(r3.Scale(angle, axis)).Exp()

		// Rodrigues' formula: R = I + sin θ K + (1 - cos θ) K².
		k := Skew(axis)
		want := Identity3().Add(k.Scale(math.Sin(angle))).Add(k.Mul(k).Scale(1 - math.Cos(angle)))
		for i := range rot {
			if d := math.Abs(rot[i] - want[i]); d > 1e-13*max(1, angle) {
				t.Errorf("angle %g: element %d is %g, Rodrigues gives %g", angle, i, rot[i], want[i])
			}
		}
		rtr := rot.T().Mul(rot)
		id := Identity3()
		for i := range rtr {
			if d := math.Abs(rtr[i] - id[i]); d > 1e-14*max(1, angle) {
				t.Errorf("angle %g: RᵀR differs from I by %g at %d", angle, d, i)
			}
		}
	}
}

func TestExpOfDiagonal(t *testing.T) {
	e := Mat3{1.5, 0, 0, 0, -0.2, 0, 0, 0, 3}.Exp()
	want := []float64{math.Exp(1.5), math.Exp(-0.2), math.Exp(3)}
	for i, w := range want {
		if d := math.Abs(e[4*i]-w) / w; d > 1e-14 {
			t.Errorf("diagonal %d is %g, want %g", i, e[4*i], w)
		}
	}
}

func TestPseudoInverseOfPlane(t *testing.T) {
	// A planar cloud: the pseudo-inverse inverts in the plane only.
	s := Sym3{2, 0.5, 0, 1, 0, 0}
	p := s.PseudoInverse(pinvTol)
	prod := s.Mat().Mul(p)
	want := Mat3{1, 0, 0, 0, 1, 0, 0, 0, 0}
	for i := range prod {
		if math.Abs(prod[i]-want[i]) > 1e-14 {
			t.Errorf("S S⁺ element %d is %g, want %g", i, prod[i], want[i])
		}
	}
}

func TestInverseMatchesPseudoInverse(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	for trial := 0; trial < 200; trial++ {
		// Random positive semidefinite matrices over a range of
		// conditions, some singular.
		var s Sym3
		for k := 0; k < 1+trial%5; k++ {
			v := r3.Vec{X: rng.NormFloat64(), Y: rng.NormFloat64(), Z: rng.NormFloat64()}
			s.addOuter(math.Pow(10, -4*rng.Float64()), v)
		}
		got, want := s.Inverse(pinvTol), s.PseudoInverse(pinvTol)
		scale := want.maxAbs()
		for i := range got {
			if d := math.Abs(got[i] - want[i]); d > 1e-9*scale {
				t.Fatalf("trial %d: element %d of the inverse is %g, pseudo-inverse gives %g", trial, i, got[i], want[i])
			}
		}
	}
}
