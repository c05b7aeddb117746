package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/neusim/neusim/grouping"
	"github.com/neusim/neusim/trajectory"
	"github.com/neusim/neusim/vtk"
)

func groupCommand(env *environment) *cli.Command {
	return &cli.Command{
		Name:      "group",
		Usage:     "fit coarse entities to a particle trajectory and report the reconstruction error",
		ArgsUsage: "TRAJ",
		Description: `Groups the particles of TRAJ (a trajectory.arrow from "neusim run") into
coarse entities of about --target particles: particles close together that
move coherently over a window of frames form one entity, and high-shear
regions get smaller entities. Each window is fitted separately, choosing the
weight of motion coherence against proximity by the lowest reconstruction
error.

It prints the compression (particles per entity) and the mass-weighted RMS
reconstruction error of position (m) and velocity (m/s) when every particle
moves with its entity's affine motion, per frame and overall, and writes:
  OUT/grouped.arrow  the trajectory with each particle's entity id
  OUT/report.txt     the same report as printed
  OUT/vtk/           with --vtk: particles.pvd with an entity array, to
                     colour the entities in ParaView
Entity ids restart at 0 in every window.`,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "target", Value: 32, Usage: "target number of particles per entity"},
			&cli.IntFlag{Name: "window", Value: 8, Usage: "frames per fitted window; motion coherence is measured over a window"},
			&cli.StringFlag{Name: "out", Value: "out/group", Usage: "output directory, created if missing"},
			&cli.BoolFlag{Name: "vtk", Usage: "also write the grouped frames as VTK for ParaView into OUT/vtk"},
			workersFlag(),
		},
		Action: func(c *cli.Context) error { return groupTrajectory(c, env) },
	}
}

func groupTrajectory(c *cli.Context, env *environment) error {
	if c.NArg() != 1 {
		return usagef("group: want one trajectory file, got %d arguments", c.NArg())
	}
	if c.Int("target") < 2 {
		return usagef("group --target %d is invalid: an entity needs 2 or more particles", c.Int("target"))
	}
	if c.Int("window") < 2 {
		return usagef("group --window: %d frames cannot measure motion: use 2 or more", c.Int("window"))
	}
	in, err := trajectory.Open(c.Args().First())
	if err != nil {
		return fmt.Errorf("group: %w", err)
	}
	defer in.Close()
	for _, w := range in.Warnings() {
		env.log.Warn("trajectory", "file", in.Path(), "warning", w)
	}

	out := c.String("out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("group --out: %w", err)
	}
	meta := in.Meta()
	tw, err := trajectory.Create(filepath.Join(out, "grouped.arrow"), meta)
	if err != nil {
		return fmt.Errorf("group: %w", err)
	}
	sinks := multiSink{tw}
	closers := []func() error{tw.Close}
	if c.Bool("vtk") {
		series, err := vtk.NewSeries(filepath.Join(out, "vtk"), vtk.SeriesOptions{})
		if err != nil {
			return fmt.Errorf("group: %w", err)
		}
		sinks = append(sinks, series)
		closers = append(closers, series.Close)
	}

	rep, runErr := grouping.GroupTrajectory(c.Context, in, sinks, grouping.TrajectoryOptions{
		Target:   c.Int("target"),
		Settings: grouping.Settings{Window: c.Int("window")},
		Workers:  c.Int("workers"),
		Logger:   env.log,
	})
	var closeErr error
	for _, close := range closers {
		closeErr = errors.Join(closeErr, close())
	}
	if runErr != nil {
		return fmt.Errorf("group: %w", errors.Join(runErr, closeErr))
	}
	if closeErr != nil {
		return fmt.Errorf("group: %w", closeErr)
	}

	f, err := os.Create(filepath.Join(out, "report.txt"))
	if err != nil {
		return fmt.Errorf("group: %w", err)
	}
	if err := rep.WriteText(f); err != nil {
		f.Close()
		return fmt.Errorf("group: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("group: %w", err)
	}
	if err := rep.WriteText(env.stdout); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "results in %s\n", out)
	return nil
}
