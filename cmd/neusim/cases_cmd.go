package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/neusim/neusim/cases"
)

func casesCommand(env *environment) *cli.Command {
	return &cli.Command{
		Name:      "cases",
		Usage:     "list the embedded standard cases and their design parameters",
		ArgsUsage: " ",
		Description: `Lists the cases built into neusim with their design parameters: default
value, allowed range and unit. Any parameter can be changed for one run with
"--set NAME=VALUE" on run, compare and sweep.

"neusim cases show NAME" prints a case's YAML so you can copy it to a file,
edit it, and run it with "neusim run FILE.yaml".`,
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("cases: unexpected argument %q: use \"neusim cases show %s\" to print a case", c.Args().First(), c.Args().First())
			}
			return listCases(env)
		},
		Subcommands: []*cli.Command{{
			Name:      "show",
			Usage:     "print the YAML of an embedded case",
			ArgsUsage: "NAME",
			Description: `Prints the YAML file of the embedded case NAME exactly as neusim loads it.
Redirect it to a file to start a case of your own:

    neusim cases show hopper > my_hopper.yaml
    neusim run my_hopper.yaml --solver dem`,
			Action: func(c *cli.Context) error {
				if c.NArg() != 1 {
					return usagef("cases show: want one case name, got %d arguments; \"neusim cases\" lists the names", c.NArg())
				}
				data, err := cases.EmbeddedYAML(c.Args().First())
				if err != nil {
					return fmt.Errorf("cases show: %w", err)
				}
				_, err = env.stdout.Write(data)
				return err
			},
		}},
	}
}

func listCases(env *environment) error {
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	for _, s := range cases.List() {
		def := ""
		if s.Name == cases.DefaultCase {
			def = " (default)"
		}
		fmt.Fprintf(tw, "%s%s\t%s\n", s.Name, def, s.Description)
		for _, p := range s.Parameters {
			fmt.Fprintf(tw, "  %s\t%g %s\t[%g, %g]\t%s\n", p.Name, p.Default, p.Unit, p.Min, p.Max, p.Description)
		}
	}
	return tw.Flush()
}
