package liggghts

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
)

func readAll(t *testing.T, text string, opt DumpOptions) ([]*particles.Frame, error) {
	t.Helper()
	var frames []*particles.Frame
	for f, err := range ReadDump(strings.NewReader(text), "test.dump", opt) {
		if err != nil {
			return frames, err
		}
		frames = append(frames, f)
	}
	return frames, nil
}

const twoSnapshots = `ITEM: TIMESTEP
100
ITEM: NUMBER OF ATOMS
2
ITEM: BOX BOUNDS ff ff ff
0 0.1
0 0.1
0 0.2
ITEM: ATOMS id type x y z vx vy vz omegax omegay omegaz radius mass
1 1 0.01 0.02 0.03 1 2 3 4 5 6 0.0015 3.5e-05
2 2 0.04 0.05 0.06 -1 -2 -3 -4 -5 -6 0.002 8e-05
ITEM: TIMESTEP
200
ITEM: NUMBER OF ATOMS
1
ITEM: BOX BOUNDS ff ff ff
0 0.1
0 0.1
0 0.2
ITEM: ATOMS id type x y z vx vy vz omegax omegay omegaz radius mass
1 1 0.011 0.021 0.031 1 2 3 4 5 6 0.0015 3.5e-05
`

func TestReadDumpSnapshots(t *testing.T) {
	frames, err := readAll(t, twoSnapshots, DumpOptions{TimeStep: 1e-5})
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != 2 {
		t.Fatalf("got %d frames, want 2", len(frames))
	}
	f := frames[0]
	if f.Step != 100 || math.Abs(f.Time-1e-3) > 1e-15 {
		t.Errorf("frame 0 at step %d time %g, want step 100 time 1e-3 s", f.Step, f.Time)
	}
	if f.Len() != 2 || f.ID[1] != 2 || f.Material[1] != 1 {
		t.Errorf("frame 0 ids %v materials %v, want ids [1 2] materials [0 1]", f.ID, f.Material)
	}
	if f.Pos[1] != (r3.Vec{X: 0.04, Y: 0.05, Z: 0.06}) || f.Vel[1] != (r3.Vec{X: -1, Y: -2, Z: -3}) || f.Omega[1] != (r3.Vec{X: -4, Y: -5, Z: -6}) {
		t.Errorf("atom 2 pos %v vel %v omega %v", f.Pos[1], f.Vel[1], f.Omega[1])
	}
	if f.Radius[1] != 0.002 || f.Mass[1] != 8e-05 {
		t.Errorf("atom 2 radius %g mass %g, want 0.002 and 8e-05", f.Radius[1], f.Mass[1])
	}
	if frames[1].Step != 200 || frames[1].Len() != 1 {
		t.Errorf("frame 1 step %d with %d atoms, want step 200 with 1", frames[1].Step, frames[1].Len())
	}
}

// Columns in another order, diameters instead of radii, no angular
// velocity and no mass: the mass comes from the type's density.
func TestReadDumpColumnOrder(t *testing.T) {
	text := `ITEM: TIMESTEP
0
ITEM: NUMBER OF ATOMS
1
ITEM: BOX BOUNDS pp pp ff
-1 1
-1 1
0 2
ITEM: ATOMS diameter vz vy vx z y x type id
0.004 3 2 1 0.3 0.2 0.1 2 7
`
	opt := DumpOptions{Densities: map[int]float64{2: 2500}, Materials: map[int]int32{2: 5}, IDOffset: -1}
	frames, err := readAll(t, text, opt)
	if err != nil {
		t.Fatal(err)
	}
	f := frames[0]
	if f.ID[0] != 6 || f.Material[0] != 5 {
		t.Errorf("id %d material %d, want 6 and 5", f.ID[0], f.Material[0])
	}
	if f.Pos[0] != (r3.Vec{X: 0.1, Y: 0.2, Z: 0.3}) || f.Vel[0] != (r3.Vec{X: 1, Y: 2, Z: 3}) || f.Omega[0] != (r3.Vec{}) {
		t.Errorf("pos %v vel %v omega %v", f.Pos[0], f.Vel[0], f.Omega[0])
	}
	wantMass := 2500 * 4 * math.Pi / 3 * 0.002 * 0.002 * 0.002
	if f.Radius[0] != 0.002 || math.Abs(f.Mass[0]-wantMass) > 1e-12*wantMass {
		t.Errorf("radius %g mass %g, want 0.002 and %g", f.Radius[0], f.Mass[0], wantMass)
	}
}

func TestReadDumpScaledPositions(t *testing.T) {
	text := `ITEM: TIMESTEP
0
ITEM: NUMBER OF ATOMS
1
ITEM: BOX BOUNDS ff ff ff
0 0.1
-0.1 0.1
1 3
ITEM: ATOMS id type xs ys zs vx vy vz radius mass
1 1 0.5 0.25 0.5 0 0 0 0.001 1e-6
`
	frames, err := readAll(t, text, DumpOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := r3.Vec{X: 0.05, Y: -0.05, Z: 2}
	if d := r3.Norm(r3.Sub(frames[0].Pos[0], want)); d > 1e-15 {
		t.Errorf("position %v, want %v", frames[0].Pos[0], want)
	}
}

func TestReadDumpErrors(t *testing.T) {
	header := "ITEM: TIMESTEP\n5\nITEM: NUMBER OF ATOMS\n1\nITEM: BOX BOUNDS ff ff ff\n0 1\n0 1\n0 1\n"
	for _, tc := range []struct {
		name, text, want string
	}{
		{"missing column", header + "ITEM: ATOMS id type x y z vx vy radius mass\n1 1 0 0 0 0 0 1 1\n", "test.dump:9: missing column vz"},
		{"missing mass", header + "ITEM: ATOMS id type x y z vx vy vz radius\n1 1 0 0 0 0 0 0 1\n", "test.dump:10: missing column mass"},
		{"short line", header + "ITEM: ATOMS id type x y z vx vy vz radius mass\n1 1 0 0 0 0 0\n", "test.dump:10: atom line has 7 values, expected 10"},
		{"bad number", header + "ITEM: ATOMS id type x y z vx vy vz radius mass\n1 1 0 0 nan 0 0 0 1 1\n", `test.dump:10: invalid position "nan"`},
		{"truncated", header + "ITEM: ATOMS id type x y z vx vy vz radius mass\n", "test.dump:9: unexpected end of file, expected an atom line"},
		{"bad step", "ITEM: TIMESTEP\nten\n", `test.dump:2: invalid step number "ten"`},
		{"unknown item", "ITEM: TIMESTEP\n1\nITEM: BONDS\n", `test.dump:3: unknown section "ITEM: BONDS"`},
		{"not a dump", "hello\n", `test.dump:1: expected an ITEM: line, found "hello"`},
		{"duplicate id", strings.Replace(header, "NUMBER OF ATOMS\n1", "NUMBER OF ATOMS\n2", 1) +
			"ITEM: ATOMS id type x y z vx vy vz radius mass\n1 1 0 0 0 0 0 0 1 1\n1 1 0 0 0 0 0 0 1 1\n", "test.dump:11: atom id 1 appears twice"},
		{"zero radius", header + "ITEM: ATOMS id type x y z vx vy vz radius mass\n1 1 0 0 0 0 0 0 0 1\n", "test.dump:10: atom 1 has radius 0 m"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readAll(t, tc.text, DumpOptions{})
			if err == nil {
				t.Fatalf("no error, want one containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

// writeDump encodes f as a dump custom snapshot with the solver's columns.
func writeDump(f *particles.Frame) string {
	var b strings.Builder
	fmt.Fprintf(&b, "ITEM: TIMESTEP\n%d\nITEM: NUMBER OF ATOMS\n%d\nITEM: BOX BOUNDS ff ff ff\n0 1\n0 1\n0 1\n", f.Step, f.Len())
	fmt.Fprintf(&b, "ITEM: ATOMS %s\n", strings.Join(dumpColumns, " "))
	for i := range f.ID {
		fmt.Fprintf(&b, "%d %d %s %s %s %s %s\n", f.ID[i], f.Material[i]+1, vec(f.Pos[i]), vec(f.Vel[i]), vec(f.Omega[i]), g(f.Radius[i]), g(f.Mass[i]))
	}
	return b.String()
}

// A frame written with full precision reads back bit for bit.
func TestReadDumpRoundTrip(t *testing.T) {
	f := frameOf(glass, 0.0015, []r3.Vec{{X: 0.1, Y: 1.0 / 3, Z: math.Pi / 100}, {X: -1e-7, Y: 2e-300, Z: 7}},
		[]r3.Vec{{X: 1.0 / 7}, {Z: -9.81}})
	f.Step = 42
	f.Omega[1] = r3.Vec{X: math.Sqrt2, Y: -math.E, Z: 1e10}
	frames, err := readAll(t, writeDump(f), DumpOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := frames[0]
	for i := range f.ID {
		if got.ID[i] != f.ID[i] || got.Pos[i] != f.Pos[i] || got.Vel[i] != f.Vel[i] || got.Omega[i] != f.Omega[i] ||
			got.Radius[i] != f.Radius[i] || got.Mass[i] != f.Mass[i] || got.Material[i] != f.Material[i] {
			t.Errorf("particle %d: got id %d pos %v vel %v omega %v r %g m %g mat %d, want id %d pos %v vel %v omega %v r %g m %g mat %d",
				i, got.ID[i], got.Pos[i], got.Vel[i], got.Omega[i], got.Radius[i], got.Mass[i], got.Material[i],
				f.ID[i], f.Pos[i], f.Vel[i], f.Omega[i], f.Radius[i], f.Mass[i], f.Material[i])
		}
	}
}

// Files passed in glob order (dump.1000 before dump.200) come out in step
// order, and a repeated step is rejected.
func TestImportDumpsOrder(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for _, step := range []int64{1000, 200, 0} {
		f := frameOf(glass, 0.001, []r3.Vec{{X: float64(step)}}, []r3.Vec{{}})
		f.Step = step
		p := filepath.Join(dir, fmt.Sprintf("dump.%d.txt", step))
		if err := os.WriteFile(p, []byte(writeDump(f)), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	var steps []int64
	sink := solvers.SinkFunc(func(f *particles.Frame) error {
		steps = append(steps, f.Step)
		return nil
	})
	if err := ImportDumps(paths, DumpOptions{}, sink); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(steps) != "[0 200 1000]" {
		t.Errorf("steps %v, want [0 200 1000]", steps)
	}

	err := ImportDumps(append(paths, paths[0]), DumpOptions{}, solvers.SinkFunc(func(*particles.Frame) error { return nil }))
	if err == nil || !strings.Contains(err.Error(), "step 1000 does not follow step 1000") {
		t.Errorf("error %v, want a repeated step 1000", err)
	}
}

func FuzzReadDump(f *testing.F) {
	f.Add(twoSnapshots)
	f.Add("ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n1\nITEM: BOX BOUNDS ff ff ff\n0 1\n0 1\n0 1\nITEM: ATOMS id type xs ys zs vx vy vz diameter\n1 1 0.5 0.5 0.5 0 0 0 0.1\n")
	f.Fuzz(func(t *testing.T, text string) {
		opt := DumpOptions{Densities: map[int]float64{1: 1000}}
		for frame, err := range ReadDump(strings.NewReader(text), "fuzz.dump", opt) {
			if err != nil {
				if !strings.HasPrefix(err.Error(), "liggghts: fuzz.dump:") {
					t.Fatalf("error %q does not name the file", err)
				}
				return
			}
			if err := frame.Validate(); err != nil {
				t.Fatalf("invalid frame: %v", err)
			}
			for i := range frame.ID {
				if !(frame.Radius[i] > 0) || !(frame.Mass[i] > 0) {
					t.Fatalf("particle %d radius %g mass %g", frame.ID[i], frame.Radius[i], frame.Mass[i])
				}
			}
		}
	})
}
