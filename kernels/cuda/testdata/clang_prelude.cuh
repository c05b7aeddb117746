// Declarations that NVRTC provides implicitly and clang does not when it
// compiles CUDA without the CUDA headers (-nocudainc). Only the source
// check test uses this file; the backend compiles with NVRTC.
#define __device__ __attribute__((device))
#define __global__ __attribute__((global))
#define __shared__ __attribute__((shared))
#define __forceinline__ __attribute__((always_inline))
#include <__clang_cuda_builtin_vars.h>
__device__ void __syncthreads(void);
__device__ double __shfl_xor_sync(unsigned mask, double v, int lane);
__device__ float expf(float);
__device__ double exp(double);
__device__ double log1p(double);
__device__ double tanh(double);
__device__ double sqrt(double);
__device__ double fmax(double, double);
__device__ double fabs(double);
__device__ double __dmul_rn(double, double);
__device__ double __dadd_rn(double, double);
__device__ double __dsqrt_rn(double);
__device__ int atomicAdd(int *, int);
