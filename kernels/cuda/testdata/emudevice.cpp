// The emulated device: runs the backend's kernels, compiled as host code
// from kernels_gen.cu (written by emu_test.go from the embedded source),
// for the fake driver of fakecuda.c built with -DEMULATE.
#include "emu_prelude.hpp"

#include <atomic>
#include <barrier>
#include <cstring>
#include <functional>
#include <memory>
#include <semaphore>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

thread_local dim3 threadIdx, blockIdx;
dim3 blockDim, gridDim;
float sh[1 << 16];

#include "kernels_gen.cu"

namespace {

// Calls a kernel with its parameters unpacked from cuLaunchKernel's array
// of pointers to the values.
template <class F> struct Invoker;
template <class... A> struct Invoker<void(A...)> {
	template <size_t... I> static void go(void (*f)(A...), void **p, std::index_sequence<I...>) {
		f(*static_cast<std::remove_reference_t<A> *>(p[I])...);
	}
	static void call(void *f, void **p) { go(reinterpret_cast<void (*)(A...)>(f), p, std::index_sequence_for<A...>{}); }
};

struct Kernel {
	const char *name;
	void *fn;
	void (*call)(void *, void **);
};

#define REG(k) {#k, reinterpret_cast<void *>(&k), &Invoker<std::remove_pointer_t<decltype(&k)>>::call},
const Kernel table[] = {
#include "kernels_table.inc"
};

// Barriers of the running block and of each of its warps, and the warps'
// exchange buffers.
std::unique_ptr<std::barrier<>> block_barrier;
std::vector<std::unique_ptr<std::barrier<>>> warp_barriers;
double warp_buffer[32][32];

// A pool of host threads that run the CUDA threads of one block at a time.
// Each worker waits on its own semaphore, so a block of n threads wakes
// only n workers.
struct Pool {
	std::vector<std::thread> threads;
	std::vector<std::unique_ptr<std::binary_semaphore>> go;
	std::binary_semaphore done{0};
	std::atomic<int> remaining{0};
	std::function<void(int)> job;

	explicit Pool(int n) {
		for (int i = 0; i < n; i++) {
			go.push_back(std::make_unique<std::binary_semaphore>(0));
		}
		for (int i = 0; i < n; i++) {
			threads.emplace_back([this, i] {
				for (;;) {
					go[i]->acquire();
					job(i);
					if (remaining.fetch_sub(1) == 1) {
						done.release();
					}
				}
			});
		}
	}

	void run(int n, std::function<void(int)> f) {
		job = std::move(f);
		remaining = n;
		for (int i = 0; i < n; i++) {
			go[i]->release();
		}
		done.acquire();
	}
};

Pool *pool;

int linear_thread() { return threadIdx.x + threadIdx.y * blockDim.x; }

} // namespace

void __syncthreads(void) { block_barrier->arrive_and_wait(); }

double __shfl_xor_sync(unsigned, double v, int lane_mask) {
	int t = linear_thread(), w = t / 32, lane = t % 32;
	warp_buffer[w][lane] = v;
	warp_barriers[w]->arrive_and_wait();
	double r = warp_buffer[w][lane ^ lane_mask];
	warp_barriers[w]->arrive_and_wait();
	return r;
}

extern "C" uintptr_t emu_function(const char *name) {
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		if (strcmp(table[i].name, name) == 0) {
			return i + 1;
		}
	}
	return 0;
}

extern "C" int emu_launch(uintptr_t fn, unsigned gx, unsigned gy, unsigned bx, unsigned by, unsigned shared, void **params) {
	if (fn == 0 || fn > sizeof table / sizeof table[0] || bx * by > 1024 || shared > sizeof sh) {
		return 1;
	}
	if (pool == nullptr) {
		pool = new Pool(1024);
	}
	const Kernel &k = table[fn - 1];
	int n = bx * by;
	gridDim = {gx, gy, 1};
	blockDim = {bx, by, 1};
	block_barrier = std::make_unique<std::barrier<>>(n);
	warp_barriers.clear();
	for (int w = 0; w * 32 < n; w++) {
		warp_barriers.push_back(std::make_unique<std::barrier<>>(n - w * 32 < 32 ? n - w * 32 : 32));
	}
	for (unsigned y = 0; y < gy; y++) {
		for (unsigned x = 0; x < gx; x++) {
			pool->run(n, [&, x, y](int t) {
				threadIdx = {unsigned(t) % bx, unsigned(t) / bx, 0};
				blockIdx = {x, y, 0};
				k.call(k.fn, params);
			});
		}
	}
	return 0;
}
