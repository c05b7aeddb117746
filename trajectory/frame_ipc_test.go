package trajectory

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestEncodeFrameRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for i, tc := range []struct {
		n          int
		withEntity bool
		outlets    int
	}{{0, false, 0}, {1, false, 1}, {257, false, 2}, {100, true, 0}} {
		want := randomFrame(rng, int64(10*i), tc.n, tc.withEntity, tc.outlets)
		data, err := EncodeFrame(want)
		if err != nil {
			t.Fatalf("frame %d: EncodeFrame: %v", i, err)
		}
		got, err := DecodeFrame(data)
		if err != nil {
			t.Fatalf("frame %d: DecodeFrame: %v", i, err)
		}
		sameBits(t, i, got, want)
		if (got.Entity != nil) != tc.withEntity {
			t.Errorf("frame %d: decoded entity ids = %v, want present = %v", i, got.Entity != nil, tc.withEntity)
		}
	}
}

func TestDecodeFrameRejectsGarbage(t *testing.T) {
	if _, err := DecodeFrame([]byte("not arrow at all")); err == nil {
		t.Error("DecodeFrame(garbage) returned no error")
	}
	data, err := EncodeFrame(randomFrame(rand.New(rand.NewPCG(1, 2)), 3, 10, false, 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeFrame(data[:len(data)/2]); err == nil {
		t.Error("DecodeFrame(truncated stream) returned no error")
	}
}

func TestDecodeFrameRejectsOtherSchema(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Float64}}, nil)
	b := array.NewFloat64Builder(memory.DefaultAllocator)
	b.AppendValues([]float64{1, 2}, nil)
	col := b.NewArray()
	defer col.Release()
	rec := array.NewRecordBatch(schema, []arrow.Array{col}, 2)
	defer rec.Release()

	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(schema))
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := DecodeFrame(buf.Bytes())
	if err == nil || !strings.Contains(err.Error(), "columns") {
		t.Errorf("DecodeFrame(one float64 column) error = %v, want one naming the column count", err)
	}
}

func TestDecodeFrameRejectsTwoBatches(t *testing.T) {
	f := randomFrame(rand.New(rand.NewPCG(3, 4)), 1, 5, false, 0)
	enc := &Writer{path: "frame", schema: schemaFor(false, arrow.Metadata{})}
	rec, err := enc.record(f)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(enc.schema))
	for range 2 {
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = DecodeFrame(buf.Bytes())
	if err == nil || !strings.Contains(err.Error(), "2 record batches") {
		t.Errorf("DecodeFrame(two batches) error = %v, want one naming the batch count", err)
	}
}

// BenchmarkEncodeDecodeFrame measures one frame of the default hopper's
// size (5000 particles) through EncodeFrame and DecodeFrame, the work a
// solver plugin adds per frame besides the gRPC transfer.
func BenchmarkEncodeDecodeFrame(b *testing.B) {
	f := randomFrame(rand.New(rand.NewPCG(5, 6)), 1, 5000, false, 1)
	b.ReportAllocs()
	for b.Loop() {
		data, err := EncodeFrame(f)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := DecodeFrame(data); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(data)))
	}
}
