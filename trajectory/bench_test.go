package trajectory

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkWriteFrame writes one frame of 1,000,000 particles to a
// trajectory (Create, WriteFrame, Close) and, as the baseline, the same
// number of bytes with one os.File.Write, with and without a sync to
// disk. Compare the MB/s of the
// sub-benchmarks:
//
//	go test -run XXX -bench WriteFrame ./trajectory
func BenchmarkWriteFrame(b *testing.B) {
	const n = 1_000_000
	f := randomFrame(rand.New(rand.NewPCG(1, 1)), 1, n, true, 2)
	dir := b.TempDir()
	path := filepath.Join(dir, "run.arrows")
	write := func() {
		w, err := Create(path, Meta{Case: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		if err := w.WriteFrame(f); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	write()
	st, _ := os.Stat(path)
	size := st.Size()

	b.Run("arrow", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			write()
		}
	})
	// Close syncs the file to disk, so the baseline is given both with
	// and without a sync.
	for _, sync := range []bool{false, true} {
		name := "plain-write"
		if sync {
			name += "+sync"
		}
		b.Run(name, func(b *testing.B) {
			buf := make([]byte, size)
			b.SetBytes(size)
			for b.Loop() {
				fh, err := os.Create(filepath.Join(dir, "plain"))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := fh.Write(buf); err != nil {
					b.Fatal(err)
				}
				if sync {
					if err := fh.Sync(); err != nil {
						b.Fatal(err)
					}
				}
				if err := fh.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReadFrame reads one frame of 1,000,000 particles back.
func BenchmarkReadFrame(b *testing.B) {
	f := randomFrame(rand.New(rand.NewPCG(2, 2)), 1, 1_000_000, true, 2)
	path := filepath.Join(b.TempDir(), "run.arrows")
	w, _ := Create(path, Meta{})
	w.WriteFrame(f)
	w.Close()
	st, _ := os.Stat(path)
	r, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	b.SetBytes(st.Size())
	for b.Loop() {
		if _, err := r.Frame(0); err != nil {
			b.Fatal(err)
		}
	}
}
