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
	// The first SIGINT or SIGTERM cancels the command, which then closes
	// its outputs. A second one stops the process at once.
	ctx, cancel := context.WithCancelCause(context.Background())
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-signals
		signal.Stop(signals)
		cancel(signalError{sig.(syscall.Signal)})
	}()
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	os.Exit(code)
}
