// C = alpha·op(A)·op(B) + beta·C for row-major matrices, with 16×16 tiles
// in shared memory. The backend uses it when cuBLAS is not available, and
// the device check uses it as an independent check of cuBLAS. C is m×n,
// op(A) is m×k, op(B) is k×n. beta = 0 overwrites C.

#define GEMM_TILE 16

extern "C" __global__ void k_gemm_tiled(int trans_a, int trans_b, int m, int n, int k, float alpha,
	const float *a, const float *b, float beta, float *c) {
	__shared__ float ta[GEMM_TILE][GEMM_TILE];
	__shared__ float tb[GEMM_TILE][GEMM_TILE];
	int row = blockIdx.y * GEMM_TILE + threadIdx.y;
	int col = blockIdx.x * GEMM_TILE + threadIdx.x;
	float acc = 0.0f;

	for (int p0 = 0; p0 < k; p0 += GEMM_TILE) {
		// Load op(A)[row, p0+tx] and op(B)[p0+ty, col], zero outside.
		int pa = p0 + threadIdx.x, pb = p0 + threadIdx.y;
		float va = 0.0f, vb = 0.0f;
		if (row < m && pa < k) {
			va = trans_a ? a[(i64)pa * m + row] : a[(i64)row * k + pa];
		}
		if (pb < k && col < n) {
			vb = trans_b ? b[(i64)col * k + pb] : b[(i64)pb * n + col];
		}
		ta[threadIdx.y][threadIdx.x] = va;
		tb[threadIdx.y][threadIdx.x] = vb;
		__syncthreads();

		for (int p = 0; p < GEMM_TILE; p++) {
			acc += ta[threadIdx.y][p] * tb[p][threadIdx.x];
		}
		__syncthreads();
	}

	if (row < m && col < n) {
		i64 i = (i64)row * n + col;
		c[i] = beta == 0.0f ? alpha * acc : alpha * acc + beta * c[i];
	}
}
