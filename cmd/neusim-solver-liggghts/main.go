// Command neusim-solver-liggghts serves the LIGGGHTS reference solver
// (solvers/liggghts) as a solver plugin: it translates the case into a
// LIGGGHTS input script, runs the liggghts executable and streams its
// dumps back as frames. neusim starts it; run by hand it prints that it is
// a plugin and exits.
//
// The executable comes from PATH (liggghts, the Debian package's name,
// then lmp_auto) unless NEUSIM_LIGGGHTS sets its path. Case features that
// the translation cannot express are errors that name them.
package main

import (
	"os"

	"github.com/neusim/neusim/solvers/liggghts"
	"github.com/neusim/neusim/solvers/plugin/sdk"
)

func main() {
	log := sdk.Logger()
	exe := os.Getenv("NEUSIM_LIGGGHTS")
	// The version is the LIGGGHTS program's, as "neusim solvers" shows
	// for the built-in liggghts solver.
	version := "not found"
	if path, err := liggghts.FindExecutable(exe); err == nil {
		if version, err = liggghts.ExecutableVersion(path); err != nil {
			version = "unknown"
			log.Warn(err.Error())
		}
	}
	sdk.Serve(liggghts.New(liggghts.Options{Executable: exe, Logger: log}), sdk.Info{
		Version:     version,
		Description: "LIGGGHTS run on a translated input script, as a reference DEM code",
		Features:    sdk.AllParticleFeatures(),
	})
}
