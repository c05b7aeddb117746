// Command hopper-orifice reads a hopper trajectory (trajectory.arrow of
// "neusim run") and prints, at intervals, the state of the beads over
// and under a circular orifice at z = 0 on the z axis: their solid
// fraction, how much they overlap, and how fast they move down. It
// compares the surrogate's packing and flow at the orifice with DEM's.
//
// Usage, from the repository root:
//
//	neusim run hopper --solver dem --set outlet_diameter=0.0135 --set friction=0.25 --duration 2.5 --out out/orifice-dem
//	go run ./bench/hopper-orifice -trajectory out/orifice-dem/trajectory.arrow -outlet-diameter 0.0135
//
// and the same with --solver surrogate --model M for the surrogate.
//
// Each printed frame covers the beads whose centres lie within the
// orifice radius of the axis and up to -height above the orifice. For
// them it prints the count, the solid fraction (bead volume over the
// cylinder's) and the mean vertical velocity (m/s). It then prints the
// neighbours that overlap each bead by more than a tenth of its radius
// (per bead) and the largest overlap (in radii). Last come the count and
// the mean vertical velocity of the beads from 0 to 10 mm under the
// orifice. Overlaps are found by brute force against every bead.
package main

import (
	"flag"
	"fmt"
	"math"
	"os"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/trajectory"
)

func main() {
	path := flag.String("trajectory", "", "trajectory file (trajectory.arrow of neusim run)")
	diameter := flag.Float64("outlet-diameter", 0, "orifice diameter, m")
	height := flag.Float64("height", 0.015, "height of the cylinder over the orifice, m")
	every := flag.Float64("every", 0.2, "simulated time between printed frames, s")
	from := flag.Float64("from", 0.45, "first simulated time printed, s")
	flag.Parse()
	if *path == "" || !(*diameter > 0) || !(*height > 0) || !(*every > 0) {
		fmt.Fprintln(os.Stderr, "hopper-orifice: -trajectory FILE and a positive -outlet-diameter (m) are required; -height and -every must be positive")
		os.Exit(2)
	}
	if err := run(*path, *diameter/2, *height, *from, *every); err != nil {
		fmt.Fprintln(os.Stderr, "hopper-orifice:", err)
		os.Exit(1)
	}
}

func run(path string, radius, height, from, every float64) error {
	r, err := trajectory.Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	fmt.Println("time_s beads solid_fraction vz_m_s overlapping_per_bead largest_overlap_radii | jet_beads jet_vz_m_s")
	next := from
	for i := range r.Len() {
		f, err := r.Frame(i)
		if err != nil {
			return err
		}
		if f.Time < next-1e-9 {
			continue
		}
		next = f.Time + every
		printFrame(f, radius, height)
	}
	return nil
}

func printFrame(f *particles.Frame, radius, height float64) {
	var over []int
	var volume, vz float64
	var jet int
	var jetVz float64
	for k, p := range f.Pos {
		if p.X*p.X+p.Y*p.Y >= radius*radius {
			continue
		}
		switch {
		case p.Z > 0 && p.Z < height:
			over = append(over, k)
			volume += 4 * math.Pi / 3 * math.Pow(f.Radius[k], 3)
			vz += f.Vel[k].Z
		case p.Z <= 0 && p.Z > -0.01:
			jet++
			jetVz += f.Vel[k].Z
		}
	}
	overlapping, largest := 0, 0.0
	for _, a := range over {
		for b := range f.Pos {
			if b == a {
				continue
			}
			o := f.Radius[a] + f.Radius[b] - r3.Norm(r3.Sub(f.Pos[a], f.Pos[b]))
			if o > 0.1*f.Radius[a] {
				overlapping++
			}
			largest = math.Max(largest, o/f.Radius[a])
		}
	}
	n := float64(len(over))
	fmt.Printf("%.2f %d %.3f %.3f %.2f %.2f | %d %.3f\n", f.Time, len(over), volume/(math.Pi*radius*radius*height),
		vz/math.Max(n, 1), float64(overlapping)/math.Max(n, 1), largest, jet, jetVz/math.Max(float64(jet), 1))
}
