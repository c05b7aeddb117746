// Package stl reads and writes STL triangle meshes, in both the binary
// and the ASCII form.
//
// Read tells the forms apart by size, not by the first bytes alone: ASCII
// files begin with "solid", but so do the headers of many binary files.
// A file whose length is exactly 84 + 50 n bytes, where n is the triangle
// count in its header, is binary unless it is entirely printable text
// with facets in it. Facet normals stored in a file are ignored: they are
// often wrong, and a triangle's vertex order already defines its normal.
//
// Errors name the triangle (binary) or line (ASCII) where reading failed.
// Coordinates are returned as stored; STL carries no unit.
package stl

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/spatial/r3"
)

const (
	headerSize   = 80
	binaryPrefix = headerSize + 4 // header and triangle count
	triangleSize = 50             // normal and three vertices as float32, attribute uint16
)

// ReadFile reads the STL file at path. Errors name the path.
func ReadFile(path string) ([][3]r3.Vec, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("stl: %w", err)
	}
	defer f.Close()
	tris, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return tris, nil
}

// Read reads a binary or ASCII STL mesh from r and returns its triangles.
func Read(r io.Reader) ([][3]r3.Vec, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("stl: %w", err)
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("stl: empty file")
	}
	// A file that starts with "solid" but holds control bytes is binary,
	// and its size did not match: readBinary says how.
	if !isBinary(data) && isText(data) {
		if !looksASCII(data) {
			return nil, fmt.Errorf("stl: not an STL file: text that does not start with \"solid\"")
		}
		return readASCII(data)
	}
	return readBinary(data)
}

// isBinary reports whether the size of data matches its triangle count.
func isBinary(data []byte) bool {
	if len(data) < binaryPrefix {
		return false
	}
	n := uint64(binary.LittleEndian.Uint32(data[headerSize:binaryPrefix]))
	if uint64(len(data)) != binaryPrefix+triangleSize*n {
		return false
	}
	// An ASCII file of exactly the right length is still text.
	return !(looksASCII(data) && isText(data) && bytes.Contains(data, []byte("facet")))
}

// looksASCII reports whether data starts with the keyword solid, in any
// case, after optional white space.
func looksASCII(data []byte) bool {
	data = bytes.TrimLeft(data, " \t\r\n")
	return len(data) >= 5 && bytes.EqualFold(data[:5], []byte("solid"))
}

// isText reports whether data has no control bytes other than white
// space. Binary STL has them in its triangle count and attribute words.
func isText(data []byte) bool {
	for _, c := range data {
		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != '\v') || c == 0x7f {
			return false
		}
	}
	return true
}

func readBinary(data []byte) ([][3]r3.Vec, error) {
	if len(data) < binaryPrefix {
		return nil, fmt.Errorf("stl: %d bytes is too short for a binary STL file (84-byte header) and it does not start with \"solid\" as an ASCII one does", len(data))
	}
	n := uint64(binary.LittleEndian.Uint32(data[headerSize:binaryPrefix]))
	body := uint64(len(data) - binaryPrefix)
	if want := triangleSize * n; body != want {
		if body < want {
			return nil, fmt.Errorf("stl: binary file truncated in triangle %d of %d: %d bytes, want 84 + 50 x %d = %d",
				body/triangleSize+1, n, len(data), n, binaryPrefix+want)
		}
		return nil, fmt.Errorf("stl: binary file has %d bytes after its %d triangles (want 84 + 50 x %d = %d bytes); the triangle count in the header may be wrong",
			body-want, n, n, binaryPrefix+want)
	}
	tris := make([][3]r3.Vec, n)
	for i := range tris {
		rec := data[binaryPrefix+triangleSize*i:]
		for v := range 3 {
			var c [3]float64
			for k := range 3 {
				f := math.Float32frombits(binary.LittleEndian.Uint32(rec[12+12*v+4*k:]))
				if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
					return nil, fmt.Errorf("stl: triangle %d of %d: vertex %d has a non-finite coordinate %v", i+1, n, v+1, f)
				}
				c[k] = float64(f)
			}
			tris[i][v] = r3.Vec{X: c[0], Y: c[1], Z: c[2]}
		}
	}
	return tris, nil
}

// readASCII parses the ASCII form:
//
//	solid name
//	  facet normal nx ny nz
//	    outer loop
//	      vertex x y z   (three times)
//	    endloop
//	  endfacet
//	endsolid name
//
// Several solids may follow each other. Keywords are matched without
// regard to case, and blank lines are skipped.
func readASCII(data []byte) ([][3]r3.Vec, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	p := asciiParser{sc: sc}
	var tris [][3]r3.Vec
	for {
		f, ok := p.next()
		if !ok {
			break
		}
		switch f[0] {
		case "solid":
			continue
		case "endsolid":
			continue
		case "facet":
			t, err := p.facet(f)
			if err != nil {
				return nil, err
			}
			tris = append(tris, t)
		default:
			return nil, p.errorf("expected facet, solid or endsolid, got %q", p.text)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("stl: line %d: %w", p.line+1, err)
	}
	return tris, nil
}

type asciiParser struct {
	sc   *bufio.Scanner
	line int
	text string
}

// next returns the fields of the next non-blank line with the keyword
// lower-cased.
func (p *asciiParser) next() ([]string, bool) {
	for p.sc.Scan() {
		p.line++
		p.text = strings.TrimSpace(p.sc.Text())
		if f := strings.Fields(p.text); len(f) > 0 {
			f[0] = strings.ToLower(f[0])
			return f, true
		}
	}
	return nil, false
}

func (p *asciiParser) errorf(format string, args ...any) error {
	return fmt.Errorf("stl: line %d: "+format, append([]any{p.line}, args...)...)
}

// expect reads the next line and checks its keywords.
func (p *asciiParser) expect(words ...string) ([]string, error) {
	f, ok := p.next()
	if !ok {
		return nil, fmt.Errorf("stl: line %d: file ends inside a facet, expected %q", p.line, strings.Join(words, " "))
	}
	if len(f) < len(words) {
		return nil, p.errorf("expected %q, got %q", strings.Join(words, " "), p.text)
	}
	for i, w := range words {
		if strings.ToLower(f[i]) != w {
			return nil, p.errorf("expected %q, got %q", strings.Join(words, " "), p.text)
		}
	}
	return f, nil
}

func (p *asciiParser) facet(f []string) ([3]r3.Vec, error) {
	var t [3]r3.Vec
	if len(f) < 2 || strings.ToLower(f[1]) != "normal" {
		return t, p.errorf("expected \"facet normal nx ny nz\", got %q", p.text)
	}
	if _, err := p.expect("outer", "loop"); err != nil {
		return t, err
	}
	for v := range 3 {
		f, err := p.expect("vertex")
		if err != nil {
			return t, err
		}
		if len(f) != 4 {
			return t, p.errorf("expected \"vertex x y z\", got %q", p.text)
		}
		var c [3]float64
		for k := range 3 {
			x, err := strconv.ParseFloat(f[k+1], 64)
			if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
				return t, p.errorf("vertex coordinate %q is not a finite number", f[k+1])
			}
			c[k] = x
		}
		t[v] = r3.Vec{X: c[0], Y: c[1], Z: c[2]}
	}
	if _, err := p.expect("endloop"); err != nil {
		return t, err
	}
	if _, err := p.expect("endfacet"); err != nil {
		return t, err
	}
	return t, nil
}

// WriteBinary writes tris as a binary STL file with the given header text
// (truncated to 80 bytes) and facet normals computed from the vertex
// order (zero for degenerate triangles).
func WriteBinary(w io.Writer, header string, tris [][3]r3.Vec) error {
	if uint64(len(tris)) > math.MaxUint32 {
		return fmt.Errorf("stl: %d triangles do not fit a binary STL file", len(tris))
	}
	buf := make([]byte, binaryPrefix, binaryPrefix+triangleSize*len(tris))
	copy(buf[:headerSize], header)
	binary.LittleEndian.PutUint32(buf[headerSize:], uint32(len(tris)))
	var rec [triangleSize]byte
	for _, t := range tris {
		n := normal(t)
		for i, v := range [4]r3.Vec{n, t[0], t[1], t[2]} {
			binary.LittleEndian.PutUint32(rec[12*i:], math.Float32bits(float32(v.X)))
			binary.LittleEndian.PutUint32(rec[12*i+4:], math.Float32bits(float32(v.Y)))
			binary.LittleEndian.PutUint32(rec[12*i+8:], math.Float32bits(float32(v.Z)))
		}
		buf = append(buf, rec[:]...)
	}
	_, err := w.Write(buf)
	return err
}

// WriteASCII writes tris as an ASCII STL solid called name, with
// coordinates in the shortest form that reads back exactly.
func WriteASCII(w io.Writer, name string, tris [][3]r3.Vec) error {
	bw := bufio.NewWriter(w)
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	fmt.Fprintf(bw, "solid %s\n", name)
	for _, t := range tris {
		n := normal(t)
		fmt.Fprintf(bw, "  facet normal %s %s %s\n    outer loop\n", g(n.X), g(n.Y), g(n.Z))
		for _, v := range t {
			fmt.Fprintf(bw, "      vertex %s %s %s\n", g(v.X), g(v.Y), g(v.Z))
		}
		fmt.Fprintf(bw, "    endloop\n  endfacet\n")
	}
	fmt.Fprintf(bw, "endsolid %s\n", name)
	return bw.Flush()
}

// normal returns the unit normal of t by the right-hand rule, or zero.
func normal(t [3]r3.Vec) r3.Vec {
	n := r3.Cross(r3.Sub(t[1], t[0]), r3.Sub(t[2], t[0]))
	if l := r3.Norm(n); l > 0 {
		return r3.Scale(1/l, n)
	}
	return r3.Vec{}
}
