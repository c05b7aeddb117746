package lbm

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"testing"

	"github.com/neusim/neusim/mesh"
	"github.com/neusim/neusim/solvers"
	"gonum.org/v1/gonum/spatial/r3"
)

func TestLatticeIsotropy(t *testing.T) {
	for _, lat := range []*Lattice{D2Q9(), D3Q19()} {
		// Isotropy up to second order: sum w = 1, sum w c_a c_b = c_s^2 d_ab.
		var sumW float64
		var second [3][3]float64
		for i, c := range lat.C {
			sumW += lat.W[i]
			for a := 0; a < 3; a++ {
				for b := 0; b < 3; b++ {
					second[a][b] += lat.W[i] * float64(c[a]*c[b])
				}
			}
			o := lat.C[lat.Opp[i]]
			if o[0] != -c[0] || o[1] != -c[1] || o[2] != -c[2] {
				t.Errorf("%s: Opp[%d] = %d is not the opposite velocity", lat.Name, i, lat.Opp[i])
			}
		}
		if math.Abs(sumW-1) > 1e-15 {
			t.Errorf("%s: weights sum to %g, want 1", lat.Name, sumW)
		}
		for a := 0; a < lat.D; a++ {
			for b := 0; b < lat.D; b++ {
				want := 0.0
				if a == b {
					want = csSq
				}
				if math.Abs(second[a][b]-want) > 1e-15 {
					t.Errorf("%s: sum w c_%d c_%d = %g, want %g", lat.Name, a, b, second[a][b], want)
				}
			}
		}
	}
}

func smallConfig(t *testing.T) Config {
	t.Helper()
	g, err := mesh.NewGrid(20, 10, 1, 1e-3, r3.Vec{})
	if err != nil {
		t.Fatal(err)
	}
	return Config{Grid: g, TimeStep: 0.1, Duration: 1, Viscosity: 1e-6, Density: 1000}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		modify func(c *Config)
		want   []string
	}{
		{"tau below half", func(c *Config) { c.Viscosity = -1e-9 }, []string{"Viscosity", "-1e-09"}},
		{"tau at half", func(c *Config) { c.Viscosity = 1e-30 }, []string{"tau", "0.5", "raise the time step"}},
		{"mach too high", func(c *Config) { c.Faces[YMax].Velocity = r3.Vec{X: 0.01} }, []string{"Mach", "1.73", "MaxMach 0.3"}},
		{"wall normal velocity", func(c *Config) { c.Faces[YMax].Velocity = r3.Vec{Y: 1e-6} }, []string{"Faces[y+]", "tangentially"}},
		{"unpaired periodic", func(c *Config) { c.Faces[XMin].Kind = Periodic }, []string{"Faces[x-]", "periodic", "Faces[x+]"}},
		{"outlet pressure too high", func(c *Config) { c.Faces[XMax] = Face{Kind: Pressure, Pressure: 1e6} }, []string{"Faces[x+].Pressure", "1e+06 Pa", "gauge pressure"}},
		{"profile on a wall", func(c *Config) { c.Faces[XMax].Profile = func(r3.Vec) r3.Vec { return r3.Vec{} } }, []string{"Faces[x+]", "Profile"}},
		{"no grid", func(c *Config) { c.Grid = nil }, []string{"Grid"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := smallConfig(t)
			tc.modify(&cfg)
			_, err := New(cfg)
			if err == nil {
				t.Fatal("New returned no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// A run with a solid obstacle, a moving lid and a body force gives the
// same bits with one worker and with several, in 2D and in 3D.
func TestWorkersBitIdentical(t *testing.T) {
	run := func(nz, workers int) []float64 {
		cfg := smallConfig(t)
		g, _ := mesh.NewGrid(24, 17, nz, 1e-3, r3.Vec{})
		g.MarkSolid(mesh.SolidSphere{Centre: r3.Vec{X: 0.01, Y: 0.008, Z: 0.003}, Radius: 0.003})
		cfg.Grid = g
		cfg.Faces[YMax].Velocity = r3.Vec{X: 1e-4}
		cfg.Faces[XMin] = Face{Kind: Velocity, Velocity: r3.Vec{X: 1e-5}}
		cfg.Faces[XMax] = Face{Kind: Pressure}
		cfg.BodyAcceleration = r3.Vec{Y: -1e-6}
		cfg.Workers = workers
		var last []float64
		sink := FieldSinkFunc(func(step int64, time float64, fields []mesh.Field) error {
			last = append(last[:0], fields[0].Data...)
			last = append(last, fields[1].Data...)
			return nil
		})
		if err := Run(context.Background(), cfg, sink, nil); err != nil {
			t.Fatal(err)
		}
		return last
	}
	for _, nz := range []int{1, 7} {
		one, many := run(nz, 1), run(nz, 5)
		for i := range one {
			if math.Float64bits(one[i]) != math.Float64bits(many[i]) {
				t.Fatalf("nz=%d, value %d: %v with 1 worker, %v with 5", nz, i, one[i], many[i])
			}
		}
	}
}

func TestRunFramesAndCancel(t *testing.T) {
	cfg := smallConfig(t)
	cfg.OutputInterval = 0.25
	var steps []int64
	sink := FieldSinkFunc(func(step int64, time float64, fields []mesh.Field) error {
		steps = append(steps, step)
		for _, f := range fields {
			if err := f.Check(cfg.Grid); err != nil {
				t.Error(err)
			}
		}
		return nil
	})
	var last solvers.Progress
	if err := Run(context.Background(), cfg, sink, func(p solvers.Progress) { last = p }); err != nil {
		t.Fatal(err)
	}
	if last.Step != 10 || last.Steps != 10 || math.Abs(last.Time-1) > 1e-12 {
		t.Errorf("last progress report %+v, want step 10 of 10 at 1 s", last)
	}
	// An interval of 0.25 s is round(2.5) = 3 steps; the last frame is at
	// the end of the run, step 10.
	if fmt.Sprint(steps) != "[0 3 6 9 10]" {
		t.Errorf("frames at steps %v, want [0 3 6 9 10]", steps)
	}

	ctx, cancel := context.WithCancel(context.Background())
	count := 0
	sink = FieldSinkFunc(func(step int64, time float64, fields []mesh.Field) error {
		count++
		cancel()
		return nil
	})
	if err := Run(ctx, cfg, sink, nil); err != context.Canceled {
		t.Errorf("Run after cancel returned %v, want context.Canceled", err)
	}
	if count != 1 {
		t.Errorf("%d frames sent before the cancellation took effect, want 1", count)
	}
}

func TestWarnNearHalfTau(t *testing.T) {
	cfg := smallConfig(t)
	cfg.TimeStep = 1 // tau = 1/2 + 3 nu dt / dx^2 = 0.503
	cfg.Viscosity = 1e-9
	var buf bytes.Buffer
	cfg.Logger = slog.New(slog.NewTextHandler(&buf, nil))
	if _, err := New(cfg); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "tau=0.503") {
		t.Errorf("log %q has no warning with tau=0.503", buf.String())
	}
}

// totalMass returns the sum of the lattice densities of the fluid nodes.
func totalMass(s *Solver) float64 {
	var m float64
	for n := 0; n < s.nodes; n++ {
		if !s.grid.IsSolid(n) {
			rho, _ := s.nodeState(n)
			m += rho
		}
	}
	return m
}

// Bounce-back walls, moving lids included, and periodic faces conserve
// mass to rounding.
func TestMassConservedWithLid(t *testing.T) {
	for _, op := range []Collision{BGK, TRT} {
		cfg := smallConfig(t)
		g, _ := mesh.NewGrid(24, 17, 1, 1e-3, r3.Vec{})
		g.MarkSolid(mesh.SolidSphere{Centre: r3.Vec{X: 0.01, Y: 0.008}, Radius: 0.003})
		cfg.Grid = g
		cfg.Collision = op
		cfg.Faces[YMax].Velocity = r3.Vec{X: 1e-3}
		cfg.Faces[XMin].Kind, cfg.Faces[XMax].Kind = Periodic, Periodic
		s, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		before := totalMass(s)
		for range 2000 {
			s.Step()
		}
		if after := totalMass(s); math.Abs(after-before) > 1e-12*before {
			t.Errorf("%v: total lattice mass %.15g after 2000 steps, %.15g before", op, after, before)
		}

		// Without periodic faces the lid ends at two corners.
		cfg.Faces[XMin].Kind, cfg.Faces[XMax].Kind = Wall, Wall
		s, _ = New(cfg)
		before = totalMass(s)
		for range 2000 {
			s.Step()
		}
		if after := totalMass(s); math.Abs(after-before) > 1e-12*before {
			t.Errorf("%v, closed cavity: total lattice mass %.15g after 2000 steps, %.15g before", op, after, before)
		}
	}
}

// A run far beyond the stability limits stops with an error instead of
// sending non-finite fields.
func TestDivergenceReported(t *testing.T) {
	g, _ := mesh.NewGrid(16, 16, 1, 1e-3, r3.Vec{})
	cfg := Config{
		Grid: g, TimeStep: 1e-3, Duration: 10, OutputInterval: 0.1,
		Viscosity: 3.4e-8, Density: 1000, // tau = 0.5001
		Faces:   [6]Face{YMax: {Velocity: r3.Vec{X: 0.5}}}, // lattice lid speed 0.5
		MaxMach: 1,
	}
	frames := 0
	err := Run(context.Background(), cfg, FieldSinkFunc(func(int64, float64, []mesh.Field) error { frames++; return nil }), nil)
	if err == nil || !strings.Contains(err.Error(), "diverged") {
		t.Fatalf("Run returned %v, want a divergence error", err)
	}
	t.Logf("%d frames before: %v", frames, err)
}

// The row-buffered D3Q19 kernel and the unrolled D2Q9 kernel give the same
// bits as the generic node-by-node kernel.
func TestSpecialisedKernelsMatchGeneric(t *testing.T) {
	for _, nz := range []int{1, 6} {
		cfg := smallConfig(t)
		g, _ := mesh.NewGrid(20, 9, nz, 1e-3, r3.Vec{})
		g.MarkSolid(mesh.SolidSphere{Centre: r3.Vec{X: 0.008, Y: 0.004, Z: 0.002}, Radius: 0.002})
		cfg.Grid = g
		cfg.Collision = TRT
		cfg.Faces[YMax].Velocity = r3.Vec{X: 1e-4}
		cfg.Faces[XMin] = Face{Kind: Velocity, Velocity: r3.Vec{X: 1e-5}}
		cfg.Faces[XMax] = Face{Kind: Pressure}
		cfg.BodyAcceleration = r3.Vec{Y: -1e-6}
		fast, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		generic, _ := New(cfg)
		for range 50 {
			fast.Step()
			generic.streamCollide(0, generic.nodes, &generic.scratch[0])
			generic.f, generic.next = generic.next, generic.f
			generic.step++
		}
		for n := 0; n < g.Len(); n++ {
			if g.IsSolid(n) {
				continue
			}
			for i := 0; i < fast.lat.Q; i++ {
				a, b := fast.f[i*fast.stride+n], generic.f[i*generic.stride+n]
				if math.Float64bits(a) != math.Float64bits(b) {
					t.Fatalf("%s: node %d population %d: %v specialised, %v generic", fast.lat.Name, n, i, a, b)
				}
			}
		}
	}
}

func TestTimeStepHelpers(t *testing.T) {
	const dx, nu = 1e-3, 1e-6
	dt := TimeStepForTau(dx, nu, 0.8)
	if tau := (Units{Dx: dx, Dt: dt, Rho: 1000}).Tau(nu); math.Abs(tau-0.8) > 1e-12 {
		t.Errorf("tau at TimeStepForTau(0.8) = %g, want 0.8", tau)
	}
	dt = TimeStepForMach(dx, 0.5, 0.1)
	if mach := (Units{Dx: dx, Dt: dt}).LatticeSpeed(0.5) / math.Sqrt(csSq); math.Abs(mach-0.1) > 1e-12 {
		t.Errorf("Mach at TimeStepForMach(0.1) = %g, want 0.1", mach)
	}
}

// TestMachWarningUnlessLimitSet checks that a lattice Mach number above
// 0.1 is warned about once per solver by default, and not when WarnMach
// raises the limit.
func TestMachWarningUnlessLimitSet(t *testing.T) {
	for _, warnMach := range []float64{0, 0.2} {
		cfg := smallConfig(t)
		cfg.CharacteristicSpeed = 1e-3 // lattice speed 0.1, Mach 0.173
		cfg.WarnMach = warnMach
		var buf bytes.Buffer
		cfg.Logger = slog.New(slog.NewTextHandler(&buf, nil))
		if _, err := New(cfg); err != nil {
			t.Fatal(err)
		}
		want := 0
		if warnMach == 0 {
			want = 1
		}
		if got := strings.Count(buf.String(), "lattice Mach number above 0.1"); got != want {
			t.Errorf("WarnMach %g: %d Mach warnings, want %d; log %q", warnMach, got, want, buf.String())
		}
	}
}
