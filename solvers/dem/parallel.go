package dem

import "sync"

// pool runs loops over index ranges on a fixed number of workers. Results
// never depend on how the range is split: every loop body writes only to
// the indices of its own chunk, and anything combined across chunks is
// combined in chunk order, which is index order.
type pool struct {
	workers int
}

// minChunk is the smallest range worth handing to another goroutine.
const minChunk = 256

// chunksPerWorker sets how finely a loop is split. Packed particles are
// in spatial order, so a chunk is roughly a region of the domain, and a
// dense region takes far longer than a sparse one. Eight chunks per worker, handed out
// as workers become free, keep the idle time at the end of a loop to
// about one chunk.
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
	var wg sync.WaitGroup
	next := make(chan int, c)
	for k := range c {
		next <- k
	}
	close(next)
	work := func() {
		for k := range next {
			body(k, k*n/c, (k+1)*n/c)
		}
	}
	// The calling goroutine is one of the workers, which saves starting
	// and waking a goroutine per loop.
	for range min(p.workers, c) - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
}
