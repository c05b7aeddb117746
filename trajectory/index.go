package trajectory

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// continuation marks the start of an encapsulated IPC message in Arrow
// 0.15 and later. A message is the marker, a little-endian int32 metadata
// length, the flatbuffer metadata and then the body, whose length the
// metadata stores. A marker followed by a zero length ends the stream.
const continuation = 0xFFFFFFFF

// span is the byte range of one IPC message in a file.
type span struct {
	off, len int64
}

// streamIndex lists the messages of an IPC stream found by reading only
// their prefixes and metadata, never their bodies.
type streamIndex struct {
	schema   span
	batches  []span
	warnings []string
}

// scanStream indexes the stream in r, which holds size bytes. A schema
// message that is missing or damaged is an error. After it, the first
// incomplete or damaged message ends the scan: the batches before it are
// kept and a warning records where and why the stream stopped.
func scanStream(r io.ReaderAt, size int64) (*streamIndex, error) {
	idx := &streamIndex{}
	var off int64
	for i := 0; ; i++ {
		typ, s, stop, err := nextMessage(r, off, size)
		if i == 0 {
			switch {
			case stop != stopNone:
				return nil, errors.New("the file is empty or ends before its schema: the run wrote no frame")
			case err != nil:
				return nil, fmt.Errorf("schema message: %w", err)
			case typ != ipc.MessageSchema:
				return nil, fmt.Errorf("first message is a %v, want a Schema: not an Arrow IPC stream", typ)
			}
			idx.schema = s
			off = s.off + s.len
			continue
		}

		switch {
		case stop == stopMarker:
			if s.off+s.len < size {
				idx.warnings = append(idx.warnings, fmt.Sprintf("%d bytes after the end-of-stream marker were ignored", size-s.off-s.len))
			}
			return idx, nil
		case stop == stopShort:
			idx.warnings = append(idx.warnings, fmt.Sprintf(
				"the stream stops at byte %d without an end-of-stream marker: the run that wrote it did not finish; %d whole frames were read",
				off, len(idx.batches)))
			return idx, nil
		case err != nil:
			idx.warnings = append(idx.warnings, fmt.Sprintf(
				"message at byte %d is incomplete or damaged (%v): it and everything after it were ignored; %d whole frames were read",
				off, err, len(idx.batches)))
			return idx, nil
		case typ != ipc.MessageRecordBatch:
			return nil, fmt.Errorf("message at byte %d is a %v: trajectories contain record batches only", off, typ)
		}
		idx.batches = append(idx.batches, s)
		off = s.off + s.len
	}
}

// Reasons for a stream to stop.
const (
	stopNone   = iota // a message was read
	stopMarker        // an end-of-stream marker; s spans it
	stopShort         // fewer bytes left than a message prefix, maybe none
)

// nextMessage reads the message prefix and metadata at off, and returns
// the message type and its byte span, or why the stream stops there.
func nextMessage(r io.ReaderAt, off, size int64) (typ ipc.MessageType, s span, stop int, err error) {
	s.off = off
	left := size - off
	var prefix [8]byte
	if left < 4 {
		return 0, s, stopShort, nil
	}
	if _, err := r.ReadAt(prefix[:4], off); err != nil {
		return 0, s, stopNone, err
	}
	head := int64(4)
	msgLen := int64(int32(binary.LittleEndian.Uint32(prefix[:4])))
	if binary.LittleEndian.Uint32(prefix[:4]) == continuation {
		if left < 8 {
			return 0, s, stopShort, nil
		}
		if _, err := r.ReadAt(prefix[4:8], off+4); err != nil {
			return 0, s, stopNone, err
		}
		head = 8
		msgLen = int64(int32(binary.LittleEndian.Uint32(prefix[4:8])))
	}
	if msgLen == 0 {
		s.len = head
		return 0, s, stopMarker, nil
	}
	if msgLen < 4 {
		return 0, s, stopNone, fmt.Errorf("invalid metadata length %d", msgLen)
	}
	if head+msgLen > left {
		return 0, s, stopNone, fmt.Errorf("metadata of %d bytes runs past the end of the file", msgLen)
	}

	meta := make([]byte, msgLen)
	if _, err := r.ReadAt(meta, off+head); err != nil {
		return 0, s, stopNone, err
	}
	typ, bodyLen, err := parseMessage(meta)
	if err != nil {
		return 0, s, stopNone, err
	}
	if bodyLen < 0 || head+msgLen+bodyLen > left {
		return 0, s, stopNone, fmt.Errorf("body of %d bytes runs past the end of the file", bodyLen)
	}
	s.len = head + msgLen + bodyLen
	return typ, s, stopNone, nil
}

// parseMessage decodes the type and body length from message metadata,
// turning a panic of the flatbuffer decoder on damaged bytes into an
// error.
func parseMessage(meta []byte) (typ ipc.MessageType, bodyLen int64, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("invalid message metadata: %v", p)
		}
	}()
	if err := checkVectors(meta); err != nil {
		return 0, 0, err
	}
	msg := ipc.NewMessage(memory.NewBufferBytes(meta), memory.NewBufferBytes(nil))
	defer msg.Release()
	return msg.Type(), msg.BodyLen(), nil
}
