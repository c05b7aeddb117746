package main

import (
	"fmt"
	"runtime"

	"github.com/urfave/cli/v2"

	"github.com/neusim/neusim/internal/buildversion"
)

// version is the neusim release, set at link time with
// -ldflags "-X main.version=v1.2.3". Builds without it report the module
// version or the VCS revision recorded by the Go toolchain.
var version = ""

func versionString() string {
	if version != "" {
		return version
	}
	return buildversion.String()
}

// versionLine returns the line that "neusim version" and "neusim
// --version" print.
func versionLine() string {
	return fmt.Sprintf("neusim %s (%s, %s/%s)\n", versionString(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func init() {
	// The printer is a package variable of urfave/cli; it is set once
	// here, not per App, so that parallel tests do not race on it.
	cli.VersionPrinter = func(c *cli.Context) { fmt.Fprint(c.App.Writer, versionLine()) }
}

func versionCommand(env *environment) *cli.Command {
	return &cli.Command{
		Name:        "version",
		Usage:       "print the neusim version and the Go toolchain it was built with",
		ArgsUsage:   " ",
		Description: `Prints the neusim version, the Go version and the operating system and architecture. Include this line in bug reports.`,
		Action: func(c *cli.Context) error {
			_, err := fmt.Fprint(env.stdout, versionLine())
			return err
		},
	}
}
