package kernels

import (
	"fmt"
	"math"
)

func (a *SLSTMArgs[T]) check(op string) {
	n, w := a.Pre.rows, a.Heads*a.Size
	if a.Pre.cols != 4*w {
		panic(fmt.Sprintf("kernels: %s: Pre is %v, want %d×%d", op, a.Pre, n, 4*w))
	}
	for _, t := range [...]*Tensor[T]{a.C0, a.N0, a.M0, a.C1, a.N1, a.M1, a.H} {
		if t == nil || t.rows != n || t.cols != w {
			panic(fmt.Sprintf("kernels: %s: state is %v, want %d×%d", op, t, n, w))
		}
	}
}

// SLSTMStep advances N sLSTM cells by one step.
func (b *CPU[T]) SLSTMStep(a SLSTMArgs[T]) {
	a.check("SLSTMStep")
	b.j.sl = a
	b.dispatch(opSLSTM, a.Pre.rows, 4*a.Heads*a.Size)
}

// slstmPre returns the four pre-activations z, i, f, o of unit u of row r.
func slstmPre[T Float](a *SLSTMArgs[T], r, u int) (z, i, f, o float64) {
	h, j := u/a.Size, u%a.Size
	base := r*a.Pre.cols + h*4*a.Size + j
	p := a.Pre.host
	return float64(p[base]), float64(p[base+a.Size]), float64(p[base+2*a.Size]), float64(p[base+3*a.Size])
}

func slstmRows[T Float](a *SLSTMArgs[T], lo, hi int) {
	w := a.Heads * a.Size
	for r := lo; r < hi; r++ {
		for u := 0; u < w; u++ {
			e := r*w + u
			zp, ipre, fpre, opre := slstmPre(a, r, u)
			m1, ip, fp := mlstmGates(ipre, fpre, float64(a.M0.host[e]))
			c1 := fp*float64(a.C0.host[e]) + ip*math.Tanh(zp)
			n1 := fp*float64(a.N0.host[e]) + ip
			a.C1.host[e], a.N1.host[e], a.M1.host[e] = T(c1), T(n1), T(m1)
			a.H.host[e] = sigmoid(T(opre)) * T(c1/n1)
		}
	}
}

// SLSTMStepGrad back-propagates one sLSTM step; the stabiliser is held
// constant, which is exact because h does not depend on it.
func (b *CPU[T]) SLSTMStepGrad(a SLSTMArgs[T], g SLSTMGrads[T]) {
	a.check("SLSTMStepGrad")
	checkSame("SLSTMStepGrad DH", g.DH, a.H)
	checkSame("SLSTMStepGrad DC", g.DC, a.C1)
	checkSame("SLSTMStepGrad DN", g.DN, a.N1)
	checkSame("SLSTMStepGrad DPre", g.DPre, a.Pre)
	b.j.sl, b.j.sg = a, g
	b.dispatch(opSLSTMGrad, a.Pre.rows, 4*a.Heads*a.Size)
}

func slstmGradRows[T Float](a *SLSTMArgs[T], g *SLSTMGrads[T], lo, hi int) {
	w := a.Heads * a.Size
	for r := lo; r < hi; r++ {
		for u := 0; u < w; u++ {
			e := r*w + u
			zp, ipre, fpre, opre := slstmPre(a, r, u)
			_, ip, fp := mlstmGates(ipre, fpre, float64(a.M0.host[e]))
			z := math.Tanh(zp)
			c1, n1 := float64(a.C1.host[e]), float64(a.N1.host[e])
			og := float64(sigmoid(T(opre)))
			dh := float64(g.DH.host[e])

			// h = σ(o)·c1/n1.
			dop := dh * c1 / n1 * og * (1 - og)
			dc := float64(g.DC.host[e]) + dh*og/n1
			dn := float64(g.DN.host[e]) - dh*og*c1/(n1*n1)

			// c1 = f'·c0 + i'·z, n1 = f'·n0 + i'.
			dfp := dc*float64(a.C0.host[e]) + dn*float64(a.N0.host[e])
			dip := dc*z + dn
			dz := dc * ip * (1 - z*z)
			g.DC.host[e], g.DN.host[e] = T(fp*dc), T(fp*dn)

			h, j := u/a.Size, u%a.Size
			base := r*a.Pre.cols + h*4*a.Size + j
			g.DPre.host[base] = T(dz)
			g.DPre.host[base+a.Size] = T(dip * ip)
			g.DPre.host[base+2*a.Size] = T(dfp * fp * float64(sigmoid(T(-fpre))))
			g.DPre.host[base+3*a.Size] = T(dop)
		}
	}
}
