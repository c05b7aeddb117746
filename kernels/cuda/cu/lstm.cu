// One step of the mLSTM and sLSTM cells of xLSTM (Beck et al. 2024,
// stabilised form) and their gradients. A "group" g = r·heads + h is one
// head of one entity; its slices are q, k, n: [g·dk, (g+1)·dk), v, o, h:
// [g·dv, (g+1)·dv), C: [g·dv·dk, (g+1)·dv·dk) (row-major dv×dk), and the
// gates and the stabiliser m: [g].

// Stabiliser m1 = max(logσ(f) + m0, i) and the gates i' = exp(i - m1),
// f' = exp(logσ(f) + m0 - m1).
__device__ __forceinline__ void mlstm_gates(double i, double f, double m0, double *m1, double *ip, double *fp) {
	double lf = log_sigmoid_d(f);
	double m = fmax(lf + m0, i);
	*m1 = m;
	*ip = exp(i - m);
	*fp = exp(lf + m0 - m);
}

// mLSTM step with one block per group, so that the dv×dk memory of a group
// is read and written by consecutive threads. Dynamic shared memory holds
// (dv·dk + dk) floats. Every row sum is taken by one thread in a fixed
// order, so results do not depend on the launch shape.
extern "C" __global__ void k_mlstm_step(const float *q, const float *k, const float *v,
	const float *ig, const float *fg, const float *og,
	const float *c0, const float *n0, const float *m0,
	float *c1, float *n1, float *m1, float *h,
	i64 groups, int dk, int dv, float scale) {
	extern __shared__ float sh[];
	float *prod = sh;            // C1[i, j]·q[j]
	float *nq = sh + dv * dk;    // n1[j]·q[j]
	__shared__ double gate[3];   // m1, i', f'
	__shared__ double den;

	for (i64 g = blockIdx.x; g < groups; g += gridDim.x) {
		if (threadIdx.x == 0) {
			mlstm_gates(ig[g], fg[g], m0[g], &gate[0], &gate[1], &gate[2]);
			m1[g] = (float)gate[0];
		}
		__syncthreads();
		float ip = (float)gate[1], fp = (float)gate[2];
		const float *qg = q + g * dk, *kg = k + g * dk, *vg = v + g * dv;

		// Normaliser n1 = f'·n0 + i'·k·scale.
		for (int j = threadIdx.x; j < dk; j += blockDim.x) {
			float val = fp * n0[g * dk + j] + ip * kg[j] * scale;
			n1[g * dk + j] = val;
			nq[j] = val * qg[j];
		}

		// Memory C1 = f'·C0 + i'·v·kᵀ·scale.
		i64 base = g * dv * dk;
		for (int e = threadIdx.x; e < dv * dk; e += blockDim.x) {
			int i = e / dk, j = e % dk;
			float val = fp * c0[base + e] + ip * vg[i] * kg[j] * scale;
			c1[base + e] = val;
			prod[e] = val * qg[j];
		}
		__syncthreads();

		// Denominator max(|n1·q|, exp(-m1)).
		if (threadIdx.x == 0) {
			double dot = 0.0;
			for (int j = 0; j < dk; j++) {
				dot += nq[j];
			}
			den = fmax(fabs(dot), exp(-gate[0]));
		}
		__syncthreads();

		// h = σ(o)·(C1·q)/den.
		for (int i = threadIdx.x; i < dv; i += blockDim.x) {
			double num = 0.0;
			for (int j = 0; j < dk; j++) {
				num += prod[i * dk + j];
			}
			h[g * dv + i] = sigmoid_f(og[g * dv + i]) * (float)(num / den);
		}
		__syncthreads();
	}
}

// Gradient of one mLSTM step, one thread per group, in double. dc and dn
// hold the gradients with respect to C1 and n1 on entry and those with
// respect to C0 and n0 on return. The stabiliser is held constant, which
// is exact because h does not depend on it.
// NOTE: one thread walks a whole dv×dk block, so neighbouring threads read
// memory dv·dk floats apart. It is correct but not bandwidth-efficient;
// the forward step, which the rollout runs, uses one block per group.
extern "C" __global__ void k_mlstm_step_grad(const float *q, const float *k, const float *v,
	const float *ig, const float *fg, const float *og,
	const float *c0, const float *n0, const float *m0, const float *c1, const float *n1,
	const float *dh, float *dc, float *dn, float *dq, float *dkk, float *dvv,
	float *di, float *df, float *dog, i64 groups, int dk, int dv, double scale) {
	GRID_STRIDE(g, groups) {
		double m1, ip, fp;
		double fpre = fg[g];
		mlstm_gates(ig[g], fpre, m0[g], &m1, &ip, &fp);
		const float *qg = q + g * dk, *kg = k + g * dk, *vg = v + g * dv;
		const float *n0g = n0 + g * dk, *n1g = n1 + g * dk;
		const float *c0g = c0 + g * dv * dk, *c1g = c1 + g * dv * dk;
		float *dqg = dq + g * dk, *dkg = dkk + g * dk, *dvg = dvv + g * dv;
		float *dcg = dc + g * dv * dk, *dng = dn + g * dk;

		// Recompute the denominator.
		double dot = 0.0;
		for (int j = 0; j < dk; j++) {
			dot += (double)n1g[j] * (double)qg[j];
		}
		double den = fmax(fabs(dot), exp(-m1));

		// Output gate and the quotient num/den.
		double dden = 0.0;
		for (int j = 0; j < dk; j++) {
			dqg[j] = 0.0f;
			dkg[j] = 0.0f;
		}
		for (int i = 0; i < dv; i++) {
			const float *row1 = c1g + i * dk;
			double num = 0.0;
			for (int j = 0; j < dk; j++) {
				num += (double)row1[j] * (double)qg[j];
			}
			double o = sigmoid_d((double)og[g * dv + i]);
			double d = dh[g * dv + i];
			dog[g * dv + i] = (float)(d * num / den * o * (1.0 - o));
			double dnum = d * o / den;
			dden -= d * o * num / (den * den);
			for (int j = 0; j < dk; j++) {
				dqg[j] += (float)(dnum * (double)row1[j]);
				dcg[i * dk + j] += (float)(dnum * (double)qg[j]);
			}
		}
		if (fabs(dot) > exp(-m1)) {
			double s = dot >= 0.0 ? 1.0 : -1.0;
			for (int j = 0; j < dk; j++) {
				dng[j] += (float)(dden * s * (double)qg[j]);
				dqg[j] += (float)(dden * s * (double)n1g[j]);
			}
		}

		// Through C1 = f'·C0 + i'·v·kᵀ·scale and n1 = f'·n0 + i'·k·scale.
		double dfp = 0.0, dip = 0.0;
		for (int i = 0; i < dv; i++) {
			double dvi = 0.0;
			for (int j = 0; j < dk; j++) {
				double t = dcg[i * dk + j];
				double ks = (double)kg[j] * scale;
				dfp += t * (double)c0g[i * dk + j];
				dip += t * (double)vg[i] * ks;
				dvi += ip * t * ks;
				dkg[j] += (float)(ip * t * (double)vg[i] * scale);
				dcg[i * dk + j] = (float)(fp * t);
			}
			dvg[i] = (float)dvi;
		}
		for (int j = 0; j < dk; j++) {
			double t = dng[j];
			dfp += t * (double)n0g[j];
			dip += t * (double)kg[j] * scale;
			dkg[j] += (float)(ip * t * scale);
			dng[j] = (float)(fp * t);
		}
		di[g] = (float)(dip * ip);
		df[g] = (float)(dfp * fp * sigmoid_d(-fpre));
	}
}

// Pre-activations z, i, f, o of unit u of row r: per head they are laid
// out as [z i f o], each `size` wide.
__device__ __forceinline__ i64 slstm_base(i64 r, int u, int heads, int size) {
	int hd = u / size, j = u % size;
	return r * (i64)(4 * heads * size) + hd * 4 * size + j;
}

// sLSTM step, one thread per unit: c1 = f'·c0 + i'·tanh(z),
// n1 = f'·n0 + i', h = σ(o)·c1/n1.
extern "C" __global__ void k_slstm_step(const float *pre, const float *c0, const float *n0, const float *m0,
	float *c1, float *n1, float *m1, float *h, i64 rows, int heads, int size) {
	int w = heads * size;
	GRID_STRIDE(e, rows * w) {
		i64 r = e / w;
		int u = (int)(e % w);
		i64 b = slstm_base(r, u, heads, size);
		double z = pre[b], ipre = pre[b + size], fpre = pre[b + 2 * size];
		float opre = pre[b + 3 * size];
		double m, ip, fp;
		mlstm_gates(ipre, fpre, m0[e], &m, &ip, &fp);
		double c = fp * (double)c0[e] + ip * tanh(z);
		double n = fp * (double)n0[e] + ip;
		c1[e] = (float)c;
		n1[e] = (float)n;
		m1[e] = (float)m;
		h[e] = sigmoid_f(opre) * (float)(c / n);
	}
}

// Gradient of one sLSTM step; dc and dn go from the gradients with respect
// to c1, n1 to those of c0, n0.
extern "C" __global__ void k_slstm_step_grad(const float *pre, const float *c0, const float *n0, const float *m0,
	const float *c1, const float *n1, const float *dh, float *dc, float *dn, float *dpre,
	i64 rows, int heads, int size) {
	int w = heads * size;
	GRID_STRIDE(e, rows * w) {
		i64 r = e / w;
		int u = (int)(e % w);
		i64 b = slstm_base(r, u, heads, size);
		double zp = pre[b], ipre = pre[b + size], fpre = pre[b + 2 * size];
		float opre = pre[b + 3 * size];
		double m, ip, fp;
		mlstm_gates(ipre, fpre, m0[e], &m, &ip, &fp);
		double z = tanh(zp);
		double c = c1[e], n = n1[e];
		double o = (double)sigmoid_f(opre);
		double d = dh[e];

		// h = σ(o)·c1/n1.
		double dop = d * c / n * o * (1.0 - o);
		double dcc = (double)dc[e] + d * o / n;
		double dnn = (double)dn[e] - d * o * c / (n * n);

		// c1 = f'·c0 + i'·z, n1 = f'·n0 + i'.
		double dfp = dcc * (double)c0[e] + dnn * (double)n0[e];
		double dip = dcc * z + dnn;
		double dz = dcc * ip * (1.0 - z * z);
		dc[e] = (float)(fp * dcc);
		dn[e] = (float)(fp * dnn);
		dpre[b] = (float)dz;
		dpre[b + size] = (float)(dip * ip);
		dpre[b + 2 * size] = (float)(dfp * fp * (double)sigmoid_f((float)-fpre));
		dpre[b + 3 * size] = (float)dop;
	}
}
