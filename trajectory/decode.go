package trajectory

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/particles"
)

// decodeBatch decodes one record batch message into a frame. schemaMsg
// is the stream's schema message; the two form a one-batch stream.
func decodeBatch(schemaMsg, batchMsg []byte, withEntity bool) (f *particles.Frame, err error) {
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, fmt.Errorf("damaged record batch: %v", p)
		}
	}()
	ir, err := ipc.NewReader(io.MultiReader(bytes.NewReader(schemaMsg), bytes.NewReader(batchMsg)))
	if err != nil {
		return nil, err
	}
	defer ir.Release()
	if !ir.Next() {
		if ir.Err() != nil {
			return nil, ir.Err()
		}
		return nil, errors.New("no record batch in message")
	}
	rec := ir.RecordBatch()

	f = &particles.Frame{}
	if rm, ok := rec.(arrow.RecordBatchWithMetadata); ok {
		if err := decodeFrameMetadata(rm.Metadata(), f); err != nil {
			return nil, err
		}
	} else {
		return nil, errors.New("record batch has no metadata with the step and time")
	}

	n := int(rec.NumRows())
	col := func(name string) arrow.Array {
		return rec.Column(rec.Schema().FieldIndices(name)[0])
	}
	if f.ID, err = values[int64](col(ColID), n); err != nil {
		return nil, fmt.Errorf("column %s: %w", ColID, err)
	}
	for _, c := range []struct {
		name string
		dst  *[]r3.Vec
	}{{ColPosition, &f.Pos}, {ColVelocity, &f.Vel}, {ColOmega, &f.Omega}} {
		if *c.dst, err = vectorValues(col(c.name), n); err != nil {
			return nil, fmt.Errorf("column %s: %w", c.name, err)
		}
	}
	if f.Radius, err = values[float64](col(ColRadius), n); err != nil {
		return nil, fmt.Errorf("column %s: %w", ColRadius, err)
	}
	if f.Mass, err = values[float64](col(ColMass), n); err != nil {
		return nil, fmt.Errorf("column %s: %w", ColMass, err)
	}
	if f.Material, err = values[int32](col(ColMaterial), n); err != nil {
		return nil, fmt.Errorf("column %s: %w", ColMaterial, err)
	}
	if withEntity {
		if f.Entity, err = values[int32](col(ColEntity), n); err != nil {
			return nil, fmt.Errorf("column %s: %w", ColEntity, err)
		}
	}
	return f, nil
}

// values copies a primitive column into a new slice.
func values[T int32 | int64 | float64](a arrow.Array, n int) ([]T, error) {
	if a.Len() != n {
		return nil, fmt.Errorf("%d values for %d rows", a.Len(), n)
	}
	if a.NullN() != 0 {
		return nil, fmt.Errorf("%d null values: trajectories have none", a.NullN())
	}
	var src []T
	switch a := a.(type) {
	case *array.Int64:
		src = any(a.Int64Values()).([]T)
	case *array.Int32:
		src = any(a.Int32Values()).([]T)
	case *array.Float64:
		src = any(a.Float64Values()).([]T)
	default:
		return nil, fmt.Errorf("unexpected array type %T", a)
	}
	if len(src) != n {
		return nil, fmt.Errorf("buffer holds %d values for %d rows", len(src), n)
	}
	return append(make([]T, 0, n), src...), nil
}

// vectorValues copies a fixed_size_list<float64>[3] column.
func vectorValues(a arrow.Array, n int) ([]r3.Vec, error) {
	l, ok := a.(*array.FixedSizeList)
	if !ok {
		return nil, fmt.Errorf("unexpected array type %T", a)
	}
	if l.Len() != n {
		return nil, fmt.Errorf("%d values for %d rows", l.Len(), n)
	}
	child, ok := l.ListValues().(*array.Float64)
	if !ok {
		return nil, fmt.Errorf("unexpected list value type %T", l.ListValues())
	}
	if l.NullN() != 0 || child.NullN() != 0 {
		return nil, errors.New("null values: trajectories have none")
	}
	vals := child.Float64Values()
	start := 3 * l.Data().Offset()
	if start < 0 || len(vals) < start+3*n {
		return nil, fmt.Errorf("buffer holds %d numbers for %d rows of 3", len(vals), n)
	}
	out := make([]r3.Vec, n)
	copy(bytesOf(out), bytesOf(vals[start:start+3*n]))
	return out, nil
}

func decodeFrameMetadata(md arrow.Metadata, f *particles.Frame) error {
	get := func(k string) (string, error) {
		i := md.FindKey(k)
		if i < 0 {
			return "", fmt.Errorf("record batch metadata has no %s key", k)
		}
		return md.Values()[i], nil
	}
	s, err := get(keyStep)
	if err != nil {
		return err
	}
	if f.Step, err = strconv.ParseInt(s, 10, 64); err != nil {
		return fmt.Errorf("record batch metadata %s = %q: want an integer", keyStep, s)
	}
	if s, err = get(keyTime); err != nil {
		return err
	}
	if f.Time, err = strconv.ParseFloat(s, 64); err != nil {
		return fmt.Errorf("record batch metadata %s = %q: want a number of seconds", keyTime, s)
	}
	for _, j := range []struct {
		key string
		dst any
	}{{keyOutletCount, &f.OutletCount}, {keyOutletMass, &f.OutletMass}} {
		if s, err = get(j.key); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(s), j.dst); err != nil {
			return fmt.Errorf("record batch metadata %s: invalid JSON: %w", j.key, err)
		}
	}
	if len(f.OutletCount) == 0 {
		f.OutletCount = nil
	}
	if len(f.OutletMass) == 0 {
		f.OutletMass = nil
	}
	return nil
}
