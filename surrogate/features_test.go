package surrogate

import (
	"math"
	"strings"
	"testing"
)

func TestFeaturesTranslationInvariant(t *testing.T) {
	seq := boxSequences(6, 1, 8)[0]
	feat := Features{History: 2, Materials: 1, Radius: 0.25}
	norm, err := ComputeNormalisation([]*Sequence{seq})
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewRolloutState(seq, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	var a, b Graph
	feat.Build(&a, &s.Frame, s.Vels, &norm)
	for i := range s.Frame.Pos {
		s.Frame.Pos[i] += 12.5
	}
	feat.Build(&b, &s.Frame, s.Vels, &norm)
	if len(a.Senders) == 0 || len(a.Walls) == 0 {
		t.Fatalf("graph has %d edges and %d wall edges, want some of each", len(a.Senders), len(a.WallReceivers))
	}
	if len(a.Senders) != len(b.Senders) {
		t.Fatalf("%d edges before the shift, %d after", len(a.Senders), len(b.Senders))
	}
	for i := range a.Edges {
		if math.Abs(float64(a.Edges[i]-b.Edges[i])) > 1e-5 {
			t.Fatalf("edge feature %d changed from %g to %g", i, a.Edges[i], b.Edges[i])
		}
	}
	for i := range a.Nodes {
		if a.Nodes[i] != b.Nodes[i] {
			t.Fatalf("node feature %d changed from %g to %g", i, a.Nodes[i], b.Nodes[i])
		}
	}
	if err := a.Validate(feat.ModelConfig(Config{})); err != nil {
		t.Fatal(err)
	}
}

func TestFeaturesGivenPairsSortedByReceiver(t *testing.T) {
	seq := boxSequences(6, 1, 8)[0]
	feat := Features{History: 1, Materials: 1, Radius: 0.25}
	norm := unitNormalisation()
	f := seq.Frames[3]
	f.Senders, f.Receivers = []int32{0, 5, 2, 1}, []int32{3, 1, 3, 0}
	var g Graph
	feat.Build(&g, &f, [][]float64{make([]float64, 3*f.N())}, &norm)
	wantS, wantR := []int32{1, 5, 0, 2}, []int32{0, 1, 3, 3}
	for i := range wantS {
		if g.Senders[i] != wantS[i] || g.Receivers[i] != wantR[i] {
			t.Fatalf("edges %v→%v, want %v→%v", g.Senders, g.Receivers, wantS, wantR)
		}
	}
}

func TestGraphValidateRejects(t *testing.T) {
	cfg := Config{NodeIn: 1, EdgeIn: 1, WallIn: 1}
	cases := []struct {
		name string
		g    Graph
		want string
	}{
		{"node count", Graph{N: 2, Nodes: []float32{1}}, "node feature values"},
		{"index range", Graph{N: 1, Nodes: []float32{1}, Senders: []int32{1}, Receivers: []int32{0}, Edges: []float32{1}}, "outside [0, 1)"},
		{"unsorted", Graph{N: 2, Nodes: []float32{1, 1}, Senders: []int32{0, 1}, Receivers: []int32{1, 0}, Edges: []float32{1, 1}}, "sort edges by receiver"},
		{"wall entity", Graph{N: 1, Nodes: []float32{1}, WallReceivers: []int32{-1}, Walls: []float32{1}}, "wall edge 0"},
	}
	for _, c := range cases {
		if err := c.g.Validate(cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

func TestNormalisationStatistics(t *testing.T) {
	// Two entities at rest and one moving at constant velocity (1, 2, 3) m/s
	// over four frames of 0.5 s: velocities {0, 0, v} at each usable step.
	seq := &Sequence{Name: "const", Dt: 0.5}
	for f := 0; f < 4; f++ {
		fr := EntityFrame{Pos: make([]float64, 9), Grad: make([]float64, 27), Shape: make([]float64, 18),
			Radius: []float64{1, 2, 3}, Material: []float64{1, 1, 1}}
		for d := 0; d < 3; d++ {
			fr.Pos[6+d] = float64(d+1) * 0.5 * float64(f)
		}
		seq.Frames = append(seq.Frames, fr)
	}
	nz, err := ComputeNormalisation([]*Sequence{seq})
	if err != nil {
		t.Fatal(err)
	}
	for d := 0; d < 3; d++ {
		v := float64(d + 1)
		mean, std := v/3, v*math.Sqrt(2)/3 // population statistics of {0, 0, v}
		if math.Abs(nz.Vel.Mean[d]-mean) > 1e-12 || math.Abs(nz.Vel.Std[d]-std) > 1e-12 {
			t.Errorf("velocity %d: mean %g std %g, want %g and %g", d, nz.Vel.Mean[d], nz.Vel.Std[d], mean, std)
		}
		if x := 0.7; math.Abs(nz.Vel.Denormalise(d, nz.Vel.Normalise(d, x))-x) > 1e-12 {
			t.Errorf("velocity %d: denormalise(normalise(%g)) differs", d, x)
		}
	}
	if nz.Acc.Std[0] != 1 || nz.Acc.Mean[0] != 0 {
		t.Errorf("constant-velocity data: acceleration mean %g std %g, want 0 and the floor 1", nz.Acc.Mean[0], nz.Acc.Std[0])
	}
	if math.Abs(nz.Radius.Mean[0]-2) > 1e-12 || math.Abs(nz.Radius.Std[0]-math.Sqrt(2.0/3)) > 1e-12 {
		t.Errorf("radius mean %g std %g, want 2 and %g", nz.Radius.Mean[0], nz.Radius.Std[0], math.Sqrt(2.0/3))
	}
}

func TestFeaturesDesignParamsMapped(t *testing.T) {
	seq := boxSequences(6, 1, 8)[0]
	feat := Features{History: 1, Materials: 1, Radius: 0.25,
		Design: []DesignParam{{Name: "friction", Min: 0.1, Max: 0.7}, {Name: "outlet_diameter", Min: 0.012, Max: 0.018}}}
	norm := unitNormalisation()
	f := seq.Frames[3]
	var err error
	f.Design, err = feat.DesignValues(map[string]float64{"friction": 0.4, "outlet_diameter": 0.018, "unused": 3})
	if err != nil {
		t.Fatal(err)
	}
	var g Graph
	feat.Build(&g, &f, [][]float64{make([]float64, 3*f.N())}, &norm)
	in := feat.NodeIn()
	for i := 0; i < f.N(); i++ {
		if got := g.Nodes[in*i+in-2]; math.Abs(float64(got)) > 1e-6 {
			t.Errorf("node %d: friction 0.4 in [0.1, 0.7] maps to %g, want 0", i, got)
		}
		if got := g.Nodes[in*i+in-1]; math.Abs(float64(got)-1) > 1e-6 {
			t.Errorf("node %d: outlet 0.018 in [0.012, 0.018] maps to %g, want 1", i, got)
		}
	}
	if _, err := feat.DesignValues(map[string]float64{"friction": 0.4}); err == nil || !strings.Contains(err.Error(), "outlet_diameter") {
		t.Errorf("a missing parameter gives %v, want an error naming outlet_diameter", err)
	}
}
