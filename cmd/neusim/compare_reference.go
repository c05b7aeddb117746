package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/internal/atomicfile"
	"github.com/neusim/neusim/pipeline"
	"github.com/neusim/neusim/solvers"
	"github.com/neusim/neusim/validate"
)

// referenceFlags are the compare flags that compare a solver with a
// reference solver instead of the surrogate with DEM.
func referenceFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{
			Name:  "reference",
			Usage: "compare --solver against this reference solver instead of the surrogate against DEM: liggghts, dem, or a solver plugin; writes report.md and report.json of the case's summary values",
		},
		&cli.StringFlag{
			Name:  "solver",
			Value: "surrogate",
			Usage: "with --reference, the solver compared against the reference: surrogate, dem, liggghts or a solver plugin",
		},
	}, pluginFlags()...)
}

// referenceReport is report.json of compare --reference.
type referenceReport struct {
	Case       string             `json:"case"`
	Source     string             `json:"source"`
	Set        []string           `json:"set,omitempty"`
	Values     map[string]float64 `json:"values"`
	Solver     string             `json:"solver"`
	Reference  string             `json:"reference"`
	DurationS  float64            `json:"duration_s"` // simulated time of both runs
	Quantities []quantityRow      `json:"quantities"`

	WallTimeSolverS    float64 `json:"wall_time_solver_s"`
	WallTimeReferenceS float64 `json:"wall_time_reference_s"`
}

// quantityRow is one summary value of both runs. RelativeDifference is
// |solver - reference| / |reference|, null when the reference is zero or
// either value is missing or not a number.
type quantityRow struct {
	Name               string   `json:"name"` // summary key, such as discharged_mass.mass_flow_rate
	Unit               string   `json:"unit"`
	Solver             *float64 `json:"solver"`
	Reference          *float64 `json:"reference"`
	RelativeDifference *float64 `json:"relative_difference"`
}

// compareWithReference runs --solver and --reference on the same variant
// and writes the comparison of their summary values.
func compareWithReference(c *cli.Context, env *environment) error {
	cs, err := loadCase(c, env)
	if err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	if cs.Fluid != nil {
		return usagef("compare --reference: case %s is a fluid case; --reference compares particle solvers", cs.Name)
	}
	if d := c.Float64("duration"); d > 0 {
		cs.Solver.Duration = d
	}
	solverName, refName := c.String("solver"), c.String("reference")
	out := c.String("out")
	if out == "" {
		out = filepath.Join("out", "compare-"+cs.Name+"-"+strings.ReplaceAll(refName, ":", "-"))
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("compare --out: %w", err)
	}

	rep := &referenceReport{Case: cs.Name, Source: cs.Source, Set: c.StringSlice("set"), Values: cs.Values,
		Solver: solverName, Reference: refName, DurationS: cs.Solver.Duration}
	summaries := make([]map[string]validate.Value, 2)
	for i, name := range []string{solverName, refName} {
		sum, wall, err := runForComparison(c, env, cs, name)
		if err != nil {
			return err
		}
		summaries[i] = sum
		if i == 0 {
			rep.WallTimeSolverS = wall.Seconds()
		} else {
			rep.WallTimeReferenceS = wall.Seconds()
		}
	}
	rep.Quantities = quantityRows(summaries[0], summaries[1])

	if err := writeReferenceReport(rep, out); err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	fmt.Fprint(env.stdout, rep.markdown())
	fmt.Fprintf(env.stdout, "report in %s\n", filepath.Join(out, "report.md"))
	return nil
}

// runForComparison runs the solver called name on cs and returns the
// summary values of its run and its wall time.
func runForComparison(c *cli.Context, env *environment, cs *cases.Case, name string) (map[string]validate.Value, time.Duration, error) {
	s, err := solverNamed(c, env, cs, name)
	if err != nil {
		return nil, 0, err
	}
	if cl, ok := s.(interface{ Close() }); ok {
		defer cl.Close()
	}
	rec := validate.NewRecorder(cs)
	env.log.Info("compare: running", "solver", name, "case", cs.Name)
	_, wall, err := timedRun(env, cs.Name+" "+name, false, func(progress solvers.ProgressFunc) error {
		return s.Run(c.Context, cs, rec, progress)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("compare: %s solver: %w", name, err)
	}
	return rec.Summarize(), wall, nil
}

// quantityRows pairs the summary values present in either run, sorted by
// name.
func quantityRows(solver, reference map[string]validate.Value) []quantityRow {
	names := map[string]bool{}
	for k := range solver {
		names[k] = true
	}
	for k := range reference {
		names[k] = true
	}
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	number := func(m map[string]validate.Value, k string) (*float64, string) {
		v, ok := m[k]
		if !ok || math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
			return nil, v.Unit
		}
		x := v.Value
		return &x, v.Unit
	}
	rows := make([]quantityRow, len(keys))
	for i, k := range keys {
		s, unit := number(solver, k)
		r, refUnit := number(reference, k)
		if unit == "" {
			unit = refUnit
		}
		rows[i] = quantityRow{Name: k, Unit: unit, Solver: s, Reference: r}
		if s != nil && r != nil && *r != 0 {
			d := math.Abs(*s-*r) / math.Abs(*r)
			rows[i].RelativeDifference = &d
		}
	}
	return rows
}

func (rep *referenceReport) markdown() string {
	cell := func(p *float64, format string) string {
		if p == nil {
			return "n/a"
		}
		return fmt.Sprintf(format, *p)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s against %s: %s\n\n", rep.Solver, rep.Reference, rep.Case)
	fmt.Fprintf(&b, "Parameters: %s. Simulated time: %g s.\n\n", pipeline.FormatValues(rep.Values), rep.DurationS)
	fmt.Fprintf(&b, "| quantity | unit | %s | %s (reference) | relative difference |\n|---|---|---|---|---|\n", rep.Solver, rep.Reference)
	for _, q := range rep.Quantities {
		rel := "n/a"
		if q.RelativeDifference != nil {
			rel = fmt.Sprintf("%.1f %%", 100**q.RelativeDifference)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", q.Name, q.Unit, cell(q.Solver, "%.4g"), cell(q.Reference, "%.4g"), rel)
	}
	fmt.Fprintf(&b, "\nWall time: %s %.1f s, %s %.1f s.\n", rep.Solver, rep.WallTimeSolverS, rep.Reference, rep.WallTimeReferenceS)
	return b.String()
}

// writeReferenceReport writes report.json and report.md into dir.
func writeReferenceReport(rep *referenceReport, dir string) error {
	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, "report.json"), append(data, '\n'), 0o644); err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, "report.md"), []byte(rep.markdown()), 0o644)
}
