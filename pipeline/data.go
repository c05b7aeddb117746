package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/internal/atomicfile"
	"github.com/neusim/neusim/solvers/dem"
	"github.com/neusim/neusim/sweep"
	"github.com/neusim/neusim/trajectory"
)

// DataOptions controls GenerateData. The zero value of a field means the
// default given in its comment, except Dir and Variants, which are required.
type DataOptions struct {
	Dir      string // data directory, created if missing (required)
	Variants int    // number of Latin hypercube samples (required, ≥ 1)
	Seed     uint64 // seed of the Latin hypercube

	// Set holds "name=value" overrides applied to every variant before the
	// sampled values; a parameter fixed here is not sampled.
	Set []string

	// Duration, when positive, replaces the case's simulated duration, s,
	// to make cheaper training data.
	Duration float64

	Jobs  int // variants run at once; default 1
	Cores int // cores shared by the jobs, each DEM run getting Cores/Jobs workers; default GOMAXPROCS

	Logger *slog.Logger // nil discards
	// Progress, when not nil, is called after each variant finishes with
	// the number finished and the total.
	Progress func(done, total int)
}

// Variant is one sampled design variant and its DEM trajectory.
type Variant struct {
	Index  int                `json:"index"`
	Values map[string]float64 `json:"values"` // every parameter of the case, in its unit
	Path   string             `json:"path"`   // trajectory file
	Frames int                `json:"frames"`
	Reused bool               `json:"reused"`           // the trajectory existed and was complete
	WallS  float64            `json:"wall_s,omitempty"` // DEM wall time, s; zero when reused
}

// dataManifest is written as DIR/data.json so that a directory records how
// its trajectories were made.
type dataManifest struct {
	Case     string    `json:"case"`
	Seed     uint64    `json:"seed"`
	Set      []string  `json:"set,omitempty"`
	Duration float64   `json:"duration_s"`
	Variants []Variant `json:"variants"`
}

// GenerateData samples opt.Variants design variants of caseName by Latin
// hypercube over every parameter with a range not fixed by opt.Set, runs
// the DEM solver on each and stores the trajectories as
// DIR/variant-NNN.arrows. A variant whose trajectory exists, was made for
// the same parameter values and holds every frame is reused, so an
// interrupted call resumes. Trajectories are written to a temporary name
// and renamed when complete.
func GenerateData(ctx context.Context, caseName string, opt DataOptions) ([]Variant, error) {
	if opt.Variants < 1 {
		return nil, fmt.Errorf("pipeline: data: %d variants requested; want at least 1", opt.Variants)
	}
	if opt.Dir == "" {
		return nil, fmt.Errorf("pipeline: data: no data directory given")
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	base, err := cases.Load(caseName, cases.Options{Set: opt.Set})
	if err != nil {
		return nil, fmt.Errorf("pipeline: data: %w", err)
	}
	ranges := sampledRanges(base, opt.Set)
	var samples []sweep.Variant
	if len(ranges) > 0 {
		if samples, err = sweep.LatinHypercube(ranges, opt.Variants, opt.Seed); err != nil {
			return nil, fmt.Errorf("pipeline: data: %w", err)
		}
	} else {
		samples = []sweep.Variant{{Index: 0, Values: map[string]float64{}}}
		log.Warn("pipeline: data: the case has no free parameter with a range; generating one variant", "case", base.Name)
	}
	if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("pipeline: data: %w", err)
	}

	jobs := max(opt.Jobs, 1)
	cores := opt.Cores
	if cores <= 0 {
		cores = runtime.GOMAXPROCS(0)
	}
	workers := max(cores/jobs, 1)

	out := make([]Variant, len(samples))
	errs := make([]error, len(samples))
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for range jobs {
		wg.Go(func() {
			for i := range next {
				out[i], errs[i] = runVariant(ctx, caseName, opt, samples[i], workers, log)
				mu.Lock()
				done++
				if opt.Progress != nil {
					opt.Progress(done, len(samples))
				}
				mu.Unlock()
			}
		})
	}
	for i := range samples {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, e := range errs {
		if e != nil {
			return nil, e
		}
	}

	m := dataManifest{Case: base.Name, Seed: opt.Seed, Set: opt.Set, Duration: opt.Duration, Variants: out}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("pipeline: data: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(opt.Dir, "data.json"), data, 0o644); err != nil {
		return nil, fmt.Errorf("pipeline: data: %w", err)
	}
	return out, nil
}

// sampledRanges returns the parameters of c with a non-empty range that
// set does not fix, in file order.
func sampledRanges(c *cases.Case, set []string) []sweep.Range {
	fixed := map[string]bool{}
	for _, s := range set {
		for i := range s {
			if s[i] == '=' {
				fixed[s[:i]] = true
				break
			}
		}
	}
	var rs []sweep.Range
	for _, p := range c.Parameters {
		if p.Max > p.Min && !fixed[p.Name] {
			rs = append(rs, sweep.Range{Name: p.Name, Min: p.Min, Max: p.Max})
		}
	}
	return rs
}

// variantSet returns the --set list of a sample: the fixed overrides, then
// the sampled values in name order, written so that they parse back to
// the same float64.
func variantSet(fixed []string, values map[string]float64) []string {
	names := make([]string, 0, len(values))
	for n := range values {
		names = append(names, n)
	}
	sort.Strings(names)
	set := append([]string(nil), fixed...)
	for _, n := range names {
		set = append(set, n+"="+strconv.FormatFloat(values[n], 'g', -1, 64))
	}
	return set
}

// expectedFrames returns the number of frames a full run of c writes: the
// initial state and one per output interval.
func expectedFrames(c *cases.Case) int {
	return int(math.Floor(c.Solver.Duration/c.Solver.OutputInterval+1e-9)) + 1
}

// runVariant runs or reuses one variant.
func runVariant(ctx context.Context, caseName string, opt DataOptions, s sweep.Variant, workers int, log *slog.Logger) (Variant, error) {
	c, err := cases.Load(caseName, cases.Options{Set: variantSet(opt.Set, s.Values)})
	if err != nil {
		return Variant{}, fmt.Errorf("pipeline: data: variant %d: %w", s.Index, err)
	}
	if opt.Duration > 0 {
		c.Solver.Duration = opt.Duration
	}
	path := filepath.Join(opt.Dir, fmt.Sprintf("variant-%03d.arrows", s.Index))
	v := Variant{Index: s.Index, Values: c.Values, Path: path}
	want := expectedFrames(c)
	n, ok := completeTrajectory(path, c.Values, want)
	if ok {
		log.Info("pipeline: data: reusing variant", "variant", s.Index, "path", path, "frames", n)
		v.Frames, v.Reused = n, true
		return v, nil
	}
	if _, err := os.Stat(path); err == nil {
		log.Warn("pipeline: data: replacing a trajectory that does not match this run (other parameter values or duration, or an interrupted run); give another --data folder to keep such a trajectory",
			"variant", s.Index, "path", path, "frames", n, "frames_wanted", want)
	}

	log.Info("pipeline: data: running DEM", "variant", s.Index, "values", FormatValues(c.Values), "workers", workers)
	w, err := trajectory.Create(path, trajectory.MetaFromCase(c, "dem", ""))
	if err != nil {
		return Variant{}, fmt.Errorf("pipeline: data: variant %d: %w", s.Index, err)
	}
	start := time.Now()
	runErr := dem.New(dem.Options{Workers: workers, Logger: log}).Run(ctx, c, w, nil)
	if runErr != nil {
		// Close renames the temporary file; an incomplete run must not
		// look complete, so it is removed.
		_ = w.Close()
		_ = os.Remove(path)
		return Variant{}, fmt.Errorf("pipeline: data: variant %d: %w", s.Index, runErr)
	}
	v.Frames = w.Frames()
	if err := w.Close(); err != nil {
		return Variant{}, fmt.Errorf("pipeline: data: variant %d: %w", s.Index, err)
	}
	v.WallS = time.Since(start).Seconds()
	log.Info("pipeline: data: variant done", "variant", s.Index, "frames", v.Frames, "wall_s", v.WallS)
	return v, nil
}

// completeTrajectory reports whether path is a finished trajectory of the
// given parameter values with want frames, and its frame count.
func completeTrajectory(path string, values map[string]float64, want int) (int, bool) {
	if _, err := os.Stat(path); err != nil {
		return 0, false
	}
	r, err := trajectory.Open(path)
	if err != nil {
		return 0, false
	}
	defer r.Close()
	if r.Path() != path || r.Len() != want {
		return r.Len(), false
	}
	meta := r.Meta()
	for name, x := range values {
		y, ok := meta.Parameters[name]
		if !ok || math.Abs(x-y) > 1e-12*math.Max(1, math.Abs(x)) {
			return r.Len(), false
		}
	}
	return r.Len(), true
}

// ReadData returns the variants that GenerateData recorded in
// DIR/data.json, for training on existing data without sampling again.
func ReadData(dir string) ([]Variant, error) {
	path := filepath.Join(dir, "data.json")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w; run GenerateData (neusim train) to create the data first", err)
	}
	var m dataManifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("pipeline: %s: %w", path, err)
	}
	for _, v := range m.Variants {
		if _, err := os.Stat(v.Path); err != nil {
			return nil, fmt.Errorf("pipeline: %s lists variant %d: %w", path, v.Index, err)
		}
	}
	return m.Variants, nil
}
