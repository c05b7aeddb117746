package cuda

import (
	"fmt"
	"unsafe"

	"github.com/neusim/neusim/kernels"
)

// pairBuffers holds the device memory of RadiusPairs between calls.
type pairBuffers struct {
	pos, cell, count, start, cursor, sorted, pairCount, offsets, senders, receivers *buffer
	hostCounts                                                                      []int32
}

// RadiusPairs is kernels.RadiusPairs on the device, with the same pairs in
// the same order: it bins the points into the cells of kernels.NewCellGrid
// and each receiver scans the 27 cells around its own.
//
// NOTE: the positions come from the host and the pairs go back to it,
// because the entity frame and the features are still built on the host.
// The two prefix sums between the passes are also taken on the host.
func (b *Backend) RadiusPairs(pos []float64, radius float64) (senders, receivers []int32) {
	n := len(pos) / 3
	g := kernels.NewCellGrid(pos, radius)
	if n == 0 {
		return nil, nil
	}
	cells := g.Dims[0] * g.Dims[1] * g.Dims[2]
	b.enter()
	defer b.leave()
	p := &b.pairs

	// Bin the points: cell of each point and points per cell, the cell
	// starts, then the points listed by cell.
	p.pos = b.grow(p.pos, 8*len(pos))
	b.check(b.drv.cuMemcpyHtoD(p.pos.ptr, unsafe.Pointer(&pos[0]), uint64(8*len(pos))), "RadiusPairs: cuMemcpyHtoD")
	p.cell = b.grow(p.cell, 4*n)
	p.count = b.zeroInts(p.count, cells)
	b.gridParams(b.params().ptr(p.pos.ptr).i32(n), g).ptr(p.cell.ptr).ptr(p.count.ptr)
	b.launch1D("k_cell_count", n)
	start := b.exclusiveScan(p.count, cells)
	p.start = b.uploadInt32(p.start, start)
	p.cursor = b.zeroInts(p.cursor, cells)
	p.sorted = b.grow(p.sorted, 4*n)
	b.params().ptr(p.cell.ptr).i32(n).ptr(p.start.ptr).ptr(p.cursor.ptr).ptr(p.sorted.ptr)
	b.launch1D("k_cell_fill", n)

	// Count the senders of each receiver, then list them.
	p.pairCount = b.grow(p.pairCount, 4*n)
	b.gridParams(b.params().ptr(p.pos.ptr).i32(n), g).ptr(p.start.ptr).ptr(p.sorted.ptr).f64(radius).ptr(p.pairCount.ptr)
	b.launch1D("k_pair_count", n)
	offsets := b.exclusiveScan(p.pairCount, n)
	total := int(offsets[n])
	p.offsets = b.uploadInt32(p.offsets, offsets)
	p.senders, p.receivers = b.grow(p.senders, 4*total), b.grow(p.receivers, 4*total)
	b.gridParams(b.params().ptr(p.pos.ptr).i32(n), g).ptr(p.start.ptr).ptr(p.sorted.ptr).f64(radius).
		ptr(p.offsets.ptr).ptr(p.senders.ptr).ptr(p.receivers.ptr)
	b.launch1D("k_pair_fill", n)

	senders, receivers = make([]int32, total), make([]int32, total)
	if total > 0 {
		b.check(b.drv.cuMemcpyDtoH(unsafe.Pointer(&senders[0]), p.senders.ptr, uint64(4*total)), "RadiusPairs: cuMemcpyDtoH")
		b.check(b.drv.cuMemcpyDtoH(unsafe.Pointer(&receivers[0]), p.receivers.ptr, uint64(4*total)), "RadiusPairs: cuMemcpyDtoH")
	}
	return senders, receivers
}

// gridParams appends the cell grid's origin, cell size and dimensions.
func (b *Backend) gridParams(a *launchArgs, g kernels.CellGrid) *launchArgs {
	return a.f64(g.Origin[0]).f64(g.Origin[1]).f64(g.Origin[2]).f64(g.Size).i32(g.Dims[0]).i32(g.Dims[1]).i32(g.Dims[2])
}

// zeroInts returns m grown to n int32 values, all zero. The caller has
// entered.
func (b *Backend) zeroInts(m *buffer, n int) *buffer {
	m = b.grow(m, 4*n)
	b.check(b.drv.cuMemsetD32(m.ptr, 0, uint64(n)), "cuMemsetD32")
	return m
}

// exclusiveScan downloads the first n int32 counts of m and returns their
// n+1 prefix sums, starting at 0. The caller has entered.
func (b *Backend) exclusiveScan(m *buffer, n int) []int32 {
	p := &b.pairs
	if cap(p.hostCounts) < n {
		p.hostCounts = make([]int32, n)
	}
	counts := p.hostCounts[:n]
	if n > 0 {
		b.check(b.drv.cuMemcpyDtoH(unsafe.Pointer(&counts[0]), m.ptr, uint64(4*n)), "cuMemcpyDtoH")
	}
	out := make([]int32, n+1)
	var sum int64
	for i, c := range counts {
		sum += int64(c)
		if sum > 1<<31-1 {
			panic(fmt.Sprintf("kernels/cuda: RadiusPairs: more than %d pairs", int32(1<<31-1)))
		}
		out[i+1] = int32(sum)
	}
	return out
}
