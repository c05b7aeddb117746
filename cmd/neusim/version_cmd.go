package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

// version is the neusim release, set at link time with
// -ldflags "-X main.version=v1.2.3". Builds without it report the module
// version or the VCS revision recorded by the Go toolchain.
var version = ""

func versionString() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "devel-" + rev
}

func versionCommand(env *environment) *cli.Command {
	return &cli.Command{
		Name:        "version",
		Usage:       "print the neusim version and the Go toolchain it was built with",
		ArgsUsage:   " ",
		Description: `Prints the neusim version, the Go version and the operating system and architecture. Include this line in bug reports.`,
		Action: func(c *cli.Context) error {
			_, err := fmt.Fprintf(env.stdout, "neusim %s (%s, %s/%s)\n", versionString(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}
