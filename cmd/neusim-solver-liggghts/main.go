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
	sdk.Serve(liggghts.New(liggghts.Options{Executable: os.Getenv("NEUSIM_LIGGGHTS"), Logger: log}), sdk.Info{
		Version:     "LIGGGHTS-PUBLIC 3.8",
		Description: "LIGGGHTS 3.8 run on a translated input script, as a reference DEM code",
		Features:    sdk.AllParticleFeatures(),
	})
}
