package dem

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// pool runs loops over index ranges on a fixed number of workers. Results
// never depend on how the range is split: every loop body writes only to
// the indices of its own chunk, and anything combined across chunks is
// combined in chunk order, which is index order.
//
// The calling goroutine is worker 0. The others are helper goroutines
// that the first parallel loop starts and stop ends. A time step runs two
// or three loops a few microseconds apart, so an idle helper polls for
// the next loop and starts it at once. It parks only when no loop comes
// within spinFor, as between output frames. Starting a goroutine per loop
// instead made two workers 5 to 6 % slower on two cores.
type pool struct {
	workers int
	next    []chunkCounter // per worker, reused by every loop

	helpers int            // number of helper goroutines started
	running sync.WaitGroup // helper goroutines not yet returned
	gen     atomic.Uint64  // loop generation, incremented to start a loop or to stop
	pending atomic.Int64   // helpers not yet done with the current loop
	task    func(k int)    // body of the current loop for worker k
	quit    bool           // stop request, set before the last increment of gen

	// Parked helpers wait on wake. The mutex guards parked and orders a
	// helper's last read of gen before parking against the increment.
	mu     sync.Mutex
	wake   *sync.Cond
	parked int
}

// spinFor is how long an idle helper polls for the next loop before it
// parks.
const spinFor = 200 * time.Microsecond

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
	p.dispatch(func(k int) {
		if k >= w {
			return
		}
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
	})
}

// dispatch runs task(k) for every worker k, task(0) on the calling
// goroutine, and waits for all of them.
func (p *pool) dispatch(task func(k int)) {
	if p.helpers == 0 {
		p.start()
	}
	p.task = task
	p.pending.Store(int64(p.helpers))
	p.advance()
	task(0)
	for spins := 0; p.pending.Load() != 0; spins++ {
		if spins%64 == 63 {
			runtime.Gosched()
		}
	}
	p.task = nil
}

// advance starts the next generation and wakes the parked helpers.
func (p *pool) advance() {
	p.gen.Add(1)
	p.mu.Lock()
	if p.parked > 0 {
		p.wake.Broadcast()
	}
	p.mu.Unlock()
}

// start launches the helper goroutines.
func (p *pool) start() {
	if p.wake == nil {
		p.wake = sync.NewCond(&p.mu)
	}
	p.helpers = p.workers - 1
	p.quit = false
	// The generation before the first loop: a helper that starts late
	// must still take that loop.
	seen := p.gen.Load()
	for k := 1; k <= p.helpers; k++ {
		p.running.Go(func() { p.serve(k, seen) })
	}
}

// serve runs the loops of the helper that works as worker k, from the
// first generation after seen.
func (p *pool) serve(k int, seen uint64) {
	for {
		seen = p.await(seen)
		if p.quit {
			return
		}
		p.task(k)
		p.pending.Add(-1)
	}
}

// await returns the generation after seen, spinning for up to spinFor
// and then parking until advance wakes the helper.
func (p *pool) await(seen uint64) uint64 {
	began := time.Now()
	for spins := 0; ; spins++ {
		if g := p.gen.Load(); g != seen {
			return g
		}
		if spins%64 != 63 {
			continue
		}
		if time.Since(began) < spinFor {
			runtime.Gosched()
			continue
		}
		// With the mutex held, either advance has already incremented gen
		// and the check returns, or advance broadcasts after this Wait.
		p.mu.Lock()
		p.parked++
		g := p.gen.Load()
		for g == seen {
			p.wake.Wait()
			g = p.gen.Load()
		}
		p.parked--
		p.mu.Unlock()
		return g
	}
}

// stop ends the helper goroutines and waits for them. A later parallel
// loop starts new ones.
func (p *pool) stop() {
	if p.helpers == 0 {
		return
	}
	p.quit = true
	p.advance()
	p.running.Wait()
	p.helpers = 0
}

// chunkCounter is the next chunk of one worker's share, alone on its
// cache line so that workers taking chunks do not slow each other down.
type chunkCounter struct {
	n atomic.Int64
	_ [56]byte
}
