package cuda

import (
	"fmt"
	"runtime"
	"unsafe"

	"github.com/neusim/neusim/kernels"
)

// buffer is one device allocation. It is freed when its owner (a tensor,
// an index, a CSR) is garbage collected, or explicitly when it is
// replaced by a larger one.
type buffer struct {
	ptr     uintptr
	bytes   int
	cleanup runtime.Cleanup
}

// csrBuffers is the device copy of a CSR.
type csrBuffers struct {
	offsets, src *buffer
}

// stop cancels the cleanup of an explicitly freed buffer.
func (m *buffer) stop() { m.cleanup.Stop() }

// freeDevice frees ptr from a cleanup, unless the backend was closed (its
// context, and every allocation in it, is gone then). It waits for the
// device first: cuMemFree is documented only to "may" synchronize, and a
// kernel issued before may still read the buffer.
func freeDevice(a freeArg) {
	a.state.mu.Lock()
	defer a.state.mu.Unlock()
	if a.state.closed {
		return
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	a.state.drv.cuCtxSetCurrent(a.state.ctx)
	a.state.drv.cuCtxSynchronize()
	a.state.drv.cuMemFree(a.ptr)
}

type freeArg struct {
	state *deviceState
	ptr   uintptr
}

// alloc returns a device buffer of at least bytes bytes (at least 4, since
// the driver rejects empty allocations). The caller has entered.
func (b *Backend) alloc(bytes int) *buffer {
	n := max(bytes, 4)
	var p uintptr
	if res := b.drv.cuMemAlloc(&p, uint64(n)); res != resultSuccess {
		panic(fmt.Sprintf("kernels/cuda: allocating %d bytes on %s: %s", n, b.info.Name, b.drv.errorName(res)))
	}
	m := &buffer{ptr: p, bytes: n}
	m.cleanup = runtime.AddCleanup(m, freeDevice, freeArg{state: b.state, ptr: p})
	return m
}

// release frees m once the device has finished the work issued so far,
// which may still read it. The caller has entered.
func (b *Backend) release(m *buffer) {
	if m == nil {
		return
	}
	m.stop()
	b.drv.cuCtxSynchronize()
	b.drv.cuMemFree(m.ptr)
}

// grow returns m when it holds bytes bytes, else frees it and returns a
// buffer at least half as large again, so that slowly growing sizes
// (edge counts during a rollout) reallocate only a few times. The
// contents are not kept.
func (b *Backend) grow(m *buffer, bytes int) *buffer {
	if m != nil && m.bytes >= bytes {
		return m
	}
	n := bytes
	if m != nil {
		n = max(bytes, m.bytes+m.bytes/2)
		b.release(m)
	}
	return b.alloc(n)
}

// mem returns the device address of t. Its buffer stays referenced by
// the backend until the operation ends (leave), so the garbage collector
// cannot free it between taking the address and launching the kernel,
// even when t itself is no longer used by the caller.
func (b *Backend) mem(t *kernels.Tensor[float32]) uintptr {
	m, ok := t.DeviceData().(*buffer)
	if !ok {
		panic(fmt.Sprintf("kernels/cuda: a %v tensor that this backend did not create", t))
	}
	b.live = append(b.live, m)
	return m.ptr
}

// NewTensor allocates a zeroed rows×cols tensor in device memory.
func (b *Backend) NewTensor(rows, cols int) *kernels.Tensor[float32] {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("kernels/cuda: NewTensor: negative shape %d×%d", rows, cols))
	}
	b.enter()
	defer b.leave()
	m := b.alloc(4 * rows * cols)
	b.check(b.drv.cuMemsetD32(m.ptr, 0, uint64(m.bytes/4)), "NewTensor: cuMemsetD32")
	return kernels.NewDeviceTensor[float32](rows, cols, m)
}

// Reshape sets the shape of t, reusing its device memory when large
// enough. Values are unspecified afterwards.
func (b *Backend) Reshape(t *kernels.Tensor[float32], rows, cols int) {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("kernels/cuda: Reshape: negative shape %d×%d", rows, cols))
	}
	b.mem(t)
	b.enter()
	defer b.leave()
	m := b.grow(t.DeviceData().(*buffer), 4*rows*cols)
	t.SetDeviceShape(rows, cols, m)
}

// Upload copies src into t.
func (b *Backend) Upload(t *kernels.Tensor[float32], src []float32) {
	if len(src) != t.Len() {
		panic(fmt.Sprintf("kernels/cuda: Upload: %d values into a %v tensor", len(src), t))
	}
	p := b.mem(t)
	if len(src) == 0 {
		return
	}
	b.enter()
	defer b.leave()
	b.check(b.drv.cuMemcpyHtoD(p, unsafe.Pointer(&src[0]), uint64(4*len(src))), "Upload: cuMemcpyHtoD")
}

// Download copies t into dst; it waits for the kernels that write t.
func (b *Backend) Download(dst []float32, t *kernels.Tensor[float32]) {
	if len(dst) != t.Len() {
		panic(fmt.Sprintf("kernels/cuda: Download: %v tensor into %d values", t, len(dst)))
	}
	p := b.mem(t)
	if len(dst) == 0 {
		return
	}
	b.enter()
	defer b.leave()
	b.check(b.drv.cuMemcpyDtoH(unsafe.Pointer(&dst[0]), p, uint64(4*len(dst))), "Download: cuMemcpyDtoH")
}

// Fill sets every value of t to v, with one memset of its bit pattern;
// the device check uses it to poison outputs with NaN.
func (b *Backend) Fill(t *kernels.Tensor[float32], v float32) {
	p := b.mem(t)
	if t.Len() == 0 {
		return
	}
	b.enter()
	defer b.leave()
	b.check(b.drv.cuMemsetD32(p, *(*uint32)(unsafe.Pointer(&v)), uint64(t.Len())), "Fill: cuMemsetD32")
}

// Zero sets every value of t to 0.
func (b *Backend) Zero(t *kernels.Tensor[float32]) { b.Fill(t, 0) }

// Copy sets dst = src.
func (b *Backend) Copy(dst, src *kernels.Tensor[float32]) {
	kernels.CheckSame("Copy", dst, src)
	d, s := b.mem(dst), b.mem(src)
	if dst.Len() == 0 {
		return
	}
	b.enter()
	defer b.leave()
	b.check(b.drv.cuMemcpyDtoD(d, s, uint64(4*dst.Len())), "Copy: cuMemcpyDtoD")
}

// uploadInt32 copies v into m, grown as needed. The caller has entered.
func (b *Backend) uploadInt32(m *buffer, v []int32) *buffer {
	m = b.grow(m, 4*len(v))
	if len(v) > 0 {
		b.check(b.drv.cuMemcpyHtoD(m.ptr, unsafe.Pointer(&v[0]), uint64(4*len(v))), "cuMemcpyHtoD")
	}
	return m
}

// NewIndex returns an empty index.
func (b *Backend) NewIndex() *kernels.Index {
	ix := &kernels.Index{}
	b.SetIndex(ix, nil)
	return ix
}

// SetIndex sets ix to a copy of rows, on the host and on the device.
func (b *Backend) SetIndex(ix *kernels.Index, rows []int32) {
	b.enter()
	defer b.leave()
	m, _ := ix.DeviceData().(*buffer)
	ix.SetDevice(rows, b.uploadInt32(m, rows))
}

// NewCSR returns an empty CSR with zero destination rows.
func (b *Backend) NewCSR() *kernels.CSR {
	c := &kernels.CSR{}
	b.SetCSR(c, []int32{0}, nil)
	return c
}

// SetCSR sets c to copies of offsets and src; it panics when offsets do
// not start at 0, decrease, or end beyond len(src).
func (b *Backend) SetCSR(c *kernels.CSR, offsets, src []int32) {
	kernels.CheckCSR(offsets, src)
	b.enter()
	defer b.leave()
	old, _ := c.DeviceData().(*csrBuffers)
	if old == nil {
		old = &csrBuffers{}
	}
	d := &csrBuffers{offsets: b.uploadInt32(old.offsets, offsets), src: b.uploadInt32(old.src, src)}
	c.SetDevice(offsets, src, d)
}

func (b *Backend) indexPtr(ix *kernels.Index) uintptr {
	m, ok := ix.DeviceData().(*buffer)
	if !ok {
		panic("kernels/cuda: an index that this backend did not create")
	}
	b.live = append(b.live, m)
	return m.ptr
}

func (b *Backend) csrPtrs(c *kernels.CSR) (offsets, src uintptr) {
	d, ok := c.DeviceData().(*csrBuffers)
	if !ok {
		panic("kernels/cuda: a CSR that this backend did not create")
	}
	b.live = append(b.live, d.offsets, d.src)
	return d.offsets.ptr, d.src.ptr
}

// partials returns a device scratch of n float64 values. The caller has
// entered.
func (b *Backend) partials(n int) uintptr {
	b.partial = b.grow(b.partial, 8*n)
	return b.partial.ptr
}

// downloadPartials copies the first n float64 partial sums to the host.
// The caller has entered.
func (b *Backend) downloadPartials(n int) []float64 {
	if cap(b.host) < n {
		b.host = make([]float64, n)
	}
	b.host = b.host[:n]
	b.check(b.drv.cuMemcpyDtoH(unsafe.Pointer(&b.host[0]), b.partial.ptr, uint64(8*n)), "cuMemcpyDtoH")
	return b.host
}
