package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/neusim/neusim/solvers/liggghts"
	"github.com/neusim/neusim/trajectory"
)

func importCommand(env *environment) *cli.Command {
	return &cli.Command{
		Name:  "import",
		Usage: "convert data from other solvers into neusim trajectories",
		Description: `Converts particle data written by other DEM codes into a neusim trajectory,
so that it can be exported to VTK, grouped, and used as training data.`,
		Subcommands: []*cli.Command{{
			Name:      "liggghts",
			Usage:     "convert LIGGGHTS \"dump custom\" text files into a trajectory",
			ArgsUsage: "DUMP...",
			Description: `Reads LIGGGHTS (or LAMMPS granular) "dump custom" text files in the given
order, each holding one or more snapshots, and writes them as one trajectory.
The columns may come in any order; id, type, x, y, z, vx, vy, vz and radius
are required, omegax, omegay, omegaz and mass are optional. Without a mass
column, give each atom type's density with --density TYPE=RHO (kg/m3). Atom
type T becomes material T-1. A malformed file is reported with its name and
line.`,
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "out", Required: true, Usage: "trajectory file to write (Arrow IPC), e.g. run.arrow"},
				&cli.Float64Flag{Name: "dt", Required: true, Usage: "the LIGGGHTS time step, s (required); frame times are step x dt unless the dump has an ITEM: TIME section"},
				&cli.StringSliceFlag{Name: "density", Usage: "particle density of an atom type, TYPE=RHO in kg/m3, for dumps without a mass column (repeatable, e.g. --density 1=2500)"},
				&cli.StringFlag{Name: "case", Usage: "name recorded as the trajectory's case (default: liggghts-import)"},
			},
			Action: func(c *cli.Context) error {
				if c.NArg() == 0 {
					return usagef("import liggghts: give at least one dump file")
				}
				if !(c.Float64("dt") > 0) {
					return usagef("import liggghts --dt: %g s is not a time step: give the timestep of the LIGGGHTS run, e.g. --dt 1e-5", c.Float64("dt"))
				}
				dens := map[int]float64{}
				for _, s := range c.StringSlice("density") {
					k, v, ok := strings.Cut(s, "=")
					typ, err1 := strconv.Atoi(strings.TrimSpace(k))
					rho, err2 := strconv.ParseFloat(strings.TrimSpace(v), 64)
					if !ok || err1 != nil || err2 != nil || typ < 1 || !(rho > 0) {
						return usagef("import liggghts --density %q: want TYPE=RHO with an atom type from 1 and a density above 0 kg/m3, e.g. 1=2500", s)
					}
					dens[typ] = rho
				}
				name := c.String("case")
				if name == "" {
					name = "liggghts-import"
				}
				w, err := trajectory.Create(c.String("out"), trajectory.Meta{Case: name, Solver: "liggghts", Version: versionString()})
				if err != nil {
					return fmt.Errorf("import: %w", err)
				}
				// A failed import leaves a file already at --out as it was.
				if err := liggghts.ImportDumps(c.Args().Slice(), liggghts.DumpOptions{TimeStep: c.Float64("dt"), Densities: dens}, w); err != nil {
					return errors.Join(fmt.Errorf("import: %w", err), w.Abort())
				}
				if err := w.Close(); err != nil {
					return fmt.Errorf("import: %w", err)
				}
				fmt.Fprintf(env.stdout, "wrote %s to %s\n", counted(w.Frames(), "frame"), c.String("out"))
				return nil
			},
		}},
	}
}
