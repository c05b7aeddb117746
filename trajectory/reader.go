package trajectory

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/neusim/neusim/particles"
)

// Reader reads the frames of a trajectory, in order with Next or in any
// order with Frame. Opening a file reads its schema and the metadata of
// each message, not the particle data, so Open is fast on large files and
// memory holds one frame at a time. A Reader is not safe for concurrent
// use.
type Reader struct {
	path       string // file actually read, which may be the .tmp name
	file       *os.File
	src        io.ReaderAt // file, or a byte slice in tests
	schemaMsg  []byte
	schema     *arrow.Schema
	meta       Meta
	withEntity bool
	batches    []span
	next       int
	warnings   []string
}

// Open opens the trajectory at path. When path does not exist but
// path+TempSuffix does, Open reads that unfinished file and records a
// warning. A truncated or damaged tail is dropped with a warning; see
// Warnings.
func Open(path string) (*Reader, error) {
	var warnings []string
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		tf, terr := os.Open(path + TempSuffix)
		if terr != nil {
			return nil, fmt.Errorf("trajectory: %w", err)
		}
		warnings = append(warnings, fmt.Sprintf(
			"%s does not exist; reading %s, which a run left unfinished (rename it to keep it)", path, path+TempSuffix))
		f, err, path = tf, nil, path+TempSuffix
	}
	if err != nil {
		return nil, fmt.Errorf("trajectory: %w", err)
	}

	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("trajectory: %w", err)
	}
	r := &Reader{path: path, file: f, src: f, warnings: warnings}
	if err := checkMagic(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("trajectory: %s: %w", path, err)
	}
	if err := r.init(st.Size()); err != nil {
		f.Close()
		return nil, fmt.Errorf("trajectory: %s: %w", path, err)
	}
	return r, nil
}

// checkMagic returns an error when f does not start like an Arrow IPC
// stream written by neusim: every message begins with the continuation
// marker 0xFFFFFFFF. An empty file passes, and init reports it.
func checkMagic(f io.ReaderAt) error {
	var head [4]byte
	n, _ := f.ReadAt(head[:], 0) // a short read shows in n
	if n == 0 {
		return nil
	}
	if n < 4 || head != [4]byte{0xff, 0xff, 0xff, 0xff} {
		return fmt.Errorf("not a neusim trajectory (an Arrow IPC stream starts with the bytes ff ff ff ff, this file with % x): give the trajectory.arrow that neusim run writes", head[:n])
	}
	return nil
}

// init indexes the stream of size bytes in r.src and reads its schema.
func (r *Reader) init(size int64) error {
	idx, err := scanStream(r.src, size)
	if err != nil {
		return err
	}
	r.batches = idx.batches
	r.warnings = append(r.warnings, idx.warnings...)

	r.schemaMsg = make([]byte, idx.schema.len)
	if _, err := r.src.ReadAt(r.schemaMsg, idx.schema.off); err != nil {
		return err
	}
	r.schema, err = readSchema(r.schemaMsg)
	if err != nil {
		return err
	}
	r.meta, err = decodeMeta(r.schema.Metadata())
	if err != nil {
		return err
	}
	r.withEntity, err = checkSchema(r.schema)
	return err
}

func readSchema(msg []byte) (s *arrow.Schema, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("invalid schema message: %v", p)
		}
	}()
	ir, err := ipc.NewReader(bytes.NewReader(msg))
	if err != nil {
		return nil, fmt.Errorf("invalid schema message: %w", err)
	}
	defer ir.Release()
	return ir.Schema(), nil
}

// checkSchema verifies the column names and types, and reports whether
// the schema has an entity column.
func checkSchema(s *arrow.Schema) (withEntity bool, err error) {
	want := schemaFor(true, arrow.Metadata{})
	for _, f := range want.Fields() {
		idx := s.FieldIndices(f.Name)
		if len(idx) == 0 {
			if f.Name == ColEntity {
				continue
			}
			return false, fmt.Errorf("column %q is missing", f.Name)
		}
		got := s.Field(idx[0]).Type
		if !arrow.TypeEqual(got, f.Type) {
			return false, fmt.Errorf("column %q has type %v, want %v", f.Name, got, f.Type)
		}
		if f.Name == ColEntity {
			withEntity = true
		}
	}
	return withEntity, nil
}

// Path returns the name of the file being read, which ends in TempSuffix
// when Open fell back to an unfinished file.
func (r *Reader) Path() string { return r.path }

// Meta returns the metadata stored in the schema.
func (r *Reader) Meta() Meta { return r.meta }

// Len returns the number of whole frames in the file.
func (r *Reader) Len() int { return len(r.batches) }

// HasEntity reports whether the frames carry entity ids.
func (r *Reader) HasEntity() bool { return r.withEntity }

// Warnings returns what was skipped or recovered while opening the file:
// a missing end-of-stream marker, a truncated or damaged last message,
// trailing bytes, or the fallback to an unfinished .tmp file.
func (r *Reader) Warnings() []string { return r.warnings }

// Next returns the frame after the one Next returned last, starting at
// frame 0, and io.EOF after the last frame.
func (r *Reader) Next() (*particles.Frame, error) {
	if r.next >= len(r.batches) {
		return nil, io.EOF
	}
	f, err := r.Frame(r.next)
	if err != nil {
		return nil, err
	}
	r.next++
	return f, nil
}

// Rewind makes the next call to Next return frame 0.
func (r *Reader) Rewind() { r.next = 0 }

// Frame reads frame i, counting from 0. It does not move the position of
// Next.
func (r *Reader) Frame(i int) (*particles.Frame, error) {
	if i < 0 || i >= len(r.batches) {
		return nil, fmt.Errorf("trajectory: %s: frame %d out of range [0, %d)", r.path, i, len(r.batches))
	}
	s := r.batches[i]
	msg := make([]byte, s.len)
	if _, err := r.src.ReadAt(msg, s.off); err != nil {
		return nil, fmt.Errorf("trajectory: %s: frame %d: %w", r.path, i, err)
	}
	f, err := decodeBatch(r.schemaMsg, msg, r.withEntity)
	if err != nil {
		return nil, fmt.Errorf("trajectory: %s: frame %d at byte %d: %w", r.path, i, s.off, err)
	}
	return f, nil
}

// Close closes the file.
func (r *Reader) Close() error {
	if r.file == nil {
		return nil
	}
	err := r.file.Close()
	r.file, r.src = nil, nil
	return err
}
