package main

import (
	"fmt"
	"math"

	"github.com/neusim/neusim/kernels"
	"github.com/neusim/neusim/kernels/cuda"
)

// checkKernels compares every kernel with the float64 CPU backend: with
// cuBLAS in FP32, with the tiled Gemm kernel, and with TF32 Gemm.
func checkKernels(r *report, gpu *cuda.Backend, o options) {
	ref := cpuReference()
	defer ref.Close()
	run := func(label string, b kernels.Backend, bound float64) {
		fmt.Fprintf(r.w, "-- %s\n", label)
		checks := cuda.CompareWithReference(b, ref, o.seed, bound)
		if g, ok := b.(*cuda.Backend); ok {
			checks = append(checks, cuda.CompareRadiusPairs(g.RadiusPairs, o.seed)...)
		}
		for _, c := range checks {
			fmt.Fprintln(r.w, c)
			if !c.OK() {
				r.failures++
			}
		}
	}
	if o.noCUBLAS {
		run("tiled Gemm kernel, no cuBLAS", gpu, cuda.BoundGemmFP32)
		return
	}
	run("cuBLAS FP32", gpu, cuda.BoundGemmFP32)

	tiled, err := cuda.Open(cuda.Options{NoCUBLAS: true, CacheDir: o.cacheDir})
	if err != nil {
		r.fail("opening the backend without cuBLAS: %v", err)
	} else {
		run("tiled Gemm kernel, no cuBLAS", tiled, cuda.BoundGemmFP32)
		tiled.Close()
	}
	tf32, err := cuda.Open(cuda.Options{TF32: true, CacheDir: o.cacheDir})
	if err != nil {
		r.fail("opening the backend with TF32: %v", err)
	} else {
		fmt.Fprintf(r.w, "-- cuBLAS TF32 (Gemm bound %.0e)\n", cuda.BoundGemmTF32)
		for _, c := range cuda.CompareWithReference(tf32, ref, o.seed, cuda.BoundGemmTF32) {
			if len(c.Kernel) >= 4 && c.Kernel[:4] == "Gemm" {
				fmt.Fprintln(r.w, c)
				if !c.OK() {
					r.failures++
				}
			}
		}
		tf32.Close()
	}
}

// ceilings are the device's limits measured in this run.
type ceilings struct {
	bandwidth float64 // bytes/s of a large device-to-device copy
	fp32      float64 // FLOP/s of a large cuBLAS SGEMM in FP32
	tf32      float64 // the same with TF32 tensor cores
}

// measureCeilings times a 1 GiB device-to-device copy (2 GiB moved) and an
// 8192³ SGEMM.
func measureCeilings(r *report, gpu *cuda.Backend, o options) ceilings {
	var c ceilings
	const n = 1 << 28 // floats: 1 GiB
	src, dst := gpu.NewTensor(n, 1), gpu.NewTensor(n, 1)
	t := timeIt(10, gpu.Synchronize, func() { gpu.Copy(dst, src) })
	c.bandwidth = 2 * 4 * n / t
	fmt.Fprintf(r.w, "device-to-device copy of 1 GiB: %.3f ms, %.0f GB/s", 1e3*t, c.bandwidth/1e9)
	if p := gpu.Info().PeakBandwidth; p > 0 {
		fmt.Fprintf(r.w, " (%.0f%% of the %.0f GB/s the driver's clock and bus width give)", 100*c.bandwidth/p, p/1e9)
	}
	fmt.Fprintln(r.w)
	src, dst = nil, nil

	const m = 8192
	a, b, cc := gpu.NewTensor(m, m), gpu.NewTensor(m, m), gpu.NewTensor(m, m)
	gpu.Fill(a, 0.5)
	gpu.Fill(b, 0.25)
	t = timeIt(5, gpu.Synchronize, func() { gpu.Gemm(false, false, 1, a, b, 0, cc) })
	c.fp32 = 2 * m * m * m / t
	fmt.Fprintf(r.w, "SGEMM %d³ FP32 (%s): %.2f ms, %.1f TFLOP/s\n", m, gemmName(o), 1e3*t, c.fp32/1e12)
	if o.noCUBLAS {
		return c
	}

	tf, err := cuda.Open(cuda.Options{TF32: true, CacheDir: o.cacheDir})
	if err == nil {
		a2, b2, c2 := tf.NewTensor(m, m), tf.NewTensor(m, m), tf.NewTensor(m, m)
		t = timeIt(5, tf.Synchronize, func() { tf.Gemm(false, false, 1, a2, b2, 0, c2) })
		c.tf32 = 2 * m * m * m / t
		fmt.Fprintf(r.w, "SGEMM %d³ TF32: %.2f ms, %.1f TFLOP/s\n", m, 1e3*t, c.tf32/1e12)
		tf.Close()
	}
	return c
}

func gemmName(o options) string {
	if o.noCUBLAS {
		return "tiled kernel"
	}
	return "cuBLAS"
}

// bandwidthCase is one memory-bound kernel timed at a large size.
type bandwidthCase struct {
	name  string
	bytes float64 // minimum bytes the kernel must move
	run   func()
}

// measureKernelBandwidth times the memory-bound kernels at sizes of a few
// hundred MB and compares each with its bandwidth floor, bytes / ceiling.
// The target is a time within 2x of the floor.
func measureKernelBandwidth(r *report, gpu *cuda.Backend, c ceilings) {
	const n = 1 << 26 // 64 Mi floats, 256 MB per tensor
	x, y, z := gpu.NewTensor(n, 1), gpu.NewTensor(n, 1), gpu.NewTensor(n, 1)
	gpu.Fill(x, 0.5)
	gpu.Fill(y, 0.25)

	// Row-wise kernels on 1Mi rows of 64 columns.
	const rows, cols = 1 << 20, 64
	xr, yr := gpu.NewTensor(rows, cols), gpu.NewTensor(rows, cols)
	gpu.Fill(xr, 0.5)
	vec, gamma, beta := gpu.NewTensor(1, cols), gpu.NewTensor(1, cols), gpu.NewTensor(1, cols)
	mean, rstd := gpu.NewTensor(rows, 1), gpu.NewTensor(rows, 1)

	// Gather and segment sum over 4Mi edges of 64 columns from 1Mi rows.
	const edges = 1 << 22
	ix := gpu.NewIndex()
	rowsOf := make([]int32, edges)
	for i := range rowsOf {
		rowsOf[i] = int32((i * 7919) % rows)
	}
	gpu.SetIndex(ix, rowsOf)
	ge := gpu.NewTensor(edges, cols)
	csr := gpu.NewCSR()
	offsets := make([]int32, rows+1)
	src := make([]int32, edges)
	for e := range src {
		src[e] = int32(e)
	}
	for i := range offsets {
		offsets[i] = int32(i * (edges / rows))
	}
	gpu.SetCSR(csr, offsets, src)

	// mLSTM step of 256Ki entities with the shipped model's 4 heads of 12.
	const ents, heads, dk = 1 << 18, 4, 12
	t := func(r, c int) *kernels.Tensor[float32] { return gpu.NewTensor(r, c) }
	ml := kernels.MLSTMArgs[float32]{Heads: heads, DK: dk, DV: dk,
		Q: t(ents, heads*dk), K: t(ents, heads*dk), V: t(ents, heads*dk), I: t(ents, heads), F: t(ents, heads), O: t(ents, heads*dk),
		C0: t(ents, heads*dk*dk), N0: t(ents, heads*dk), M0: t(ents, heads),
		C1: t(ents, heads*dk*dk), N1: t(ents, heads*dk), M1: t(ents, heads), H: t(ents, heads*dk)}
	// C0 read and C1 written; q, k, v, o, n0 read, n1 and h written; the
	// gates i, f and m0 read and m1 written.
	mlBytes := 4.0 * ents * float64(2*heads*dk*dk+7*heads*dk+4*heads)

	const f = 4.0 // bytes per float
	cases := []bandwidthCase{
		{"Scale", 2 * f * n, func() { gpu.Scale(x, 1) }},
		{"Axpy", 3 * f * n, func() { gpu.Axpy(0.5, x, y) }},
		{"Mul", 3 * f * n, func() { gpu.Mul(z, x, y) }},
		{"SiLU", 2 * f * n, func() { gpu.SiLU(z, x) }},
		{"AddRowVector", 2 * f * rows * cols, func() { gpu.AddRowVector(xr, vec) }},
		{"LayerNorm", 2*f*rows*cols + 2*f*rows, func() { gpu.LayerNorm(yr, mean, rstd, xr, gamma, beta, 1e-5) }},
		{"Gather", 2*f*edges*cols + 4*edges, func() { gpu.Gather(ge, xr, ix) }},
		{"SegmentSum", f*edges*cols + f*rows*cols + 4*(edges+rows), func() { gpu.SegmentSum(yr, ge, csr, 0) }},
		{"MLSTMStep", mlBytes, func() { gpu.MLSTMStep(ml) }},
	}
	fmt.Fprintf(r.w, "%-14s %10s %10s %9s %10s %s\n", "kernel", "MB moved", "time ms", "GB/s", "time/floor", "target <= 2")
	for _, k := range cases {
		sec := timeIt(10, gpu.Synchronize, k.run)
		floor := k.bytes / c.bandwidth
		ratio := sec / floor
		status := "met"
		if ratio > 2 {
			status = "NOT met"
		}
		fmt.Fprintf(r.w, "%-14s %10.0f %10.3f %9.0f %10.2f %s\n", k.name, k.bytes/1e6, 1e3*sec, k.bytes/sec/1e9, ratio, status)
	}
	if math.IsNaN(c.bandwidth) || c.bandwidth == 0 {
		r.fail("no bandwidth ceiling measured")
	}
}
