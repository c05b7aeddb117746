package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/neusim/neusim/solvers/liggghts"
	"github.com/neusim/neusim/solvers/plugin/sdk"
)

func solversCommand(env *environment) *cli.Command {
	return &cli.Command{
		Name:      "solvers",
		Usage:     "list the numerical solvers --solver accepts, built in and plugins, and whether each can run here",
		ArgsUsage: " ",
		Description: `Lists the numerical solvers of run, compare and sweep: name, version, whether
it can run on this machine and what it is, then the case features each
supports. The dem and lbm solvers are built into neusim; liggghts runs the
LIGGGHTS executable, which must be installed (Debian package liggghts);
surrogate needs a trained model.

Solver plugins are executables named neusim-solver-NAME, found in the
--plugin-dir folders, the folders of $NEUSIM_PLUGIN_PATH (a list separated
by ':'), $XDG_DATA_HOME/neusim/plugins (~/.local/share/neusim/plugins when
XDG_DATA_HOME is unset) and the folder of the neusim executable, the first
one found winning. Each is started to ask for its version and features.
"--solver NAME" runs a plugin; "--solver plugin:NAME" runs one whose name
is also that of a built-in solver, such as the neusim-solver-dem plugin.
The sdk package (github.com/neusim/neusim/solvers/plugin/sdk) turns a Go
solver into a plugin.`,
		Flags: pluginFlags(),
		Action: func(c *cli.Context) error {
			plugins, discoverErr := describePlugins(c.Context, c, env)
			if discoverErr != nil {
				env.log.Warn("some plugin folders could not be read", "error", discoverErr)
			}

			tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tVERSION\tAVAILABLE\tDESCRIPTION")
			fmt.Fprintf(tw, "dem\t%s\tyes (built in)\tdiscrete element method: Hertz-Mindlin or linear contacts, rolling resistance, walls, outlets\n", versionString())
			avail, lv := "yes", "-"
			if path, err := liggghts.FindExecutable(""); err != nil {
				avail = "no: " + err.Error()
			} else {
				avail = "yes (" + path + ")"
				if lv, err = liggghts.ExecutableVersion(path); err != nil {
					lv = "unknown"
					env.log.Warn("solvers: " + err.Error())
				}
			}
			fmt.Fprintf(tw, "liggghts\t%s\t%s\tLIGGGHTS run on a translated input script, as a reference DEM code\n", lv, avail)
			fmt.Fprintf(tw, "lbm\t%s\tyes (built in)\tlattice Boltzmann D2Q9/D3Q19, BGK or TRT, for fluid cases (cavity, cylinder)\n", versionString())
			fmt.Fprintf(tw, "surrogate\t%s\tyes, with a trained model\tgraph network with xLSTM memory on coarse entities after a DEM settling phase, or on super-nodes of a fluid grid (--model)\n", versionString())
			for _, p := range plugins {
				name := pluginListName(p.found.Name)
				if p.err != nil {
					// go-plugin's errors run over several lines, which
					// would break the table: it shows the first, the log
					// the whole error.
					env.log.Warn("solver plugin did not describe itself", "plugin", name, "path", p.found.Path, "error", p.err)
					first, _, _ := strings.Cut(p.err.Error(), "\n")
					fmt.Fprintf(tw, "%s\t?\tno: %s\tplugin %s\n", name, first, p.found.Path)
					continue
				}
				fmt.Fprintf(tw, "%s\t%s\tyes (plugin %s)\t%s\n", name, p.info.Version, p.found.Path, p.info.Description)
			}
			if err := tw.Flush(); err != nil {
				return err
			}

			fmt.Fprintln(env.stdout, "\nCase features:")
			tw = tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
			particles := strings.Join(sdk.AllParticleFeatures(), ", ")
			fmt.Fprintf(tw, "  dem\t%s\n", particles)
			fmt.Fprintf(tw, "  liggghts\t%s\n", particles)
			fmt.Fprintf(tw, "  lbm\t%s\n", sdk.FeatureFluid)
			fmt.Fprintf(tw, "  surrogate\t%s, fluid (the case its model was trained on)\n", sdk.FeatureParticles)
			for _, p := range plugins {
				if p.err == nil {
					fmt.Fprintf(tw, "  %s\t%s\n", pluginListName(p.found.Name), strings.Join(p.info.Features, ", "))
				}
			}
			for _, p := range plugins {
				for _, s := range p.found.Shadowed {
					env.log.Warn("solver plugin ignored: an earlier folder on the plugin path has one of the same name", "plugin", p.found.Name, "ignored", s, "used", p.found.Path)
				}
			}
			return tw.Flush()
		},
	}
}

// pluginListName returns the --solver name of a plugin: its name, or
// plugin:NAME when a built-in solver has that name.
func pluginListName(name string) string {
	for _, b := range builtinSolvers {
		if b == name {
			return "plugin:" + name
		}
	}
	return name
}
