package trajectory

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/particles"
)

// TempSuffix is appended to a trajectory's path while it is being written.
const TempSuffix = ".tmp"

// Writer streams frames to a trajectory file. It implements solvers.Sink.
// Memory use does not grow with the number of frames: each frame is
// encoded straight from the frame's slices and written before WriteFrame
// returns. A Writer is not safe for concurrent use.
type Writer struct {
	path string // final name
	tmp  string // name while writing
	file *os.File
	buf  *bufio.Writer
	md   arrow.Metadata

	ipcw       *ipc.Writer
	schema     *arrow.Schema
	withEntity bool
	frames     int
	err        error // first error, sticky
}

// Create starts a trajectory at path. Frames go to path+TempSuffix, which
// Close renames to path. The schema is written with the first frame,
// because whether the file has an entity column depends on it.
func Create(path string, meta Meta) (*Writer, error) {
	md, err := meta.encode()
	if err != nil {
		return nil, fmt.Errorf("trajectory: %s: %w", path, err)
	}
	tmp := path + TempSuffix
	f, err := os.Create(tmp)
	if err != nil {
		return nil, fmt.Errorf("trajectory: %w", err)
	}
	return &Writer{
		path: path,
		tmp:  tmp,
		file: f,
		buf:  bufio.NewWriterSize(f, 1<<20),
		md:   md,
	}, nil
}

// Path returns the final name of the trajectory.
func (w *Writer) Path() string { return w.path }

// Frames returns the number of frames written so far.
func (w *Writer) Frames() int { return w.frames }

// WriteFrame appends f to the trajectory. The first frame fixes whether the
// file has an entity column; a later frame that differs is an error.
// Every whole frame is flushed to the operating system before WriteFrame
// returns, so a killed process loses at most the frame being written.
func (w *Writer) WriteFrame(f *particles.Frame) error {
	if w.err != nil {
		return w.err
	}
	if w.file == nil {
		return fmt.Errorf("trajectory: %s: WriteFrame after Close", w.path)
	}
	if err := w.checkFrame(f); err != nil {
		return err
	}
	if w.ipcw == nil {
		w.withEntity = f.Entity != nil
		w.schema = schemaFor(w.withEntity, w.md)
		w.ipcw = ipc.NewWriter(w.buf, ipc.WithSchema(w.schema))
	}

	rec, err := w.record(f)
	if err != nil {
		return w.fail(err)
	}
	err = w.ipcw.Write(rec)
	rec.Release()
	if err != nil {
		return w.fail(fmt.Errorf("trajectory: %s: frame at step %d: %w", w.tmp, f.Step, err))
	}
	if err := w.buf.Flush(); err != nil {
		return w.fail(fmt.Errorf("trajectory: %w", err))
	}
	w.frames++
	return nil
}

func (w *Writer) checkFrame(f *particles.Frame) error {
	if err := f.Validate(); err != nil {
		return fmt.Errorf("trajectory: %s: %w", w.path, err)
	}
	if math.IsNaN(f.Time) || math.IsInf(f.Time, 0) {
		return fmt.Errorf("trajectory: %s: frame at step %d has time %v: want a finite time in s", w.path, f.Step, f.Time)
	}
	if w.ipcw == nil {
		return nil
	}
	if has := f.Entity != nil; has != w.withEntity {
		return fmt.Errorf("trajectory: %s: frame at step %d has entity ids = %v but the first frame had %v; "+
			"write grouped and ungrouped frames to separate files", w.path, f.Step, has, w.withEntity)
	}
	return nil
}

func (w *Writer) fail(err error) error {
	w.err = err
	return err
}

// record wraps the slices of f in an Arrow record batch without copying
// them. The batch is valid only while f is unchanged.
func (w *Writer) record(f *particles.Frame) (arrow.RecordBatch, error) {
	n := f.Len()
	cols := []arrow.Array{
		primitive(arrow.PrimitiveTypes.Int64, n, bytesOf(f.ID)),
		vectors(n, f.Pos),
		vectors(n, f.Vel),
		vectors(n, f.Omega),
		primitive(arrow.PrimitiveTypes.Float64, n, bytesOf(f.Radius)),
		primitive(arrow.PrimitiveTypes.Float64, n, bytesOf(f.Mass)),
		primitive(arrow.PrimitiveTypes.Int32, n, bytesOf(f.Material)),
	}
	if w.withEntity {
		cols = append(cols, primitive(arrow.PrimitiveTypes.Int32, n, bytesOf(f.Entity)))
	}
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()

	md, err := frameMetadata(f)
	if err != nil {
		return nil, fmt.Errorf("trajectory: %s: frame at step %d: %w", w.path, f.Step, err)
	}
	return array.NewRecordBatchWithMetadata(w.schema, cols, int64(n), md), nil
}

func frameMetadata(f *particles.Frame) (arrow.Metadata, error) {
	counts := f.OutletCount
	if counts == nil {
		counts = []int64{}
	}
	masses := f.OutletMass
	if masses == nil {
		masses = []float64{}
	}
	countJSON, _ := json.Marshal(counts)
	massJSON, err := json.Marshal(masses)
	if err != nil {
		return arrow.Metadata{}, fmt.Errorf("outlet masses %v: want finite values in kg", masses)
	}
	return arrow.NewMetadata(
		[]string{keyStep, keyTime, keyOutletCount, keyOutletMass},
		[]string{
			strconv.FormatInt(f.Step, 10),
			strconv.FormatFloat(f.Time, 'g', -1, 64),
			string(countJSON),
			string(massJSON),
		},
	), nil
}

// Close writes the end-of-stream marker, flushes and syncs the file and
// renames it to its final name. A trajectory closed without frames holds
// a schema without an entity column and no record batches. Close after a
// failed WriteFrame still closes the file but keeps the temporary name,
// and returns the write error.
func (w *Writer) Close() error {
	if w.file == nil {
		return nil
	}
	if w.ipcw == nil && w.err == nil {
		w.schema = schemaFor(false, w.md)
		w.ipcw = ipc.NewWriter(w.buf, ipc.WithSchema(w.schema))
	}

	var errs []error
	if w.err == nil {
		errs = append(errs, w.ipcw.Close(), w.buf.Flush(), w.file.Sync())
	}
	errs = append(errs, w.file.Close())
	w.file = nil
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("trajectory: closing %s: %w", w.tmp, err)
	}
	if w.err != nil {
		return w.err
	}
	if err := os.Rename(w.tmp, w.path); err != nil {
		return fmt.Errorf("trajectory: %w", err)
	}
	return nil
}

// Abort closes the trajectory and removes its temporary file, leaving
// any file already at the final name as it was. It is for a writer whose
// input failed before the trajectory was complete, and does nothing after
// Close.
func (w *Writer) Abort() error {
	if w.file == nil {
		return nil
	}
	err := w.file.Close()
	w.file = nil
	if removeErr := os.Remove(w.tmp); removeErr != nil && !errors.Is(removeErr, os.ErrNotExist) {
		err = errors.Join(err, removeErr)
	}
	if err != nil {
		return fmt.Errorf("trajectory: abort %s: %w", w.tmp, err)
	}
	return nil
}

// bytesOf reinterprets a slice of fixed-size numbers as its bytes.
// Arrow buffers are little-endian on every platform neusim supports.
func bytesOf[T int32 | int64 | float64 | r3.Vec](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))
}

func primitive(t arrow.DataType, n int, b []byte) arrow.Array {
	data := array.NewData(t, n, []*memory.Buffer{nil, memory.NewBufferBytes(b)}, nil, 0, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// vectors wraps r3.Vec values, three float64 each, as a
// fixed_size_list<float64>[3] column.
func vectors(n int, v []r3.Vec) arrow.Array {
	child := array.NewData(arrow.PrimitiveTypes.Float64, 3*n,
		[]*memory.Buffer{nil, memory.NewBufferBytes(bytesOf(v))}, nil, 0, 0)
	defer child.Release()
	data := array.NewData(arrow.FixedSizeListOfNonNullable(3, arrow.PrimitiveTypes.Float64), n,
		[]*memory.Buffer{nil}, []arrow.ArrayData{child}, 0, 0)
	defer data.Release()
	return array.MakeFromData(data)
}
