//go:build gen

package pipeline

import (
	"context"
	"log/slog"
	"os"
	"testing"
)

func TestCompareQuick(t *testing.T) {
	model := os.Getenv("MODEL")
	rep, err := Compare(context.Background(), "hopper", []string{"outlet_diameter=0.02", "friction=0.3"}, model, "/tmp/cmp-quick", CompareOptions{Workers: 1,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(rep.Markdown())
}
