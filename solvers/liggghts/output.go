package liggghts

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"sync"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
)

// outputWatcher receives LIGGGHTS's screen output. It records the outlet
// checks and the lines needed to explain a failure.
type outputWatcher struct {
	mu      sync.Mutex
	partial []byte
	outlets int
	checks  []outletCheck // in step order, as printed
	errors  []string      // lines that start with ERROR
	tail    []string      // last lines of output
}

// outletCheck is one printed outlet check.
type outletCheck struct {
	step   int64
	outlet int
	count  int64
	mass   float64 // kg
}

func newOutputWatcher(outlets []cases.Outlet) *outputWatcher {
	return &outputWatcher{outlets: len(outlets)}
}

// Write implements io.Writer for the process's stdout and stderr.
func (w *outputWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		w.line(strings.TrimSpace(string(w.partial[:i])))
		w.partial = w.partial[i+1:]
	}
	return len(p), nil
}

func (w *outputWatcher) line(s string) {
	const tailLines = 20
	w.tail = append(w.tail, s)
	if len(w.tail) > tailLines {
		w.tail = w.tail[len(w.tail)-tailLines:]
	}
	if strings.HasPrefix(s, "ERROR") && len(w.errors) < 10 {
		w.errors = append(w.errors, s)
	}
	if check, ok := parseOutletLine(s); ok && check.outlet >= 0 && check.outlet < w.outlets {
		w.checks = append(w.checks, check)
	}
}

// parseOutletLine parses "NEUSIM_OUTLET step outlet count mass".
func parseOutletLine(s string) (outletCheck, bool) {
	fields := strings.Fields(s)
	if len(fields) != 5 || fields[0] != OutletMarker {
		return outletCheck{}, false
	}
	step, err1 := strconv.ParseInt(fields[1], 10, 64)
	outlet, err2 := strconv.Atoi(fields[2])
	count, err3 := strconv.ParseFloat(fields[3], 64)
	mass, err4 := strconv.ParseFloat(fields[4], 64)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		return outletCheck{}, false
	}
	return outletCheck{step: step, outlet: outlet, count: int64(math.Round(count)), mass: mass}, true
}

// reached reports whether an outlet check at or after step was printed.
func (w *outputWatcher) reached(step int64) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.checks) > 0 && w.checks[len(w.checks)-1].step >= step
}

// checkedAt reports whether the outlets were checked at step.
func (w *outputWatcher) checkedAt(step int64) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range w.checks {
		if c.step == step {
			return true
		}
	}
	return false
}

// totals returns the particles and mass in kg removed by each outlet in
// the checks up to and including step.
func (w *outputWatcher) totals(step int64) ([]int64, []float64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	count := make([]int64, w.outlets)
	mass := make([]float64, w.outlets)
	for _, c := range w.checks {
		if c.step <= step {
			count[c.outlet] += c.count
			mass[c.outlet] += c.mass
		}
	}
	return count, mass
}

// failure returns the ERROR lines, or the last lines of output when there
// are none.
func (w *outputWatcher) failure() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.errors) > 0 {
		return strings.Join(w.errors, "; ")
	}
	return "last output: " + strings.Join(w.tail, " | ")
}

// insideRegion reports whether p lies inside region r.
func insideRegion(r cases.Region, p r3.Vec) bool {
	switch r.Type {
	case cases.RegionBox:
		return p.X >= r.Min.X && p.X <= r.Max.X && p.Y >= r.Min.Y && p.Y <= r.Max.Y && p.Z >= r.Min.Z && p.Z <= r.Max.Z
	case cases.RegionCylinder:
		d := r3.Sub(p, r.Base)
		h := r3.Dot(d, r.Axis)
		if h < 0 || h > r.Length {
			return false
		}
		radial := r3.Sub(d, r3.Scale(h, r.Axis))
		return r3.Norm(radial) <= r.Radius
	}
	return false
}
