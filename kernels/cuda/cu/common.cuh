// Definitions shared by every kernel of the CUDA backend. NVRTC compiles
// the sources with no include path, so they include nothing and define
// what they need here. The Go side concatenates this file and the .cu
// files in name order into one program.

typedef long long i64;

// Loop over [0, n) with every thread of the grid.
#define GRID_STRIDE(i, n) \
	for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (i64)blockDim.x * gridDim.x)

#define WARP 32
#define FULL_MASK 0xffffffffu

// Integer minimum and maximum, defined here rather than relying on the
// overloads of the CUDA headers, which NVRTC runs without.
__device__ __forceinline__ i64 min_i64(i64 a, i64 b) { return a < b ? a : b; }
__device__ __forceinline__ int min_int(int a, int b) { return a < b ? a : b; }
__device__ __forceinline__ int max_int(int a, int b) { return a > b ? a : b; }

// The logistic function, evaluated without overflow for either sign.
__device__ __forceinline__ float sigmoid_f(float x) {
	if (x >= 0.0f) {
		return 1.0f / (1.0f + expf(-x));
	}
	float e = expf(x);
	return e / (1.0f + e);
}

__device__ __forceinline__ double sigmoid_d(double x) {
	if (x >= 0.0) {
		return 1.0 / (1.0 + exp(-x));
	}
	double e = exp(x);
	return e / (1.0 + e);
}

// log σ(x) without overflow.
__device__ __forceinline__ double log_sigmoid_d(double x) {
	return x >= 0.0 ? -log1p(exp(-x)) : x - log1p(exp(x));
}

// Sum of v over the 32 lanes of a warp, returned to every lane. The order
// of the additions is fixed, so the result is reproducible.
__device__ __forceinline__ double warp_sum_d(double v) {
	for (int off = WARP / 2; off > 0; off /= 2) {
		v += __shfl_xor_sync(FULL_MASK, v, off);
	}
	return v;
}
