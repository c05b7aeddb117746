package kernels

import (
	"fmt"
	"math"
)

func (a *MLSTMArgs[T]) check(op string) {
	h, dk, dv := a.Heads, a.DK, a.DV
	n := a.Q.rows
	want := []struct {
		name string
		t    *Tensor[T]
		cols int
	}{
		{"Q", a.Q, h * dk}, {"K", a.K, h * dk}, {"V", a.V, h * dv},
		{"I", a.I, h}, {"F", a.F, h}, {"O", a.O, h * dv},
		{"C0", a.C0, h * dv * dk}, {"N0", a.N0, h * dk}, {"M0", a.M0, h},
		{"C1", a.C1, h * dv * dk}, {"N1", a.N1, h * dk}, {"M1", a.M1, h},
		{"H", a.H, h * dv},
	}
	for _, w := range want {
		if w.t == nil || w.t.rows != n || w.t.cols != w.cols {
			panic(fmt.Sprintf("kernels: %s: %s is %v, want %d×%d", op, w.name, w.t, n, w.cols))
		}
	}
}

// MLSTMStep advances N mLSTM cells by one step.
func (b *CPU[T]) MLSTMStep(a MLSTMArgs[T]) {
	a.check("MLSTMStep")
	b.j.ml = a
	b.dispatch(opMLSTM, a.Q.rows, a.Heads*a.DV*a.DK)
}

// mlstmGates returns the stabiliser m1 and the stabilised gates i', f'.
func mlstmGates(i, f, m0 float64) (m1, ip, fp float64) {
	lf := logSigmoid(f)
	m1 = math.Max(lf+m0, i)
	return m1, math.Exp(i - m1), math.Exp(lf + m0 - m1)
}

func mlstmRows[T Float](a *MLSTMArgs[T], lo, hi int) {
	H, dk, dv := a.Heads, a.DK, a.DV
	scale := T(1 / math.Sqrt(float64(dk)))
	for r := lo; r < hi; r++ {
		for h := 0; h < H; h++ {
			g := r*H + h
			kq := g * dk
			kv := g * dv
			kc := g * dv * dk
			m1, ip, fp := mlstmGates(float64(a.I.host[g]), float64(a.F.host[g]), float64(a.M0.host[g]))
			a.M1.host[g] = T(m1)
			q, k, v := a.Q.host[kq:kq+dk], a.K.host[kq:kq+dk], a.V.host[kv:kv+dv]

			// Normaliser n1 = f'·n0 + i'·k/sqrt(dk) and its product with q.
			n0, n1 := a.N0.host[kq:kq+dk], a.N1.host[kq:kq+dk]
			var dot float64
			for j := range n1 {
				n1[j] = T(fp)*n0[j] + T(ip)*k[j]*scale
				dot += float64(n1[j]) * float64(q[j])
			}
			den := math.Max(math.Abs(dot), math.Exp(-m1))

			// Matrix memory C1 = f'·C0 + i'·v·kᵀ/sqrt(dk), and h = σ(o)·C1·q/den.
			c0, c1 := a.C0.host[kc:kc+dv*dk], a.C1.host[kc:kc+dv*dk]
			for i := 0; i < dv; i++ {
				row0, row1 := c0[i*dk:(i+1)*dk], c1[i*dk:(i+1)*dk]
				var num float64
				for j := range row1 {
					row1[j] = T(fp)*row0[j] + T(ip)*v[i]*k[j]*scale
					num += float64(row1[j]) * float64(q[j])
				}
				a.H.host[kv+i] = sigmoid(a.O.host[kv+i]) * T(num/den)
			}
		}
	}
}

func (g *MLSTMGrads[T]) check(a *MLSTMArgs[T]) {
	pairs := []struct {
		name   string
		gt, at *Tensor[T]
	}{
		{"DH", g.DH, a.H}, {"DC", g.DC, a.C1}, {"DN", g.DN, a.N1}, {"DQ", g.DQ, a.Q},
		{"DK", g.DK, a.K}, {"DV", g.DV, a.V}, {"DI", g.DI, a.I}, {"DF", g.DF, a.F}, {"DO", g.DO, a.O},
	}
	for _, p := range pairs {
		if p.gt == nil || p.gt.rows != p.at.rows || p.gt.cols != p.at.cols {
			panic(fmt.Sprintf("kernels: MLSTMStepGrad: %s is %v, want %v", p.name, p.gt, p.at))
		}
	}
}

// MLSTMStepGrad back-propagates one mLSTM step whose inputs and outputs
// are in a (as left by MLSTMStep). The stabiliser is held constant, which
// gives the exact gradient because h does not depend on it.
func (b *CPU[T]) MLSTMStepGrad(a MLSTMArgs[T], g MLSTMGrads[T]) {
	a.check("MLSTMStepGrad")
	g.check(&a)
	b.j.ml, b.j.mg = a, g
	b.dispatch(opMLSTMGrad, a.Q.rows, a.Heads*a.DV*a.DK)
}

func mlstmGradRows[T Float](a *MLSTMArgs[T], gr *MLSTMGrads[T], lo, hi int) {
	H, dk, dv := a.Heads, a.DK, a.DV
	scale := 1 / math.Sqrt(float64(dk))
	for r := lo; r < hi; r++ {
		for h := 0; h < H; h++ {
			g := r*H + h
			kq, kv, kc := g*dk, g*dv, g*dv*dk
			fPre := float64(a.F.host[g])
			m1, ip, fp := mlstmGates(float64(a.I.host[g]), fPre, float64(a.M0.host[g]))
			q, k, v := a.Q.host[kq:kq+dk], a.K.host[kq:kq+dk], a.V.host[kv:kv+dv]
			n0, n1 := a.N0.host[kq:kq+dk], a.N1.host[kq:kq+dk]
			c0, c1 := a.C0.host[kc:kc+dv*dk], a.C1.host[kc:kc+dv*dk]
			dq, dkk, dvv := gr.DQ.host[kq:kq+dk], gr.DK.host[kq:kq+dk], gr.DV.host[kv:kv+dv]
			dc, dn := gr.DC.host[kc:kc+dv*dk], gr.DN.host[kq:kq+dk]

			// Recompute the denominator.
			var dot float64
			for j := range n1 {
				dot += float64(n1[j]) * float64(q[j])
			}
			den := math.Max(math.Abs(dot), math.Exp(-m1))

			// Output gate and the quotient num/den.
			var dden float64
			for j := range dq {
				dq[j] = 0
				dkk[j] = 0
			}
			for i := 0; i < dv; i++ {
				row1 := c1[i*dk : (i+1)*dk]
				var num float64
				for j := range row1 {
					num += float64(row1[j]) * float64(q[j])
				}
				og := float64(sigmoid(a.O.host[kv+i]))
				dh := float64(gr.DH.host[kv+i])
				gr.DO.host[kv+i] = T(dh * num / den * og * (1 - og))
				dnum := dh * og / den
				dden -= dh * og * num / (den * den)
				for j := range row1 {
					dq[j] += T(dnum * float64(row1[j]))
					dc[i*dk+j] += T(dnum * float64(q[j]))
				}
			}
			if math.Abs(dot) > math.Exp(-m1) {
				s := math.Copysign(1, dot)
				for j := range dn {
					dn[j] += T(dden * s * float64(q[j]))
					dq[j] += T(dden * s * float64(n1[j]))
				}
			}

			// Through C1 = f'·C0 + i'·v·kᵀ·scale and n1 = f'·n0 + i'·k·scale.
			var dfp, dip float64
			for i := 0; i < dv; i++ {
				var dvi float64
				for j := 0; j < dk; j++ {
					t := float64(dc[i*dk+j])
					ks := float64(k[j]) * scale
					dfp += t * float64(c0[i*dk+j])
					dip += t * float64(v[i]) * ks
					dvi += ip * t * ks
					dkk[j] += T(ip * t * float64(v[i]) * scale)
					dc[i*dk+j] = T(fp * t)
				}
				dvv[i] = T(dvi)
			}
			for j := 0; j < dk; j++ {
				t := float64(dn[j])
				dfp += t * float64(n0[j])
				dip += t * float64(k[j]) * scale
				dkk[j] += T(ip * t * scale)
				dn[j] = T(fp * t)
			}
			gr.DI.host[g] = T(dip * ip)
			gr.DF.host[g] = T(dfp * fp * float64(sigmoid(-fPre)))
		}
	}
}
