package cuda

import (
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"unsafe"

	"github.com/neusim/neusim/kernels"
)

// Options configures Open. The zero value opens device 0 with the
// libraries found on the usual paths.
type Options struct {
	// Device is the CUDA device ordinal.
	Device int
	// DriverLib, NVRTCLib and CUBLASLib are paths of the libraries to load
	// instead of searching for them.
	DriverLib, NVRTCLib, CUBLASLib string
	// NoCUBLAS makes Gemm use the backend's own tiled kernel instead of
	// cuBLAS. Without it, a missing cuBLAS is an error.
	NoCUBLAS bool
	// TF32 lets cuBLAS round the inputs of Gemm to TF32 (10-bit mantissa)
	// on tensor cores. It is off by default: see the package documentation
	// for the accuracy it costs.
	TF32 bool
	// CacheDir is the directory of compiled kernels. Empty means
	// DefaultCacheDir(), and "-" disables the cache.
	CacheDir string
	// Logger receives where the libraries and the module came from. Nil
	// discards it.
	Logger *slog.Logger
}

// Backend runs the kernels of kernels.Backend on one CUDA device. Its
// tensors live in device memory; only Upload, Download, SumSquares and
// the index uploads move data between host and device.
type Backend struct {
	drv   *driverAPI
	nvrtc *nvrtcAPI
	blas  *cublasAPI
	state *deviceState
	info  DeviceInfo
	dev   int32 // CUdevice of info.Ordinal

	module  uintptr
	fn      map[string]uintptr
	handle  uintptr // cuBLAS handle, 0 without cuBLAS
	args    *launchArgs
	pin     runtime.Pinner
	partial *buffer // device scratch of float64 partial sums
	host    []float64
	pairs   pairBuffers
	live    []*buffer // buffers of the operation in flight (see mem)
	desc    string
}

// deviceState is what the cleanup of a device allocation needs; it
// outlives the Backend as long as any tensor does.
type deviceState struct {
	mu     sync.Mutex
	drv    *driverAPI
	ctx    uintptr
	closed bool
}

var _ kernels.BackendCloser = (*Backend)(nil)

// Open loads the CUDA libraries, creates a context on the device,
// compiles (or loads from the cache) the kernels and returns the backend.
// When a library, a symbol or a device is missing, the error is one line
// that names it.
func Open(opt Options) (*Backend, error) {
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	b := &Backend{drv: &driverAPI{}, nvrtc: &nvrtcAPI{}, fn: map[string]uintptr{}}

	// Libraries.
	h, file, err := driverLib.open(opt.DriverLib)
	if err != nil {
		return nil, err
	}
	if err := bind(b.drv, h, driverLib, file); err != nil {
		return nil, err
	}
	libs := []string{file}
	h, file, err = nvrtcLib.open(opt.NVRTCLib)
	if err != nil {
		return nil, err
	}
	if err := bind(b.nvrtc, h, nvrtcLib, file); err != nil {
		return nil, err
	}
	libs = append(libs, file)
	if !opt.NoCUBLAS {
		h, file, err = cublasLib.open(opt.CUBLASLib)
		if err != nil {
			return nil, fmt.Errorf("%w (or run without cuBLAS)", err)
		}
		b.blas = &cublasAPI{}
		if err := bind(b.blas, h, cublasLib, file); err != nil {
			return nil, err
		}
		libs = append(libs, file)
	}

	// Device and context.
	dev, info, err := b.drv.initDevice(opt.Device)
	if err != nil {
		return nil, err
	}
	b.info, b.dev = info, dev
	var ctx uintptr
	if res := b.drv.cuDevicePrimaryCtxRetain(&ctx, dev); res != resultSuccess {
		return nil, fmt.Errorf("kernels/cuda: could not create a context on %s: %s", info.Name, b.drv.errorName(res))
	}
	b.state = &deviceState{drv: b.drv, ctx: ctx}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.drv.cuCtxSetCurrent(ctx)
	fail := func(err error) (*Backend, error) {
		b.drv.cuDevicePrimaryCtxRelease(dev)
		return nil, err
	}

	// Kernels.
	cacheDir := opt.CacheDir
	switch cacheDir {
	case "":
		cacheDir = DefaultCacheDir()
	case "-":
		cacheDir = ""
	}
	image, origin, err := loadOrCompile(b.nvrtc, Source(), info, cacheDir)
	if err != nil {
		return fail(err)
	}
	if res := b.drv.cuModuleLoadData(&b.module, unsafe.Pointer(&image[0])); res != resultSuccess {
		return fail(fmt.Errorf("kernels/cuda: the driver could not load the kernels compiled for %s: %s", info.Arch(), b.drv.errorName(res)))
	}
	for _, name := range kernelNames {
		var f uintptr
		if res := b.drv.cuModuleGetFunction(&f, b.module, name); res != resultSuccess {
			return fail(fmt.Errorf("kernels/cuda: kernel %s missing from the module: %s", name, b.drv.errorName(res)))
		}
		b.fn[name] = f
	}

	// cuBLAS.
	gemm := "tiled kernel"
	if b.blas != nil {
		if res := b.blas.cublasCreate(&b.handle); res != 0 {
			return fail(fmt.Errorf("kernels/cuda: cublasCreate failed with status %d", res))
		}
		mode := int32(cublasDefaultMath)
		gemm = "cuBLAS FP32"
		if opt.TF32 {
			mode, gemm = cublasTF32TensorMath, "cuBLAS TF32"
		}
		b.blas.cublasSetMathMode(b.handle, mode)
	}

	b.args = newLaunchArgs()
	b.pin.Pin(b.args)
	b.desc = fmt.Sprintf("cuda-%s", info.Arch())
	log.Info("kernels/cuda: device opened", "device", info.String(), "libraries", libs, "kernels", origin, "gemm", gemm)
	return b, nil
}

// Info describes the device.
func (b *Backend) Info() DeviceInfo { return b.info }

// Name returns "cuda-" and the compute capability, such as "cuda-sm_90".
func (b *Backend) Name() string { return b.desc }

// Workers returns 1: the backend issues one operation at a time and the
// device runs it. Results do not depend on any worker count.
func (b *Backend) Workers() int { return 1 }

// Close waits for the device, releases cuBLAS, the module and the context.
// Tensors still referenced afterwards must not be used.
func (b *Backend) Close() {
	b.state.mu.Lock()
	defer b.state.mu.Unlock()
	if b.state.closed {
		return
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.drv.cuCtxSetCurrent(b.state.ctx)
	b.drv.cuCtxSynchronize()
	if b.handle != 0 {
		b.blas.cublasDestroy(b.handle)
	}
	if b.partial != nil {
		b.drv.cuMemFree(b.partial.ptr)
		b.partial.stop()
	}
	b.drv.cuModuleUnload(b.module)
	b.drv.cuDevicePrimaryCtxRelease(b.dev)
	b.state.closed = true
	b.pin.Unpin()
}

// enter makes the context current on this goroutine's OS thread, which
// stays locked until leave; every CUDA call runs between the two.
func (b *Backend) enter() {
	runtime.LockOSThread()
	if res := b.drv.cuCtxSetCurrent(b.state.ctx); res != resultSuccess {
		runtime.UnlockOSThread()
		panic(fmt.Sprintf("kernels/cuda: cuCtxSetCurrent: %s", b.drv.errorName(res)))
	}
}

// leave ends an operation: it unlocks the thread and drops the references
// that mem kept. A kernel still running may lose its last Go reference
// here, because every free waits for the device first (freeDevice,
// release).
func (b *Backend) leave() {
	clear(b.live)
	b.live = b.live[:0]
	runtime.UnlockOSThread()
}

// check panics with the CUDA error name when res is not success: a device
// failure in the middle of a kernel sequence (out of memory, a launch
// error) leaves no result to return.
func (b *Backend) check(res int32, what string) {
	if res != resultSuccess {
		panic(fmt.Sprintf("kernels/cuda: %s: %s", what, b.drv.errorName(res)))
	}
}

// Synchronize waits until the device has finished all work issued so far.
// Kernels run asynchronously; Download and SumSquares wait by themselves,
// so only timing code needs this.
func (b *Backend) Synchronize() {
	b.enter()
	defer b.leave()
	b.check(b.drv.cuCtxSynchronize(), "cuCtxSynchronize")
}
