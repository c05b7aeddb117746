// Command hopper-rings reads a hopper trajectory (trajectory.arrow of
// "neusim run") and prints, at intervals, how the beads still above the
// orifice plane z = 0 are spread over rings around the z axis and how
// they move. Run on a DEM and a surrogate trajectory of one variant, it
// shows where the surrogate's bed drains more slowly than DEM's.
//
// Usage, from the repository root:
//
//	neusim run hopper --solver dem --duration 3.5 --out out/rings-dem
//	go run ./bench/hopper-rings -trajectory out/rings-dem/trajectory.arrow
//
// and the same with the surrogate (neusim run hopper --duration 4 --out
// out/rings-surrogate).
//
// For each ring (inner and outer radius from -rings, m) it prints the
// number of beads with centres above z = 0, their mean inward radial
// velocity and mean vertical velocity (mm/s; inward and upward positive),
// their mean speed (mm/s) and their mean height (mm). Last come the
// horizontal centre of mass of all beads above z = 0 (mm) and their
// counts in the quadrants around +x, +y, -x and -y. The hopper is
// axisymmetric, so both show whether a run keeps that symmetry.
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/trajectory"
)

func main() {
	path := flag.String("trajectory", "", "trajectory file (trajectory.arrow of neusim run)")
	rings := flag.String("rings", "0.0075,0.012,0.016,0.02,0.03", "comma-separated outer radii of the rings, m, increasing")
	every := flag.Float64("every", 0.2, "simulated time between printed frames, s")
	from := flag.Float64("from", 1.6, "first simulated time printed, s")
	flag.Parse()
	outer, err := parseRadii(*rings)
	if err != nil || *path == "" || !(*every > 0) {
		fmt.Fprintf(os.Stderr, "hopper-rings: -trajectory FILE is required, -every must be positive and -rings must list increasing positive radii in m (%v)\n", err)
		os.Exit(2)
	}
	if err := run(*path, outer, *from, *every); err != nil {
		fmt.Fprintln(os.Stderr, "hopper-rings:", err)
		os.Exit(1)
	}
}

func parseRadii(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return nil, err
		}
		if !(v > 0) || (len(out) > 0 && v <= out[len(out)-1]) {
			return nil, fmt.Errorf("invalid radius %g m: each radius must be positive and larger than the one before", v)
		}
		out = append(out, v)
	}
	return out, nil
}

func run(path string, outer []float64, from, every float64) error {
	r, err := trajectory.Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	fmt.Print("time_s")
	inner := 0.0
	for _, o := range outer {
		fmt.Printf(" | r %.1f-%.1f mm: beads vr_in vz speed z_mm", 1000*inner, 1000*o)
		inner = o
	}
	fmt.Println(" | com_x_mm com_y_mm | quadrants +x +y -x -y")
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
		printFrame(f, outer)
	}
	return nil
}

// ring accumulates the beads of one ring.
type ring struct {
	n                  int
	vrIn, vz, speed, z float64 // sums over the beads: velocities in m/s, height in m
}

func printFrame(f *particles.Frame, outer []float64) {
	rs := make([]ring, len(outer))
	var quadrants [4]int
	var above int
	var comX, comY float64 // sums, m
	for k, p := range f.Pos {
		if p.Z <= 0 {
			continue
		}
		above++
		comX += p.X
		comY += p.Y
		// Quadrant 0 spans -45 to 45 degrees around +x, then counterclockwise.
		quadrants[int(math.Floor(math.Atan2(p.Y, p.X)/(math.Pi/2)+0.5)+4)%4]++
		rad := math.Hypot(p.X, p.Y)
		b := 0
		for b < len(outer) && rad >= outer[b] {
			b++
		}
		if b == len(outer) {
			continue
		}
		v, g := f.Vel[k], &rs[b]
		g.n++
		if rad > 0 {
			g.vrIn -= (v.X*p.X + v.Y*p.Y) / rad
		}
		g.vz += v.Z
		g.speed += math.Sqrt(v.X*v.X + v.Y*v.Y + v.Z*v.Z)
		g.z += p.Z
	}
	fmt.Printf("%.2f", f.Time)
	for _, g := range rs {
		n := math.Max(float64(g.n), 1)
		fmt.Printf(" | %d %.0f %.0f %.0f %.1f", g.n, 1000*g.vrIn/n, 1000*g.vz/n, 1000*g.speed/n, 1000*g.z/n)
	}
	m := math.Max(float64(above), 1)
	fmt.Printf(" | %.2f %.2f | %d %d %d %d\n", 1000*comX/m, 1000*comY/m, quadrants[0], quadrants[1], quadrants[2], quadrants[3])
}
