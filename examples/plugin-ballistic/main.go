// Command neusim-solver-ballistic is an example solver plugin: particles
// in free flight under gravity, with no contacts, walls or drag. It shows
// how little a plugin needs (a solvers.Solver and sdk.Serve) and is
// checked against the analytic trajectory x(t) = x0 + v0 t + g t^2 / 2.
//
// Build it onto the plugin path and run it:
//
//	go build -o ~/.local/share/neusim/plugins/neusim-solver-ballistic ./examples/plugin-ballistic
//	neusim run examples/plugin-ballistic/testdata/drop.yaml --solver ballistic
//
// It runs pack insertions with a constant radius, placed on a cubic
// lattice of spacing 2.2 radii from the region's lower corner, and
// removes particles whose centre leaves the domain. Walls, outlets,
// pour insertions and other radius distributions are rejected by name.
package main

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
	"github.com/neusim/neusim/solvers/plugin/sdk"
)

type ballistic struct{}

func (ballistic) Name() string { return "ballistic" }

// Run integrates with velocity Verlet, which is exact for a constant
// acceleration up to rounding, at 100 steps per output interval.
func (ballistic) Run(ctx context.Context, c *cases.Case, sink solvers.Sink, progress solvers.ProgressFunc) error {
	f, err := place(c)
	if err != nil {
		return err
	}
	steps := int64(math.Round(c.Solver.Duration/c.Solver.OutputInterval)) * 100
	dt := c.Solver.Duration / float64(steps)
	for step := int64(0); ; step++ {
		if step%100 == 0 {
			f.Step, f.Time = step, float64(step)*dt
			if err := sink.WriteFrame(f); err != nil {
				return err
			}
			if progress != nil {
				progress(solvers.Progress{Step: step, Steps: steps, Time: f.Time, Duration: c.Solver.Duration, Particles: f.Len()})
			}
		}
		if step == steps || ctx.Err() != nil {
			return ctx.Err()
		}
		kept := 0
		for i := range f.ID {
			f.Pos[i] = r3.Add(f.Pos[i], r3.Add(r3.Scale(dt, f.Vel[i]), r3.Scale(dt*dt/2, c.Gravity)))
			f.Vel[i] = r3.Add(f.Vel[i], r3.Scale(dt, c.Gravity))
			if p, lo, hi := f.Pos[i], c.Domain.Min, c.Domain.Max; p.X >= lo.X && p.X <= hi.X && p.Y >= lo.Y && p.Y <= hi.Y && p.Z >= lo.Z && p.Z <= hi.Z {
				f.ID[kept], f.Pos[kept], f.Vel[kept], f.Radius[kept], f.Mass[kept], f.Material[kept] = f.ID[i], f.Pos[i], f.Vel[i], f.Radius[i], f.Mass[i], f.Material[i]
				kept++
			}
		}
		f.Resize(kept)
	}
}

// place returns the initial frame, or an error naming a case feature
// that this solver does not have.
func place(c *cases.Case) (*particles.Frame, error) {
	switch {
	case c.Fluid != nil:
		return nil, fmt.Errorf("ballistic: case %s is a fluid case; only particle cases are supported", c.Name)
	case len(c.Walls) > 0:
		return nil, fmt.Errorf("ballistic: wall %s (%s): walls are not supported", c.Walls[0].Name, c.Walls[0].Type)
	case len(c.Outlets) > 0:
		return nil, fmt.Errorf("ballistic: outlet %s: outlets are not supported", c.Outlets[0].Name)
	}
	f := &particles.Frame{}
	for _, in := range c.Insertions {
		if in.Mode != cases.InsertPack || in.Region.Type != cases.RegionBox || in.Radius.Kind != cases.RadiusConstant || in.Count == 0 {
			return nil, fmt.Errorf("ballistic: insertion %s: only pack insertions of a given count in a box with a constant radius are supported", in.Name)
		}
		r, lo, hi := in.Radius.Value, in.Region.Min, in.Region.Max
		mass := c.Materials[in.Material].Density * 4 * math.Pi / 3 * r * r * r
		for x := lo.X + r; x <= hi.X-r; x += 2.2 * r {
			for y := lo.Y + r; y <= hi.Y-r; y += 2.2 * r {
				for z := lo.Z + r; z <= hi.Z-r && in.Count > 0; z += 2.2 * r {
					f.ID = append(f.ID, int64(len(f.ID)))
					f.Pos = append(f.Pos, r3.Vec{X: x, Y: y, Z: z})
					f.Vel, f.Omega = append(f.Vel, in.Velocity), append(f.Omega, r3.Vec{})
					f.Radius, f.Mass, f.Material = append(f.Radius, r), append(f.Mass, mass), append(f.Material, int32(in.Material))
					in.Count--
				}
			}
		}
		if in.Count > 0 {
			return nil, fmt.Errorf("ballistic: insertion %s: the region has room for %d fewer particles than requested", in.Name, in.Count)
		}
	}
	return f, nil
}

func main() {
	sdk.Serve(ballistic{}, sdk.Info{
		Version:     "1.0.0",
		Description: "free flight under gravity without contacts (example plugin)",
		Features:    []string{sdk.FeatureParticles, sdk.FeatureInsert + "pack"},
	})
}
