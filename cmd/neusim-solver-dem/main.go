// Command neusim-solver-dem serves neusim's built-in discrete element
// solver (solvers/dem) as a solver plugin. neusim starts it; run by hand
// it prints that it is a plugin and exits.
//
// It exists to check the plugin path end to end: the frames it sends are
// bit-identical to those of the in-process solver, because both run the
// same code on the same resolved case and Arrow carries float64 values
// unchanged. Install it on the plugin path and run it with
//
//	neusim run hopper --solver plugin:dem
//
// (the plain name dem selects the built-in solver). NEUSIM_DEM_WORKERS sets
// the number of worker goroutines (default: every core); frames do not
// depend on it.
package main

import (
	"os"
	"strconv"

	"github.com/neusim/neusim/solvers/dem"
	"github.com/neusim/neusim/solvers/plugin/sdk"
)

func main() {
	log := sdk.Logger()
	workers := 0
	if s := os.Getenv("NEUSIM_DEM_WORKERS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			log.Error("invalid NEUSIM_DEM_WORKERS: want a non-negative integer; using every core", "value", s)
		} else {
			workers = n
		}
	}
	sdk.Serve(dem.New(dem.Options{Workers: workers, Logger: log}), sdk.Info{
		Description: "neusim's discrete element method as a plugin: Hertz-Mindlin or linear contacts, rolling resistance, walls, outlets",
		Features:    sdk.AllParticleFeatures(),
	})
}
