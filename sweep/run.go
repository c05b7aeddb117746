package sweep

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"sort"
	"sync"
	"time"

	"github.com/neusim/neusim/solvers"
)

// Runner simulates one variant and returns its summary observables.
// The engine fills in Variant, Values, WallTime and Status of the
// returned Result; the runner sets Summary, Solver and Model. progress
// may be called with the solver's progress for the worker's bar.
type Runner interface {
	Run(ctx context.Context, v Variant, progress solvers.ProgressFunc) (Result, error)
}

// Options control how a sweep runs.
type Options struct {
	Jobs      int          // variants run at once; 0 or less means 1
	Logger    *slog.Logger // receives one line per started and finished variant; nil discards
	Reference Runner       // runs the manifest's Verify variants; required when Verify is set

	// Bars receives a progress bar per worker and an overall one. It
	// should be a terminal; nil draws no bars.
	Bars io.Writer
}

// Report counts what a call to Run did.
type Report struct {
	Variants int // in the sweep
	Skipped  int // finished before this call
	Ran      int // finished by this call
	Failed   int // finished with an error, over the whole sweep
}

// Run runs every variant of m that has no result in dir yet, with
// opt.Jobs variants at a time, and then merges all results into
// dir/results.csv. A variant whose runner fails is stored with status
// "failed" and its error. It is not run again on restart unless its result
// file is deleted. When ctx is cancelled, Run waits for the
// running variants to stop, stores nothing for them, and returns
// ctx.Err().
func Run(ctx context.Context, dir string, m Manifest, r Runner, opt Options) (Report, error) {
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if len(m.Verify) > 0 && opt.Reference == nil {
		return Report{}, errors.New("sweep: the manifest verifies variants but no reference runner was given")
	}
	if err := prepare(dir, &m); err != nil {
		return Report{}, err
	}
	done, err := readResults(dir)
	if err != nil {
		return Report{}, err
	}
	verify := map[int]bool{}
	for _, i := range m.Verify {
		verify[i] = true
	}

	var todo []Variant
	for _, v := range m.Variants {
		if _, ok := done[v.Index]; !ok {
			todo = append(todo, v)
		}
	}
	rep := Report{Variants: len(m.Variants), Skipped: len(m.Variants) - len(todo)}
	if rep.Skipped > 0 {
		log.Info("resuming sweep", "dir", dir, "finished", rep.Skipped, "remaining", len(todo))
	}

	jobs := max(opt.Jobs, 1)
	bars := newBars(opt.Bars, jobs, len(m.Variants), rep.Skipped)
	queue := make(chan Variant)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func(worker int) {
			defer wg.Done()
			for v := range queue {
				res, err := runOne(ctx, m, v, r, opt.Reference, verify[v.Index], bars.worker(worker, v))
				if ctx.Err() != nil {
					return // an interrupted variant leaves no result
				}
				if err == nil {
					err = writeResult(dir, res)
				}
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if res.Status == StatusOK {
					rep.Ran++
				}
				mu.Unlock()
				bars.finished()
				log.Info("variant finished", "variant", v.Index, "values", v.Values, "status", res.Status,
					"wall_time_s", fmt.Sprintf("%.2f", res.WallTime), "error", res.Error)
			}
		}(w)
	}
feed:
	for _, v := range todo {
		select {
		case queue <- v:
		case <-ctx.Done():
			break feed
		}
	}
	close(queue)
	wg.Wait()
	bars.close()

	if ctx.Err() != nil {
		return rep, ctx.Err()
	}
	if firstErr != nil {
		return rep, firstErr
	}
	n, failed, err := Merge(dir)
	if err != nil {
		return rep, err
	}
	rep.Failed = failed
	if n != len(m.Variants) {
		return rep, fmt.Errorf("sweep: %s contains %d results for %d variants; run \"neusim sweep collect %s\" to list the missing ones", dir, n, len(m.Variants), dir)
	}
	return rep, nil
}

// runOne runs variant v, and its reference run when verify is set. A
// failure of the solver becomes a failed Result, not an error; the error
// return is for cancellation.
func runOne(ctx context.Context, m Manifest, v Variant, r, ref Runner, verify bool, progress solvers.ProgressFunc) (Result, error) {
	start := time.Now()
	res, err := r.Run(ctx, v, progress)
	res.WallTime = time.Since(start).Seconds()
	res.Variant, res.Values = v.Index, v.Values
	if res.Solver == "" {
		res.Solver = m.Solver
	}
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	if err != nil {
		res.Status, res.Error = StatusFailed, err.Error()
		return res, nil
	}
	res.Status = StatusOK
	if !verify {
		return res, nil
	}

	refRes, err := ref.Run(ctx, v, nil)
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	if err != nil {
		res.Status, res.Error = StatusFailed, "reference run: "+err.Error()
		return res, nil
	}
	res.Verify = refRes.Summary
	res.RelError = map[string]float64{}
	for k, q := range res.Summary {
		if want, ok := refRes.Summary[k]; ok && want.Value != 0 {
			res.RelError[k] = math.Abs(q.Value-want.Value) / math.Abs(want.Value)
		}
	}
	return res, nil
}

// sortedKeys returns the keys of m in increasing order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
