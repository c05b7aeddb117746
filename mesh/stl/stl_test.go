package stl

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"
)

// cube returns the 12 outward-facing triangles of the cube [0, s]^3.
func cube(s float64) [][3]r3.Vec {
	v := func(x, y, z float64) r3.Vec { return r3.Vec{X: x * s, Y: y * s, Z: z * s} }
	quad := func(a, b, c, d r3.Vec) [][3]r3.Vec { return [][3]r3.Vec{{a, b, c}, {a, c, d}} }
	var t [][3]r3.Vec
	t = append(t, quad(v(0, 0, 0), v(0, 1, 0), v(1, 1, 0), v(1, 0, 0))...) // z = 0, normal -z
	t = append(t, quad(v(0, 0, 1), v(1, 0, 1), v(1, 1, 1), v(0, 1, 1))...) // z = 1, normal +z
	t = append(t, quad(v(0, 0, 0), v(1, 0, 0), v(1, 0, 1), v(0, 0, 1))...) // y = 0, normal -y
	t = append(t, quad(v(0, 1, 0), v(0, 1, 1), v(1, 1, 1), v(1, 1, 0))...) // y = 1, normal +y
	t = append(t, quad(v(0, 0, 0), v(0, 0, 1), v(0, 1, 1), v(0, 1, 0))...) // x = 0, normal -x
	t = append(t, quad(v(1, 0, 0), v(1, 1, 0), v(1, 1, 1), v(1, 0, 1))...) // x = 1, normal +x
	return t
}

func TestCubeOutward(t *testing.T) {
	centre := r3.Vec{X: 0.5, Y: 0.5, Z: 0.5}
	for i, tri := range cube(1) {
		if r3.Dot(normal(tri), r3.Sub(tri[0], centre)) <= 0 {
			t.Errorf("triangle %d faces inward", i)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	// 0.25 is exact in float32, so binary round trips exactly too.
	want := cube(0.25)
	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"binary", func(b *bytes.Buffer) error { return WriteBinary(b, "cube", want) }},
		// A binary header that starts with "solid", as many exporters write.
		{"binary solid header", func(b *bytes.Buffer) error { return WriteBinary(b, "solid cube", want) }},
		{"ascii", func(b *bytes.Buffer) error { return WriteASCII(b, "cube", want) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b); err != nil {
				t.Fatal(err)
			}
			got, err := Read(&b)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("read %d triangles, want %d", len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("triangle %d: got %v, want %v", i, got[i], want[i])
				}
			}
		})
	}
}

func TestReadFileTestdata(t *testing.T) {
	// testdata/two_solids.stl is hand-formatted: mixed case keywords,
	// blank lines, tabs and two solids.
	got, err := ReadFile(filepath.Join("testdata", "two_solids.stl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("read %d triangles, want 3", len(got))
	}
	if want := (r3.Vec{X: 1, Y: 1, Z: 0}); got[2][2] != want {
		t.Errorf("last vertex %v, want %v", got[2][2], want)
	}
}

func TestErrors(t *testing.T) {
	var bin bytes.Buffer
	if err := WriteBinary(&bin, "solid cube", cube(1)); err != nil {
		t.Fatal(err)
	}
	full := bin.Bytes()
	nan := bytes.Clone(full)
	copy(nan[84+50*3+12+4:], []byte{0, 0, 0xc0, 0x7f}) // triangle 4, vertex 1, y = NaN

	var ascii bytes.Buffer
	if err := WriteASCII(&ascii, "cube", cube(1)[:2]); err != nil {
		t.Fatal(err)
	}
	asc := ascii.String()

	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "empty file"},
		{"short binary", []byte{1, 2, 3}, "too short for a binary STL"},
		{"truncated binary", full[:84+50*5+20], "truncated in triangle 6 of 12"},
		{"truncated binary with solid header", full[:len(full)-1], "truncated in triangle 12 of 12"},
		{"trailing bytes", append(bytes.Clone(full), 0, 0, 0), "3 bytes after its 12 triangles"},
		{"non-finite vertex", nan, "triangle 4 of 12: vertex 1 has a non-finite coordinate"},
		{"text", []byte("hello world\n"), "not an STL file"},
		{"bad keyword", []byte(strings.Replace(asc, "outer loop", "outer lop", 1)), `line 3: expected "outer loop", got "outer lop"`},
		{"bad number", []byte(strings.Replace(asc, "vertex 0 0 0", "vertex 0 zero 0", 1)), `line 4: vertex coordinate "zero" is not a finite number`},
		{"short vertex", []byte(strings.Replace(asc, "vertex 0 0 0", "vertex 0 0", 1)), `line 4: expected "vertex x y z"`},
		{"cut inside facet", []byte(asc[:strings.Index(asc, "endloop")]), "file ends inside a facet"},
		{"stray line", []byte(strings.Replace(asc, "endsolid", "garbage\nendsolid", 1)), `line 16: expected facet, solid or endsolid, got "garbage"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestReadFileNamesPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "broken.stl")
	if err := os.WriteFile(path, []byte("solid x\nfacet normal 0 0 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+": stl: line 2:") {
		t.Errorf("error %v, want it to start with the path and line", err)
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "missing.stl")); err == nil || !strings.Contains(err.Error(), "missing.stl") {
		t.Errorf("error %v, want it to name the missing file", err)
	}
}

func FuzzSTL(f *testing.F) {
	var b bytes.Buffer
	WriteBinary(&b, "solid cube", cube(1))
	f.Add(b.Bytes())
	b.Reset()
	WriteASCII(&b, "cube", cube(1))
	f.Add(b.Bytes())
	f.Add([]byte("solid\nendsolid\n"))
	f.Add(make([]byte, 84))
	f.Fuzz(func(t *testing.T, data []byte) {
		tris, err := Read(bytes.NewReader(data))
		if err != nil {
			if tris != nil {
				t.Errorf("triangles returned with error %v", err)
			}
			return
		}
		for i, tri := range tris {
			for _, v := range tri {
				if !finite(v.X) || !finite(v.Y) || !finite(v.Z) {
					t.Fatalf("triangle %d has a non-finite vertex %v", i, v)
				}
			}
		}
	})
}

func finite(x float64) bool { return x-x == 0 }
