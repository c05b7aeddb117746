// A stand-in for the CUDA driver, NVRTC and cuBLAS, for testing the Go side
// of the CUDA backend on machines without a GPU. "Device" memory is host
// memory, so copies and cuBLAS's SGEMM work; of the kernels only k_scale,
// k_axpy and k_adamw run (on the host), and every launch is recorded.
// fake_test.go compiles it with the system C compiler into a shared
// library that it loads as all three libraries. Built with -DEMULATE and
// linked with emudevice.cpp, every kernel runs on the emulated device
// instead (emu_test.go).

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef unsigned long long CUdeviceptr;

// ---- driver API ----

static const char *names[] = {"CUDA_SUCCESS", "CUDA_ERROR_INVALID_VALUE", "CUDA_ERROR_NOT_FOUND", "CUDA_ERROR_INVALID_CONTEXT"};

CUresult cuGetErrorName(CUresult res, const char **name) {
	switch (res) {
	case 0: *name = names[0]; return 0;
	case 1: *name = names[1]; return 0;
	case 500: *name = names[2]; return 0;
	case 201: *name = names[3]; return 0;
	}
	return 1;
}

CUresult cuInit(unsigned flags) { return flags == 0 ? 0 : 1; }
CUresult cuDriverGetVersion(int *v) { *v = 12040; return 0; }
CUresult cuDeviceGetCount(int *n) { *n = 1; return 0; }
CUresult cuDeviceGet(int *dev, int ordinal) { *dev = 7; return ordinal == 0 ? 0 : 1; }

CUresult cuDeviceGetName(char *name, int n, int dev) {
	strncpy(name, "Fake GPU", n);
	return dev == 7 ? 0 : 1;
}

CUresult cuDeviceGetAttribute(int *v, int attr, int dev) {
	switch (attr) {
	case 8: *v = 49152; break;    // shared memory per block
#ifdef EMULATE
	case 16: *v = 1; break; // multiprocessors: few blocks for the emulation
#else
	case 16: *v = 132; break; // multiprocessors
#endif
	case 36: *v = 2619000; break; // memory clock, kHz
	case 37: *v = 5120; break;    // bus width, bits
	case 75: *v = 9; break;
	case 76: *v = 0; break;
	default: *v = 0;
	}
	return dev == 7 ? 0 : 1;
}

CUresult cuDeviceTotalMem_v2(size_t *bytes, int dev) { *bytes = 141ull << 30; return dev == 7 ? 0 : 1; }

static int retained;
CUresult cuDevicePrimaryCtxRetain(uintptr_t *ctx, int dev) { *ctx = 0x1234; retained++; return dev == 7 ? 0 : 1; }
CUresult cuDevicePrimaryCtxRelease_v2(int dev) { retained--; return dev == 7 ? 0 : 1; }
CUresult cuCtxSetCurrent(uintptr_t ctx) { return ctx == 0x1234 ? 0 : 201; }
CUresult cuCtxSynchronize(void) { return 0; }

CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t bytes) {
	*p = (CUdeviceptr)(uintptr_t)malloc(bytes);
	return *p ? 0 : 2;
}
CUresult cuMemFree_v2(CUdeviceptr p) { free((void *)(uintptr_t)p); return 0; }
CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t n) { memcpy((void *)(uintptr_t)dst, src, n); return 0; }
CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t n) { memcpy(dst, (void *)(uintptr_t)src, n); return 0; }
CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t n) { memmove((void *)(uintptr_t)dst, (void *)(uintptr_t)src, n); return 0; }

CUresult cuMemsetD32_v2(CUdeviceptr dst, unsigned v, size_t n) {
	unsigned *p = (unsigned *)(uintptr_t)dst;
	for (size_t i = 0; i < n; i++) p[i] = v;
	return 0;
}

CUresult cuModuleLoadData(uintptr_t *module, const void *image) {
	if (memcmp(image, "FAKECUBIN", 9) != 0) return 1;
	*module = 1;
	return 0;
}
CUresult cuModuleUnload(uintptr_t module) { return module == 1 ? 0 : 1; }

static const char *kernels[] = {"k_scale", "k_axpy", "k_adamw"};

#ifdef EMULATE
uintptr_t emu_function(const char *name);
int emu_launch(uintptr_t fn, unsigned gx, unsigned gy, unsigned bx, unsigned by, unsigned shared, void **params);
#endif

CUresult cuModuleGetFunction(uintptr_t *fn, uintptr_t module, const char *name) {
	if (module != 1) return 1;
#ifdef EMULATE
	*fn = emu_function(name);
	return *fn ? 0 : 500;
#endif
	for (int i = 0; i < 3; i++) {
		if (strcmp(name, kernels[i]) == 0) { *fn = 100 + i; return 0; }
	}
	*fn = 1000 + strlen(name); // a kernel the fake does not run
	return 0;
}

// The last launch: grid x, y, z, block x, y, z, shared bytes, function.
static unsigned long long last[8];
static long launches;
void fake_last_launch(unsigned long long *out) { memcpy(out, last, sizeof last); }
long fake_launches(void) { return launches; }

#define ARG(T, i) (*(T *)params[i])

CUresult cuLaunchKernel(uintptr_t fn, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
	unsigned shared, uintptr_t stream, void **params, void **extra) {
	unsigned long long l[8] = {gx, gy, gz, bx, by, bz, shared, fn};
	memcpy(last, l, sizeof l);
	launches++;
	if (stream != 0 || extra != 0 || gx == 0 || bx == 0) return 1;
#ifdef EMULATE
	return gz == 1 && bz == 1 ? emu_launch(fn, gx, gy, bx, by, shared, params) : 1;
#endif
	if (fn == 100) { // k_scale(float *x, long long n, float alpha)
		float *x = ARG(float *, 0);
		long long n = ARG(long long, 1);
		float a = ARG(float, 2);
		for (long long i = 0; i < n; i++) x[i] *= a;
	} else if (fn == 101) { // k_axpy(float alpha, const float *x, float *y, long long n)
		float a = ARG(float, 0);
		const float *x = ARG(const float *, 1);
		float *y = ARG(float *, 2);
		long long n = ARG(long long, 3);
		for (long long i = 0; i < n; i++) y[i] += a * x[i];
	} else if (fn == 102) { // k_adamw(p, g, m, v, n, lr, beta1, beta2, eps, wd, c1, c2)
		float *p = ARG(float *, 0), *m = ARG(float *, 2), *v = ARG(float *, 3);
		const float *g = ARG(const float *, 1);
		long long n = ARG(long long, 4);
		double lr = ARG(double, 5), b1 = ARG(double, 6), b2 = ARG(double, 7), eps = ARG(double, 8);
		double wd = ARG(double, 9), c1 = ARG(double, 10), c2 = ARG(double, 11);
		for (long long i = 0; i < n; i++) {
			double gi = g[i];
			double mi = b1 * (double)m[i] + (1 - b1) * gi;
			double vi = b2 * (double)v[i] + (1 - b2) * gi * gi;
			m[i] = (float)mi;
			v[i] = (float)vi;
			double step = (mi / c1) / (sqrt(vi / c2) + eps) + wd * (double)p[i];
			p[i] = (float)((double)p[i] - lr * step);
		}
	}
	return 0;
}

// ---- NVRTC ----

static int compilations;
int fake_compilations(void) { return compilations; }
static const char *failure = "fake: the source has an #error directive";

int nvrtcVersion(int *major, int *minor) { *major = 12; *minor = 4; return 0; }
const char *nvrtcGetErrorString(int res) { return res == 0 ? "NVRTC_SUCCESS" : "NVRTC_ERROR_COMPILATION"; }

struct program { int bad; int arch_ok; };

int nvrtcCreateProgram(struct program **prog, const char *src, const char *name, int n, const char **h, const char **hn) {
	*prog = calloc(1, sizeof **prog);
	(*prog)->bad = strstr(src, "#error") != 0;
	return name != 0 && n == 0 ? 0 : 1;
}
int nvrtcDestroyProgram(struct program **prog) { free(*prog); *prog = 0; return 0; }

int nvrtcCompileProgram(struct program *prog, int n, const char **options) {
	compilations++;
	for (int i = 0; i < n; i++) {
		if (strcmp(options[i], "--gpu-architecture=sm_90") == 0) prog->arch_ok = 1;
	}
	return prog->bad || !prog->arch_ok ? 6 : 0;
}
int nvrtcGetProgramLogSize(struct program *prog, size_t *n) { *n = prog->bad ? strlen(failure) + 1 : 1; return 0; }
int nvrtcGetProgramLog(struct program *prog, char *log) { strcpy(log, prog->bad ? failure : ""); return 0; }
int nvrtcGetCUBINSize(struct program *prog, size_t *n) { *n = 16; return 0; }
int nvrtcGetCUBIN(struct program *prog, char *out) { memcpy(out, "FAKECUBIN-------", 16); return 0; }
int nvrtcGetPTXSize(struct program *prog, size_t *n) { *n = 16; return 0; }
int nvrtcGetPTX(struct program *prog, char *out) { memcpy(out, "FAKECUBIN-ptx---", 16); return 0; }

// ---- cuBLAS ----

int cublasCreate_v2(uintptr_t *h) { *h = 99; return 0; }
int cublasDestroy_v2(uintptr_t h) { return h == 99 ? 0 : 1; }
int cublasGetVersion_v2(uintptr_t h, int *v) { *v = 120400; return 0; }
int cublasSetMathMode(uintptr_t h, int mode) { return mode == 0 || mode == 3 ? 0 : 1; }

// Column-major C = alpha·op(A)·op(B) + beta·C, as cuBLAS defines it.
int cublasSgemm_v2(uintptr_t h, int ta, int tb, int m, int n, int k, const float *alpha,
	const float *a, int lda, const float *b, int ldb, const float *beta, float *c, int ldc) {
	if (h != 99) return 1;
	for (int j = 0; j < n; j++) {
		for (int i = 0; i < m; i++) {
			double s = 0;
			for (int p = 0; p < k; p++) {
				double av = ta ? a[p + (size_t)i * lda] : a[i + (size_t)p * lda];
				double bv = tb ? b[j + (size_t)p * ldb] : b[p + (size_t)j * ldb];
				s += av * bv;
			}
			float *out = &c[i + (size_t)j * ldc];
			*out = *beta == 0 ? (float)(*alpha * s) : (float)(*alpha * s + *beta * *out);
		}
	}
	return 0;
}
