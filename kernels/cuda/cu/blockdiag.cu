// Products with a block-diagonal matrix of `heads` blocks of size bi×bo,
// stored stacked as the (heads·bi)×bo w.

// y[r, h·bo+c] = beta·y + Σ_i x[r, h·bi+i]·w[h·bi+i, c]; beta = 0 overwrites.
extern "C" __global__ void k_block_diag_mul(float *y, const float *x, const float *w, i64 rows,
	int heads, int bi, int bo, float beta) {
	int ycols = heads * bo;
	GRID_STRIDE(e, rows * ycols) {
		i64 r = e / ycols;
		int col = (int)(e % ycols);
		int h = col / bo, c = col % bo;
		const float *xr = x + r * (i64)(heads * bi) + h * bi;
		const float *wb = w + (i64)h * bi * bo + c;
		float acc = beta == 0.0f ? 0.0f : beta * y[e];
		for (int i = 0; i < bi; i++) {
			acc += xr[i] * wb[(i64)i * bo];
		}
		y[e] = acc;
	}
}

// dx[r, h·bi+i] = Σ_c dy[r, h·bo+c]·w[h·bi+i, c].
extern "C" __global__ void k_block_diag_grad_x(float *dx, const float *w, const float *dy, i64 rows,
	int heads, int bi, int bo) {
	int xcols = heads * bi;
	GRID_STRIDE(e, rows * xcols) {
		i64 r = e / xcols;
		int col = (int)(e % xcols);
		int h = col / bi;
		const float *dyr = dy + r * (i64)(heads * bo) + h * bo;
		const float *wr = w + (i64)col * bo;
		float s = 0.0f;
		for (int c = 0; c < bo; c++) {
			s += dyr[c] * wr[c];
		}
		dx[e] = s;
	}
}

// Partial sums over a chunk of rows of x[r, row]·dy[r, h·bo+c] for every
// element (row, c) of w, h = row/bi: partial[chunk·W + row·bo + c] with
// W = heads·bi·bo. The grid is (ceil(W/blockDim.x), chunks).
extern "C" __global__ void k_block_diag_grad_w_partial(const float *x, const float *dy, i64 rows,
	int heads, int bi, int bo, i64 chunk_rows, double *partial) {
	int wlen = heads * bi * bo;
	int e = blockIdx.x * blockDim.x + threadIdx.x;
	if (e >= wlen) {
		return;
	}
	int row = e / bo, c = e % bo, h = row / bi;
	int xcols = heads * bi, ycols = heads * bo;
	i64 lo = (i64)blockIdx.y * chunk_rows;
	i64 hi = min_i64(lo + chunk_rows, rows);
	double acc = 0.0;
	for (i64 r = lo; r < hi; r++) {
		acc += (double)x[r * xcols + row] * (double)dy[r * ycols + h * bo + c];
	}
	partial[(i64)blockIdx.y * wlen + e] = acc;
}
