package dem

import (
	"sync"
	"sync/atomic"
)

// pool runs loops over index ranges on a fixed number of workers. Results
// never depend on how the range is split: every loop body writes only to
// the indices of its own chunk, and anything combined across chunks is
// combined in chunk order, which is index order.
type pool struct {
	workers int
	next    []chunkCounter // per worker, reused by every loop
}

// minChunk is the smallest range worth handing to another goroutine.
const minChunk = 256

// chunksPerWorker sets how finely a loop is split. Packed particles are
// in spatial order, so a chunk is roughly a region of the domain, and a
// dense region takes far longer than a sparse one. With eight chunks per
// worker, and idle workers taking the others' remaining chunks, the idle
// time at the end of a loop stays near one chunk.
const chunksPerWorker = 8

// chunks returns how many chunks a loop over n indices is split into.
func (p *pool) chunks(n int) int {
	if p.workers <= 1 || n < 2*minChunk {
		return 1
	}
	return min(chunksPerWorker*p.workers, n/minChunk)
}

// run calls body(chunk, lo, hi) for a split of [0, n) into chunks(n)
// contiguous ranges, in parallel, and waits for all of them.
func (p *pool) run(n int, body func(chunk, lo, hi int)) {
	c := p.chunks(n)
	if c == 1 {
		body(0, 0, n)
		return
	}
	w := min(p.workers, c)
	if len(p.next) < w {
		p.next = make([]chunkCounter, w)
	}
	for k := range w {
		p.next[k].n.Store(int64(k * c / w))
	}

	// Worker k owns chunks [k c/w, (k+1) c/w) and takes them in order, so
	// that from one loop to the next the same worker, and mostly the same
	// core, touches the same particles and finds them in its cache. A
	// worker that runs out takes the remaining chunks of the others.
	work := func(k int) {
		for r := range w {
			owner := (k + r) % w
			end := int64((owner + 1) * c / w)
			for {
				ch := p.next[owner].n.Add(1) - 1
				if ch >= end {
					break
				}
				body(int(ch), int(ch)*n/c, (int(ch)+1)*n/c)
			}
		}
	}

	// The calling goroutine is worker 0, which saves starting and waking
	// a goroutine per loop.
	var wg sync.WaitGroup
	for k := 1; k < w; k++ {
		wg.Go(func() { work(k) })
	}
	work(0)
	wg.Wait()
}

// chunkCounter is the next chunk of one worker's share, alone on its
// cache line so that workers taking chunks do not slow each other down.
type chunkCounter struct {
	n atomic.Int64
	_ [56]byte
}
