package vtk

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkWriteParticles writes one frame of 1,000,000 particles as a
// .vtp file and, as the baseline, the same number of bytes with one
// os.File.Write. Compare the MB/s of the sub-benchmarks:
//
//	go test -run XXX -bench WriteParticles ./vtk
func BenchmarkWriteParticles(b *testing.B) {
	const n = 1_000_000
	f := testFrame(rand.New(rand.NewPCG(1, 1)), 1, n, true)
	dir := b.TempDir()
	path := filepath.Join(dir, "p.vtp")
	if err := WriteParticles(path, f, Raw); err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(path)
	size := st.Size()

	for _, enc := range []struct {
		name string
		enc  Encoding
	}{{"vtp-raw", Raw}, {"vtp-base64", Base64}} {
		b.Run(enc.name, func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				if err := WriteParticles(path, f, enc.enc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("plain-write", func(b *testing.B) {
		benchPlainWrite(b, filepath.Join(dir, "plain"), size)
	})
}

// benchPlainWrite writes size bytes to a new file with one Write call
// per iteration: the speed of the disk and the page cache alone.
func benchPlainWrite(b *testing.B, path string, size int64) {
	buf := make([]byte, size)
	for i := range buf {
		buf[i] = byte(i)
	}
	b.SetBytes(size)
	for b.Loop() {
		fh, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := fh.Write(buf); err != nil {
			b.Fatal(err)
		}
		if err := fh.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSeriesFields coarse-grains one frame of 100,000 particles
// onto a grid of twice the particle diameter with a Gaussian of one
// diameter, as "neusim export vtk --fields" does by default.
func BenchmarkSeriesFields(b *testing.B) {
	f := testFrame(rand.New(rand.NewPCG(2, 2)), 1, 100_000, false)
	for b.Loop() {
		s, err := NewSeries(b.TempDir(), SeriesOptions{Fields: true})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.WriteFrame(f); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
