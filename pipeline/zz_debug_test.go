//go:build gen

package pipeline

import "testing"

func TestDebugHopper(t *testing.T) {
	frames, m, err := readFrames("/work/main/out/hopper-data/variant-000.arrows")
	if err != nil {
		t.Fatal(err)
	}
	t.Log(m.Parameters, len(frames))
	for i, f := range frames {
		if i%5 == 0 {
			t.Log(i, f.Time, f.Len(), f.OutletCount)
		}
	}
}
