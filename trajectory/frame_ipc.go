package trajectory

import (
	"bytes"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/neusim/neusim/particles"
)

// EncodeFrame encodes one frame as a self-contained Arrow IPC stream: the
// trajectory schema, without schema metadata, followed by one record batch
// whose metadata holds the step, time and outlet counters. The columns and
// batch metadata are those of a trajectory file, so a frame sent between
// processes reads like one batch of a file. The schema has the entity
// column when f.Entity is non-nil.
func EncodeFrame(f *particles.Frame) ([]byte, error) {
	enc := &Writer{path: "frame", withEntity: f.Entity != nil}
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("trajectory: encode frame: %w", err)
	}
	enc.schema = schemaFor(enc.withEntity, arrow.Metadata{})

	rec, err := enc.record(f)
	if err != nil {
		return nil, err
	}
	defer rec.Release()
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(enc.schema))
	if err := w.Write(rec); err != nil {
		return nil, fmt.Errorf("trajectory: encode frame at step %d: %w", f.Step, err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("trajectory: encode frame at step %d: %w", f.Step, err)
	}
	return buf.Bytes(), nil
}

// DecodeFrame decodes a frame written by EncodeFrame. It returns an error
// when the stream's schema is not the trajectory schema (a column
// missing, renamed, reordered or of another type), when the stream holds
// no record batch or more than one, or when a column is damaged. It does
// not check the values themselves: a decoded frame may hold NaN.
func DecodeFrame(data []byte) (*particles.Frame, error) {
	withEntity, err := checkFrameSchema(data)
	if err != nil {
		return nil, fmt.Errorf("trajectory: decode frame: %w", err)
	}
	f, err := decodeBatch(data, nil, withEntity)
	if err != nil {
		return nil, fmt.Errorf("trajectory: decode frame: %w", err)
	}
	return f, nil
}

// checkFrameSchema reads the schema of a one-frame stream, compares it
// with the trajectory schema and checks that exactly one batch follows.
// It reports whether the schema has the entity column.
func checkFrameSchema(data []byte) (withEntity bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("damaged Arrow IPC stream: %v", p)
		}
	}()
	r, err := ipc.NewReader(bytes.NewReader(data))
	if err != nil {
		return false, fmt.Errorf("not an Arrow IPC stream: %w", err)
	}
	defer r.Release()

	got := r.Schema()
	withEntity = got.NumFields() == len(schemaFor(true, arrow.Metadata{}).Fields())
	want := schemaFor(withEntity, arrow.Metadata{})
	if got.NumFields() != want.NumFields() {
		return false, fmt.Errorf("schema has %d columns, want %d (%s)", got.NumFields(), want.NumFields(), columnList(want))
	}
	for i, wf := range want.Fields() {
		gf := got.Field(i)
		if gf.Name != wf.Name || !arrow.TypeEqual(gf.Type, wf.Type) {
			return false, fmt.Errorf("column %d is %s %s, want %s %s", i, gf.Name, gf.Type, wf.Name, wf.Type)
		}
	}

	batches := 0
	for r.Next() {
		batches++
	}
	if r.Err() != nil {
		return false, r.Err()
	}
	if batches != 1 {
		return false, fmt.Errorf("stream holds %d record batches, want 1", batches)
	}
	return withEntity, nil
}

func columnList(s *arrow.Schema) string {
	var b bytes.Buffer
	for i, f := range s.Fields() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f.Name)
	}
	return b.String()
}
