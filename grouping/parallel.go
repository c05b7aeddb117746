package grouping

import (
	"runtime"
	"sync"
)

// parallelFor calls body on disjoint ranges that cover [0, n), using up to
// workers goroutines (zero means GOMAXPROCS). Callers write results only
// to per-index slots, so the result does not depend on the worker count.
func parallelFor(n, workers int, body func(lo, hi int)) {
	parallelForGrain(n, workers, 256, body)
}

// parallelForGrain is parallelFor with ranges of at least grain indices.
func parallelForGrain(n, workers, grain int, body func(lo, hi int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers == 1 || n < 2*grain {
		body(0, n)
		return
	}
	chunks := min(workers*4, (n+grain-1)/grain)
	size := (n + chunks - 1) / chunks
	var wg sync.WaitGroup
	sem := make(chan struct{}, workers)
	for lo := 0; lo < n; lo += size {
		hi := min(lo+size, n)
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			body(lo, hi)
			<-sem
		}()
	}
	wg.Wait()
}
