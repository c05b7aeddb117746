package surrogate

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/neusim/neusim/internal/atomicfile"
)

// This file reads and writes the safetensors format of Hugging Face's
// safetensors library. A file starts with an 8-byte little-endian header
// length N. N bytes of JSON follow, mapping each tensor name to its dtype,
// shape and [begin, end) byte offsets into the data, plus an optional
// "__metadata__" map of strings. The raw little-endian data comes last.
// Only F32 tensors are written and accepted. The encoder is written here
// because it is short and keeps the validation under our control.

// maxSafetensorsHeader is the largest header accepted, the limit of the
// reference implementation (100,000,000 bytes). It keeps a crafted length
// from allocating gigabytes.
const maxSafetensorsHeader = 100_000_000

// NamedTensor is one float32 tensor of a safetensors file.
type NamedTensor struct {
	Name  string
	Shape []int
	Data  []float32 // row-major, len = product of Shape
}

type safetensorsEntry struct {
	Dtype       string  `json:"dtype"`
	Shape       []int64 `json:"shape"`
	DataOffsets []int64 `json:"data_offsets"`
}

// EncodeSafetensors writes the tensors, in the given order, and the
// metadata to w.
func EncodeSafetensors(w io.Writer, tensors []NamedTensor, metadata map[string]string) error {
	header := map[string]any{}
	if len(metadata) > 0 {
		header["__metadata__"] = metadata
	}
	var off int64
	for _, t := range tensors {
		n := 1
		shape := make([]int64, len(t.Shape))
		for i, d := range t.Shape {
			n *= d
			shape[i] = int64(d)
		}
		if n != len(t.Data) {
			panic(fmt.Sprintf("surrogate: safetensors: tensor %q has shape %v but %d values", t.Name, t.Shape, len(t.Data)))
		}
		if _, dup := header[t.Name]; dup {
			return fmt.Errorf("surrogate: safetensors: duplicate tensor name %q", t.Name)
		}
		header[t.Name] = safetensorsEntry{Dtype: "F32", Shape: shape, DataOffsets: []int64{off, off + 4*int64(n)}}
		off += 4 * int64(n)
	}
	js, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("surrogate: safetensors: encode header: %w", err)
	}
	// Pad with spaces to a multiple of 8 bytes so the data is aligned.
	for len(js)%8 != 0 {
		js = append(js, ' ')
	}
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(len(js)))
	if _, err := w.Write(lenBuf[:]); err != nil {
		return err
	}
	if _, err := w.Write(js); err != nil {
		return err
	}
	buf := make([]byte, 0, 1<<16)
	for _, t := range tensors {
		for _, v := range t.Data {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
			if len(buf) == cap(buf) {
				if _, err := w.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
	}
	_, err = w.Write(buf)
	return err
}

// DecodeSafetensors reads a safetensors file of size bytes from r. name
// labels errors (usually the file path). It checks the header length
// against maxSafetensorsHeader and the size, every dtype, shape and offset
// against the data size, and that the tensors cover the data without gaps
// or overlaps, before it allocates the data.
func DecodeSafetensors(r io.ReaderAt, size int64, name string) ([]NamedTensor, map[string]string, error) {
	fail := func(format string, args ...any) ([]NamedTensor, map[string]string, error) {
		return nil, nil, fmt.Errorf("surrogate: safetensors %s: %s", name, fmt.Sprintf(format, args...))
	}
	if size < 8 {
		return fail("file has %d bytes, too short for the 8-byte header length", size)
	}
	var lenBuf [8]byte
	if _, err := r.ReadAt(lenBuf[:], 0); err != nil {
		return fail("read header length: %v", err)
	}
	hlen := binary.LittleEndian.Uint64(lenBuf[:])
	if hlen > maxSafetensorsHeader || int64(hlen) > size-8 {
		return fail("header length %d exceeds the file size %d or the limit %d", hlen, size, maxSafetensorsHeader)
	}
	hdr := make([]byte, hlen)
	if _, err := r.ReadAt(hdr, 8); err != nil {
		return fail("read header: %v", err)
	}
	hdr = bytes.TrimRight(hdr, " ")
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(hdr, &raw); err != nil {
		return fail("header is not a JSON object: %v", err)
	}
	var meta map[string]string
	if m, ok := raw["__metadata__"]; ok {
		if err := json.Unmarshal(m, &meta); err != nil {
			return fail("__metadata__ must map strings to strings: %v", err)
		}
		delete(raw, "__metadata__")
	}

	dataSize := size - 8 - int64(hlen)
	type span struct {
		name       string
		begin, end int64
		shape      []int
	}
	spans := make([]span, 0, len(raw))
	for tname, msg := range raw {
		var e safetensorsEntry
		dec := json.NewDecoder(bytes.NewReader(msg))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return fail("tensor %q: invalid entry: %v", tname, err)
		}
		if e.Dtype != "F32" {
			return fail("tensor %q: dtype %q, only F32 is supported", tname, e.Dtype)
		}
		if len(e.DataOffsets) != 2 || e.DataOffsets[0] < 0 || e.DataOffsets[1] < e.DataOffsets[0] || e.DataOffsets[1] > dataSize {
			return fail("tensor %q: data_offsets %v outside the %d data bytes", tname, e.DataOffsets, dataSize)
		}
		count := int64(1)
		shape := make([]int, len(e.Shape))
		for i, d := range e.Shape {
			if d < 0 || (d > 0 && count > dataSize/d) {
				return fail("tensor %q: shape %v is negative or larger than the file", tname, e.Shape)
			}
			count *= d
			shape[i] = int(d)
		}
		if 4*count != e.DataOffsets[1]-e.DataOffsets[0] {
			return fail("tensor %q: shape %v needs %d bytes but data_offsets %v span %d", tname, e.Shape, 4*count,
				e.DataOffsets, e.DataOffsets[1]-e.DataOffsets[0])
		}
		spans = append(spans, span{tname, e.DataOffsets[0], e.DataOffsets[1], shape})
	}

	// The tensors must tile the data exactly, as the reference reader requires.
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].begin != spans[j].begin {
			return spans[i].begin < spans[j].begin
		}
		return spans[i].end < spans[j].end
	})
	var at int64
	for _, s := range spans {
		if s.begin != at {
			return fail("tensor %q starts at byte %d, want %d (gap or overlap)", s.name, s.begin, at)
		}
		at = s.end
	}
	if at != dataSize {
		return fail("tensors cover %d of %d data bytes", at, dataSize)
	}

	data := make([]byte, dataSize)
	if _, err := r.ReadAt(data, 8+int64(hlen)); err != nil && !(err == io.EOF && dataSize == 0) {
		return fail("read data: %v", err)
	}
	out := make([]NamedTensor, len(spans))
	for i, s := range spans {
		v := make([]float32, (s.end-s.begin)/4)
		for j := range v {
			v[j] = math.Float32frombits(binary.LittleEndian.Uint32(data[s.begin+4*int64(j):]))
		}
		out[i] = NamedTensor{Name: s.name, Shape: s.shape, Data: v}
	}
	return out, meta, nil
}

// writeFileAtomic writes path through a temporary file in the same
// directory that is renamed when complete, readable by everyone like a
// file that os.WriteFile creates under the usual umask.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, 0o644, func(w *bufio.Writer) error { return write(w) }); err != nil {
		return fmt.Errorf("surrogate: write %s: %w", path, err)
	}
	return nil
}
