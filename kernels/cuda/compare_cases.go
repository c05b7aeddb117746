package cuda

import (
	"fmt"

	"github.com/neusim/neusim/kernels"
)

// comparisonCases lists one case per operation and variant. Each runs the
// operation once on fresh inputs and returns its outputs in a fixed order.
func comparisonCases(gemmBound float64) []comparisonCase {
	cases := []comparisonCase{
		{"Scale", boundElementwise, caseScale[float32], caseScale[float64]},
		{"Axpy", boundElementwise, caseAxpy[float32], caseAxpy[float64]},
		{"Mul", boundElementwise, caseMul[float32], caseMul[float64]},
		{"SumSquares", boundReduction, caseSumSquares[float32], caseSumSquares[float64]},
		{"AddRowVector", boundElementwise, caseAddRowVector[float32], caseAddRowVector[float64]},
		{"SumRows beta=0.5", boundReduction, caseSumRows[float32], caseSumRows[float64]},
		{"SiLU", boundElementwise, caseSiLU[float32], caseSiLU[float64]},
		{"SiLUGrad", boundElementwise, caseSiLUGrad[float32], caseSiLUGrad[float64]},
		{"LayerNorm D=128", boundReduction, caseLayerNorm[float32](128), caseLayerNorm[float64](128)},
		{"LayerNorm D=67", boundReduction, caseLayerNorm[float32](67), caseLayerNorm[float64](67)},
		{"LayerNormGrad D=128", boundReduction, caseLayerNormGrad[float32], caseLayerNormGrad[float64]},
		{"CopyCols", boundExact, caseCopyCols[float32], caseCopyCols[float64]},
		{"AddCols", boundElementwise, caseAddCols[float32], caseAddCols[float64]},
		{"Gather", boundExact, caseGather[float32], caseGather[float64]},
		{"SegmentSum beta=0", boundReduction, caseSegmentSum[float32](0), caseSegmentSum[float64](0)},
		{"SegmentSum beta=1", boundReduction, caseSegmentSum[float32](1), caseSegmentSum[float64](1)},
		{"SegmentSum beta=0.5", boundReduction, caseSegmentSum[float32](0.5), caseSegmentSum[float64](0.5)},
		{"BlockDiagMul beta=0.5", boundReduction, caseBlockDiagMul[float32], caseBlockDiagMul[float64]},
		{"BlockDiagMulGrad", boundReduction, caseBlockDiagMulGrad[float32], caseBlockDiagMulGrad[float64]},
		{"AdamW", boundElementwise, caseAdamW[float32], caseAdamW[float64]},
		{"MLSTMStep dk=dv=16", boundCell, caseMLSTM[float32](false), caseMLSTM[float64](false)},
		{"MLSTMStepGrad dk=dv=16", boundCell, caseMLSTM[float32](true), caseMLSTM[float64](true)},
		{"SLSTMStep", boundCell, caseSLSTM[float32](false), caseSLSTM[float64](false)},
		{"SLSTMStepGrad", boundCell, caseSLSTM[float32](true), caseSLSTM[float64](true)},
	}
	for _, tr := range []struct{ a, b bool }{{false, false}, {false, true}, {true, false}, {true, true}} {
		for _, beta := range []float64{0, 0.5} {
			name := fmt.Sprintf("Gemm %s%s beta=%g", flagName(tr.a), flagName(tr.b), beta)
			cases = append(cases, comparisonCase{name, gemmBound,
				caseGemm[float32](tr.a, tr.b, beta), caseGemm[float64](tr.a, tr.b, beta)})
		}
	}
	return cases
}

func flagName(trans bool) string {
	if trans {
		return "T"
	}
	return "N"
}

func caseScale[T kernels.Float](e *env[T]) []output {
	x := e.normal(cmpRows, cmpCols, 1)
	e.b.Scale(x, T(float32(-1.7)))
	return []output{e.get("x", x)}
}

func caseAxpy[T kernels.Float](e *env[T]) []output {
	x, y := e.normal(cmpRows, cmpCols, 1), e.normal(cmpRows, cmpCols, 1)
	e.b.Axpy(T(float32(0.3)), x, y)
	return []output{e.get("y", y)}
}

func caseMul[T kernels.Float](e *env[T]) []output {
	x, y, d := e.normal(cmpRows, cmpCols, 1), e.normal(cmpRows, cmpCols, 1), e.out(cmpRows, cmpCols)
	e.b.Mul(d, x, y)
	return []output{e.get("dst", d)}
}

func caseSumSquares[T kernels.Float](e *env[T]) []output {
	x := e.normal(100003, 1, 1)
	return []output{{name: "sum", vals: []float64{e.b.SumSquares(x)}}}
}

func caseAddRowVector[T kernels.Float](e *env[T]) []output {
	x, v := e.normal(cmpRows, cmpCols, 1), e.normal(1, cmpCols, 1)
	e.b.AddRowVector(x, v)
	return []output{e.get("x", x)}
}

func caseSumRows[T kernels.Float](e *env[T]) []output {
	x, d := e.normal(20011, cmpCols, 1), e.normal(1, cmpCols, 1)
	e.b.SumRows(d, x, T(0.5))
	return []output{e.get("dst", d)}
}

func caseSiLU[T kernels.Float](e *env[T]) []output {
	x, y := e.normal(cmpRows, cmpCols, 4), e.out(cmpRows, cmpCols)
	e.b.SiLU(y, x)
	return []output{e.get("y", y)}
}

func caseSiLUGrad[T kernels.Float](e *env[T]) []output {
	x, dy, dx := e.normal(cmpRows, cmpCols, 4), e.normal(cmpRows, cmpCols, 1), e.out(cmpRows, cmpCols)
	e.b.SiLUGrad(dx, x, dy)
	return []output{e.get("dx", dx)}
}

func caseLayerNorm[T kernels.Float](d int) func(*env[T]) []output {
	return func(e *env[T]) []output {
		x := e.normal(cmpRows, d, 3)
		gamma, beta := e.normal(1, d, 1), e.normal(1, d, 1)
		y, mean, rstd := e.out(cmpRows, d), e.out(cmpRows, 1), e.out(cmpRows, 1)
		e.b.LayerNorm(y, mean, rstd, x, gamma, beta, T(float32(1e-5)))
		return []output{e.get("y", y), e.get("mean", mean), e.get("rstd", rstd)}
	}
}

func caseLayerNormGrad[T kernels.Float](e *env[T]) []output {
	const d = 128
	x, dy := e.normal(cmpRows, d, 3), e.normal(cmpRows, d, 1)
	gamma, beta := e.normal(1, d, 1), e.normal(1, d, 1)
	dgamma, dbeta := e.normal(1, d, 1), e.normal(1, d, 1)
	y, mean, rstd := e.b.NewTensor(cmpRows, d), e.b.NewTensor(cmpRows, 1), e.b.NewTensor(cmpRows, 1)
	e.b.LayerNorm(y, mean, rstd, x, gamma, beta, T(float32(1e-5)))
	dx := e.out(cmpRows, d)
	e.b.LayerNormGrad(dx, dgamma, dbeta, dy, x, mean, rstd, gamma)
	return []output{e.get("dx", dx), e.get("dgamma", dgamma), e.get("dbeta", dbeta)}
}

func caseCopyCols[T kernels.Float](e *env[T]) []output {
	src, dst := e.normal(cmpRows, 13, 1), e.normal(cmpRows, cmpCols, 1)
	e.b.CopyCols(dst, 21, src)
	return []output{e.get("dst", dst)}
}

func caseAddCols[T kernels.Float](e *env[T]) []output {
	src, dst := e.normal(cmpRows, cmpCols, 1), e.normal(cmpRows, 13, 1)
	e.b.AddCols(dst, src, 40)
	return []output{e.get("dst", dst)}
}

func caseGather[T kernels.Float](e *env[T]) []output {
	src := e.normal(cmpRows, cmpCols, 1)
	rows := make([]int32, 4001)
	for i := range rows {
		rows[i] = int32(e.rng.IntN(cmpRows))
	}
	ix := e.b.NewIndex()
	e.b.SetIndex(ix, rows)
	dst := e.out(len(rows), cmpCols)
	e.b.Gather(dst, src, ix)
	return []output{e.get("dst", dst)}
}

func caseSegmentSum[T kernels.Float](beta float64) func(*env[T]) []output {
	return func(e *env[T]) []output {
		src := e.normal(4001, cmpCols, 1)
		c := e.csr(cmpRows, 4001, 12)
		var dst *kernels.Tensor[T]
		if beta == 0 {
			dst = e.out(cmpRows, cmpCols)
		} else {
			dst = e.normal(cmpRows, cmpCols, 1)
		}
		e.b.SegmentSum(dst, src, c, T(beta))
		return []output{e.get("dst", dst)}
	}
}

// Block-diagonal cases: 4 heads of 16×24 blocks.
const (
	bdHeads = 4
	bdIn    = 16
	bdOut   = 24
)

func caseBlockDiagMul[T kernels.Float](e *env[T]) []output {
	x, w := e.normal(cmpRows, bdHeads*bdIn, 1), e.normal(bdHeads*bdIn, bdOut, 0.3)
	y := e.normal(cmpRows, bdHeads*bdOut, 1)
	e.b.BlockDiagMul(y, x, w, bdHeads, T(0.5))
	return []output{e.get("y", y)}
}

func caseBlockDiagMulGrad[T kernels.Float](e *env[T]) []output {
	x, w := e.normal(cmpRows, bdHeads*bdIn, 1), e.normal(bdHeads*bdIn, bdOut, 0.3)
	dy, dw := e.normal(cmpRows, bdHeads*bdOut, 1), e.normal(bdHeads*bdIn, bdOut, 1)
	dx := e.out(cmpRows, bdHeads*bdIn)
	e.b.BlockDiagMulGrad(dx, dw, x, w, dy, bdHeads)
	return []output{e.get("dx", dx), e.get("dw", dw)}
}

func caseAdamW[T kernels.Float](e *env[T]) []output {
	p, g := e.normal(cmpRows, cmpCols, 1), e.normal(cmpRows, cmpCols, 1)
	m, v := e.normal(cmpRows, cmpCols, 0.1), e.uniform(cmpRows, cmpCols, 0, 0.01)
	e.b.AdamW(p, g, m, v, kernels.AdamWStep{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 1e-2, Step: 7})
	return []output{e.get("p", p), e.get("m", m), e.get("v", v)}
}

func caseGemm[T kernels.Float](transA, transB bool, beta float64) func(*env[T]) []output {
	return func(e *env[T]) []output {
		const m, n, k = 129, 67, 255
		ar, ac := m, k
		if transA {
			ar, ac = k, m
		}
		br, bc := k, n
		if transB {
			br, bc = n, k
		}
		a, b := e.normal(ar, ac, 1), e.normal(br, bc, 1)
		var c *kernels.Tensor[T]
		if beta == 0 {
			c = e.out(m, n)
		} else {
			c = e.normal(m, n, 1)
		}
		e.b.Gemm(transA, transB, T(float32(0.75)), a, b, T(beta), c)
		return []output{e.get("C", c)}
	}
}

// mLSTM cases: 4 heads with dk = dv = 16 on 1003 entities.
const (
	lstmHeads = 4
	lstmDK    = 16
)

func caseMLSTM[T kernels.Float](grad bool) func(*env[T]) []output {
	return func(e *env[T]) []output {
		const n, h, dk, dv = cmpRows, lstmHeads, lstmDK, lstmDK
		a := kernels.MLSTMArgs[T]{Heads: h, DK: dk, DV: dv,
			Q: e.normal(n, h*dk, 1), K: e.normal(n, h*dk, 1), V: e.normal(n, h*dv, 1),
			I: e.normal(n, h, 2), F: e.normal(n, h, 2), O: e.normal(n, h*dv, 1),
			C0: e.normal(n, h*dv*dk, 0.5), N0: e.normal(n, h*dk, 0.5), M0: e.normal(n, h, 1)}
		if !grad {
			a.C1, a.N1, a.M1, a.H = e.out(n, h*dv*dk), e.out(n, h*dk), e.out(n, h), e.out(n, h*dv)
			e.b.MLSTMStep(a)
			return []output{e.get("C1", a.C1), e.get("N1", a.N1), e.get("M1", a.M1), e.get("H", a.H)}
		}
		a.C1, a.N1, a.M1, a.H = e.b.NewTensor(n, h*dv*dk), e.b.NewTensor(n, h*dk), e.b.NewTensor(n, h), e.b.NewTensor(n, h*dv)
		e.b.MLSTMStep(a)
		g := kernels.MLSTMGrads[T]{DH: e.normal(n, h*dv, 1), DC: e.normal(n, h*dv*dk, 0.1), DN: e.normal(n, h*dk, 0.1),
			DQ: e.out(n, h*dk), DK: e.out(n, h*dk), DV: e.out(n, h*dv),
			DI: e.out(n, h), DF: e.out(n, h), DO: e.out(n, h*dv)}
		e.b.MLSTMStepGrad(a, g)
		return []output{e.get("DC", g.DC), e.get("DN", g.DN), e.get("DQ", g.DQ), e.get("DK", g.DK),
			e.get("DV", g.DV), e.get("DI", g.DI), e.get("DF", g.DF), e.get("DO", g.DO)}
	}
}

func caseSLSTM[T kernels.Float](grad bool) func(*env[T]) []output {
	return func(e *env[T]) []output {
		const n, h, size = cmpRows, lstmHeads, 8
		w := h * size
		a := kernels.SLSTMArgs[T]{Heads: h, Size: size, Pre: e.normal(n, 4*w, 1.5),
			C0: e.normal(n, w, 0.5), N0: e.uniform(n, w, 0.5, 2), M0: e.normal(n, w, 1)}
		if !grad {
			a.C1, a.N1, a.M1, a.H = e.out(n, w), e.out(n, w), e.out(n, w), e.out(n, w)
			e.b.SLSTMStep(a)
			return []output{e.get("C1", a.C1), e.get("N1", a.N1), e.get("M1", a.M1), e.get("H", a.H)}
		}
		a.C1, a.N1, a.M1, a.H = e.b.NewTensor(n, w), e.b.NewTensor(n, w), e.b.NewTensor(n, w), e.b.NewTensor(n, w)
		e.b.SLSTMStep(a)
		g := kernels.SLSTMGrads[T]{DH: e.normal(n, w, 1), DC: e.normal(n, w, 0.1), DN: e.normal(n, w, 0.1), DPre: e.out(n, 4*w)}
		e.b.SLSTMStepGrad(a, g)
		return []output{e.get("DC", g.DC), e.get("DN", g.DN), e.get("DPre", g.DPre)}
	}
}
