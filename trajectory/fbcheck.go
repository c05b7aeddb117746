package trajectory

import (
	"errors"
	"fmt"

	flatbuffers "github.com/google/flatbuffers/go"
)

// Slots (vtable offsets) of the Arrow IPC flatbuffer tables and enum
// values, as in the code arrow-go v18.9.0 generates from Message.fbs and
// Schema.fbs (arrow/internal/flatbuf).
const (
	slotMessageHeaderType = 6
	slotMessageHeader     = 8
	slotMessageBodyLength = 10
	slotMessageCustomMeta = 12

	slotSchemaFields     = 6
	slotSchemaCustomMeta = 8
	slotSchemaFeatures   = 10

	slotFieldName       = 4
	slotFieldTypeType   = 8
	slotFieldType       = 10
	slotFieldChildren   = 14
	slotFieldCustomMeta = 16

	slotUnionTypeIDs = 6

	slotBatchLength      = 4
	slotBatchNodes       = 6
	slotBatchBuffers     = 8
	slotBatchCompression = 10
	slotBatchVariadic    = 12

	slotKeyValueKey   = 4
	slotKeyValueValue = 6

	headerSchema      = 1
	headerRecordBatch = 3
	typeUnion         = 14

	maxFieldDepth = 32
)

// checkVectors verifies that every vector and string reachable from the
// message metadata fits in the buffer. arrow-go allocates slices sized by
// these lengths before reading them, so a damaged length would otherwise
// make it request terabytes and abort the process.
func checkVectors(meta []byte) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("invalid message metadata: %v", p)
		}
	}()
	if len(meta) < 4 {
		return errors.New("message metadata shorter than 4 bytes")
	}
	c := fbChecker{buf: meta}
	msg := c.root()
	if err := c.keyValues(msg, slotMessageCustomMeta); err != nil {
		return err
	}
	hdr, ok := c.table(msg, slotMessageHeader)
	if !ok {
		return nil
	}
	switch msg.GetByteSlot(slotMessageHeaderType, 0) {
	case headerSchema:
		if err := c.vector(hdr, slotSchemaFeatures, 8); err != nil {
			return err
		}
		if err := c.keyValues(hdr, slotSchemaCustomMeta); err != nil {
			return err
		}
		return c.fields(hdr, slotSchemaFields, 0)
	case headerRecordBatch:
		// A compressed buffer starts with its uncompressed length, which
		// arrow-go allocates before decompressing, so a damaged length
		// could exhaust memory. neusim writes uncompressed batches.
		if hdr.Offset(slotBatchCompression) != 0 {
			return errors.New("compressed record batches are not supported: rewrite the file without compression")
		}
		rows := hdr.GetInt64Slot(slotBatchLength, 0)
		body := msg.GetInt64Slot(slotMessageBodyLength, 0)
		if rows < 0 || rows > body {
			return fmt.Errorf("invalid message metadata: %d rows in a body of %d bytes", rows, body)
		}
		for _, v := range []struct {
			slot flatbuffers.VOffsetT
			size int
		}{{slotBatchNodes, 16}, {slotBatchBuffers, 16}, {slotBatchVariadic, 8}} {
			if err := c.vector(hdr, v.slot, v.size); err != nil {
				return err
			}
		}
	}
	return nil
}

type fbChecker struct {
	buf []byte
}

func (c fbChecker) root() *flatbuffers.Table {
	pos := flatbuffers.GetUOffsetT(c.buf)
	c.bound(int(pos), 4)
	return &flatbuffers.Table{Bytes: c.buf, Pos: pos}
}

// bound panics when [off, off+n) is outside the buffer; checkVectors
// turns the panic into an error.
func (c fbChecker) bound(off, n int) {
	if off < 0 || n < 0 || off > len(c.buf) || n > len(c.buf)-off {
		panic(fmt.Sprintf("range [%d, %d+%d) outside %d bytes of metadata", off, off, n, len(c.buf)))
	}
}

// table returns the sub-table at slot of t, if present.
func (c fbChecker) table(t *flatbuffers.Table, slot flatbuffers.VOffsetT) (*flatbuffers.Table, bool) {
	o := t.Offset(slot)
	if o == 0 {
		return nil, false
	}
	c.bound(int(t.Pos)+int(o), 4)
	pos := t.Indirect(t.Pos + flatbuffers.UOffsetT(o))
	c.bound(int(pos), 4)
	return &flatbuffers.Table{Bytes: c.buf, Pos: pos}, true
}

// vectorAt checks that the vector at slot of t, with elements of size
// bytes, fits in the buffer, and returns its length and start offset.
func (c fbChecker) vectorAt(t *flatbuffers.Table, slot flatbuffers.VOffsetT, size int) (n int, start flatbuffers.UOffsetT, err error) {
	o := t.Offset(slot)
	if o == 0 {
		return 0, 0, nil
	}
	c.bound(int(t.Pos)+int(o), 4)
	at := t.Pos + flatbuffers.UOffsetT(o)
	c.bound(int(at)+int(t.GetUOffsetT(at)), 4)
	n = t.VectorLen(flatbuffers.UOffsetT(o))
	start = t.Vector(flatbuffers.UOffsetT(o))
	if n < 0 || int(start) > len(c.buf) || n > (len(c.buf)-int(start))/size {
		return 0, 0, fmt.Errorf("invalid message metadata: vector of %d elements of %d bytes runs past %d bytes", n, size, len(c.buf))
	}
	return n, start, nil
}

func (c fbChecker) vector(t *flatbuffers.Table, slot flatbuffers.VOffsetT, size int) error {
	_, _, err := c.vectorAt(t, slot, size)
	return err
}

// tables returns the tables of the vector of tables at slot of t.
func (c fbChecker) tables(t *flatbuffers.Table, slot flatbuffers.VOffsetT) ([]*flatbuffers.Table, error) {
	n, start, err := c.vectorAt(t, slot, 4)
	if err != nil || n == 0 {
		return nil, err
	}
	out := make([]*flatbuffers.Table, n)
	for i := range out {
		at := start + flatbuffers.UOffsetT(4*i)
		pos := t.Indirect(at)
		c.bound(int(pos), 4)
		out[i] = &flatbuffers.Table{Bytes: c.buf, Pos: pos}
	}
	return out, nil
}

func (c fbChecker) keyValues(t *flatbuffers.Table, slot flatbuffers.VOffsetT) error {
	kvs, err := c.tables(t, slot)
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		for _, s := range []flatbuffers.VOffsetT{slotKeyValueKey, slotKeyValueValue} {
			if err := c.vector(kv, s, 1); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c fbChecker) fields(t *flatbuffers.Table, slot flatbuffers.VOffsetT, depth int) error {
	if depth > maxFieldDepth {
		return fmt.Errorf("invalid message metadata: fields nested deeper than %d", maxFieldDepth)
	}
	fields, err := c.tables(t, slot)
	if err != nil {
		return err
	}
	for _, f := range fields {
		if err := c.vector(f, slotFieldName, 1); err != nil {
			return err
		}
		if err := c.keyValues(f, slotFieldCustomMeta); err != nil {
			return err
		}
		if f.GetByteSlot(slotFieldTypeType, 0) == typeUnion {
			if ut, ok := c.table(f, slotFieldType); ok {
				if err := c.vector(ut, slotUnionTypeIDs, 4); err != nil {
					return err
				}
			}
		}
		if err := c.fields(f, slotFieldChildren, depth+1); err != nil {
			return err
		}
	}
	return nil
}
