//go:build gen

package pipeline

import (
	"context"
	"log/slog"
	"os"
	"testing"
)

func TestGenHopper(t *testing.T) {
	_, err := GenerateData(context.Background(), "hopper", DataOptions{Dir: "/work/main/out/hopper-data", Variants: 5, Seed: 1, Jobs: 2, Cores: 2,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	if err != nil {
		t.Fatal(err)
	}
}
