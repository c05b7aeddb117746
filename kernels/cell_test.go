package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// mlstmCase is a batch of mLSTM inputs over T steps with zero initial state.
type mlstmCase struct {
	n, heads, dk, dv, steps int
	q, k, v, i, f, o        [][]float64 // per step
}

func newMLSTMCase(rng *rand.Rand, n, heads, dk, dv, steps int, gateScale float64) *mlstmCase {
	c := &mlstmCase{n: n, heads: heads, dk: dk, dv: dv, steps: steps}
	for s := 0; s < steps; s++ {
		c.q = append(c.q, randSlice[float64](rng, n*heads*dk))
		c.k = append(c.k, randSlice[float64](rng, n*heads*dk))
		c.v = append(c.v, randSlice[float64](rng, n*heads*dv))
		ig, fg := randSlice[float64](rng, n*heads), randSlice[float64](rng, n*heads)
		for j := range ig {
			ig[j] *= gateScale
			fg[j] = fg[j]*gateScale + 2
		}
		c.i, c.f = append(c.i, ig), append(c.f, fg)
		c.o = append(c.o, randSlice[float64](rng, n*heads*dv))
	}
	return c
}

// runRecurrent runs MLSTMStep over the steps and returns h per step.
func (c *mlstmCase) runRecurrent(b *CPU[float64]) [][]float64 {
	hk, hv := c.heads*c.dk, c.heads*c.dv
	st := [2][3]*Tensor[float64]{}
	for p := range st {
		st[p] = [3]*Tensor[float64]{b.NewTensor(c.n, c.heads*c.dv*c.dk), b.NewTensor(c.n, hk), b.NewTensor(c.n, c.heads)}
	}
	h := b.NewTensor(c.n, hv)
	var out [][]float64
	for s := 0; s < c.steps; s++ {
		p0, p1 := st[s%2], st[(s+1)%2]
		b.MLSTMStep(MLSTMArgs[float64]{Heads: c.heads, DK: c.dk, DV: c.dv,
			Q: upload(b, c.n, hk, c.q[s]), K: upload(b, c.n, hk, c.k[s]), V: upload(b, c.n, hv, c.v[s]),
			I: upload(b, c.n, c.heads, c.i[s]), F: upload(b, c.n, c.heads, c.f[s]), O: upload(b, c.n, hv, c.o[s]),
			C0: p0[0], N0: p0[1], M0: p0[2], C1: p1[0], N1: p1[1], M1: p1[2], H: h})
		got := make([]float64, c.n*hv)
		b.Download(got, h)
		out = append(out, got)
	}
	return out
}

// plain returns h per step from the unstabilised recurrence
// C = σ(f)·C + exp(i)·v·kᵀ/√d, n = σ(f)·n + exp(i)·k/√d, h = σ(o)·Cq/max(|n·q|, 1).
func (c *mlstmCase) plain() [][]float64 {
	sc := 1 / math.Sqrt(float64(c.dk))
	C := make([]float64, c.n*c.heads*c.dv*c.dk)
	nn := make([]float64, c.n*c.heads*c.dk)
	var out [][]float64
	for s := 0; s < c.steps; s++ {
		h := make([]float64, c.n*c.heads*c.dv)
		for g := 0; g < c.n*c.heads; g++ {
			fg, ig := 1/(1+math.Exp(-c.f[s][g])), math.Exp(c.i[s][g])
			var dot float64
			for j := 0; j < c.dk; j++ {
				nn[g*c.dk+j] = fg*nn[g*c.dk+j] + ig*c.k[s][g*c.dk+j]*sc
				dot += nn[g*c.dk+j] * c.q[s][g*c.dk+j]
			}
			for a := 0; a < c.dv; a++ {
				var num float64
				for j := 0; j < c.dk; j++ {
					e := (g*c.dv+a)*c.dk + j
					C[e] = fg*C[e] + ig*c.v[s][g*c.dv+a]*c.k[s][g*c.dk+j]*sc
					num += C[e] * c.q[s][g*c.dk+j]
				}
				h[g*c.dv+a] = 1 / (1 + math.Exp(-c.o[s][g*c.dv+a])) * num / math.Max(math.Abs(dot), 1)
			}
		}
		out = append(out, h)
	}
	return out
}

// parallel returns h per step from the parallel (quadratic, causal) form of
// Beck et al. 2024: D̃[t,s] = Σ_{s<j≤t} logσ(f_j) + i_s for s ≤ t,
// m_t = max_s D̃[t,s], C̃ = (q_t·k_s/√d)·exp(D̃ - m_t),
// h_t = σ(o_t) ⊙ Σ_s C̃[t,s] v_s / max(|Σ_s C̃[t,s]|, exp(-m_t)).
func (c *mlstmCase) parallel() [][]float64 {
	sc := 1 / math.Sqrt(float64(c.dk))
	out := make([][]float64, c.steps)
	for t := range out {
		out[t] = make([]float64, c.n*c.heads*c.dv)
	}
	for g := 0; g < c.n*c.heads; g++ {
		logF := make([]float64, c.steps+1) // cumulative log forget gates
		for t := 0; t < c.steps; t++ {
			logF[t+1] = logF[t] + logSigmoid(c.f[t][g])
		}
		for t := 0; t < c.steps; t++ {
			d := make([]float64, t+1)
			m := math.Inf(-1)
			for s := 0; s <= t; s++ {
				d[s] = logF[t+1] - logF[s+1] + c.i[s][g]
				m = math.Max(m, d[s])
			}
			var bsum float64
			num := make([]float64, c.dv)
			for s := 0; s <= t; s++ {
				var qk float64
				for j := 0; j < c.dk; j++ {
					qk += c.q[t][g*c.dk+j] * c.k[s][g*c.dk+j] * sc
				}
				w := qk * math.Exp(d[s]-m)
				bsum += w
				for a := 0; a < c.dv; a++ {
					num[a] += w * c.v[s][g*c.dv+a]
				}
			}
			den := math.Max(math.Abs(bsum), math.Exp(-m))
			for a := 0; a < c.dv; a++ {
				out[t][g*c.dv+a] = 1 / (1 + math.Exp(-c.o[t][g*c.dv+a])) * num[a] / den
			}
		}
	}
	return out
}

func compareSteps(t *testing.T, what string, got, want [][]float64, tol float64) {
	t.Helper()
	for s := range want {
		for i := range want[s] {
			if d := math.Abs(got[s][i] - want[s][i]); d > tol*(1+math.Abs(want[s][i])) || math.IsNaN(got[s][i]) {
				t.Fatalf("%s: step %d h[%d] = %.15g, want %.15g", what, s, i, got[s][i], want[s][i])
			}
		}
	}
}

func TestMLSTMStabilisedMatchesPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	b := NewCPU[float64](2)
	defer b.Close()
	// Gate pre-activations up to about ±6 keep exp(i) finite in the plain form.
	c := newMLSTMCase(rng, 4, 2, 3, 5, 12, 3)
	compareSteps(t, "stabilised vs plain", c.runRecurrent(b), c.plain(), 1e-10)
}

func TestMLSTMRecurrentMatchesParallel(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	b := NewCPU[float64](2)
	defer b.Close()
	// Large gate pre-activations overflow the plain form; both stabilised forms stay finite.
	c := newMLSTMCase(rng, 3, 2, 4, 3, 10, 200)
	compareSteps(t, "recurrent vs parallel", c.runRecurrent(b), c.parallel(), 1e-9)
}

func TestSLSTMStabilisedMatchesPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	b := NewCPU[float64](1)
	defer b.Close()
	n, heads, size, steps := 3, 2, 4, 10
	w := heads * size
	c0, n0, m0 := b.NewTensor(n, w), b.NewTensor(n, w), b.NewTensor(n, w)
	c1, n1, m1 := b.NewTensor(n, w), b.NewTensor(n, w), b.NewTensor(n, w)
	h := b.NewTensor(n, w)
	pc, pn := make([]float64, n*w), make([]float64, n*w)
	for s := 0; s < steps; s++ {
		pre := randSlice[float64](rng, n*4*w)
		for i := range pre {
			pre[i] *= 3
		}
		b.SLSTMStep(SLSTMArgs[float64]{Heads: heads, Size: size, Pre: upload(b, n, 4*w, pre),
			C0: c0, N0: n0, M0: m0, C1: c1, N1: n1, M1: m1, H: h})
		c0, c1, n0, n1, m0, m1 = c1, c0, n1, n0, m1, m0
		got := make([]float64, n*w)
		b.Download(got, h)
		for r := 0; r < n; r++ {
			for u := 0; u < w; u++ {
				hd, j := u/size, u%size
				base := r*4*w + hd*4*size + j
				z, ig, fg, og := pre[base], pre[base+size], pre[base+2*size], pre[base+3*size]
				e := r*w + u
				pc[e] = 1/(1+math.Exp(-fg))*pc[e] + math.Exp(ig)*math.Tanh(z)
				pn[e] = 1/(1+math.Exp(-fg))*pn[e] + math.Exp(ig)
				want := 1 / (1 + math.Exp(-og)) * pc[e] / pn[e]
				if math.Abs(got[e]-want) > 1e-10 {
					t.Fatalf("step %d unit %d: h = %.15g, plain %.15g", s, e, got[e], want)
				}
			}
		}
	}
}
