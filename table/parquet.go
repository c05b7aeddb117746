package table

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// unitsKey is the file metadata key holding the units as JSON.
const unitsKey = "neusim.units"

// WriteParquet writes t to path as a Parquet file with one row group and
// meta as file key-value metadata. It compresses with Snappy, which
// every Parquet reader supports.
func WriteParquet(path string, t *Table, meta map[string]string) error {
	if err := t.Validate(); err != nil {
		return fmt.Errorf("%w (writing %s)", err, path)
	}
	if _, ok := meta[unitsKey]; ok {
		return fmt.Errorf("table: %s: metadata key %q is reserved for the column units", path, unitsKey)
	}
	rec, kv, err := record(t, meta)
	if err != nil {
		return fmt.Errorf("table: %s: %w", path, err)
	}
	defer rec.Release()

	return writeAtomic(path, func(w io.Writer) error {
		props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy))
		fw, err := pqarrow.NewFileWriter(rec.Schema(), w, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
		if err != nil {
			return err
		}
		if err := fw.Write(rec); err != nil {
			fw.Close()
			return err
		}
		for i, k := range kv.Keys() {
			if err := fw.AppendKeyValueMetadata(k, kv.Values()[i]); err != nil {
				fw.Close()
				return err
			}
		}
		return fw.Close()
	})
}

// record converts t to an Arrow record batch whose fields carry their
// units, and returns the file metadata: the units as JSON, then meta in
// key order.
func record(t *Table, meta map[string]string) (arrow.RecordBatch, arrow.Metadata, error) {
	units := make(map[string]string, len(t.Columns))
	fields := make([]arrow.Field, len(t.Columns))
	cols := make([]arrow.Array, len(t.Columns))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	mem := memory.DefaultAllocator
	for i, c := range t.Columns {
		units[c.Name] = c.Unit
		md := arrow.NewMetadata([]string{"unit"}, []string{c.Unit})
		if c.Strings != nil {
			fields[i] = arrow.Field{Name: c.Name, Type: arrow.BinaryTypes.String, Metadata: md}
			b := array.NewStringBuilder(mem)
			b.AppendValues(c.Strings, nil)
			cols[i] = b.NewArray()
			b.Release()
		} else {
			fields[i] = arrow.Field{Name: c.Name, Type: arrow.PrimitiveTypes.Float64, Metadata: md}
			b := array.NewFloat64Builder(mem)
			b.AppendValues(c.Values, nil)
			cols[i] = b.NewArray()
			b.Release()
		}
	}
	unitJSON, err := json.Marshal(units)
	if err != nil {
		return nil, arrow.Metadata{}, err
	}
	keys := slices.Sorted(maps.Keys(meta))
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = meta[k]
	}
	kv := arrow.NewMetadata(append([]string{unitsKey}, keys...), append([]string{string(unitJSON)}, vals...))
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(t.Rows())), kv, nil
}

// ReadParquet reads a Parquet file written by WriteParquet, or any file
// whose columns are all float64 or string, and returns the table and the
// file metadata without the units key.
func ReadParquet(path string) (*Table, map[string]string, error) {
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		return nil, nil, fmt.Errorf("table: %s: %w", path, err)
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return nil, nil, fmt.Errorf("table: %s: %w", path, err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		return nil, nil, fmt.Errorf("table: %s: %w", path, err)
	}
	defer tbl.Release()

	kv := rdr.MetaData().KeyValueMetadata()
	meta := make(map[string]string)
	units := map[string]string{}
	for i, k := range kv.Keys() {
		v := kv.Values()[i]
		switch k {
		case unitsKey:
			if err := json.Unmarshal([]byte(v), &units); err != nil {
				return nil, nil, fmt.Errorf("table: %s: metadata %s: invalid JSON: %w", path, unitsKey, err)
			}
		case "ARROW:schema":
		default:
			meta[k] = v
		}
	}

	t := &Table{}
	for i, fld := range tbl.Schema().Fields() {
		c := Column{Name: fld.Name, Unit: units[fld.Name]}
		if u, ok := fld.Metadata.GetValue("unit"); ok {
			c.Unit = u
		}
		if err := readColumn(tbl.Column(i).Data(), fld.Type, &c); err != nil {
			return nil, nil, fmt.Errorf("table: %s: column %q: %w", path, fld.Name, err)
		}
		t.Columns = append(t.Columns, c)
	}
	return t, meta, nil
}

func readColumn(data *arrow.Chunked, typ arrow.DataType, c *Column) error {
	switch typ.ID() {
	case arrow.FLOAT64:
		c.Values = make([]float64, 0, data.Len())
	case arrow.STRING:
		c.Strings = make([]string, 0, data.Len())
	default:
		return fmt.Errorf("type %v: want double or string", typ)
	}
	for _, chunk := range data.Chunks() {
		if chunk.NullN() > 0 {
			return fmt.Errorf("%d null values", chunk.NullN())
		}
		switch a := chunk.(type) {
		case *array.Float64:
			c.Values = append(c.Values, a.Float64Values()...)
		case *array.String:
			for i := range a.Len() {
				c.Strings = append(c.Strings, a.Value(i))
			}
		}
	}
	return nil
}
