// Command dem-vs-liggghts runs a case in neusim's DEM solver and reports
// its speed in particle-steps per second of stepping. It can also write
// the LIGGGHTS input for the same case, starting from neusim's initial
// packing, so that run.sh times LIGGGHTS on identical particles.
//
//	go run ./bench/dem-vs-liggghts -workers 2 -liggghts-dir /tmp/lig
//
// Output lines are key=value pairs:
//
//	particles=20000 steps=20000 workers=2 stepping_s=123.4
//	particle_steps_per_s=3.2e+06
package main

import (
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"math"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
	"github.com/neusim/neusim/solvers/dem"
	"github.com/neusim/neusim/solvers/liggghts"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dem-vs-liggghts", flag.ContinueOnError)
	fs.SetOutput(stderr)
	casePath := fs.String("case", "bench/dem-vs-liggghts/box.yaml", "case file to run")
	workers := fs.Int("workers", 0, "DEM worker goroutines; 0 means all cores")
	count := fs.Int("n", 0, "particles to insert, replacing the first insertion's count; 0 keeps the case's")
	steps := fs.Int64("steps", 0, "steps to run, replacing the case's duration; 0 keeps the case's")
	ligDir := fs.String("liggghts-dir", "", "write the LIGGGHTS input for the case, starting from neusim's initial frame, into this existing directory")
	skipDEM := fs.Bool("prepare-only", false, "stop after writing the LIGGGHTS input, without running the DEM steps")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run, packing included, to this file (for go tool pprof or as a PGO profile)")
	if err := fs.Parse(args); err != nil {
		return 2
	}

	c, err := cases.Load(*casePath, cases.Options{})
	if err != nil {
		fmt.Fprintln(stderr, "dem-vs-liggghts:", err)
		return 1
	}
	if *count > 0 {
		if len(c.Insertions) == 0 {
			fmt.Fprintln(stderr, "dem-vs-liggghts: -n: the case has no insertion")
			return 1
		}
		c.Insertions[0].Count, c.Insertions[0].FillFraction = *count, 0
	}
	if *steps > 0 {
		if c.Solver.TimeStep <= 0 {
			fmt.Fprintln(stderr, "dem-vs-liggghts: -steps needs a case with a fixed time_step")
			return 1
		}
		c.Solver.Duration = float64(*steps) * c.Solver.TimeStep
		c.Solver.OutputInterval = c.Solver.Duration / 4
	}

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(stderr, "dem-vs-liggghts: -cpuprofile:", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(stderr, "dem-vs-liggghts: -cpuprofile:", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}

	if err := bench(c, *workers, *ligDir, *skipDEM, stdout); err != nil {
		fmt.Fprintln(stderr, "dem-vs-liggghts:", err)
		return 1
	}
	return 0
}

// errPrepared stops the DEM run once the initial frame has been written.
var errPrepared = errors.New("LIGGGHTS input written")

// bench runs c in the DEM solver, timing the stepping from the initial
// frame to the last one, which leaves out the packing of the particles.
func bench(c *cases.Case, workers int, ligDir string, prepareOnly bool, stdout io.Writer) error {
	var first, last time.Time
	var firstFrame *particles.Frame
	var lastStep int64
	var lastSum uint64
	sink := solvers.SinkFunc(func(f *particles.Frame) error {
		now := time.Now()
		if firstFrame == nil {
			first, firstFrame = now, f.Clone()
			if ligDir != "" {
				in, err := liggghts.Translate(c, liggghts.ScriptOptions{Initial: firstFrame})
				if err != nil {
					return err
				}
				if err := in.WriteDir(ligDir); err != nil {
					return err
				}
				fmt.Fprintf(stdout, "liggghts_input=%s steps=%d particles=%d\n", ligDir, in.Steps, f.Len())
			}
			if prepareOnly {
				return errPrepared
			}
		}
		last, lastStep = now, f.Step
		lastSum = frameChecksum(f)
		return nil
	})

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	err := dem.New(dem.Options{Workers: workers, Logger: log}).Run(context.Background(), c, sink, nil)
	if errors.Is(err, errPrepared) {
		return nil
	}
	if err != nil {
		return err
	}

	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	steps := lastStep - firstFrame.Step
	seconds := last.Sub(first).Seconds()
	fmt.Fprintf(stdout, "particles=%d steps=%d workers=%d stepping_s=%.3f\n", firstFrame.Len(), steps, workers, seconds)
	fmt.Fprintf(stdout, "particle_steps_per_s=%.4g\n", float64(firstFrame.Len())*float64(steps)/seconds)
	fmt.Fprintf(stdout, "final_checksum=%016x\n", lastSum)
	return nil
}

// frameChecksum returns the FNV-1a hash of the bits of every id,
// position, velocity and angular velocity of f, in frame order. Two
// builds of the solver that give the same checksum ran bit for bit the
// same trajectory, which is how a speed-up is checked not to change the
// arithmetic.
func frameChecksum(f *particles.Frame) uint64 {
	h := fnv.New64a()
	var buf [8]byte
	word := func(u uint64) {
		binary.LittleEndian.PutUint64(buf[:], u)
		h.Write(buf[:])
	}
	vec := func(v r3.Vec) {
		word(math.Float64bits(v.X))
		word(math.Float64bits(v.Y))
		word(math.Float64bits(v.Z))
	}
	for i := range f.ID {
		word(uint64(f.ID[i]))
		vec(f.Pos[i])
		vec(f.Vel[i])
		vec(f.Omega[i])
	}
	return h.Sum64()
}
