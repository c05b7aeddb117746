package trajectory

import (
	"bytes"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
)

// randomFrame returns a frame of n particles with values that exercise
// bit-exact storage: negative zero, infinities and NaN payloads.
func randomFrame(rng *rand.Rand, step int64, n int, withEntity bool, outlets int) *particles.Frame {
	special := []float64{math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.Float64frombits(0x7ff8000000000123), 5e-324}
	num := func() float64 {
		if rng.IntN(20) == 0 {
			return special[rng.IntN(len(special))]
		}
		return rng.NormFloat64() * math.Pow(10, float64(rng.IntN(10)-5))
	}
	vec := func() r3.Vec { return r3.Vec{X: num(), Y: num(), Z: num()} }

	f := &particles.Frame{Step: step, Time: float64(step) * 1.2345e-5}
	f.Resize(n)
	for i := range n {
		f.ID[i] = rng.Int64()
		f.Pos[i], f.Vel[i], f.Omega[i] = vec(), vec(), vec()
		f.Radius[i], f.Mass[i] = num(), num()
		f.Material[i] = rng.Int32()
	}
	if withEntity {
		f.Entity = make([]int32, n)
		for i := range f.Entity {
			f.Entity[i] = rng.Int32N(100) - 1
		}
	}
	for range outlets {
		f.OutletCount = append(f.OutletCount, rng.Int64N(1e9))
		f.OutletMass = append(f.OutletMass, rng.Float64())
	}
	return f
}

// sameBits reports whether two frames are equal bit for bit, NaN payloads
// included. Empty and nil slices count as equal.
func sameBits(t *testing.T, i int, got, want *particles.Frame) {
	t.Helper()
	if got.Step != want.Step || math.Float64bits(got.Time) != math.Float64bits(want.Time) {
		t.Errorf("frame %d: step, time = %d, %v, want %d, %v", i, got.Step, got.Time, want.Step, want.Time)
	}
	for _, c := range []struct {
		name      string
		got, want []byte
	}{
		{"id", bytesOf(got.ID), bytesOf(want.ID)},
		{"position", bytesOf(got.Pos), bytesOf(want.Pos)},
		{"velocity", bytesOf(got.Vel), bytesOf(want.Vel)},
		{"angular velocity", bytesOf(got.Omega), bytesOf(want.Omega)},
		{"radius", bytesOf(got.Radius), bytesOf(want.Radius)},
		{"mass", bytesOf(got.Mass), bytesOf(want.Mass)},
		{"material", bytesOf(got.Material), bytesOf(want.Material)},
		{"entity", bytesOf(got.Entity), bytesOf(want.Entity)},
		{"outlet count", bytesOf(got.OutletCount), bytesOf(want.OutletCount)},
		{"outlet mass", bytesOf(got.OutletMass), bytesOf(want.OutletMass)},
	} {
		if !bytes.Equal(c.got, c.want) {
			t.Errorf("frame %d: %s differs", i, c.name)
		}
	}
	if (got.Entity == nil) != (want.Entity == nil) {
		t.Errorf("frame %d: Entity nil = %v, want %v", i, got.Entity == nil, want.Entity == nil)
	}
}

func writeFrames(t *testing.T, path string, meta Meta, frames []*particles.Frame) {
	t.Helper()
	w, err := Create(path, meta)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range frames {
		if err := w.WriteFrame(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func testFrames(seed uint64, withEntity bool) []*particles.Frame {
	rng := rand.New(rand.NewPCG(seed, 1))
	var frames []*particles.Frame
	for i, n := range []int{7, 0, 1, 300, 64, 0, 5} {
		frames = append(frames, randomFrame(rng, int64(i*1000), n, withEntity, i%3))
	}
	return frames
}

func TestRoundTripBitExact(t *testing.T) {
	for _, withEntity := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "run.arrows")
		frames := testFrames(1, withEntity)
		writeFrames(t, path, Meta{Case: "hopper"}, frames)

		r, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Warnings()) != 0 {
			t.Errorf("warnings on a whole file: %v", r.Warnings())
		}
		if r.Len() != len(frames) || r.HasEntity() != withEntity {
			t.Fatalf("Len, HasEntity = %d, %v, want %d, %v", r.Len(), r.HasEntity(), len(frames), withEntity)
		}
		for i := range frames {
			got, err := r.Next()
			if err != nil {
				t.Fatal(err)
			}
			sameBits(t, i, got, frames[i])
		}
		if _, err := r.Next(); err != io.EOF {
			t.Errorf("Next after the last frame: %v, want io.EOF", err)
		}

		// Random access in reverse order.
		for i := len(frames) - 1; i >= 0; i-- {
			got, err := r.Frame(i)
			if err != nil {
				t.Fatal(err)
			}
			sameBits(t, i, got, frames[i])
		}
		r.Close()
		if _, err := os.Stat(path + TempSuffix); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("temporary file left after Close: %v", err)
		}
	}
}

func TestMetadataRoundTrip(t *testing.T) {
	want := Meta{
		Case:           "hopper",
		CaseSource:     "embedded:hopper.yaml",
		Parameters:     map[string]float64{"outlet_width": 0.045, "friction": 0.5, "tiny": 1.0000000000000002e-300},
		ParameterUnits: map[string]string{"outlet_width": "m", "friction": "1", "tiny": "kg"},
		Solver:         "dem",
		Version:        "0.1.0",
		Outlets:        []string{"bottom", "side"},
		Extra:          map[string]string{"seed": "42", "note": "ü ∞ \"quoted\""},
		Format:         FormatVersion,
	}
	path := filepath.Join(t.TempDir(), "meta.arrows")
	writeFrames(t, path, want, testFrames(2, false)[:2])
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := r.Meta(); !reflect.DeepEqual(got, want) {
		t.Errorf("Meta() = %+v\nwant %+v", got, want)
	}
}

func TestEmptyTrajectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.arrows")
	writeFrames(t, path, Meta{Case: "c"}, nil)
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Len() != 0 || len(r.Warnings()) != 0 {
		t.Errorf("Len, Warnings = %d, %v, want 0, none", r.Len(), r.Warnings())
	}
}

func TestEntityMismatchRejected(t *testing.T) {
	frames := testFrames(3, false)
	w, err := Create(filepath.Join(t.TempDir(), "x.arrows"), Meta{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.WriteFrame(frames[0]); err != nil {
		t.Fatal(err)
	}
	g := frames[1].Clone()
	g.Entity = make([]int32, g.Len())
	err = w.WriteFrame(g)
	if err == nil || !strings.Contains(err.Error(), "entity") {
		t.Errorf("frame with entity ids after one without: err = %v, want an entity mismatch", err)
	}
}

func TestBadFrameRejected(t *testing.T) {
	w, err := Create(filepath.Join(t.TempDir(), "x.arrows"), Meta{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	f := testFrames(4, false)[0]
	f.Mass = f.Mass[:1]
	if err := w.WriteFrame(f); err == nil || !strings.Contains(err.Error(), "Mass") {
		t.Errorf("short Mass: err = %v, want one naming Mass", err)
	}
	g := testFrames(4, false)[0]
	g.Time = math.NaN()
	if err := w.WriteFrame(g); err == nil || !strings.Contains(err.Error(), "time") {
		t.Errorf("NaN time: err = %v, want one naming the time", err)
	}
}

// TestTruncatedEveryByte cuts the file at every byte from the start of
// the last frame to the end and checks that the earlier frames are read
// back with a warning.
func TestTruncatedEveryByte(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.arrows")
	all := testFrames(5, true)
	frames := []*particles.Frame{all[0], all[3], all[1], all[6]} // the last has 5 particles
	writeFrames(t, path, Meta{Case: "c"}, frames)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	full, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	lastStart := full.batches[len(full.batches)-1].off
	full.Close()

	cut := filepath.Join(dir, "cut.arrows")
	for end := lastStart; end < int64(len(data)); end++ {
		if err := os.WriteFile(cut, data[:end], 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := Open(cut)
		if err != nil {
			t.Fatalf("cut at %d: %v", end, err)
		}
		want := len(frames) - 1
		if end >= lastStart+full.batches[len(full.batches)-1].len {
			want = len(frames) // only the end-of-stream marker is cut
		}
		if r.Len() != want {
			t.Errorf("cut at %d: Len = %d, want %d", end, r.Len(), want)
		}
		if len(r.Warnings()) == 0 {
			t.Errorf("cut at %d: no warning", end)
		}
		for i := range r.Len() {
			got, err := r.Frame(i)
			if err != nil {
				t.Fatalf("cut at %d: frame %d: %v", end, i, err)
			}
			sameBits(t, i, got, frames[i])
		}
		r.Close()
	}
}

func TestOpenFallsBackToTemp(t *testing.T) {
	path := filepath.Join(t.TempDir(), "killed.arrows")
	w, err := Create(path, Meta{Case: "c"})
	if err != nil {
		t.Fatal(err)
	}
	frames := testFrames(6, false)
	for _, f := range frames[:3] {
		if err := w.WriteFrame(f); err != nil {
			t.Fatal(err)
		}
	}
	// No Close: as if the process had been killed.

	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Len() != 3 || r.Path() != path+TempSuffix {
		t.Errorf("Len, Path = %d, %s, want 3, %s", r.Len(), r.Path(), path+TempSuffix)
	}
	if len(r.Warnings()) != 2 {
		t.Errorf("Warnings = %q, want the fallback and the missing end marker", r.Warnings())
	}
	w.Close()
}

func TestOpenRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string][]byte{
		"empty":   nil,
		"garbage": []byte("this is not an arrow stream at all, just text"),
	} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, data, 0o644)
		_, err := Open(path)
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: err = %v, want an error naming the file", name, err)
		}
	}
	if _, err := Open(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing file: no error")
	}
}

func FuzzOpen(f *testing.F) {
	dir := f.TempDir()
	path := filepath.Join(dir, "seed.arrows")
	w, _ := Create(path, Meta{Case: "c", Outlets: []string{"o"}})
	for _, fr := range testFrames(7, true)[:3] {
		w.WriteFrame(fr)
	}
	w.Close()
	seed, _ := os.ReadFile(path)
	f.Add(seed)
	f.Add(seed[:len(seed)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &Reader{path: "fuzz", src: bytes.NewReader(data)}
		if err := r.init(int64(len(data))); err != nil {
			return
		}
		for {
			if _, err := r.Next(); err != nil {
				break
			}
		}
	})
}

var _ solvers.Sink = (*Writer)(nil)
