package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/neusim/neusim/vtk"
)

func exportCommand(env *environment) *cli.Command {
	return &cli.Command{
		Name:  "export",
		Usage: "convert results to other formats",
		Description: `Converts neusim outputs for other tools. "neusim export vtk" turns a
trajectory into VTK files for ParaView.`,
		Subcommands: []*cli.Command{{
			Name:      "vtk",
			Usage:     "convert a trajectory to a VTK series for ParaView",
			ArgsUsage: "TRAJ",
			Description: `Reads TRAJ, a trajectory.arrow file written by "neusim run", and writes
into --out a particles.pvd collection with one PolyData (.vtp) file per frame:
points at the particle centres (m) with velocity (m/s), angular_velocity
(rad/s), radius (m), mass (kg), id, material and, for grouped trajectories,
entity. Open particles.pvd in ParaView; each frame carries its simulated time.

With --fields it also coarse-grains every frame onto a regular grid of cell
size --cell (m) with a Gaussian kernel of width --width (m), writing
fields.pvd with ImageData (.vti) files of solid fraction, density (kg/m3),
velocity (m/s) and kinetic stress (Pa).`,
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "out", Required: true, Usage: "output directory, created if missing (required)"},
				&cli.BoolFlag{Name: "fields", Usage: "also write coarse-grained continuum fields"},
				&cli.Float64Flag{Name: "cell", Value: 0, Usage: "grid cell size for --fields, m; 0 picks twice the mean particle diameter"},
				&cli.Float64Flag{Name: "width", Value: 0, Usage: "Gaussian kernel width for --fields, m; 0 picks the mean particle diameter"},
				&cli.BoolFlag{Name: "base64", Usage: "write data inline as base64 instead of raw appended binary (larger files, valid XML)"},
			},
			Action: func(c *cli.Context) error {
				if c.NArg() != 1 {
					return usagef("export vtk: want one trajectory file, got %d arguments", c.NArg())
				}
				if c.Float64("cell") < 0 || c.Float64("width") < 0 {
					return usagef("export vtk: --cell %g and --width %g must not be negative (m)", c.Float64("cell"), c.Float64("width"))
				}
				err := vtk.ExportTrajectory(c.Context, c.Args().First(), c.String("out"), vtk.ExportOptions{
					Fields:      c.Bool("fields"),
					CellSize:    c.Float64("cell"),
					KernelWidth: c.Float64("width"),
					Base64:      c.Bool("base64"),
					Logger:      env.log,
				})
				if err != nil {
					return fmt.Errorf("export vtk: %w", err)
				}
				env.log.Info("export finished", "trajectory", c.Args().First(), "out", c.String("out"))
				return nil
			},
		}},
	}
}
