// Row-wise operations on row-major rows×cols matrices: row vectors, column
// sums, LayerNorm, column blocks, gather and CSR segment sums.

extern "C" __global__ void k_add_row_vector(float *x, const float *v, i64 rows, int cols) {
	GRID_STRIDE(i, rows * cols) { x[i] += v[i % cols]; }
}

// Column sums of a chunk of rows: partial[chunk*stride + off + c] is the
// sum of x[r, c] over the rows r of chunk blockIdx.y, in row order. The
// grid is (ceil(cols/blockDim.x), chunks).
extern "C" __global__ void k_col_partial(const float *x, i64 rows, int cols, i64 chunk_rows,
	double *partial, int stride, int off) {
	int c = blockIdx.x * blockDim.x + threadIdx.x;
	if (c >= cols) {
		return;
	}
	i64 lo = (i64)blockIdx.y * chunk_rows;
	i64 hi = min_i64(lo + chunk_rows, rows);
	double acc = 0.0;
	for (i64 r = lo; r < hi; r++) {
		acc += x[r * cols + c];
	}
	partial[(i64)blockIdx.y * stride + off + c] = acc;
}

// dst[c] = beta·dst[c] + Σ_k partial[k*stride + off + c] in chunk order.
// beta = 0 overwrites dst, whatever it held.
extern "C" __global__ void k_col_finish(float *dst, const double *partial, int chunks, int cols,
	int stride, int off, float beta) {
	int c = blockIdx.x * blockDim.x + threadIdx.x;
	if (c >= cols) {
		return;
	}
	double s = 0.0;
	for (int k = 0; k < chunks; k++) {
		s += partial[(i64)k * stride + off + c];
	}
	dst[c] = beta == 0.0f ? (float)s : (float)((double)(beta * dst[c]) + s);
}

// LayerNorm with one warp per row; statistics in double as on the CPU.
extern "C" __global__ void k_layernorm(float *y, float *mean, float *rstd, const float *x,
	const float *gamma, const float *beta, i64 rows, int cols, float eps) {
	i64 r = ((i64)blockIdx.x * blockDim.x + threadIdx.x) / WARP;
	int lane = threadIdx.x % WARP;
	if (r >= rows) {
		return;
	}
	const float *row = x + r * cols;

	double sum = 0.0;
	for (int c = lane; c < cols; c += WARP) {
		sum += row[c];
	}
	double mu = warp_sum_d(sum) / cols;

	double sq = 0.0;
	for (int c = lane; c < cols; c += WARP) {
		double d = row[c] - mu;
		sq += d * d;
	}
	double rs = 1.0 / sqrt(warp_sum_d(sq) / cols + (double)eps);

	float *out = y + r * cols;
	for (int c = lane; c < cols; c += WARP) {
		out[c] = (float)((row[c] - mu) * rs) * gamma[c] + beta[c];
	}
	if (lane == 0) {
		mean[r] = (float)mu;
		rstd[r] = (float)rs;
	}
}

// dx = rstd·(g - mean(g) - x̂·mean(g·x̂)) with g = dy·γ, one warp per row.
extern "C" __global__ void k_layernorm_grad_x(float *dx, const float *dy, const float *x,
	const float *mean, const float *rstd, const float *gamma, i64 rows, int cols) {
	i64 r = ((i64)blockIdx.x * blockDim.x + threadIdx.x) / WARP;
	int lane = threadIdx.x % WARP;
	if (r >= rows) {
		return;
	}
	double mu = mean[r], rs = rstd[r];
	const float *xr = x + r * cols, *dyr = dy + r * cols;

	double mg = 0.0, mgx = 0.0;
	for (int c = lane; c < cols; c += WARP) {
		double xh = ((double)xr[c] - mu) * rs;
		double g = (double)dyr[c] * (double)gamma[c];
		mg += g;
		mgx += g * xh;
	}
	mg = warp_sum_d(mg) / cols;
	mgx = warp_sum_d(mgx) / cols;

	for (int c = lane; c < cols; c += WARP) {
		double xh = ((double)xr[c] - mu) * rs;
		double g = (double)dyr[c] * (double)gamma[c];
		dx[r * cols + c] = (float)(rs * (g - mg - xh * mgx));
	}
}

// Partial column sums of dy·x̂ (at offset 0) and dy (at offset cols) for
// the LayerNorm parameter gradients, laid out as k_col_partial with a
// stride of 2·cols.
extern "C" __global__ void k_layernorm_grad_partial(const float *dy, const float *x,
	const float *mean, const float *rstd, i64 rows, int cols, i64 chunk_rows, double *partial) {
	int c = blockIdx.x * blockDim.x + threadIdx.x;
	if (c >= cols) {
		return;
	}
	i64 lo = (i64)blockIdx.y * chunk_rows;
	i64 hi = min_i64(lo + chunk_rows, rows);
	double sg = 0.0, sb = 0.0;
	for (i64 r = lo; r < hi; r++) {
		double d = dy[r * cols + c];
		sg += d * (((double)x[r * cols + c] - (double)mean[r]) * (double)rstd[r]);
		sb += d;
	}
	double *p = partial + (i64)blockIdx.y * 2 * cols;
	p[c] = sg;
	p[cols + c] = sb;
}

// dst[:, col0:col0+scols] = src.
extern "C" __global__ void k_copy_cols(float *dst, int dcols, int col0, const float *src, i64 rows, int scols) {
	GRID_STRIDE(i, rows * scols) {
		i64 r = i / scols;
		int c = (int)(i % scols);
		dst[r * dcols + col0 + c] = src[i];
	}
}

// dst += src[:, col0:col0+dcols].
extern "C" __global__ void k_add_cols(float *dst, int dcols, const float *src, int scols, int col0, i64 rows) {
	GRID_STRIDE(i, rows * dcols) {
		i64 r = i / dcols;
		int c = (int)(i % dcols);
		dst[i] += src[r * scols + col0 + c];
	}
}

// dst[i, :] = src[ix[i], :].
extern "C" __global__ void k_gather(float *dst, const float *src, const int *ix, i64 rows, int cols) {
	GRID_STRIDE(i, rows * cols) {
		i64 r = i / cols;
		int c = (int)(i % cols);
		dst[i] = src[(i64)ix[r] * cols + c];
	}
}

// dst[r, :] = beta·dst[r, :] + Σ src[j, :] over the CSR sources j of r, in
// CSR order, so the result does not depend on the launch shape. beta = 0
// overwrites dst.
extern "C" __global__ void k_segment_sum(float *dst, const float *src, const int *offsets,
	const int *sources, i64 rows, int cols, float beta) {
	GRID_STRIDE(i, rows * cols) {
		i64 r = i / cols;
		int c = (int)(i % cols);
		float d = 0.0f;
		if (beta != 0.0f) {
			d = beta == 1.0f ? dst[i] : dst[i] * beta;
		}
		for (int e = offsets[r]; e < offsets[r + 1]; e++) {
			d += src[(i64)sources[e] * cols + c];
		}
		dst[i] = d;
	}
}
