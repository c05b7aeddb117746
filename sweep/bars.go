package sweep

import (
	"fmt"
	"io"
	"sync"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/neusim/neusim/solvers"
)

// barScale is the resolution of a worker's bar: progress is shown in
// thousandths of the variant's steps.
const barScale = 1000

// bars draws one progress bar per worker, for the variant it runs, and an
// overall bar counting finished variants. A nil *bars draws nothing.
type bars struct {
	p       *mpb.Progress
	total   *mpb.Bar
	mu      sync.Mutex
	workers []*mpb.Bar
}

func newBars(w io.Writer, jobs, variants, finished int) *bars {
	if w == nil {
		return nil
	}
	b := &bars{p: mpb.New(mpb.WithOutput(w), mpb.WithWidth(40))}
	b.total = b.p.AddBar(int64(variants),
		mpb.PrependDecorators(decor.Name("sweep    ", decor.WCSyncSpaceR), decor.CountersNoUnit("%d / %d variants")),
		mpb.AppendDecorators(decor.Percentage()),
	)
	b.total.SetCurrent(int64(finished))
	for i := 0; i < jobs; i++ {
		bar := b.p.AddBar(barScale,
			mpb.PrependDecorators(decor.Name(fmt.Sprintf("worker %d ", i+1), decor.WCSyncSpaceR)),
			mpb.AppendDecorators(decor.Percentage()),
		)
		b.workers = append(b.workers, bar)
	}
	return b
}

// worker returns the progress callback of worker i running variant v.
func (b *bars) worker(i int, v Variant) solvers.ProgressFunc {
	if b == nil {
		return nil
	}
	bar := b.workers[i]
	bar.SetCurrent(0)
	return func(p solvers.Progress) {
		if p.Steps > 0 {
			bar.SetCurrent(p.Step * barScale / p.Steps)
		}
	}
}

func (b *bars) finished() {
	if b == nil {
		return
	}
	b.total.Increment()
}

func (b *bars) close() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, bar := range b.workers {
		bar.SetTotal(-1, true)
	}
	b.total.SetTotal(-1, true)
	b.p.Wait()
}
