package vtk

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
)

func TestRangeArrayWidth(t *testing.T) {
	for _, c := range []struct {
		start, step int64
		n           int
		typ         string
	}{
		{0, 1, 10, "Int32"},
		{3, 3, 20000, "Int32"},
		{math.MaxInt32 - 5, 1, 10, "Int64"},
	} {
		a := rangeArray("r", c.n, c.start, c.step)
		if a.typ != c.typ {
			t.Errorf("start %d step %d n %d: type %s, want %s", c.start, c.step, c.n, a.typ, c.typ)
		}
		var buf bytes.Buffer
		if err := a.write(&buf); err != nil {
			t.Fatal(err)
		}
		if int64(buf.Len()) != a.size {
			t.Fatalf("start %d: wrote %d bytes, size says %d", c.start, buf.Len(), a.size)
		}
		for i := range c.n {
			var got int64
			if a.typ == "Int32" {
				got = int64(int32(binary.NativeEndian.Uint32(buf.Bytes()[4*i:])))
			} else {
				got = int64(binary.NativeEndian.Uint64(buf.Bytes()[8*i:]))
			}
			if want := c.start + int64(i)*c.step; got != want {
				t.Fatalf("start %d: value %d = %d, want %d", c.start, i, got, want)
			}
		}
	}
}
