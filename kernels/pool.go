package kernels

import (
	"sync/atomic"
)

// chunkRunner is one parallel operation; runChunk processes chunk c.
type chunkRunner interface {
	runChunk(c int)
}

// pool is a fixed set of goroutines that process the chunks of one
// operation at a time. Running an operation allocates nothing.
type pool struct {
	workers int
	start   []chan struct{}
	done    chan struct{}

	task    chunkRunner
	nchunks int64
	next    atomic.Int64
}

func newPool(workers int) *pool {
	p := &pool{workers: workers, done: make(chan struct{}, workers)}
	for w := 1; w < workers; w++ {
		ch := make(chan struct{}, 1)
		p.start = append(p.start, ch)
		go func() {
			for range ch {
				p.work()
				p.done <- struct{}{}
			}
		}()
	}
	return p
}

// run calls r.runChunk(c) for c in [0, n) on the workers and returns when
// all chunks are done. The caller's goroutine is one of the workers.
func (p *pool) run(r chunkRunner, n int) {
	if n <= 1 || p.workers == 1 {
		for c := 0; c < n; c++ {
			r.runChunk(c)
		}
		return
	}
	p.task = r
	p.nchunks = int64(n)
	p.next.Store(0)
	helpers := min(p.workers-1, n-1)
	for w := 0; w < helpers; w++ {
		p.start[w] <- struct{}{}
	}
	p.work()
	for w := 0; w < helpers; w++ {
		<-p.done
	}
	p.task = nil
}

func (p *pool) work() {
	for {
		c := p.next.Add(1) - 1
		if c >= p.nchunks {
			return
		}
		p.task.runChunk(int(c))
	}
}

// close stops the worker goroutines.
func (p *pool) close() {
	for _, ch := range p.start {
		close(ch)
	}
	p.start = nil
}
