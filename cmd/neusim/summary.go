package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/internal/atomicfile"
	"github.com/neusim/neusim/pipeline"
	"github.com/neusim/neusim/solvers"
	"github.com/neusim/neusim/validate"
)

// runSummary is the content of summary.json.
type runSummary struct {
	Case        string                    `json:"case"`
	Source      string                    `json:"source"`
	Solver      string                    `json:"solver"`
	Version     string                    `json:"neusim_version"`
	Units       string                    `json:"units"`
	Parameters  map[string]paramValue     `json:"parameters"`
	Completed   bool                      `json:"completed"`
	Error       string                    `json:"error,omitempty"`
	WallTime    float64                   `json:"wall_time_s"`
	Steps       int64                     `json:"steps"`
	SimTime     float64                   `json:"simulated_time_s"`
	Particles   int                       `json:"particles_final"`
	Lost        int                       `json:"lost_particles"`                      // vanished without passing an outlet
	Throughput  float64                   `json:"particle_steps_per_second,omitempty"` // numerical solvers only
	Surrogate   *surrogatePhases          `json:"surrogate,omitempty"`
	Summary     map[string]validate.Value `json:"summary"`
	Observables []validate.Series         `json:"observables"`
}

// surrogatePhases splits a surrogate run into its DEM settling phase and
// the surrogate's steps, because their counts and costs differ by orders
// of magnitude. The steps field of summary.json is their sum.
type surrogatePhases struct {
	Model          string  `json:"model"`      // the checkpoint
	HandoverS      float64 `json:"handover_s"` // simulated time the surrogate took over, s
	DEMSteps       int64   `json:"dem_steps"`
	DEMWallS       float64 `json:"dem_wall_time_s"`
	SurrogateSteps int     `json:"surrogate_steps"`
	SurrogateDt    float64 `json:"surrogate_time_step_s"`
	Regroupings    int     `json:"regroupings"`
	Turns          int     `json:"turns"`  // turns about gravity each prediction averaged over
	Models         int     `json:"models"` // ensemble models each prediction averaged over
}

// setSurrogate records the phases of a surrogate run. It leaves out the
// particle-steps per second, because for a run of mostly surrogate steps
// that figure is not comparable with a numerical solver's.
func (s *runSummary) setSurrogate(model string, st pipeline.RunStats) {
	s.Surrogate = &surrogatePhases{Model: model, HandoverS: st.Handover, DEMSteps: st.DEMSteps, DEMWallS: st.DEMWallS,
		SurrogateSteps: st.CoarseSteps, SurrogateDt: st.Dt, Regroupings: st.Regroupings, Turns: st.Turns, Models: st.Models}
	s.Throughput = 0
}

type paramValue struct {
	Value        float64 `json:"value"`
	Unit         string  `json:"unit"`
	Extrapolated bool    `json:"extrapolated,omitempty"`
}

func newSummary(cs *cases.Case, solver string, rec *validate.Recorder, last solvers.Progress, wall time.Duration, runErr error) *runSummary {
	s := &runSummary{
		Case:        cs.Name,
		Source:      cs.Source,
		Solver:      solver,
		Version:     versionString(),
		Units:       "SI (m, s, kg, J, Pa, rad)",
		Parameters:  map[string]paramValue{},
		Completed:   runErr == nil,
		WallTime:    wall.Seconds(),
		Steps:       last.Step,
		SimTime:     last.Time,
		Particles:   last.Particles,
		Lost:        rec.LostParticles(),
		Summary:     rec.Summarize(),
		Observables: rec.Series(),
	}
	if runErr != nil {
		s.Error = runErr.Error()
	}
	for _, p := range cs.Parameters {
		pv := paramValue{Value: cs.Values[p.Name], Unit: p.Unit}
		for _, e := range cs.Extrapolated {
			if e == p.Name {
				pv.Extrapolated = true
			}
		}
		s.Parameters[p.Name] = pv
	}
	// Mean particle count times steps over wall time; the recorder's
	// series give the count at every frame.
	if wall > 0 && last.Step > 0 {
		s.Throughput = meanParticles(rec, last.Particles) * float64(last.Step) / wall.Seconds()
	}
	return s
}

// meanParticles returns the mean particle count over the recorded frames,
// or fallback when the recorder saw no frame.
func meanParticles(rec *validate.Recorder, fallback int) float64 {
	counts := rec.ParticleCounts()
	if len(counts) == 0 {
		return float64(fallback)
	}
	var sum float64
	for _, n := range counts {
		sum += float64(n)
	}
	return sum / float64(len(counts))
}

func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(data, '\n'), 0o644)
}

// printSummary writes the summary values of a finished run to stdout.
func printSummary(env *environment, s *runSummary, out string) {
	if p := s.Surrogate; p != nil && p.SurrogateSteps == 0 && s.Completed {
		fmt.Fprintf(env.stdout, "%s: %s solver, %d DEM steps; the run ended before the handover to the surrogate, so DEM simulated all of its %.4g s in %.1f s wall time\n",
			s.Case, s.Solver, p.DEMSteps, s.SimTime, s.WallTime)
	} else if p != nil {
		fmt.Fprintf(env.stdout, "%s: %s solver, %d DEM steps to the handover at %.4g s (%.1f s wall time), then %d surrogate steps of %.4g s; %.4g s simulated in %.1f s wall time\n",
			s.Case, s.Solver, p.DEMSteps, p.HandoverS, p.DEMWallS, p.SurrogateSteps, p.SurrogateDt, s.SimTime, s.WallTime)
		if p.Models > 1 {
			fmt.Fprintf(env.stdout, "  each surrogate step is the mean of an ensemble of %d models\n", p.Models)
		}
	} else {
		fmt.Fprintf(env.stdout, "%s: %s solver, %d steps, %.4g s simulated in %.1f s wall time (%.3g particle-steps/s)\n",
			s.Case, s.Solver, s.Steps, s.SimTime, s.WallTime, s.Throughput)
	}
	keys := make([]string, 0, len(s.Summary))
	for k := range s.Summary {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	for _, k := range keys {
		v := s.Summary[k]
		fmt.Fprintf(tw, "  %s\t%.6g %s\n", k, v.Value, v.Unit)
	}
	tw.Flush()
	for _, k := range keys {
		if w := s.Summary[k].Warning; w != "" {
			fmt.Fprintf(env.stdout, "  warning: %s: %s\n", k, w)
		}
	}
	fmt.Fprintf(env.stdout, "results in %s\n", out)
}
