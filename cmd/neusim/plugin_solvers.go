package main

import (
	"context"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/neusim/neusim/solvers"
	"github.com/neusim/neusim/solvers/plugin"
)

// builtinSolvers are the --solver names that never refer to a plugin.
var builtinSolvers = []string{"dem", "lbm", "liggghts", "surrogate", "auto"}

// pluginFlags select where solver plugins are found and how long a silent
// one may run, shared by run, compare and solvers.
func pluginFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{
			Name: "plugin-dir",
			Usage: "folder searched for solver plugins (executables named neusim-solver-NAME), before $" + plugin.PathEnv +
				", $XDG_DATA_HOME/neusim/plugins (~/.local/share/neusim/plugins when XDG_DATA_HOME is unset) and the folder of the neusim executable (repeatable)",
		},
		&cli.DurationFlag{
			Name:  "plugin-timeout",
			Value: plugin.DefaultTimeout,
			Usage: "kill a solver plugin that sends neither a frame nor progress for this long, such as 90s or 10m; a plugin that has not started after this long, or after 1m, is killed too",
		},
	}
}

// pluginSearchPath returns the plugin folders for the --plugin-dir flags
// of c.
func pluginSearchPath(c *cli.Context) []string {
	return plugin.SearchPath(c.StringSlice("plugin-dir"))
}

// pluginSolver returns the plugin solver that --solver NAME or
// --solver plugin:NAME selects. plugin:NAME reaches a plugin whose name is
// also that of a built-in solver, such as neusim-solver-dem.
func pluginSolver(c *cli.Context, env *environment, name string) (solvers.Solver, error) {
	name, explicit := strings.CutPrefix(name, "plugin:")
	dirs := pluginSearchPath(c)
	found, err := plugin.Lookup(name, dirs)
	if err != nil {
		if explicit {
			return nil, usagef("%s --solver plugin:%s: %v", c.Command.Name, name, err)
		}
		return nil, usagef("%s --solver: unknown solver %q: it is not one of %s, and %v", c.Command.Name, name, strings.Join(builtinSolvers, ", "), err)
	}
	timeout := c.Duration("plugin-timeout")
	if timeout <= 0 {
		return nil, usagef("%s --plugin-timeout: %v: want a positive duration such as 5m", c.Command.Name, timeout)
	}
	return plugin.New(found.Name, found.Path, plugin.Options{Timeout: timeout, StartTimeout: min(timeout, plugin.DefaultStartTimeout), Logger: env.log}), nil
}

// describePlugins starts every discovered plugin and returns its
// description, or the error that kept it from describing itself.
func describePlugins(ctx context.Context, c *cli.Context, env *environment) ([]pluginEntry, error) {
	found, err := plugin.Discover(pluginSearchPath(c))
	entries := make([]pluginEntry, len(found))
	for i, f := range found {
		entries[i].found = f
		s := plugin.New(f.Name, f.Path, plugin.Options{StartTimeout: 20 * time.Second, Logger: env.log})
		entries[i].info, entries[i].err = s.Describe(ctx)
	}
	return entries, err
}

type pluginEntry struct {
	found plugin.Found
	info  plugin.Info
	err   error
}
