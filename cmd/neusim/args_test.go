package main

import (
	"slices"
	"testing"
)

func TestNormalizeArgsMovesFlagsFirst(t *testing.T) {
	app := newApp(&environment{})
	for _, tc := range []struct{ in, want []string }{
		{
			[]string{"neusim", "run", "hopper", "--solver", "dem", "--vtk", "--set", "friction=0.4"},
			[]string{"neusim", "run", "--solver", "dem", "--vtk", "--set", "friction=0.4", "hopper"},
		},
		{
			[]string{"neusim", "--log-level", "debug", "export", "vtk", "t.arrow", "--out", "d"},
			[]string{"neusim", "--log-level", "debug", "export", "vtk", "--out", "d", "t.arrow"},
		},
		{
			[]string{"neusim", "help", "sweep"},
			[]string{"neusim", "sweep", "--help"},
		},
		{
			[]string{"neusim", "sweep", "collect", "dir"},
			[]string{"neusim", "sweep", "collect", "dir"},
		},
		{
			[]string{"neusim", "run", "--out=x", "--", "-odd-name.yaml"},
			[]string{"neusim", "run", "--out=x", "--", "-odd-name.yaml"},
		},
	} {
		if got := normalizeArgs(app, tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("normalizeArgs(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}
