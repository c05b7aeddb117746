package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

func randSlice[T Float](rng *rand.Rand, n int) []T {
	s := make([]T, n)
	for i := range s {
		s[i] = T(rng.NormFloat64())
	}
	return s
}

func upload[T Float](b *CPU[T], rows, cols int, v []T) *Tensor[T] {
	t := b.NewTensor(rows, cols)
	b.Upload(t, v)
	return t
}

// naiveGemm is the brute-force triple loop that Gemm is checked against.
func naiveGemm[T Float](transA, transB bool, m, n, k int, alpha T, a, b []T, beta T, c []T) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s T
			for l := 0; l < k; l++ {
				av := a[i*k+l]
				if transA {
					av = a[l*m+i]
				}
				bv := b[l*n+j]
				if transB {
					bv = b[j*k+l]
				}
				s += av * bv
			}
			c[i*n+j] = alpha*s + beta*c[i*n+j]
		}
	}
}

func TestGemmMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	b := NewCPU[float64](3)
	defer b.Close()
	for _, sz := range [][3]int{{1, 1, 1}, {5, 7, 3}, {65, 130, 17}, {200, 64, 129}, {3, 3, 0}} {
		m, n, k := sz[0], sz[1], sz[2]
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			av, bv, cv := randSlice[float64](rng, m*k), randSlice[float64](rng, k*n), randSlice[float64](rng, m*n)
			ar, ac := m, k
			if tr[0] {
				ar, ac = k, m
			}
			br, bc := k, n
			if tr[1] {
				br, bc = n, k
			}
			A, B, C := upload(b, ar, ac, av), upload(b, br, bc, bv), upload(b, m, n, cv)
			b.Gemm(tr[0], tr[1], 0.7, A, B, 0.3, C)
			naiveGemm(tr[0], tr[1], m, n, k, 0.7, av, bv, 0.3, cv)
			got := make([]float64, m*n)
			b.Download(got, C)
			for i := range got {
				if math.Abs(got[i]-cv[i]) > 1e-12*float64(k+1) {
					t.Fatalf("m,n,k=%d,%d,%d trans=%v: C[%d] = %g, naive %g", m, n, k, tr, i, got[i], cv[i])
				}
			}
		}
	}
}

func TestGemmFloat32(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	b := NewCPU[float32](2)
	defer b.Close()
	m, n, k := 70, 90, 150
	av, bv := randSlice[float32](rng, m*k), randSlice[float32](rng, k*n)
	cv := make([]float32, m*n)
	C := b.NewTensor(m, n)
	b.Gemm(false, false, 1, upload(b, m, k, av), upload(b, k, n, bv), 0, C)
	naiveGemm(false, false, m, n, k, 1, av, bv, 0, cv)
	got := make([]float32, m*n)
	b.Download(got, C)
	for i := range got {
		// Sums of k products of unit normals: rounding grows like sqrt(k)·eps32·|terms|.
		if math.Abs(float64(got[i]-cv[i])) > 1e-4*float64(k) {
			t.Fatalf("C[%d] = %g, naive %g", i, got[i], cv[i])
		}
	}
}

func TestLayerNormRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	b := NewCPU[float64](2)
	defer b.Close()
	n, d := 9, 13
	xv := randSlice[float64](rng, n*d)
	gv, bv := randSlice[float64](rng, d), randSlice[float64](rng, d)
	x, y := upload(b, n, d, xv), b.NewTensor(n, d)
	mean, rstd := b.NewTensor(n, 1), b.NewTensor(n, 1)
	b.LayerNorm(y, mean, rstd, x, upload(b, 1, d, gv), upload(b, 1, d, bv), 1e-5)
	got := make([]float64, n*d)
	b.Download(got, y)
	for r := 0; r < n; r++ {
		row := xv[r*d : (r+1)*d]
		var mu, v float64
		for _, x := range row {
			mu += x / float64(d)
		}
		for _, x := range row {
			v += (x - mu) * (x - mu) / float64(d)
		}
		for i := range row {
			want := (row[i]-mu)/math.Sqrt(v+1e-5)*gv[i] + bv[i]
			if math.Abs(got[r*d+i]-want) > 1e-12 {
				t.Fatalf("y[%d,%d] = %g, want %g", r, i, got[r*d+i], want)
			}
		}
	}
}

func TestGatherSegmentSum(t *testing.T) {
	b := NewCPU[float64](2)
	defer b.Close()
	src := upload(b, 3, 2, []float64{1, 2, 3, 4, 5, 6})
	ix := b.NewIndex()
	b.SetIndex(ix, []int32{2, 0, 2, 1})
	g := b.NewTensor(4, 2)
	b.Gather(g, src, ix)
	got := make([]float64, 8)
	b.Download(got, g)
	want := []float64{5, 6, 1, 2, 5, 6, 3, 4}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("gather: got %v, want %v", got, want)
		}
	}
	// Destination 0 sums sources 1 and 3, destination 1 has none, destination 2 sums 0 and 2.
	c := b.NewCSR()
	b.SetCSR(c, []int32{0, 2, 2, 4}, []int32{1, 3, 0, 2})
	dst := upload(b, 3, 2, []float64{10, 10, 10, 10, 10, 10})
	b.SegmentSum(dst, g, c, 1)
	got = make([]float64, 6)
	b.Download(got, dst)
	want = []float64{10 + 1 + 3, 10 + 2 + 4, 10, 10, 10 + 5 + 5, 10 + 6 + 6}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("segment sum: got %v, want %v", got, want)
		}
	}
}

func TestBlockDiagMulMatchesDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	b := NewCPU[float64](2)
	defer b.Close()
	n, heads, bi, bo := 5, 3, 2, 4
	xv, wv := randSlice[float64](rng, n*heads*bi), randSlice[float64](rng, heads*bi*bo)
	dense := make([]float64, heads*bi*heads*bo)
	for h := 0; h < heads; h++ {
		for i := 0; i < bi; i++ {
			for c := 0; c < bo; c++ {
				dense[(h*bi+i)*heads*bo+h*bo+c] = wv[(h*bi+i)*bo+c]
			}
		}
	}
	x, w := upload(b, n, heads*bi, xv), upload(b, heads*bi, bo, wv)
	y := b.NewTensor(n, heads*bo)
	b.BlockDiagMul(y, x, w, heads, 0)
	want := make([]float64, n*heads*bo)
	naiveGemm(false, false, n, heads*bo, heads*bi, 1, xv, dense, 0, want)
	got := make([]float64, n*heads*bo)
	b.Download(got, y)
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("y[%d] = %g, dense %g", i, got[i], want[i])
		}
	}

	// Gradients against the dense product: dx = dy·Dᵀ, dD = xᵀ·dy on the blocks.
	dyv := randSlice[float64](rng, n*heads*bo)
	dx, dw := b.NewTensor(n, heads*bi), b.NewTensor(heads*bi, bo)
	b.BlockDiagMulGrad(dx, dw, x, w, upload(b, n, heads*bo, dyv), heads)
	wantDx := make([]float64, n*heads*bi)
	naiveGemm(false, true, n, heads*bi, heads*bo, 1, dyv, dense, 0, wantDx)
	gotDx := make([]float64, len(wantDx))
	b.Download(gotDx, dx)
	for i := range gotDx {
		if math.Abs(gotDx[i]-wantDx[i]) > 1e-12 {
			t.Fatalf("dx[%d] = %g, dense %g", i, gotDx[i], wantDx[i])
		}
	}
	wantDD := make([]float64, len(dense))
	naiveGemm(true, false, heads*bi, heads*bo, n, 1, xv, dyv, 0, wantDD)
	gotDw := make([]float64, heads*bi*bo)
	b.Download(gotDw, dw)
	for h := 0; h < heads; h++ {
		for i := 0; i < bi; i++ {
			for c := 0; c < bo; c++ {
				g, want := gotDw[(h*bi+i)*bo+c], wantDD[(h*bi+i)*heads*bo+h*bo+c]
				if math.Abs(g-want) > 1e-12 {
					t.Fatalf("dw block %d [%d,%d] = %g, dense %g", h, i, c, g, want)
				}
			}
		}
	}
}

func TestAdamWFirstStep(t *testing.T) {
	b := NewCPU[float64](1)
	defer b.Close()
	p := upload(b, 1, 2, []float64{1, -2})
	g := upload(b, 1, 2, []float64{0.5, -3})
	m, v := b.NewTensor(1, 2), b.NewTensor(1, 2)
	b.AdamW(p, g, m, v, AdamWStep{LR: 0.1, Beta1: 0.9, Beta2: 0.999, Eps: 0, WeightDecay: 0.01, Step: 1})
	got := make([]float64, 2)
	b.Download(got, p)
	// At step 1 the bias-corrected m/sqrt(v) is sign(g), so p -= lr·(sign(g) + wd·p).
	want := []float64{1 - 0.1*(1+0.01*1), -2 - 0.1*(-1+0.01*-2)}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("p[%d] = %g, want %g", i, got[i], want[i])
		}
	}
}
