package main

import (
	"github.com/urfave/cli/v2"

	// Registers the "cuda" device with kernels.Open. It loads nothing
	// until a command opens the device.
	_ "github.com/neusim/neusim/kernels/cuda"
)

// deviceFlag selects the compute backend of the surrogate model, for run,
// compare, train and sweep.
func deviceFlag() cli.Flag {
	return &cli.StringFlag{
		Name:  "device",
		Value: "auto",
		Usage: "where the surrogate model runs: cpu, cuda (an NVIDIA GPU; an error when no usable GPU, driver, NVRTC or cuBLAS is found), " +
			"or auto (cuda when all of those are present, else the CPU after one warning that names what is missing). " +
			"The DEM solver and the grouping run on the CPU in every case",
	}
}

// deviceName returns the --device value of c, checked.
func deviceName(c *cli.Context) (string, error) {
	d := c.String("device")
	switch d {
	case "auto", "cpu", "cuda":
		return d, nil
	}
	return "", usagef("%s --device: %q is not one of auto, cpu, cuda", c.Command.Name, d)
}
