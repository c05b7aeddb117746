package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/neusim/neusim/cases"
)

// Exit statuses of the neusim command.
const (
	exitOK          = 0
	exitFailure     = 1   // the command failed: bad input, solver error
	exitUsage       = 2   // the command line itself is wrong
	exitNotLanded   = 3   // the requested capability is not built yet
	exitInterrupted = 130 // stopped by SIGINT (128 + 2) with outputs kept, or 143 for SIGTERM
)

// usageError marks errors in the command line, as opposed to failures of
// the work it asked for.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// errNotLanded is returned by commands whose capability is not built yet.
var errNotLanded = errors.New("not available in this version of neusim")

// run executes the neusim command line args (args[0] is the program name)
// and returns the process exit status. It writes results to stdout and
// diagnostics to stderr, and never calls os.Exit.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	env := &environment{stdout: stdout, stderr: stderr}
	app := newApp(env)
	err := app.RunContext(ctx, normalizeArgs(app, args))
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, context.Canceled):
		var se signalError
		if errors.As(context.Cause(ctx), &se) {
			fmt.Fprintf(stderr, "neusim: %v; outputs written so far are kept\n", se)
			return 128 + int(se.sig)
		}
		fmt.Fprintf(stderr, "neusim: interrupted; outputs written so far are kept\n")
		return exitInterrupted
	case errors.Is(err, errNotLanded):
		fmt.Fprintf(stderr, "neusim: %v\n", err)
		return exitNotLanded
	}
	fmt.Fprintf(stderr, "neusim: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) || isFlagError(err) {
		return exitUsage
	}
	return exitFailure
}

// signalError is the cancellation cause of a command stopped by a
// signal. It matches context.Canceled, which solvers return when stopped.
type signalError struct{ sig syscall.Signal }

func (e signalError) Error() string {
	name := e.sig.String()
	switch e.sig {
	case syscall.SIGINT:
		name = "SIGINT"
	case syscall.SIGTERM:
		name = "SIGTERM"
	}
	return "interrupted by " + name
}

func (e signalError) Is(target error) bool { return target == context.Canceled }

// interrupted returns the signal that cancelled ctx when err is the
// cancellation, so that summaries name it, and err otherwise.
func interrupted(ctx context.Context, err error) error {
	var se signalError
	if errors.Is(err, context.Canceled) && errors.As(context.Cause(ctx), &se) {
		return se
	}
	return err
}

// isFlagError reports whether err comes from urfave/cli's flag parsing,
// which returns plain errors for unknown or malformed flags.
func isFlagError(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "flag provided but not defined") ||
		strings.Contains(msg, "invalid value") ||
		strings.Contains(msg, "Required flag")
}

// environment carries what every command needs: output streams and the
// logger configured by the global flags.
type environment struct {
	stdout, stderr io.Writer
	log            *slog.Logger
}

func newApp(env *environment) *cli.App {
	app := &cli.App{
		Name:  "neusim",
		Usage: "neural particle simulation: numerical solvers, surrogates, comparison and VTK export",
		Description: `neusim simulates granular matter (hoppers, silos, drums) with a discrete
element solver, and rolls coarse entities forward with a neural surrogate
trained on that solver's data. Every surrogate result can be cross-checked
against the numerical solver on the same case.

Cases are YAML files describing a family of simulations with named design
parameters; standard cases are embedded (see "neusim cases"). Units are
SI everywhere: m, s, kg, Pa, rad.`,
		Writer:                 env.stdout,
		ErrWriter:              env.stderr,
		Version:                versionString(),
		UseShortOptionHandling: true,
		// --param friction=0.2,0.35 carries commas inside one value.
		DisableSliceFlagSeparator: true,
		// Errors are printed and mapped to exit statuses by run, so the
		// library must not print them or exit the process itself.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError{err}
		},
		Flags: []cli.Flag{
			&cli.StringFlag{
				Name:  "log-level",
				Value: "info",
				Usage: "minimum level of log messages on stderr: debug, info, warn or error",
			},
			&cli.StringFlag{
				Name:  "log-format",
				Value: "text",
				Usage: "format of log messages on stderr: text (key=value) or json (one object a line)",
			},
		},
		// Without a command the app prints its help. A first argument
		// that names no command is a usage error. Without this action
		// urfave/cli prints only "No help topic for" the argument.
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return cli.ShowAppHelp(c)
			}
			name := c.Args().First()
			var names []string
			for _, cmd := range c.App.Commands {
				names = append(names, cmd.Name)
			}
			return usagef("unknown command %q%s; see 'neusim --help' for the commands", name, cases.DidYouMean(name, names))
		},
		Before: func(c *cli.Context) error {
			logger, err := newLogger(env.stderr, c.String("log-level"), c.String("log-format"))
			if err != nil {
				return err
			}
			env.log = logger
			return nil
		},
		Commands: []*cli.Command{
			runCommand(env),
			compareCommand(env),
			trainCommand(env),
			sweepCommand(env),
			exportCommand(env),
			importCommand(env),
			groupCommand(env),
			casesCommand(env),
			solversCommand(env),
			validateCommand(env),
			versionCommand(env),
		},
	}
	quietUsageErrors(app.Commands, "neusim")
	return app
}

// quietUsageErrors turns a malformed flag value of any command into a
// usage error that points to the command's help. Otherwise urfave/cli
// prints the whole help text above the error.
func quietUsageErrors(cmds []*cli.Command, parent string) {
	for _, c := range cmds {
		name := parent + " " + c.Name
		if c.OnUsageError == nil {
			c.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
				return usageError{fmt.Errorf("%w; see '%s --help'", err, name)}
			}
		}
		quietUsageErrors(c.Subcommands, name)
	}
}

// newLogger returns a slog.Logger writing to w at the given level and
// format, or a usage error naming the bad flag value.
func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, usagef("--log-level: %q is not a level: use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usagef("--log-format: %q is not a format: use text or json", format)
}

// counted returns n followed by noun, with an s for any count but one.
func counted(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
