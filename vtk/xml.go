package vtk

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unsafe"

	"github.com/neusim/neusim/internal/atomicfile"
	"gonum.org/v1/gonum/spatial/r3"
)

// Encoding selects how array data is stored in a VTK XML file.
type Encoding int

const (
	// Raw stores arrays as raw binary in an AppendedData section after
	// the XML (encoding="raw"), each preceded by a UInt64 byte count.
	// It is the smallest and fastest form, but the file is not
	// well-formed XML.
	Raw Encoding = iota
	// Base64 stores each array inline in its DataArray element as
	// base64 (format="binary"), so the file is valid XML and a third
	// larger.
	Base64
)

// byteOrder is the VTK name of the machine's byte order, in which arrays
// are written without conversion.
var byteOrder = func() string {
	if binary.NativeEndian.Uint16([]byte{1, 0}) == 1 {
		return "LittleEndian"
	}
	return "BigEndian"
}()

// dataArray is one VTK DataArray. Its bytes come either from data, a view
// of the caller's slice, or from gen, which streams size bytes.
type dataArray struct {
	name       string
	typ        string // VTK type name: Float64, Int64, Int32, UInt8
	components int
	size       int64
	data       []byte
	gen        func(w io.Writer) error
}

func (a *dataArray) write(w io.Writer) error {
	if a.gen != nil {
		return a.gen(w)
	}
	_, err := w.Write(a.data)
	return err
}

func float64Array(name string, components int, v []float64) *dataArray {
	return &dataArray{name: name, typ: "Float64", components: components, size: int64(8 * len(v)), data: bytesOf(v)}
}

func vecArray(name string, v []r3.Vec) *dataArray {
	return &dataArray{name: name, typ: "Float64", components: 3, size: int64(24 * len(v)), data: bytesOf(v)}
}

func int64Array(name string, v []int64) *dataArray {
	return &dataArray{name: name, typ: "Int64", components: 1, size: int64(8 * len(v)), data: bytesOf(v)}
}

func int32Array(name string, v []int32) *dataArray {
	return &dataArray{name: name, typ: "Int32", components: 1, size: int64(4 * len(v)), data: bytesOf(v)}
}

// rangeArray streams the integers start, start+step, ... (n values),
// such as vertex connectivity or cell offsets, as Int32 when the last
// value fits and as Int64 otherwise.
func rangeArray(name string, n int, start, step int64) *dataArray {
	if last := start + step*int64(n); last <= math.MaxInt32 && start >= math.MinInt32 {
		return &dataArray{name: name, typ: "Int32", components: 1, size: int64(4 * n), gen: func(w io.Writer) error {
			return streamRange(w, n, int32(start), int32(step))
		}}
	}
	return &dataArray{name: name, typ: "Int64", components: 1, size: int64(8 * n), gen: func(w io.Writer) error {
		return streamRange(w, n, start, step)
	}}
}

func streamRange[T int32 | int64](w io.Writer, n int, start, step T) error {
	const chunk = 8192
	buf := make([]T, chunk)
	v := start
	for done := 0; done < n; {
		m := min(chunk, n-done)
		for i := range m {
			buf[i] = v
			v += step
		}
		if _, err := w.Write(bytesOf(buf[:m])); err != nil {
			return err
		}
		done += m
	}
	return nil
}

// constUInt8Array streams n copies of the byte b, such as cell types.
func constUInt8Array(name string, n int, b byte) *dataArray {
	return &dataArray{name: name, typ: "UInt8", components: 1, size: int64(n), gen: func(w io.Writer) error {
		buf := make([]byte, min(n, 1<<16))
		for i := range buf {
			buf[i] = b
		}
		for done := 0; done < n; {
			m := min(len(buf), n-done)
			if _, err := w.Write(buf[:m]); err != nil {
				return err
			}
			done += m
		}
		return nil
	}}
}

func bytesOf[T int32 | int64 | float64 | uint8 | r3.Vec | [3]int32](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))
}

// xmlWriter writes one VTK XML file: the element tree first, with
// offsets into the appended section, then the appended array data.
type xmlWriter struct {
	w        *bufio.Writer
	enc      Encoding
	appended []*dataArray
	offset   int64
	err      error
}

func (x *xmlWriter) printf(format string, args ...any) {
	if x.err == nil {
		_, x.err = fmt.Fprintf(x.w, format, args...)
	}
}

// header writes the XML declaration, the unit comment and the opening
// VTKFile element.
func (x *xmlWriter) header(kind string, units []string) {
	x.printf("<?xml version=\"1.0\"?>\n")
	x.printf("<!-- written by neusim; SI units: %s -->\n", xmlComment(strings.Join(units, ", ")))
	x.printf("<VTKFile type=%q version=\"1.0\" byte_order=%q header_type=\"UInt64\">\n", kind, byteOrder)
}

// array writes a DataArray element, with its data inline (Base64) or as
// a reference into the appended section (Raw). Field data arrays carry
// their tuple count, which point and cell data take from the piece.
func (x *xmlWriter) array(indent string, a *dataArray, withTuples bool) {
	attrs := fmt.Sprintf("type=%q Name=%q", a.typ, a.name)
	if withTuples {
		attrs += fmt.Sprintf(" NumberOfTuples=\"%d\"", a.size/int64(a.components)/typeSize(a.typ))
	}
	if a.components > 1 {
		attrs += fmt.Sprintf(" NumberOfComponents=\"%d\"", a.components)
	}
	if x.enc == Raw {
		x.printf("%s<DataArray %s format=\"appended\" offset=\"%d\"/>\n", indent, attrs, x.offset)
		x.appended = append(x.appended, a)
		x.offset += 8 + a.size
		return
	}
	x.printf("%s<DataArray %s format=\"binary\">\n%s  ", indent, attrs, indent)
	if x.err == nil {
		// VTK decodes the UInt64 byte count and the data as one base64
		// stream when the data are not compressed.
		enc := base64.NewEncoder(base64.StdEncoding, x.w)
		x.err = binary.Write(enc, binary.NativeEndian, uint64(a.size))
		if x.err == nil {
			x.err = a.write(enc)
		}
		if x.err == nil {
			x.err = enc.Close()
		}
	}
	x.printf("\n%s</DataArray>\n", indent)
}

// fieldData writes a FieldData element with the simulated time as
// TimeValue, which VTK's readers take as the time of the data set, the
// units as a string array of "name=unit" entries, and extra arrays.
func (x *xmlWriter) fieldData(indent string, time float64, units []string, extra []*dataArray) {
	x.printf("%s<FieldData>\n", indent)
	x.printf("%s  <DataArray type=\"Float64\" Name=\"TimeValue\" NumberOfTuples=\"1\" format=\"ascii\">%s</DataArray>\n",
		indent, strconv.FormatFloat(time, 'g', -1, 64))

	// String arrays in ASCII format list the character codes of each
	// string followed by a 0.
	x.printf("%s  <Array type=\"String\" Name=\"units\" NumberOfTuples=\"%d\" format=\"ascii\">\n%s   ", indent, len(units), indent)
	for _, u := range units {
		for _, c := range []byte(u) {
			x.printf(" %d", c)
		}
		x.printf(" 0")
	}
	x.printf("\n%s  </Array>\n", indent)

	for _, a := range extra {
		x.array(indent+"  ", a, true)
	}
	x.printf("%s</FieldData>\n", indent)
}

func typeSize(typ string) int64 {
	switch typ {
	case "Float64", "Int64":
		return 8
	case "Int32":
		return 4
	}
	return 1
}

// finish writes the appended data section, if any, and closes the
// VTKFile element.
func (x *xmlWriter) finish() error {
	if len(x.appended) > 0 {
		x.printf("  <AppendedData encoding=\"raw\">\n   _")
		for _, a := range x.appended {
			if x.err != nil {
				break
			}
			x.err = binary.Write(x.w, binary.NativeEndian, uint64(a.size))
			if x.err == nil {
				x.err = a.write(x.w)
			}
		}
		x.printf("\n  </AppendedData>\n")
	}
	x.printf("</VTKFile>\n")
	if x.err != nil {
		return x.err
	}
	return x.w.Flush()
}

// xmlComment makes s safe inside an XML comment, which must not contain
// "--".
func xmlComment(s string) string {
	return strings.ReplaceAll(s, "--", "- -")
}

// writeAtomic writes a file through fill into a temporary file in the
// same directory and renames it to path when fill succeeds, so that
// readers never see a partial file.
func writeAtomic(path string, fill func(w *bufio.Writer) error) error {
	if err := atomicfile.Write(path, 0o644, fill); err != nil {
		return fmt.Errorf("vtk: %w", err)
	}
	return nil
}
