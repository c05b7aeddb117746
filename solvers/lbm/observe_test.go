package lbm

import (
	"context"
	"math"
	"testing"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/mesh"
	"gonum.org/v1/gonum/spatial/r3"
)

// runObserved loads the case source, runs it with the lbm solver and
// returns the observer after the last frame.
func runObserved(t *testing.T, src string) (*Observer, *Solver) {
	t.Helper()
	c, err := cases.LoadBytes("channel.yaml", []byte(src), "", cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ConfigFromCase(c, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	obs, err := NewObserver(c, cfg.Grid, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(context.Background(), observerSink(obs), nil); err != nil {
		t.Fatal(err)
	}
	return obs, s
}

// observerSink returns a sink that records every frame in obs.
func observerSink(obs *Observer) FieldSink {
	return FieldSinkFunc(func(step int64, time float64, fields []mesh.Field) error {
		return obs.Record(step, time, fields)
	})
}

func lastFrame(t *testing.T, obs *Observer, k int) ObservableValue {
	t.Helper()
	frames := obs.Series[k].Frames
	if len(frames) < 2 {
		t.Fatalf("observable %s has %d frames, want the first and last at least", obs.Series[k].Name, len(frames))
	}
	return frames[len(frames)-1]
}

// A channel periodic along x with walls made of two box obstacles,
// driven by a body acceleration a: the steady force on both walls is
// rho a V over the fluid volume V, half of it on each wall.
const forceCase = `name: channel
fluid:
  grid: {origin: [0, 0, 0], spacing: 1.0e-3, nodes: [4, 18, 1]}
  time_step: 0.1
  duration: 1280
  viscosity: 1.0e-6
  density: 1000
  body_acceleration: [1.5e-5, 0, 0]
  characteristic_speed: 5.0e-4
  faces:
    x-: {type: periodic}
    x+: {type: periodic}
  obstacles:
    - {name: lower, type: box, min: [-1, -1, -1], max: [1, 0.0005, 1]}
    - {name: upper, type: box, min: [-1, 0.0165, -1], max: [1, 1, 1]}
observables:
  - {name: lower_force, type: force, obstacle: lower, reference_speed: 5.0e-4, reference_length: 0.016}
  - {name: upper_force, type: force, obstacle: upper}
`

func TestObserverForceBalance(t *testing.T) {
	obs, _ := runObserved(t, forceCase)
	if u := obs.Series[0].Unit; u != "N/m" {
		t.Errorf("force unit %q, want N/m on a 2D grid", u)
	}
	lower, upper := lastFrame(t, obs, 0), lastFrame(t, obs, 1)
	want := 1000 * 1.5e-5 * (4 * 16 * 1e-6) // rho a V, N/m
	total := lower.Force[0] + upper.Force[0]
	if rel := math.Abs(total-want) / want; rel > 1e-9 {
		t.Errorf("wall force = %.12g N/m, want rho a V = %.12g N/m", total, want)
	}
	if rel := math.Abs(lower.Force[0]-want/2) / want; rel > 1e-9 {
		t.Errorf("lower wall force = %.12g N/m, want half of rho a V = %.12g N/m", lower.Force[0], want/2)
	}
	if lower.DragCoefficient == nil || upper.DragCoefficient != nil {
		t.Fatalf("drag coefficient set %v and %v, want only on the observable with reference values",
			lower.DragCoefficient != nil, upper.DragCoefficient != nil)
	}
	wantCd := 2 * lower.Force[0] / (1000 * 5e-4 * 5e-4 * 0.016)
	if math.Abs(*lower.DragCoefficient-wantCd) > 1e-12*wantCd {
		t.Errorf("drag coefficient %.12g, want 2 F / (rho U^2 L) = %.12g", *lower.DragCoefficient, wantCd)
	}
	// The pressure pushes the walls apart with equal and opposite forces.
	if sum := lower.Force[1] + upper.Force[1]; math.Abs(sum) > 1e-9*math.Abs(lower.Force[1]) {
		t.Errorf("normal forces on the walls %.12g and %.12g N/m, want opposite", lower.Force[1], upper.Force[1])
	}
}

// Plane Poiseuille flow from a parabolic inlet to a pressure outlet:
// the profile across the channel is u(y) = 4 U y (H - y) / H^2 and the
// pressure falls by G = 8 rho nu U / H^2 per metre (White, Viscous Fluid
// Flow), which the profile and pressure difference observables sample
// between nodes.
const poiseuilleCase = `name: channel
fluid:
  grid: {origin: [3.125e-5, 3.125e-5, 0], spacing: 6.25e-5, nodes: [32, 16, 1]}
  collision: trt
  time_step: 3.90625e-4
  duration: 5
  viscosity: 1.0e-6
  density: 1000
  initial_velocity: [6.6667e-4, 0, 0]
  faces:
    x-: {type: velocity, velocity: [1.0e-3, 0, 0], profile: parabolic}
    x+: {type: pressure, pressure: 0}
observables:
  - {name: across, type: profile, from: [1.0e-3, 0, 0], to: [1.0e-3, 1.0e-3, 0], samples: 9}
  - {name: dp, type: pressure_difference, from: [0.5e-3, 0.47e-3, 0], to: [1.5e-3, 0.47e-3, 0]}
`

func TestObserverPoiseuille(t *testing.T) {
	obs, _ := runObserved(t, poiseuilleCase)
	const height, umax, nu, rho = 1e-3, 1e-3, 1e-6, 1000.0
	profile := lastFrame(t, obs, 0)
	if len(profile.Velocity) != 9 || profile.Distance[8] != height {
		t.Fatalf("profile of %d samples ending at %g m, want 9 ending at %g m", len(profile.Velocity), profile.Distance[8], height)
	}
	for i, u := range profile.Velocity {
		// Samples at the walls take the velocity of the outer nodes, half
		// a spacing inside. Linear interpolation between nodes misses
		// the parabola by at most U (dx/H)^2 = U/256, and the tolerance
		// allows twice that.
		const dx = height / 16
		y := math.Min(math.Max(profile.Distance[i], dx/2), height-dx/2)
		want := 4 * umax * y * (height - y) / (height * height)
		if tol := umax / 128; math.Abs(u[0]-want) > tol {
			t.Errorf("u at y = %.4g m = %.6g m/s, want %.6g within %.2g", y, u[0], want, tol)
		}
		if math.Abs(u[1]) > 1e-3*umax {
			t.Errorf("v at y = %.4g m = %.3g m/s, want 0", y, u[1])
		}
	}
	dp := lastFrame(t, obs, 1)
	want := 8 * rho * nu * umax / (height * height) * 1e-3
	if rel := math.Abs(*dp.PressureDifference-want) / want; rel > 0.01 {
		t.Errorf("pressure difference = %.6g Pa, want G L = %.6g Pa (relative error %.3g)", *dp.PressureDifference, want, rel)
	}
}

func TestObserverWithoutSolver(t *testing.T) {
	c, err := cases.LoadBytes("channel.yaml", []byte(forceCase), "", cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ConfigFromCase(c, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	obs, err := NewObserver(c, cfg.Grid, nil)
	if err != nil {
		t.Fatal(err)
	}
	fields := []mesh.Field{
		mesh.NewField(cfg.Grid, "velocity", "m/s", 3, mesh.AtPoints),
		mesh.NewField(cfg.Grid, "pressure", "Pa", 1, mesh.AtPoints),
	}
	if err := obs.Record(0, 0, fields); err != nil {
		t.Fatal(err)
	}
	if s := obs.Series[0]; len(s.Frames) != 0 || s.Note == "" {
		t.Errorf("force without a solver: %d frames, note %q; want none and a note", len(s.Frames), s.Note)
	}
}

// Multilinear interpolation reproduces a linear field exactly, in 2D and
// 3D, at points between nodes and on nodes.
func TestObserverInterpolatesLinearFields(t *testing.T) {
	for _, dims := range [][3]int{{5, 4, 1}, {5, 4, 3}} {
		g, err := mesh.NewGrid(dims[0], dims[1], dims[2], 0.5, r3.Vec{X: 1, Y: -1, Z: 2})
		if err != nil {
			t.Fatal(err)
		}
		field := func(p r3.Vec) [3]float64 {
			return [3]float64{1 + 2*p.X - p.Y + 0.5*p.Z, 3*p.Y - p.X, -p.Z + 4}
		}
		vel := make([]float64, 3*g.Len())
		pres := make([]float64, g.Len())
		for n := 0; n < g.Len(); n++ {
			u := field(g.Point(g.Coords(n)))
			copy(vel[3*n:], u[:])
			pres[n] = u[0]
		}
		o := &Observer{grid: g}
		zmax := 2 + 0.5*float64(dims[2]-1)
		for _, p := range []r3.Vec{{X: 1.3, Y: -0.2, Z: 2}, {X: 2.75, Y: 0.1, Z: zmax}, {X: 1, Y: -1, Z: 2}, {X: 2.9, Y: 0.45, Z: (2 + zmax) / 2}} {
			want := field(p)
			got := o.velocityAt(vel, p)
			for a := range got {
				if math.Abs(got[a]-want[a]) > 1e-12 {
					t.Errorf("%v grid: velocity[%d] at %v = %.15g, want %.15g", dims, a, p, got[a], want[a])
				}
			}
			gotP, err := o.pressureAt(pres, p)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(gotP-want[0]) > 1e-12 {
				t.Errorf("%v grid: pressure at %v = %.15g, want %.15g", dims, p, gotP, want[0])
			}
		}
	}
}

// Pressure comes from the fluid corners only, and a point among solid
// nodes only is an error.
func TestObserverPressureSkipsSolids(t *testing.T) {
	g, err := mesh.NewGrid(4, 4, 1, 1, r3.Vec{})
	if err != nil {
		t.Fatal(err)
	}
	g.Solid = make([]bool, g.Len())
	pres := make([]float64, g.Len())
	for n := range pres {
		i, j, _ := g.Coords(n)
		g.Solid[n] = i >= 2
		pres[n] = float64(10*j + 1)
	}
	o := &Observer{grid: g}
	// Between columns 1 (fluid) and 2 (solid) at y = 0.5: the fluid
	// nodes (1, 0) and (1, 1) give 1 and 11 with equal weights.
	p, err := o.pressureAt(pres, r3.Vec{X: 1.5, Y: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if p != 6 {
		t.Errorf("pressure next to the solid = %g, want 6 from the fluid nodes alone", p)
	}
	if _, err := o.pressureAt(pres, r3.Vec{X: 2.5, Y: 0.5}); err == nil {
		t.Error("pressure among solid nodes only returned no error")
	}
}
