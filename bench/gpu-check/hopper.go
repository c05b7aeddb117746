package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"time"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/pipeline"
	"github.com/neusim/neusim/validate"
)

// compareHopper runs the shipped model on the case it was trained on with
// the surrogate solver twice, with the model on the CPU and on the GPU, and
// compares every summary observable. Both runs share the DEM settling
// phase's code and inputs, so any difference comes from the model's
// arithmetic on the two backends and from how the rollout amplifies it.
func compareHopper(ctx context.Context, r *report, o options, log *slog.Logger) error {
	return compareHopperOn(ctx, r, o, log, "cpu", "cuda")
}

// compareHopperOn runs the hopper with the model on device a and then on
// device b (names of kernels.Open) and compares the observables.
func compareHopperOn(ctx context.Context, r *report, o options, log *slog.Logger, devA, devB string) error {
	probe, err := pipeline.NewSolver(o.model, pipeline.SolverOptions{Device: "cpu", Logger: log})
	if err != nil {
		return err
	}
	name := probe.Metadata().Case
	probe.Close()
	c, err := cases.Load(name, cases.Options{})
	if err != nil {
		return err
	}
	runOn := func(device string) (map[string]validate.Value, float64, error) {
		s, err := pipeline.NewSolver(o.model, pipeline.SolverOptions{Device: device, Logger: log})
		if err != nil {
			return nil, 0, err
		}
		defer s.Close()
		rec := validate.NewRecorder(c)
		start := time.Now()
		if err := s.Run(ctx, c, rec, nil); err != nil {
			return nil, 0, err
		}
		st := s.LastRun()
		fmt.Fprintf(r.w, "%s: %d coarse steps after the handover at %.3f s; DEM phase %.1f s, whole run %.1f s\n",
			device, st.CoarseSteps, st.Handover, st.DEMWallS, time.Since(start).Seconds())
		return rec.Summarize(), st.WallS - st.DEMWallS, nil
	}
	cpu, cpuSurrogate, err := runOn(devA)
	if err != nil {
		return fmt.Errorf("%s run: %w", devA, err)
	}
	gpu, gpuSurrogate, err := runOn(devB)
	if err != nil {
		return fmt.Errorf("%s run: %w", devB, err)
	}
	fmt.Fprintf(r.w, "surrogate phase: %s %.2f s, %s %.2f s\n", devA, cpuSurrogate, devB, gpuSurrogate)

	names := make([]string, 0, len(cpu))
	for k := range cpu {
		names = append(names, k)
	}
	sort.Strings(names)
	fmt.Fprintf(r.w, "%-28s %14s %14s %10s %s\n", "observable", devA, devB, "rel diff", fmt.Sprintf("bound %.0e", o.hopperTol))
	for _, k := range names {
		a, b := cpu[k].Value, gpu[k].Value
		d := math.Abs(a-b) / math.Max(math.Abs(a), 1e-300)
		if a == b || (math.IsNaN(a) && math.IsNaN(b)) {
			d = 0
		}
		status := "ok"
		if !(d <= o.hopperTol) {
			status = "FAIL"
			r.failures++
		}
		fmt.Fprintf(r.w, "%-28s %14.6g %14.6g %10.2e %s %s\n", k, a, b, d, cpu[k].Unit, status)
	}
	return nil
}
