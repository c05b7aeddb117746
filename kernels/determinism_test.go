package kernels

import (
	"math/rand/v2"
	"testing"
)

// pipeline runs a chain of operations that covers every reduction and the
// tiled matrix product, and returns the final values.
func pipeline(b *CPU[float32], rng *rand.Rand) []float32 {
	n, d, e := 300, 96, 900
	x := upload(b, n, d, randSlice[float32](rng, n*d))
	w := upload(b, d, d, randSlice[float32](rng, d*d))
	y := b.NewTensor(n, d)
	b.Gemm(false, false, 1, x, w, 0, y)
	send := make([]int32, e)
	for i := range send {
		send[i] = int32(rng.IntN(n))
	}
	ix := b.NewIndex()
	b.SetIndex(ix, send)
	ge := b.NewTensor(e, d)
	b.Gather(ge, y, ix)
	offsets := make([]int32, n+1)
	src := make([]int32, e)
	for i := range src {
		src[i] = int32(i)
	}
	for r := 1; r <= n; r++ {
		offsets[r] = int32(r * e / n)
	}
	csr := b.NewCSR()
	b.SetCSR(csr, offsets, src)
	b.SegmentSum(y, ge, csr, 1)
	dw := b.NewTensor(d, d)
	b.Gemm(true, false, 1, x, y, 0, dw)
	g, bb := upload(b, 1, d, randSlice[float32](rng, d)), b.NewTensor(1, d)
	mean, rstd := b.NewTensor(n, 1), b.NewTensor(n, 1)
	z := b.NewTensor(n, d)
	b.LayerNorm(z, mean, rstd, y, g, bb, 1e-5)
	dx, dg, db := b.NewTensor(n, d), b.NewTensor(1, d), b.NewTensor(1, d)
	b.LayerNormGrad(dx, dg, db, z, y, mean, rstd, g)
	sum := b.NewTensor(1, d)
	b.SumRows(sum, dx, 0)
	out := make([]float32, 0, d*d+3*d+1)
	for _, t := range []*Tensor[float32]{dw, dg, db, sum} {
		v := make([]float32, t.Len())
		b.Download(v, t)
		out = append(out, v...)
	}
	return append(out, float32(b.SumSquares(dx)))
}

func TestWorkersBitIdentical(t *testing.T) {
	var ref []float32
	for _, workers := range []int{1, 2, 3, 7} {
		b := NewCPU[float32](workers)
		got := pipeline(b, rand.New(rand.NewPCG(31, 32)))
		b.Close()
		if ref == nil {
			ref = got
			continue
		}
		for i := range ref {
			if got[i] != ref[i] {
				t.Fatalf("%d workers: value %d = %g, 1 worker gave %g", workers, i, got[i], ref[i])
			}
		}
	}
}

func TestOperationsAllocateNothing(t *testing.T) {
	b := NewCPU[float32](3)
	defer b.Close()
	rng := rand.New(rand.NewPCG(33, 34))
	n, d := 200, 128
	x := upload(b, n, d, randSlice[float32](rng, n*d))
	w := upload(b, d, d, randSlice[float32](rng, d*d))
	y, dx := b.NewTensor(n, d), b.NewTensor(n, d)
	g, bb, dg, db := b.NewTensor(1, d), b.NewTensor(1, d), b.NewTensor(1, d), b.NewTensor(1, d)
	mean, rstd := b.NewTensor(n, 1), b.NewTensor(n, 1)
	ix := b.NewIndex()
	b.SetIndex(ix, make([]int32, n))
	csr := b.NewCSR()
	off := make([]int32, n+1)
	src := make([]int32, n)
	for i := range src {
		src[i], off[i+1] = int32(i), int32(i+1)
	}
	b.SetCSR(csr, off, src)
	heads, dk := 4, 8
	ml := MLSTMArgs[float32]{Heads: heads, DK: dk, DV: dk,
		Q: b.NewTensor(n, heads*dk), K: b.NewTensor(n, heads*dk), V: b.NewTensor(n, heads*dk),
		I: b.NewTensor(n, heads), F: b.NewTensor(n, heads), O: b.NewTensor(n, heads*dk),
		C0: b.NewTensor(n, heads*dk*dk), N0: b.NewTensor(n, heads*dk), M0: b.NewTensor(n, heads),
		C1: b.NewTensor(n, heads*dk*dk), N1: b.NewTensor(n, heads*dk), M1: b.NewTensor(n, heads),
		H: b.NewTensor(n, heads*dk)}
	run := func() {
		b.Gemm(false, false, 1, x, w, 0, y)
		b.AddRowVector(y, bb)
		b.SiLU(y, y)
		b.LayerNorm(y, mean, rstd, x, g, bb, 1e-5)
		b.LayerNormGrad(dx, dg, db, y, x, mean, rstd, g)
		b.Gather(dx, y, ix)
		b.SegmentSum(y, dx, csr, 1)
		b.SumRows(db, dx, 1)
		b.Axpy(0.5, x, y)
		b.MLSTMStep(ml)
		_ = b.SumSquares(y)
	}
	run()
	if a := testing.AllocsPerRun(20, run); a != 0 {
		t.Fatalf("%v allocations per pass, want 0", a)
	}
}
