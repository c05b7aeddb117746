// Command neusim runs granular and fluid simulations with a numerical
// solver or a neural surrogate, compares the two, and exports results for
// ParaView.
//
// Start with
//
//	neusim cases              # the embedded cases and their parameters
//	neusim run hopper --solver dem --vtk --out out/hopper
//
// and see `neusim help COMMAND` for every command's flags.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
