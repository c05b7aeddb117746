// Definitions that let g++ compile the backend's CUDA C as host code, for
// the emulated device of emu_test.go: every CUDA thread of a block runs as
// a host thread, blocks run one after another, __syncthreads is a barrier
// across the block and a warp shuffle is an exchange through memory
// between the 32 threads of a warp. Only the features the kernels use are
// provided.
#include <math.h>
#include <stdint.h>

#define __device__
#define __global__
#define __forceinline__ inline
// Blocks run one at a time, so one static array is the shared memory of
// the running block. The emulation test rewrites "extern __shared__" to
// "extern", which then names emu_dynamic_shared below.
#define __shared__ static

struct dim3 {
	unsigned x, y, z;
};
extern thread_local dim3 threadIdx, blockIdx;
extern dim3 blockDim, gridDim;
extern float sh[1 << 16];

void __syncthreads(void);
double __shfl_xor_sync(unsigned mask, double v, int lane_mask);

static inline int atomicAdd(int *p, int v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
static inline double __dmul_rn(double a, double b) { return a * b; }
static inline double __dadd_rn(double a, double b) { return a + b; }
static inline double __dsqrt_rn(double a) { return sqrt(a); }
