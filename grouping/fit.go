package grouping

import (
	"fmt"
	"log/slog"
	"math"
	"slices"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/particles"
)

// Settings controls how particles are grouped. The zero value is usable:
// each field states its default.
type Settings struct {
	// TargetSize is the mean number of particles per entity, the
	// compression. Entity sizes range from a quarter to four times it.
	// Zero means 32.
	TargetSize int

	// CoherenceWeight weighs motion against position when particles are
	// grouped: a velocity difference of one RMS velocity deviation counts
	// as much as a distance of CoherenceWeight entity lengths. Zero means
	// 1, a negative value means 0 (position only).
	CoherenceWeight float64

	// Window is the number of frames a grouping is fitted to. Zero means 8.
	Window int

	// Seed breaks exact ties when a part is split at its median.
	Seed uint64
}

// Default values of Settings.
const (
	DefaultTargetSize      = 32
	DefaultCoherenceWeight = 1.0
	DefaultWindow          = 8
)

// withDefaults returns s with zero fields replaced by their defaults.
func (s Settings) withDefaults() Settings {
	if s.TargetSize == 0 {
		s.TargetSize = DefaultTargetSize
	}
	switch {
	case s.CoherenceWeight == 0:
		s.CoherenceWeight = DefaultCoherenceWeight
	case s.CoherenceWeight < 0:
		s.CoherenceWeight = 0
	}
	if s.Window == 0 {
		s.Window = DefaultWindow
	}
	return s
}

func (s Settings) validate() error {
	if s.TargetSize < 1 {
		return fmt.Errorf("grouping: TargetSize is %d; use a positive number of particles per entity", s.TargetSize)
	}
	if s.Window < 1 {
		return fmt.Errorf("grouping: Window is %d; use a positive number of frames", s.Window)
	}
	if math.IsNaN(s.CoherenceWeight) || math.IsInf(s.CoherenceWeight, 0) {
		return fmt.Errorf("grouping: CoherenceWeight is %g; use a finite number", s.CoherenceWeight)
	}
	return nil
}

// DefaultWeights are the coherence weights Fit tries when FitOptions
// lists none.
var DefaultWeights = []float64{-1, 0.5, 1, 2, 4, 8, 16, 32}

// DefaultMaxElongation is the mean entity elongation (see Report) above
// which Fit passes over a candidate weight. Strong coherence weights lower
// the reconstruction error a little further, but they group particles of
// equal velocity that lie apart. The bound keeps entities compact, so that
// neighbour graphs and wall distances stay local. It is a judgement, not a
// fitted value.
const DefaultMaxElongation = 2.5

// FitOptions controls Fit.
type FitOptions struct {
	Settings Settings // TargetSize is replaced by Fit's target; Window and Seed are used

	// Weights are the candidate coherence weights, each with the meaning
	// of Settings.CoherenceWeight (negative for position only). Nil means
	// DefaultWeights.
	Weights []float64

	// MaxElongation is the largest mean entity elongation (see Report)
	// a chosen grouping may have; when no candidate satisfies it, the
	// least elongated one is chosen. Zero means DefaultMaxElongation,
	// a negative value means no bound.
	MaxElongation float64

	// Workers is the number of goroutines, zero meaning GOMAXPROCS.
	// Results do not depend on it. Up to Workers candidate fits run at
	// once, each with working arrays of roughly 120 bytes per particle.
	Workers int
	Logger  *slog.Logger // nil discards
}

// Candidate is the result of one coherence weight tried by Fit.
type Candidate struct {
	CoherenceWeight float64
	Entities        int
	PosRMS          float64 // m
	VelRMS          float64 // m/s
	Objective       float64 // (PosRMS/MeanDiameter)^2 + (VelRMS/SpeedRMS)^2
	Elongation      float64 // mean, as in Report
}

// Report describes a fitted grouping and its reconstruction error.
//
// Errors are mass-weighted RMS residuals of the best affine
// reconstruction. Positions in frame t are reconstructed from the first
// frame of the window as c(t) + F(t)(X - C) with each entity's
// least-squares deformation F(t), so the position error grows with the
// window length as non-affine motion accumulates. Velocities in frame t
// are reconstructed as v(t) + L(t)(x - c(t)) with the restricted gradient.
type Report struct {
	Settings    Settings // settings of the chosen grouping
	Particles   int      // particles of the first frame, all grouped
	Entities    int
	Compression float64 // particles per entity
	Frames      int     // frames in the window

	MeanDiameter float64 // mass-weighted mean particle diameter, m
	SpeedRMS     float64 // mass-weighted RMS particle speed, m/s

	PosRMS      float64   // over all frames, m
	VelRMS      float64   // over all frames, m/s
	PosRMSFrame []float64 // per frame, m
	VelRMSFrame []float64 // per frame, m/s
	Objective   float64   // (PosRMS/MeanDiameter)^2 + (VelRMS/SpeedRMS)^2

	// Elongation and MaxElongation are the mean and the largest ratio
	// over the entities in the first frame. The ratio divides an entity's
	// RMS member distance from the centre along its longest axis by that
	// of a ball of the same members at a solid fraction of 0.6. A compact
	// entity is near 1 or below, and a long or spatially split one is
	// well above.
	Elongation    float64
	MaxElongation float64

	Candidates []Candidate // every weight tried, in the order tried
}

// Fit groups the particles of the first frame of frames into about
// len/target entities and chooses the coherence weight among
// opt.Weights by the smallest reconstruction error over the first
// opt.Settings.Window frames, among groupings no more elongated than
// opt.MaxElongation. Particles inserted after the first frame
// are not grouped. The result is the same for every worker count.
func Fit(frames []*particles.Frame, target int, opt FitOptions) (*Grouping, Report, error) {
	s := opt.Settings
	s.TargetSize = target
	if target == 0 {
		s.TargetSize = opt.Settings.TargetSize
	}
	s = s.withDefaults()
	if err := s.validate(); err != nil {
		return nil, Report{}, err
	}
	weights := opt.Weights
	if weights == nil {
		weights = DefaultWeights
	}
	w, err := newWindow(frames[:min(len(frames), s.Window)])
	if err != nil {
		return nil, Report{}, err
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}

	bound := opt.MaxElongation
	switch {
	case bound == 0:
		bound = DefaultMaxElongation
	case bound < 0:
		bound = math.Inf(1)
	}

	// Candidates are independent fits, run concurrently and then compared
	// in list order, so the choice does not depend on the worker count.
	type result struct {
		g   *Grouping
		rep Report
		err error
	}
	results := make([]result, len(weights))
	parallelForGrain(len(weights), opt.Workers, 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			ts := s
			ts.CoherenceWeight = weights[i]
			results[i].g, results[i].rep, results[i].err = fitWindow(w, ts.withDefaults(), opt.Workers)
		}
	})

	var best, compact *Grouping
	var bestRep, compactRep Report
	var cands []Candidate
	for _, r := range results {
		g, rep, err := r.g, r.rep, r.err
		if err != nil {
			return nil, Report{}, err
		}
		c := Candidate{CoherenceWeight: rep.Settings.CoherenceWeight, Entities: rep.Entities,
			PosRMS: rep.PosRMS, VelRMS: rep.VelRMS, Objective: rep.Objective, Elongation: rep.Elongation}
		cands = append(cands, c)
		log.Debug("grouping candidate", "weight", c.CoherenceWeight, "entities", c.Entities,
			"pos_rms_m", c.PosRMS, "vel_rms_m_per_s", c.VelRMS, "objective", c.Objective, "elongation", c.Elongation)
		if rep.Elongation <= bound && (best == nil || rep.Objective < bestRep.Objective) {
			best, bestRep = g, rep
		}
		if compact == nil || rep.Elongation < compactRep.Elongation {
			compact, compactRep = g, rep
		}
	}
	if best == nil {
		log.Warn("no grouping candidate is compact enough; using the least elongated",
			"max_elongation", bound, "elongation", compactRep.Elongation)
		best, bestRep = compact, compactRep
	}
	bestRep.Candidates = cands
	return best, bestRep, nil
}

// FitSettings groups the particles of the first frame of frames with the
// given settings, without a search, over the first s.Window frames.
func FitSettings(frames []*particles.Frame, s Settings, workers int) (*Grouping, Report, error) {
	s = s.withDefaults()
	if err := s.validate(); err != nil {
		return nil, Report{}, err
	}
	w, err := newWindow(frames[:min(len(frames), s.Window)])
	if err != nil {
		return nil, Report{}, err
	}
	return fitWindow(w, s, workers)
}

func fitWindow(w *window, s Settings, workers int) (*Grouping, Report, error) {
	n := w.n()
	count := max(1, (n+s.TargetSize/2)/s.TargetSize)
	minSize := max(1, s.TargetSize/sizeRange)
	maxSize := s.TargetSize * sizeRange
	length := w.diameter * math.Cbrt(float64(s.TargetSize))

	b := newBisector(w, length, s.CoherenceWeight, s.Seed, workers)
	leaves := b.build(count, minSize, maxSize)
	slices.SortFunc(leaves, func(a, c leaf) int { return a.lo - c.lo })

	ids := w.frames[0].ID
	g := &Grouping{Start: make([]int32, 0, len(leaves)+1), IDs: make([]int64, 0, n)}
	g.Start = append(g.Start, 0)
	for _, l := range leaves {
		members := make([]int64, 0, l.hi-l.lo)
		for _, i := range b.perm[l.lo:l.hi] {
			members = append(members, ids[i])
		}
		slices.Sort(members)
		g.IDs = append(g.IDs, members...)
		g.Start = append(g.Start, int32(len(g.IDs)))
	}
	if err := g.index(); err != nil {
		return nil, Report{}, fmt.Errorf("grouping: frame at step %d: %w", w.frames[0].Step, err)
	}

	rep := evaluate(w, g, workers)
	rep.Settings = s
	return g, rep, nil
}

// evaluate measures the reconstruction error of g over the window.
func evaluate(w *window, g *Grouping, workers int) Report {
	ref := w.frames[0]
	b := g.Bind(ref)
	t := len(w.frames)
	k := g.Len()

	per := make([]fitError, k*t)
	parallelFor(k, workers, func(lo, hi int) {
		for e := lo; e < hi; e++ {
			w.affineError(b.Members(e), per[e*t:(e+1)*t])
		}
	})

	rep := Report{Particles: ref.Len(), Entities: k, Compression: float64(ref.Len()) / float64(k),
		Frames: t, MeanDiameter: w.diameter, SpeedRMS: w.speed,
		PosRMSFrame: make([]float64, t), VelRMSFrame: make([]float64, t)}
	var sp, sv, sm float64
	for f := 0; f < t; f++ {
		var ep, ev, m float64
		for e := 0; e < k; e++ {
			ep += per[e*t+f].pos
			ev += per[e*t+f].vel
		}
		for i := 0; i < ref.Len(); i++ {
			if w.at(f, i) >= 0 {
				m += ref.Mass[i]
			}
		}
		if m > 0 {
			rep.PosRMSFrame[f] = math.Sqrt(ep / m)
			rep.VelRMSFrame[f] = math.Sqrt(ev / m)
		}
		sp, sv, sm = sp+ep, sv+ev, sm+m
	}
	rep.Elongation, rep.MaxElongation = elongation(ref, b)
	rep.PosRMS = math.Sqrt(sp / sm)
	rep.VelRMS = math.Sqrt(sv / sm)
	rep.Objective = math.Pow(rep.PosRMS/w.diameter, 2)
	if w.speed > 0 {
		rep.Objective += math.Pow(rep.VelRMS/w.speed, 2)
	}
	return rep
}

// elongation returns the mean and maximum over entities of the ratio of
// sqrt(λ), λ the largest eigenvalue of the members' mass-weighted position
// covariance, to sqrt(R²/5), the same for a uniform ball of radius
// R = r (n/0.6)^(1/3) holding the n members of mean radius r.
func elongation(f *particles.Frame, b *Binding) (mean, largest float64) {
	k := b.Grouping.Len()
	if k == 0 {
		return 0, 0
	}
	for e := 0; e < k; e++ {
		idx := b.Members(e)
		var m, r float64
		var c r3.Vec
		for _, i := range idx {
			m += f.Mass[i]
			r += f.Mass[i] * f.Radius[i]
			c = r3.Add(c, r3.Scale(f.Mass[i], f.Pos[i]))
		}
		if m == 0 {
			continue
		}
		c = r3.Scale(1/m, c)
		var s Sym3
		for _, i := range idx {
			s.addOuter(f.Mass[i]/m, r3.Sub(f.Pos[i], c))
		}
		vals, _ := s.Eigen()
		ball := (r / m) * math.Cbrt(float64(len(idx))/compactSolidFraction)
		x := math.Sqrt(max(vals[0], 0) / (ball * ball / 5))
		mean += x
		largest = max(largest, x)
	}
	return mean / float64(k), largest
}
