package cuda

import (
	"math"
	"unsafe"
)

// maxParams is the most parameters a kernel of this package takes.
const maxParams = 24

// launchArgs holds the parameters of the next kernel launch. cuLaunchKernel
// takes an array of pointers, one per parameter, to the parameter's
// value; vals holds the values in 8-byte slots (4-byte parameters use the
// low half, which is the first in memory on little-endian machines) and
// ptrs points into vals. The struct is pinned for the backend's lifetime,
// so the driver may read it during the call.
type launchArgs struct {
	n    int
	vals [maxParams]uint64
	ptrs [maxParams]unsafe.Pointer
}

func newLaunchArgs() *launchArgs {
	a := &launchArgs{}
	for i := range a.ptrs {
		a.ptrs[i] = unsafe.Pointer(&a.vals[i])
	}
	return a
}

func (a *launchArgs) push(v uint64) *launchArgs {
	a.vals[a.n] = v
	a.n++
	return a
}

func (a *launchArgs) ptr(p uintptr) *launchArgs { return a.push(uint64(p)) }
func (a *launchArgs) i32(v int) *launchArgs     { return a.push(uint64(uint32(int32(v)))) }
func (a *launchArgs) i64(v int) *launchArgs     { return a.push(uint64(int64(v))) }
func (a *launchArgs) f32(v float32) *launchArgs { return a.push(uint64(math.Float32bits(v))) }
func (a *launchArgs) f64(v float64) *launchArgs { return a.push(math.Float64bits(v)) }

// params starts the parameter list of a launch.
func (b *Backend) params() *launchArgs {
	b.args.n = 0
	return b.args
}

// threads is the block size of the one-dimensional kernels.
const threads = 256

// gridFor returns the number of blocks for n elements with grid-stride
// loops: enough to fill the device, at most one per threads elements.
func (b *Backend) gridFor(n int) uint32 {
	blocks := (n + threads - 1) / threads
	limit := 32 * max(b.info.Multiprocessor, 1)
	return uint32(min(blocks, limit))
}

// launch runs kernel name on a gx×gy grid of bx×by blocks with shared
// bytes of dynamic shared memory and the parameters set up by params. The
// caller has entered. An empty grid launches nothing.
func (b *Backend) launch(name string, gx, gy, bx, by, shared uint32) {
	if gx == 0 || gy == 0 {
		return
	}
	res := b.drv.cuLaunchKernel(b.fn[name], gx, gy, 1, bx, by, 1, shared, 0, unsafe.Pointer(&b.args.ptrs[0]), nil)
	b.check(res, "launching "+name)
}

// launch1D runs a grid-stride kernel over n elements.
func (b *Backend) launch1D(name string, n int) {
	b.launch(name, b.gridFor(n), 1, threads, 1, 0)
}
