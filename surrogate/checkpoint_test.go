package surrogate

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/neusim/neusim/kernels"
)

func testModel(t *testing.T, b kernels.Backend) (*Model[float32], Features) {
	t.Helper()
	feat := Features{History: 2, Materials: 1, Radius: 0.25, Design: []DesignParam{{Name: "friction", Min: 0.1, Max: 0.7}}}
	m, err := NewModel(b, feat.ModelConfig(Config{Latent: 8, Width: 8, Hidden: 1, Steps: 1, Memory: MemorySLSTM, Heads: 2}), 3)
	if err != nil {
		t.Fatal(err)
	}
	return m, feat
}

func TestCheckpointRoundTrip(t *testing.T) {
	b := kernels.NewCPU[float32](1)
	defer b.Close()
	m, feat := testModel(t, b)
	norm, err := ComputeNormalisation(boxSequences(9, 1, 10))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "model.safetensors")
	meta := Metadata{Features: feat, Normalisation: norm, Case: "box", CaseHash: "abc", Seed: 3,
		ParamRanges: map[string][2]float64{"outlet_width": {0.03, 0.06}}, Grouping: []byte(`{"entities":8}`),
		Training: TrainingSummary{Sequences: 1, Frames: 10, Dt: 0.01}}
	if err := SaveCheckpoint(path, b, m, meta); err != nil {
		t.Fatal(err)
	}
	got, gotMeta, err := LoadCheckpoint(path, b)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range m.Params.List {
		want, have := make([]float32, p.Value.Len()), make([]float32, p.Value.Len())
		b.Download(want, p.Value)
		b.Download(have, got.Params.List[i].Value)
		for j := range want {
			if want[j] != have[j] {
				t.Fatalf("%s[%d] = %g after loading, saved %g", p.Name, j, have[j], want[j])
			}
		}
	}
	if gotMeta.Architecture != m.Cfg || !reflect.DeepEqual(gotMeta.Features, feat) || gotMeta.Case != "box" || gotMeta.Seed != 3 {
		t.Errorf("metadata changed: %+v", gotMeta)
	}
	if gotMeta.Normalisation.Vel.Std[2] != norm.Vel.Std[2] {
		t.Errorf("velocity std %g after loading, saved %g", gotMeta.Normalisation.Vel.Std[2], norm.Vel.Std[2])
	}
	if gotMeta.ParamRanges["outlet_width"] != [2]float64{0.03, 0.06} || string(gotMeta.Grouping) != `{"entities":8}` {
		t.Errorf("parameter ranges or grouping changed: %v, %s", gotMeta.ParamRanges, gotMeta.Grouping)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("directory holds %d entries after saving, want only the checkpoint", len(entries))
	}
	// Others read a shared model, as they read a file os.WriteFile makes.
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("checkpoint mode %v (error %v), want -rw-r--r--", info.Mode(), err)
	}
}

func TestSafetensorsReadByPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	tensors := []NamedTensor{
		{Name: "a.weight", Shape: []int{2, 3}, Data: []float32{1, 2, 3, 4, 5, 6.5}},
		{Name: "b", Shape: []int{1}, Data: []float32{-0.25}},
		{Name: "empty", Shape: []int{0, 4}, Data: nil},
	}
	path := filepath.Join(t.TempDir(), "t.safetensors")
	if err := writeFileAtomic(path, func(w io.Writer) error {
		return EncodeSafetensors(w, tensors, map[string]string{"neusim": "{}"})
	}); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "testdata/read_safetensors.py", path).CombinedOutput()
	if err != nil {
		t.Fatalf("python reader failed: %v\n%s", err, out)
	}
	want := "a.weight 2x3 21.5\nb 1 -0.25\nempty 0x4 0\nmetadata neusim\n"
	if string(out) != want {
		t.Errorf("python reader printed\n%s\nwant\n%s", out, want)
	}
}

// craft returns a safetensors file with the given header JSON and data size.
func craft(header string, data int) []byte {
	var buf bytes.Buffer
	binary.Write(&buf, binary.LittleEndian, uint64(len(header)))
	buf.WriteString(header)
	buf.Write(make([]byte, data))
	return buf.Bytes()
}

func TestSafetensorsRejectsMalformed(t *testing.T) {
	cases := []struct {
		name, file string
		data       []byte
		want       string // part of the error message
	}{
		{"short", "short.st", []byte{1, 2, 3}, "too short"},
		{"header beyond file", "beyond.st", append([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}, '{', '}'), "exceeds the file size"},
		{"not json", "notjson.st", craft("{x", 0), "not a JSON object"},
		{"dtype", "dtype.st", craft(`{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}`, 4), `tensor "w": dtype "F16"`},
		{"shape mismatch", "shape.st", craft(`{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, 8), `tensor "w": shape [3] needs 12 bytes`},
		{"offsets beyond data", "off.st", craft(`{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}`, 8), `tensor "w": data_offsets [0 16] outside`},
		{"overlap", "overlap.st", craft(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 8), "gap or overlap"},
		{"gap at end", "gap.st", craft(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, 8), "cover 4 of 8"},
		{"huge shape", "hugeshape.st", craft(`{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}`, 4), "larger than the file"},
		{"unknown field", "field.st", craft(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}`, 4), "invalid entry"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := DecodeSafetensors(bytes.NewReader(c.data), int64(len(c.data)), c.file)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.file) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not name the file %q and %q", err, c.file, c.want)
			}
		})
	}
}

func TestCheckpointRejectsWrongShape(t *testing.T) {
	b := kernels.NewCPU[float32](1)
	defer b.Close()
	m, feat := testModel(t, b)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.safetensors")
	if err := SaveCheckpoint(good, b, m, Metadata{Features: feat, Normalisation: unitNormalisation()}); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(good)
	st, _ := f.Stat()
	tensors, meta, err := DecodeSafetensors(f, st.Size(), good)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, ts []NamedTensor) string {
		p := filepath.Join(dir, name)
		if err := writeFileAtomic(p, func(w io.Writer) error { return EncodeSafetensors(w, ts, meta) }); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bad := append([]NamedTensor(nil), tensors...)
	bad[0] = NamedTensor{Name: bad[0].Name, Shape: []int{1, len(bad[0].Data)}, Data: bad[0].Data}
	missing := tensors[1:]
	extra := append(append([]NamedTensor(nil), tensors...), NamedTensor{Name: "stray", Shape: []int{1}, Data: []float32{1}})
	if err := SaveCheckpoint(filepath.Join(dir, "nostats.safetensors"), b, m, Metadata{Features: feat}); err == nil ||
		!strings.Contains(err.Error(), "normalisation velocity") {
		t.Errorf("saving without normalisation statistics: error %v", err)
	}
	for _, c := range []struct {
		path, want string
	}{
		{write("shape.safetensors", bad), fmt.Sprintf("tensor %q has shape", tensors[0].Name)},
		{write("missing.safetensors", missing), fmt.Sprintf("tensor %q is missing", tensors[0].Name)},
		{write("extra.safetensors", extra), `unknown tensor "stray"`},
	} {
		_, _, err := LoadCheckpoint(c.path, b)
		if err == nil || !strings.Contains(err.Error(), c.path) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("LoadCheckpoint(%s) error %v, want the path and %q", filepath.Base(c.path), err, c.want)
		}
	}
}

func FuzzDecodeSafetensors(f *testing.F) {
	var buf bytes.Buffer
	EncodeSafetensors(&buf, []NamedTensor{{Name: "w", Shape: []int{2, 2}, Data: []float32{1, 2, 3, 4}}}, map[string]string{"k": "v"})
	f.Add(buf.Bytes())
	f.Add(craft(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, 4))
	f.Add([]byte(strconv.Itoa(math.MaxInt32)))
	f.Fuzz(func(t *testing.T, data []byte) {
		tensors, _, err := DecodeSafetensors(bytes.NewReader(data), int64(len(data)), "fuzz")
		if err != nil {
			return
		}
		// A file that decodes holds no more values than it has bytes.
		total := 0
		for _, tt := range tensors {
			total += 4 * len(tt.Data)
		}
		if total > len(data) {
			t.Fatalf("decoded %d data bytes from a %d-byte file", total, len(data))
		}
	})
}

func TestSafetensorsCraftedSizesAllocateLittle(t *testing.T) {
	files := [][]byte{
		append(binary.LittleEndian.AppendUint64(nil, 99_999_999), "{}"...),
		append(binary.LittleEndian.AppendUint64(nil, 1<<62), "{}"...),
		craft(`{"w":{"dtype":"F32","shape":[1000000000],"data_offsets":[0,4000000000]}}`, 8),
	}
	for i, data := range files {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, _, err := DecodeSafetensors(bytes.NewReader(data), int64(len(data)), "crafted.st")
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Errorf("file %d: no error", i)
		}
		if grown := after.TotalAlloc - before.TotalAlloc; grown > 1<<20 {
			t.Errorf("file %d of %d bytes: decoding allocated %d bytes", i, len(data), grown)
		}
	}
}

func TestLoadCheckpointNamesOtherModelKind(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fluid.safetensors")
	tensors := []NamedTensor{{Name: "b", Shape: []int{1}, Data: []float32{1}}}
	if err := writeFileAtomic(path, func(w io.Writer) error {
		return EncodeSafetensors(w, tensors, map[string]string{"neusim-fluid": "{}"})
	}); err != nil {
		t.Fatal(err)
	}
	_, _, err := LoadCheckpoint(path, kernels.NewCPU[float32](1))
	if err == nil || !strings.Contains(err.Error(), `another kind (metadata "neusim-fluid")`) {
		t.Errorf("loading a fluid model as a particle surrogate: %v, want an error naming its kind", err)
	}
}
