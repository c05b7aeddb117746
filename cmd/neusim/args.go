package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// normalizeArgs rewrites a command line so that urfave/cli/v2 parses it as
// users type it. That library stops reading a command's flags at its first
// positional argument, so "neusim run hopper --solver dem" would treat
// "--solver" as a second case name. normalizeArgs therefore moves each
// command's flags, with their values, in front of its positional arguments. It also
// turns "neusim help CMD [SUB]" into "neusim CMD [SUB] --help", because the
// library's help command prints no flags for commands with subcommands.
// Everything after a "--" argument is left as it is.
func normalizeArgs(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	out := []string{args[0]}
	rest := args[1:]

	// Global flags come before the command name.
	var globals []string
	for len(rest) > 0 && isFlag(rest[0]) {
		n := flagTokens(app.Flags, rest)
		globals = append(globals, rest[:n]...)
		rest = rest[n:]
	}
	out = append(out, globals...)

	if len(rest) > 1 && rest[0] == "help" {
		if findCommand(app.Commands, rest[1]) == nil {
			// The app's action reports the unknown command with a
			// suggestion, as for "neusim rnu".
			return append(out, rest[1])
		}
		rest = append(append([]string(nil), rest[1:]...), "--help")
	}
	if len(rest) == 0 {
		return out
	}
	cmd := findCommand(app.Commands, rest[0])
	if cmd == nil {
		return append(out, rest...)
	}
	out = append(out, rest[0])
	rest = rest[1:]

	// Descend into a subcommand named by the first positional argument.
	var flags, positional []string
	for len(rest) > 0 {
		tok := rest[0]
		switch {
		case tok == "--":
			positional = append(positional, rest...)
			rest = nil
		case isFlag(tok):
			n := flagTokens(cmd.Flags, rest)
			flags = append(flags, rest[:n]...)
			rest = rest[n:]
		default:
			if sub := findCommand(cmd.Subcommands, tok); sub != nil && len(positional) == 0 {
				out = append(out, flags...)
				out = append(out, tok)
				flags = nil
				cmd = sub
			} else {
				positional = append(positional, tok)
			}
			rest = rest[1:]
		}
	}
	out = append(out, flags...)
	return append(out, positional...)
}

func isFlag(tok string) bool {
	return len(tok) > 1 && strings.HasPrefix(tok, "-") && tok != "--"
}

// flagTokens returns how many tokens at the start of args form one flag:
// two when the flag takes a value given as the next token, else one.
func flagTokens(flags []cli.Flag, args []string) int {
	tok := args[0]
	if strings.Contains(tok, "=") || len(args) < 2 {
		return 1
	}
	name := strings.TrimLeft(tok, "-")
	for _, f := range flags {
		for _, n := range f.Names() {
			if n != name {
				continue
			}
			if _, isBool := f.(*cli.BoolFlag); isBool {
				return 1
			}
			return 2
		}
	}
	return 1 // unknown flags are left for the library to reject
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}
