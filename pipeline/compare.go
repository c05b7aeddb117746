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
	"strings"
	"time"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/fields"
	"github.com/neusim/neusim/internal/atomicfile"
	"github.com/neusim/neusim/mesh"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
	"github.com/neusim/neusim/solvers/dem"
	"github.com/neusim/neusim/validate"
)

// CompareOptions controls Compare. The zero value is usable.
type CompareOptions struct {
	Workers int          // goroutines of each run; zero means GOMAXPROCS
	Device  string       // backend of the surrogate, as in SolverOptions.Device
	Logger  *slog.Logger // nil discards
	Turns   int          // turns about gravity per prediction, as in SolverOptions.Turns

	// AllowExtrapolation accepts parameter values outside the case's
	// ranges, as cases.Options does.
	AllowExtrapolation bool

	// Duration, when positive, replaces the case's simulated duration, s,
	// for example to let a slow variant empty so that its discharge time
	// exists.
	Duration float64

	// GridSpacing is the spacing of the solid-fraction grid, m; default 4
	// mean particle diameters. The Gaussian coarse-graining width is the
	// same.
	GridSpacing float64
}

// Series is one quantity of a run against time.
type Series struct {
	Time  []float64 `json:"time"` // s
	Value []float64 `json:"value"`
}

// CompareReport is the result of Compare. Relative errors are
// |surrogate - DEM| / |DEM|; an error whose DEM or surrogate value does
// not exist (a hopper that does not empty within the run has no
// discharge time) is null in JSON.
type CompareReport struct {
	Case   string             `json:"case"`
	Set    []string           `json:"set,omitempty"`
	Values map[string]float64 `json:"values"`
	Model  string             `json:"model"`

	HandoverS float64 `json:"handover_s"` // time the surrogate took over from DEM
	Turns     int     `json:"turns"`      // turns about gravity each prediction averaged over
	Models    int     `json:"models"`     // ensemble models each prediction averaged over

	MassFlowRateDEM       *float64 `json:"mass_flow_rate_dem"`       // kg/s
	MassFlowRateSurrogate *float64 `json:"mass_flow_rate_surrogate"` // kg/s
	MassFlowRateError     *float64 `json:"mass_flow_rate_error"`

	DischargeTimeDEM       *float64 `json:"discharge_time_dem"`       // s
	DischargeTimeSurrogate *float64 `json:"discharge_time_surrogate"` // s
	DischargeTimeError     *float64 `json:"discharge_time_error"`

	// FieldError is the mean over the frames from the handover on of the
	// L2 error of the coarse-grained solid fraction over the grid nodes,
	// ‖φ_surrogate − φ_DEM‖₂ / ‖φ_DEM(handover)‖₂. The scale is the DEM
	// field at the handover, not at each frame, so that the error stays
	// finite as the hopper empties.
	FieldError    *float64 `json:"field_error"`
	GridSpacing   float64  `json:"grid_spacing_m"`
	FieldErrorT   Series   `json:"field_error_series"`
	PositionError Series   `json:"position_error_series"` // RMS distance of common particles, in mean diameters

	DischargedDEM       Series `json:"discharged_mass_dem"`       // kg
	DischargedSurrogate Series `json:"discharged_mass_surrogate"` // kg
	KineticDEM          Series `json:"kinetic_energy_dem"`        // J
	KineticSurrogate    Series `json:"kinetic_energy_surrogate"`  // J

	WallTimeDEM       float64 `json:"wall_time_dem_s"`
	WallTimeSurrogate float64 `json:"wall_time_surrogate_s"`
	Speedup           float64 `json:"speedup"` // WallTimeDEM / WallTimeSurrogate
	// PhaseSpeedup compares only the part after the handover: DEM's wall
	// time from the handover frame to the end against the surrogate's.
	PhaseSpeedup  float64 `json:"speedup_after_handover"`
	LostParticles int     `json:"lost_particles"` // surrogate particles that left the domain other than through an outlet

	// Warnings lists the values that may mislead, such as a flow rate taken
	// while the run had not finished discharging.
	Warnings []string `json:"warnings,omitempty"`
}

// runRecord keeps what Compare needs from one run.
type runRecord struct {
	time, discharged, kinetic []float64
	fields                    [][]float64 // solid fraction per frame
	ids                       [][]int64
	pos                       [][]r3.Vec
	wall                      []float64 // wall time at each frame, s
	initialMass               float64
}

// recorder returns a sink that records a run on grid g.
func (rec *runRecord) sink(g *mesh.Grid, opt fields.Options, start time.Time) solvers.Sink {
	return solvers.SinkFunc(func(f *particles.Frame) error {
		var out float64
		for _, m := range f.OutletMass {
			out += m
		}
		if len(rec.time) == 0 {
			for _, m := range f.Mass {
				rec.initialMass += m
			}
		}
		res, err := fields.CoarseGrain(f, g, opt)
		if err != nil {
			return err
		}
		rec.time = append(rec.time, f.Time)
		rec.discharged = append(rec.discharged, out)
		rec.kinetic = append(rec.kinetic, validate.KineticEnergy(f))
		rec.fields = append(rec.fields, append([]float64(nil), res.SolidFraction.Data...))
		rec.ids = append(rec.ids, append([]int64(nil), f.ID...))
		rec.pos = append(rec.pos, append([]r3.Vec(nil), f.Pos...))
		rec.wall = append(rec.wall, time.Since(start).Seconds())
		return nil
	})
}

// Compare runs DEM and the surrogate of modelPath on the variant set of
// caseName, writes outDir/report.md, outDir/report.json and PNG plots, and
// returns the report.
func Compare(ctx context.Context, caseName string, set []string, modelPath, outDir string, opt CompareOptions) (*CompareReport, error) {
	log, c, err := compareSetup(caseName, set, opt.AllowExtrapolation, opt.Logger, &opt.Workers)
	if err != nil {
		return nil, err
	}
	if opt.Duration > 0 {
		c.Solver.Duration = opt.Duration
	}
	sur, err := NewSolver(modelPath, SolverOptions{Workers: opt.Workers, Device: opt.Device, Logger: log, Turns: opt.Turns})
	if err != nil {
		return nil, err
	}
	defer sur.Close()
	if err := sur.CheckCase(c); err != nil {
		return nil, err
	}
	meta := sur.Metadata()
	// Both runs are DEM until the handover, so a shorter run compares DEM
	// with itself.
	// Both runs write their frames at the same times.
	sur.FitOutputInterval(c)
	WarnUnwrittenEnd(log, c)
	if h := sur.handoverTime(c); c.Solver.Duration <= h {
		return nil, fmt.Errorf("pipeline: compare: the run lasts %g s, but the surrogate takes over from DEM only at %g s (the last wall removal plus the model's handover delay); use a duration of at least %g s",
			c.Solver.Duration, h, h+10*meta.Training.Dt)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, fmt.Errorf("pipeline: compare: %w", err)
	}

	// The grid covers the domain; its spacing defaults to 4 diameters.
	spacing := opt.GridSpacing
	if spacing <= 0 {
		spacing = 8 * meanInsertedRadius(c)
	}
	g, err := fields.LatticeGrid(c.Domain.Min, c.Domain.Max, spacing)
	if err != nil {
		return nil, fmt.Errorf("pipeline: compare: %w", err)
	}
	fopt := fields.Options{Kernel: fields.Gaussian, Width: spacing, Workers: opt.Workers}

	var d, s runRecord
	log.Info("pipeline: compare: running DEM", "case", c.Name, "values", FormatValues(c.Values))
	start := time.Now()
	if err := dem.New(dem.Options{Workers: opt.Workers, Logger: log}).Run(ctx, c, d.sink(g, fopt, start), nil); err != nil {
		return nil, fmt.Errorf("pipeline: compare: DEM: %w", err)
	}
	demWall := time.Since(start).Seconds()
	log.Info("pipeline: compare: running the surrogate", "model", modelPath)
	start = time.Now()
	if err := sur.Run(ctx, c, s.sink(g, fopt, start), nil); err != nil {
		return nil, fmt.Errorf("pipeline: compare: surrogate: %w", err)
	}
	surWall := time.Since(start).Seconds()
	st := sur.LastRun()

	rep := compareRecords(&d, &s, st.Handover, 2*meanInsertedRadius(c))
	rep.Case, rep.Set, rep.Values, rep.Model, rep.Turns, rep.Models = c.Name, set, c.Values, modelPath, st.Turns, st.Models
	rep.GridSpacing = spacing
	rep.WallTimeDEM, rep.WallTimeSurrogate = demWall, surWall
	rep.Speedup = demWall / surWall
	if k := frameAt(d.time, st.Handover); k >= 0 {
		rep.PhaseSpeedup = (demWall - d.wall[k]) / (surWall - st.DEMWallS)
	}
	rep.LostParticles = st.Lost
	if err := writeReport(rep, outDir); err != nil {
		return nil, err
	}
	return rep, nil
}

// meanInsertedRadius returns the mean of the insertions' mean radii, m.
func meanInsertedRadius(c *cases.Case) float64 {
	var sum float64
	for _, in := range c.Insertions {
		sum += distributionMean(in.Radius)
	}
	return sum / float64(max(len(c.Insertions), 1))
}

// distributionMean returns the mean radius of r, m.
func distributionMean(r cases.RadiusDistribution) float64 {
	switch r.Kind {
	case cases.RadiusConstant:
		return r.Value
	case cases.RadiusUniform:
		return (r.Min + r.Max) / 2
	case cases.RadiusNormal:
		return r.Mean
	}
	var m float64
	for i, v := range r.Values {
		m += v * r.Weights[i]
	}
	return m
}

// frameAt returns the index of the frame at time t, or -1.
func frameAt(times []float64, t float64) int {
	for i, x := range times {
		if math.Abs(x-t) < 1e-9 {
			return i
		}
	}
	return -1
}

// relErr returns |s - d| / |d|, or nil when either value is missing or d
// is zero.
func relErr(d, s *float64) *float64 {
	if d == nil || s == nil || *d == 0 {
		return nil
	}
	e := math.Abs(*s-*d) / math.Abs(*d)
	return &e
}

func value(m map[string]validate.Value, key string) *float64 {
	v, ok := m[key]
	if !ok || math.IsNaN(v.Value) {
		return nil
	}
	x := v.Value
	return &x
}

// compareRecords computes the errors of s against d. Frames are matched by
// index; both runs write the same output times. diameter, m, scales the
// position error.
func compareRecords(d, s *runRecord, handover, diameter float64) *CompareReport {
	rep := &CompareReport{HandoverS: handover}
	fd := validate.FlowSummary(d.time, d.discharged, d.initialMass)
	fs := validate.FlowSummary(s.time, s.discharged, s.initialMass)
	rep.MassFlowRateDEM, rep.MassFlowRateSurrogate = value(fd, "mass_flow_rate"), value(fs, "mass_flow_rate")
	rep.MassFlowRateError = relErr(rep.MassFlowRateDEM, rep.MassFlowRateSurrogate)
	if w := fd["mass_flow_rate"].Warning; w != "" {
		rep.Warnings = append(rep.Warnings, "DEM mass flow rate: "+w)
	}
	if w := fs["mass_flow_rate"].Warning; w != "" {
		rep.Warnings = append(rep.Warnings, "surrogate mass flow rate: "+w)
	}
	rep.DischargeTimeDEM, rep.DischargeTimeSurrogate = value(fd, "discharge_time"), value(fs, "discharge_time")
	rep.DischargeTimeError = relErr(rep.DischargeTimeDEM, rep.DischargeTimeSurrogate)
	rep.DischargedDEM, rep.DischargedSurrogate = Series{d.time, d.discharged}, Series{s.time, s.discharged}
	rep.KineticDEM, rep.KineticSurrogate = Series{d.time, d.kinetic}, Series{s.time, s.kinetic}

	n := min(len(d.time), len(s.time))
	var sum float64
	var count int
	var scale []float64
	for i := 0; i < n; i++ {
		if d.time[i] < handover-1e-9 {
			continue
		}
		if scale == nil && i < len(d.fields) {
			scale = d.fields[i]
		}
		if i < len(d.fields) && i < len(s.fields) {
			if e, ok := scaledL2(s.fields[i], d.fields[i], scale); ok {
				rep.FieldErrorT.Time = append(rep.FieldErrorT.Time, d.time[i])
				rep.FieldErrorT.Value = append(rep.FieldErrorT.Value, e)
				sum += e
				count++
			}
		}
		if i < len(d.ids) && i < len(s.ids) {
			if e, ok := positionRMS(d.ids[i], d.pos[i], s.ids[i], s.pos[i]); ok {
				rep.PositionError.Time = append(rep.PositionError.Time, d.time[i])
				rep.PositionError.Value = append(rep.PositionError.Value, e/diameter)
			}
		}
	}
	if count > 0 {
		m := sum / float64(count)
		rep.FieldError = &m
	}
	return rep
}

// scaledL2 returns ‖a − b‖₂ / ‖scale‖₂, false when scale is zero.
func scaledL2(a, b, scale []float64) (float64, bool) {
	var num, den float64
	for i := range b {
		num += (a[i] - b[i]) * (a[i] - b[i])
		den += scale[i] * scale[i]
	}
	if den == 0 {
		return 0, false
	}
	return math.Sqrt(num / den), true
}

// positionRMS returns the RMS distance, m, between the positions of the
// particles present in both frames, matched by id; ids are ascending in
// both. It returns false when no particle is common.
func positionRMS(ida []int64, pa []r3.Vec, idb []int64, pb []r3.Vec) (float64, bool) {
	var sum float64
	var n int
	for i, j := 0, 0; i < len(ida) && j < len(idb); {
		switch {
		case ida[i] < idb[j]:
			i++
		case ida[i] > idb[j]:
			j++
		default:
			d := r3.Sub(pa[i], pb[j])
			sum += r3.Dot(d, d)
			n++
			i++
			j++
		}
	}
	if n == 0 {
		return 0, false
	}
	return math.Sqrt(sum / float64(n)), true
}

// writeReport writes report.json, report.md and the plots into dir.
func writeReport(rep *CompareReport, dir string) error {
	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return fmt.Errorf("pipeline: compare: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, "report.json"), data, 0o644); err != nil {
		return fmt.Errorf("pipeline: compare: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, "report.md"), []byte(rep.Markdown()), 0o644); err != nil {
		return fmt.Errorf("pipeline: compare: %w", err)
	}
	return writePlots(rep, dir)
}

// Markdown returns the report as a Markdown page.
func (rep *CompareReport) Markdown() string {
	f := func(p *float64, format string) string {
		if p == nil {
			return "n/a"
		}
		return fmt.Sprintf(format, *p)
	}
	pct := func(p *float64) string {
		if p == nil {
			return "n/a"
		}
		return fmt.Sprintf("%.1f %%", 100**p)
	}
	s := fmt.Sprintf("# Surrogate against DEM: %s\n\n", rep.Case)
	s += fmt.Sprintf("Parameters: %s. Model: `%s`. The surrogate took over from DEM at %.3g s.", FormatValues(rep.Values), rep.Model, rep.HandoverS)
	if rep.Models > 1 {
		s += fmt.Sprintf(" Each prediction is the mean of an ensemble of %d models.", rep.Models)
	}
	if rep.Turns > 1 {
		s += fmt.Sprintf(" Each prediction is the mean over %d turns of the scene about gravity.", rep.Turns)
	}
	s += "\n\n"
	s += "| quantity | DEM | surrogate | relative error |\n|---|---|---|---|\n"
	s += fmt.Sprintf("| mass flow rate, kg/s | %s | %s | %s |\n", f(rep.MassFlowRateDEM, "%.4g"), f(rep.MassFlowRateSurrogate, "%.4g"), pct(rep.MassFlowRateError))
	s += fmt.Sprintf("| discharge time, s | %s | %s | %s |\n", f(rep.DischargeTimeDEM, "%.4g"), f(rep.DischargeTimeSurrogate, "%.4g"), pct(rep.DischargeTimeError))
	s += fmt.Sprintf("| solid fraction field (mean L2 error after the handover relative to the field at the handover, grid %.3g m) | | | %s |\n", rep.GridSpacing, pct(rep.FieldError))
	s += fmt.Sprintf("\nWall time: DEM %.1f s, surrogate %.1f s (including its DEM phase), speed-up %.2f; after the handover only, speed-up %.2f.\n",
		rep.WallTimeDEM, rep.WallTimeSurrogate, rep.Speedup, rep.PhaseSpeedup)
	if rep.LostParticles > 0 {
		s += fmt.Sprintf("\n%d surrogate particles left the domain other than through the outlet.\n", rep.LostParticles)
	}
	for _, w := range rep.Warnings {
		s += "\n**Warning:** " + w + ".\n"
	}
	s += "\n![discharged mass](discharged_mass.png)\n![mass flow rate](mass_flow_rate.png)\n![kinetic energy](kinetic_energy.png)\n![field error](field_error.png)\n![position error](position_error.png)\n"
	return s
}

// FormatValues lists parameter values as "a = 1, b = 0.3" in name order,
// or "none" when there are none, for reports and logs.
func FormatValues(values map[string]float64) string {
	if len(values) == 0 {
		return "none"
	}
	names := make([]string, 0, len(values))
	for n := range values {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s = %g", n, values[n])
	}
	return strings.Join(parts, ", ")
}

// compareSetup returns the logger of a comparison (discarding when nil),
// sets *workers to GOMAXPROCS when it is not positive, and loads the
// variant of caseName that set describes.
func compareSetup(caseName string, set []string, extrapolate bool, logger *slog.Logger, workers *int) (*slog.Logger, *cases.Case, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if *workers <= 0 {
		*workers = runtime.GOMAXPROCS(0)
	}
	c, err := cases.Load(caseName, cases.Options{Set: set, AllowExtrapolation: extrapolate})
	if err != nil {
		return nil, nil, fmt.Errorf("pipeline: compare: %w", err)
	}
	return logger, c, nil
}
