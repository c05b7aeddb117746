// Elementwise operations over n values, and the AdamW update.

extern "C" __global__ void k_scale(float *x, i64 n, float alpha) {
	GRID_STRIDE(i, n) { x[i] *= alpha; }
}

extern "C" __global__ void k_axpy(float alpha, const float *x, float *y, i64 n) {
	GRID_STRIDE(i, n) { y[i] += alpha * x[i]; }
}

extern "C" __global__ void k_mul(float *d, const float *a, const float *b, i64 n) {
	GRID_STRIDE(i, n) { d[i] = a[i] * b[i]; }
}

extern "C" __global__ void k_silu(float *y, const float *x, i64 n) {
	GRID_STRIDE(i, n) {
		float v = x[i];
		y[i] = v * sigmoid_f(v);
	}
}

extern "C" __global__ void k_silu_grad(float *dx, const float *x, const float *dy, i64 n) {
	GRID_STRIDE(i, n) {
		float v = x[i];
		float s = sigmoid_f(v);
		dx[i] = dy[i] * (s + v * s * (1.0f - s));
	}
}

// One AdamW step; c1 = 1-β1^t and c2 = 1-β2^t come from the host. The
// arithmetic is in double, as on the CPU.
extern "C" __global__ void k_adamw(float *p, const float *g, float *m, float *v, i64 n,
	double lr, double beta1, double beta2, double eps, double wd, double c1, double c2) {
	GRID_STRIDE(i, n) {
		double gi = g[i];
		double mi = beta1 * (double)m[i] + (1.0 - beta1) * gi;
		double vi = beta2 * (double)v[i] + (1.0 - beta2) * gi * gi;
		m[i] = (float)mi;
		v[i] = (float)vi;
		double step = (mi / c1) / (sqrt(vi / c2) + eps) + wd * (double)p[i];
		p[i] = (float)((double)p[i] - lr * step);
	}
}

// Block-wise partial sums of squares in double; the host adds the
// gridDim.x partials in order. blockDim.x must be 256.
extern "C" __global__ void k_sum_squares(const float *x, i64 n, double *partial) {
	__shared__ double s[256];
	double acc = 0.0;
	GRID_STRIDE(i, n) {
		double v = x[i];
		acc += v * v;
	}
	s[threadIdx.x] = acc;
	__syncthreads();
	for (int half = 128; half > 0; half /= 2) {
		if (threadIdx.x < half) {
			s[threadIdx.x] += s[threadIdx.x + half];
		}
		__syncthreads();
	}
	if (threadIdx.x == 0) {
		partial[blockIdx.x] = s[0];
	}
}
