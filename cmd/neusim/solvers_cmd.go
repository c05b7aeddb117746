package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/neusim/neusim/solvers/liggghts"
)

func solversCommand(env *environment) *cli.Command {
	return &cli.Command{
		Name:      "solvers",
		Usage:     "list the numerical solvers --solver accepts and whether each can run here",
		ArgsUsage: " ",
		Description: `Lists the numerical solvers of run, compare and sweep, what each is, and
whether it can run on this machine. The dem and lbm solvers are built into
neusim; liggghts runs the LIGGGHTS executable, which must be installed
(Debian package liggghts); surrogate needs a trained model.`,
		Action: func(c *cli.Context) error {
			tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tAVAILABLE\tDESCRIPTION")
			fmt.Fprintf(tw, "dem\tyes (built in, %s)\tdiscrete element method: Hertz-Mindlin or linear contacts, rolling resistance, walls, outlets\n", versionString())
			avail := "yes"
			if path, err := liggghts.FindExecutable(""); err != nil {
				avail = "no: " + err.Error()
			} else {
				avail = "yes (" + path + ")"
			}
			fmt.Fprintf(tw, "liggghts\t%s\tLIGGGHTS 3.8.0 run on a translated input script, as a reference DEM code\n", avail)
			fmt.Fprintf(tw, "lbm\tyes (built in)\tlattice Boltzmann D2Q9/D3Q19, BGK or TRT, for fluid cases (cavity, cylinder)\n")
			fmt.Fprintf(tw, "surrogate\tyes, with a trained model\tgraph network with xLSTM memory on coarse entities, after a DEM settling phase (--model)\n")
			return tw.Flush()
		},
	}
}
