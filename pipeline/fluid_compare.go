package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"image/color"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/internal/atomicfile"
	"github.com/neusim/neusim/mesh"
	"github.com/neusim/neusim/solvers/lbm"
)

// FluidCompareOptions controls CompareFluid. The zero value is usable.
type FluidCompareOptions struct {
	Workers int          // goroutines of each run; zero means GOMAXPROCS
	Logger  *slog.Logger // nil discards
	// AllowExtrapolation accepts parameter values outside the case's
	// ranges, as cases.Options does.
	AllowExtrapolation bool
	// SteadyTolerance, MemoryWindow and MemoryBurnIn are the surrogate's
	// FluidSolverOptions.
	SteadyTolerance            float64
	MemoryWindow, MemoryBurnIn int
}

// Profile is a velocity component along a line through the domain.
type Profile struct {
	Position  []float64 `json:"position_m"`        // coordinate along the line, m
	LBM       []float64 `json:"lbm_m_per_s"`       // m/s
	Surrogate []float64 `json:"surrogate_m_per_s"` // m/s
}

// FluidCompareReport is the result of CompareFluid. Every error is a
// relative L2 error ‖u_surrogate − u_LBM‖₂ / ‖u_LBM‖₂. The domain error
// sums over the x and y velocity of every fluid node. The centreline
// errors sum over the x velocity along the vertical centreline and the y
// velocity along the horizontal one (see Centrelines).
type FluidCompareReport struct {
	Case   string             `json:"case"`
	Set    []string           `json:"set,omitempty"`
	Values map[string]float64 `json:"values"`
	Model  string             `json:"model"`
	// Outside lists the parameters whose value lies outside the range
	// the model was trained on, each as "NAME=VALUE (trained MIN to MAX)".
	Outside   []string `json:"outside_trained_range,omitempty"`
	GridNodes [3]int   `json:"grid_nodes"`
	StepS     float64  `json:"surrogate_step_s"` // surrogate time step, s
	LBMStepS  float64  `json:"lbm_step_s"`       // lattice time step, s

	LBMTime       float64 `json:"lbm_time_s"` // simulated time where LBM stopped (steady or the duration), s
	LBMSteps      int64   `json:"lbm_steps"`
	SurrogateTime float64 `json:"surrogate_time_s"` // simulated time where the surrogate stopped, s
	SurrogateStep int     `json:"surrogate_steps"`
	Steady        bool    `json:"surrogate_steady"` // the surrogate stopped at its steady-state test

	// Errors of the last frames of both runs, the steady state when both
	// reached it.
	CentrelineUError float64 `json:"centreline_u_error"`
	CentrelineVError float64 `json:"centreline_v_error"`
	DomainError      float64 `json:"domain_error"`
	// Interpolation errors of the last LBM frame restricted to the
	// super-nodes and interpolated back: the floor of the surrogate's
	// errors that the grouping sets, with the same definitions.
	InterpolationUError      float64 `json:"interpolation_centreline_u_error"`
	InterpolationVError      float64 `json:"interpolation_centreline_v_error"`
	InterpolationDomainError float64 `json:"interpolation_domain_error"`
	// Error series against time; past its last frame LBM is held at it.
	DomainErrorT      Series `json:"domain_error_series"`
	CentrelineUErrorT Series `json:"centreline_u_error_series"`
	CentrelineVErrorT Series `json:"centreline_v_error_series"`

	CentrelineU Profile `json:"centreline_u"` // u against y on the vertical centreline, last frames
	CentrelineV Profile `json:"centreline_v"` // v against x on the horizontal centreline, last frames

	WallTimeLBM       float64 `json:"wall_time_lbm_s"`
	WallTimeSurrogate float64 `json:"wall_time_surrogate_s"`
	Speedup           float64 `json:"speedup"` // WallTimeLBM / WallTimeSurrogate
}

// fluidRecord keeps the velocity frames of one run.
type fluidRecord struct {
	time []float64
	vel  [][]float64 // 3 per node, m/s
}

func (r *fluidRecord) sink() lbm.FieldSink {
	return lbm.FieldSinkFunc(func(_ int64, t float64, f []mesh.Field) error {
		r.time = append(r.time, t)
		r.vel = append(r.vel, append([]float64(nil), f[0].Data...))
		return nil
	})
}

// CompareFluid runs LBM and the fluid surrogate of modelPath on the
// variant set of caseName, on the case's grid, from time 0 to the steady
// state or the case's duration. It writes outDir/report.md,
// outDir/report.json and PNG plots and returns the report.
func CompareFluid(ctx context.Context, caseName string, set []string, modelPath, outDir string, opt FluidCompareOptions) (*FluidCompareReport, error) {
	log, c, err := compareSetup(caseName, set, opt.AllowExtrapolation, opt.Logger, &opt.Workers)
	if err != nil {
		return nil, err
	}
	sur, err := NewFluidSolver(modelPath, FluidSolverOptions{Workers: opt.Workers, Logger: log, SteadyTolerance: opt.SteadyTolerance,
		MemoryWindow: opt.MemoryWindow, MemoryBurnIn: opt.MemoryBurnIn})
	if err != nil {
		return nil, err
	}
	defer sur.Close()
	cfg, err := sur.checkCase(c, false)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, fmt.Errorf("pipeline: compare: %w", err)
	}

	// LBM writes a frame at every surrogate step, so the frames match.
	dt := sur.meta.Settings.Dt
	cfg.OutputInterval = dt
	var l, s fluidRecord
	log.Info("pipeline: compare: running LBM", "case", c.Name, "values", FormatValues(c.Values), "nodes", cfg.Grid.Len())
	start := time.Now()
	var lbmSteps int64
	lsink := l.sink()
	if err := lbm.Run(ctx, cfg, lbm.FieldSinkFunc(func(step int64, t float64, f []mesh.Field) error {
		lbmSteps = step
		return lsink.WriteFields(step, t, f)
	}), nil); err != nil {
		return nil, fmt.Errorf("pipeline: compare: LBM: %w", err)
	}
	lbmWall := time.Since(start).Seconds()
	log.Info("pipeline: compare: running the fluid surrogate", "model", modelPath)
	start = time.Now()
	if err := sur.Run(ctx, c, s.sink(), nil); err != nil {
		return nil, fmt.Errorf("pipeline: compare: surrogate: %w", err)
	}
	surWall := time.Since(start).Seconds()

	rep := compareFluidRecords(cfg.Grid, &l, &s)
	if err := rep.interpolationFloor(cfg.Grid, c, sur.meta, l.vel[len(l.vel)-1]); err != nil {
		return nil, err
	}
	rep.Case, rep.Set, rep.Values, rep.Model = c.Name, set, c.Values, modelPath
	for _, name := range sur.meta.outsideTrained(c.Values) {
		r := sur.meta.ParamRanges[name]
		rep.Outside = append(rep.Outside, fmt.Sprintf("%s=%g (trained %g to %g)", name, c.Values[name], r[0], r[1]))
	}
	rep.GridNodes, rep.StepS, rep.LBMStepS = cfg.Grid.Dims, dt, cfg.TimeStep
	rep.LBMTime, rep.LBMSteps = l.time[len(l.time)-1], lbmSteps
	st := sur.LastRun()
	rep.SurrogateTime, rep.SurrogateStep, rep.Steady = st.Time, st.Steps, st.Steady
	rep.WallTimeLBM, rep.WallTimeSurrogate = lbmWall, surWall
	rep.Speedup = lbmWall / surWall
	if err := writeFluidReport(rep, outDir); err != nil {
		return nil, err
	}
	return rep, nil
}

// compareFluidRecords computes the errors of the surrogate frames s
// against the LBM frames l on grid g. A surrogate frame is matched with
// the LBM frame of the same time, or with LBM's last frame once LBM has
// stopped.
func compareFluidRecords(g *mesh.Grid, l, s *fluidRecord) *FluidCompareReport {
	rep := &FluidCompareReport{}
	j := 0
	for i, t := range s.time {
		for j+1 < len(l.time) && l.time[j+1] <= t+1e-9 {
			j++
		}
		d, ok := relativeL2(s.vel[i], l.vel[j], domainComponents(g))
		if !ok {
			continue // the LBM field is zero, as at time 0
		}
		rep.DomainErrorT.Time = append(rep.DomainErrorT.Time, t)
		rep.DomainErrorT.Value = append(rep.DomainErrorT.Value, d)
		cu, cv := centrelineProfiles(g, l.vel[j], s.vel[i])
		if e, ok := relativeL2(cu.Surrogate, cu.LBM, nil); ok {
			rep.CentrelineUErrorT.Time = append(rep.CentrelineUErrorT.Time, t)
			rep.CentrelineUErrorT.Value = append(rep.CentrelineUErrorT.Value, e)
		}
		if e, ok := relativeL2(cv.Surrogate, cv.LBM, nil); ok {
			rep.CentrelineVErrorT.Time = append(rep.CentrelineVErrorT.Time, t)
			rep.CentrelineVErrorT.Value = append(rep.CentrelineVErrorT.Value, e)
		}
	}
	last, lastL := s.vel[len(s.vel)-1], l.vel[len(l.vel)-1]
	rep.CentrelineU, rep.CentrelineV = centrelineProfiles(g, lastL, last)
	rep.DomainError, _ = relativeL2(last, lastL, domainComponents(g))
	rep.CentrelineUError, _ = relativeL2(rep.CentrelineU.Surrogate, rep.CentrelineU.LBM, nil)
	rep.CentrelineVError, _ = relativeL2(rep.CentrelineV.Surrogate, rep.CentrelineV.LBM, nil)
	return rep
}

// interpolationFloor sets the interpolation errors of the LBM field vel
// (3 per node, m/s) on the super-nodes of meta's settings.
func (rep *FluidCompareReport) interpolationFloor(g *mesh.Grid, c *cases.Case, meta FluidMeta, vel []float64) error {
	fg, err := newFluidGraph(g, c.Fluid.Faces, meta.Settings.Target, meta.Speed, meta.Length)
	if err != nil {
		return fmt.Errorf("pipeline: compare: %w", err)
	}
	back := make([]float64, len(vel))
	fg.prolong(fg.restrict(vel, meta.Speed), meta.Speed, back)
	rep.InterpolationDomainError, _ = relativeL2(back, vel, domainComponents(g))
	u, v := centrelineProfiles(g, vel, back)
	rep.InterpolationUError, _ = relativeL2(u.Surrogate, u.LBM, nil)
	rep.InterpolationVError, _ = relativeL2(v.Surrogate, v.LBM, nil)
	return nil
}

// domainComponents returns the mask of the x and y velocity components
// of the fluid nodes of g, in the layout of a 3-component field.
func domainComponents(g *mesh.Grid) []bool {
	mask := make([]bool, 3*g.Len())
	for n := 0; n < g.Len(); n++ {
		if !g.IsSolid(n) {
			mask[3*n], mask[3*n+1] = true, true
		}
	}
	return mask
}

// relativeL2 returns ‖a − b‖₂ / ‖b‖₂ over the entries where mask is true
// (all entries for a nil mask), and false when b is zero there.
func relativeL2(a, b []float64, mask []bool) (float64, bool) {
	var num, den float64
	for i := range b {
		if mask != nil && !mask[i] {
			continue
		}
		num += (a[i] - b[i]) * (a[i] - b[i])
		den += b[i] * b[i]
	}
	if den == 0 {
		return 0, false
	}
	return math.Sqrt(num / den), true
}

// CentrelineProfile is one velocity component along a centreline of a
// 2D grid's box.
type CentrelineProfile struct {
	Position []float64 `json:"position_m"`       // coordinate along the line, m
	Velocity []float64 `json:"velocity_m_per_s"` // m/s
}

// Centrelines returns the x velocity along the vertical line through the
// centre of the box of the 2D grid g, against y, and the y velocity along
// the horizontal line, against x, of the field vel (3 per node, m/s).
// Between two grid columns or rows the values are interpolated linearly.
// These are the profiles of Ghia, Ghia and Shin (1982) for the
// lid-driven cavity.
func Centrelines(g *mesh.Grid, vel []float64) (u, v CentrelineProfile) {
	lo, hi := g.Extent()
	i0, wi := centreIndex(lo.X, hi.X, g.Spacing, g.Dims[0])
	j0, wj := centreIndex(lo.Y, hi.Y, g.Spacing, g.Dims[1])
	i1, j1 := min(i0+1, g.Dims[0]-1), min(j0+1, g.Dims[1]-1)
	at := func(i, j, comp int) float64 { return vel[3*g.Index(i, j, 0)+comp] }
	for j := 0; j < g.Dims[1]; j++ {
		u.Position = append(u.Position, g.Point(0, j, 0).Y)
		u.Velocity = append(u.Velocity, (1-wi)*at(i0, j, 0)+wi*at(i1, j, 0))
	}
	for i := 0; i < g.Dims[0]; i++ {
		v.Position = append(v.Position, g.Point(i, 0, 0).X)
		v.Velocity = append(v.Velocity, (1-wj)*at(i, j0, 1)+wj*at(i, j1, 1))
	}
	return u, v
}

// centrelineProfiles returns the centreline profiles (see Centrelines)
// of the LBM field l and the surrogate field s.
func centrelineProfiles(g *mesh.Grid, l, s []float64) (u, v Profile) {
	lu, lv := Centrelines(g, l)
	su, sv := Centrelines(g, s)
	return Profile{lu.Position, lu.Velocity, su.Velocity}, Profile{lv.Position, lv.Velocity, sv.Velocity}
}

// centreIndex returns the node index i and weight w such that the centre
// of [lo, hi] lies at (1 − w)·node i + w·node i+1.
func centreIndex(lo, hi, dx float64, n int) (int, float64) {
	x := ((lo+hi)/2 - lo) / dx
	i := min(int(math.Floor(x)), n-1)
	return i, x - float64(i)
}

// writeFluidReport writes report.json, report.md and the plots into dir.
func writeFluidReport(rep *FluidCompareReport, dir string) error {
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
	return writeFluidPlots(rep, dir)
}

// centrelineVColour draws the third curve of the error plot.
var centrelineVColour = color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}

// writeFluidPlots writes the error series and the centreline profiles.
func writeFluidPlots(rep *FluidCompareReport, dir string) error {
	err := savePlot(filepath.Join(dir, "field_error.png"), "Velocity error against LBM", "relative L2 error", []line{
		{"domain", rep.DomainErrorT, surrogateColour},
		{"u on the vertical centreline", rep.CentrelineUErrorT, demColour},
		{"v on the horizontal centreline", rep.CentrelineVErrorT, centrelineVColour}})
	if err != nil {
		return err
	}
	profile := func(p Profile, file, title, xlabel, ylabel string) error {
		return savePlotAxes(filepath.Join(dir, file), title, xlabel, ylabel, []line{
			{"LBM", Series{p.Position, p.LBM}, demColour},
			{"surrogate", Series{p.Position, p.Surrogate}, surrogateColour}})
	}
	if err := profile(rep.CentrelineU, "centreline_u.png", "x velocity on the vertical centreline", "y (m)", "u (m/s)"); err != nil {
		return err
	}
	return profile(rep.CentrelineV, "centreline_v.png", "y velocity on the horizontal centreline", "x (m)", "v (m/s)")
}

// Markdown returns the report as a Markdown page.
func (rep *FluidCompareReport) Markdown() string {
	pct := func(x float64) string { return fmt.Sprintf("%.2f %%", 100*x) }
	s := fmt.Sprintf("# Fluid surrogate against LBM: %s\n\n", rep.Case)
	s += fmt.Sprintf("Parameters: %s. Model: `%s`. Grid %d x %d nodes; LBM step %.4g s, surrogate step %.4g s.\n\n",
		FormatValues(rep.Values), rep.Model, rep.GridNodes[0], rep.GridNodes[1], rep.LBMStepS, rep.StepS)
	if len(rep.Outside) > 0 {
		s += fmt.Sprintf("**Outside the trained range:** %s. The model extrapolates here; expect larger errors than inside the range.\n\n",
			strings.Join(rep.Outside, ", "))
	}
	steady := "the duration"
	if rep.Steady {
		steady = "its steady-state test"
	}
	s += fmt.Sprintf("LBM ran %d steps to %.4g s (its steady state or the duration); the surrogate ran %d steps to %.4g s and stopped at %s.\n\n",
		rep.LBMSteps, rep.LBMTime, rep.SurrogateStep, rep.SurrogateTime, steady)
	s += "Relative L2 error of the velocity at the last frames, and of the LBM field restricted to the super-nodes and interpolated back (the floor the grouping sets):\n\n"
	s += "| quantity | surrogate | interpolation floor |\n|---|---|---|\n"
	s += fmt.Sprintf("| u on the vertical centreline | %s | %s |\n", pct(rep.CentrelineUError), pct(rep.InterpolationUError))
	s += fmt.Sprintf("| v on the horizontal centreline | %s | %s |\n", pct(rep.CentrelineVError), pct(rep.InterpolationVError))
	s += fmt.Sprintf("| velocity over the domain | %s | %s |\n", pct(rep.DomainError), pct(rep.InterpolationDomainError))
	s += fmt.Sprintf("\nWall time: LBM %.2f s, surrogate %.2f s, speed-up %.2f.\n", rep.WallTimeLBM, rep.WallTimeSurrogate, rep.Speedup)
	s += "\n![field error](field_error.png)\n![centreline u](centreline_u.png)\n![centreline v](centreline_v.png)\n"
	return s
}
