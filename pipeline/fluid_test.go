package pipeline

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/mesh"
	"github.com/neusim/neusim/surrogate"
)

const tinyCavity = "testdata/cavity_tiny.yaml"

func tinyCavityGraph(t *testing.T) (*cases.Case, *fluidGraph) {
	t.Helper()
	c, err := cases.Load(tinyCavity, cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := fluidGridOf(c, 1)
	if err != nil {
		t.Fatal(err)
	}
	fg, err := newFluidGraph(cfg.Grid, c.Fluid.Faces, 9, 0.01, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	return c, fg
}

func TestFluidInterpolationLinearField(t *testing.T) {
	_, fg := tinyCavityGraph(t)
	g := fg.grid
	vel := make([]float64, 3*g.Len())
	for n := 0; n < g.Len(); n++ {
		x := g.Point(g.Coords(n))
		vel[3*n] = 0.003 + 0.02*x.X - 0.05*x.Y
		vel[3*n+1] = -0.001 + 0.04*x.Y
	}
	s := fg.restrict(vel, 0.01)
	back := make([]float64, len(vel))
	fg.prolong(s, 0.01, back)
	for i := range vel {
		if math.Abs(back[i]-vel[i]) > 1e-12 {
			t.Fatalf("value %d (node %d): interpolated %g m/s, linear field %g m/s", i, i/3, back[i], vel[i])
		}
	}
}

func TestFluidGraphWalls(t *testing.T) {
	_, fg := tinyCavityGraph(t)
	lid := 0
	for w, c := range fg.wallRecv {
		if fg.wallGeom[5*w+4] == -1 { // normal pointing down: the lid y+
			lid++
			if fg.wallVel[2*w] != 1 || fg.wallVel[2*w+1] != 0 {
				t.Errorf("lid wall edge of super-node %d has velocity %v in units of U, want [1 0]", c, fg.wallVel[2*w:2*w+2])
			}
		} else if fg.wallVel[2*w] != 0 || fg.wallVel[2*w+1] != 0 {
			t.Errorf("stationary wall edge of super-node %d has velocity %v", c, fg.wallVel[2*w:2*w+2])
		}
	}
	if lid == 0 {
		t.Error("no super-node has a wall edge to the lid")
	}
	for e := range fg.senders {
		if e > 0 && fg.receivers[e] < fg.receivers[e-1] {
			t.Fatalf("edge %d: receivers not sorted", e)
		}
	}
}

// bruteCentreline returns the x velocity on the nodes of the vertical
// line x = xc, or the mean of the two node columns around it.
func bruteCentreline(g *mesh.Grid, vel []float64, xc float64) []float64 {
	var out []float64
	for j := 0; j < g.Dims[1]; j++ {
		var sum, n float64
		for i := 0; i < g.Dims[0]; i++ {
			if math.Abs(g.Point(i, j, 0).X-xc) < 0.5001*g.Spacing {
				sum += vel[3*g.Index(i, j, 0)]
				n++
			}
		}
		out = append(out, sum/n)
	}
	return out
}

func bruteRelativeL2(a, b []float64) float64 {
	var num, den float64
	for i := range a {
		num += (a[i] - b[i]) * (a[i] - b[i])
		den += b[i] * b[i]
	}
	return math.Sqrt(num / den)
}

func TestFluidReportErrorsBruteForce(t *testing.T) {
	// An odd grid has its centre on a node column, an even one halfway
	// between two columns.
	for _, nodes := range []int{17, 16} {
		g, err := mesh.NewGrid(nodes, nodes, 1, 0.1/float64(nodes), r3.Vec{X: 0.05 / float64(nodes), Y: 0.05 / float64(nodes)})
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, uint64(nodes)))
		field := func() []float64 {
			v := make([]float64, 3*g.Len())
			for i := range v {
				if i%3 != 2 {
					v[i] = rng.NormFloat64()
				}
			}
			return v
		}
		l := &fluidRecord{time: []float64{0, 20}, vel: [][]float64{make([]float64, 3*g.Len()), field()}}
		s := &fluidRecord{time: []float64{0, 20, 40}, vel: [][]float64{make([]float64, 3*g.Len()), field(), field()}}
		rep := compareFluidRecords(g, l, s)

		// The last surrogate frame meets LBM's last frame.
		lastS, lastL := s.vel[2], l.vel[1]
		wantU := bruteRelativeL2(bruteCentreline(g, lastS, 0.05), bruteCentreline(g, lastL, 0.05))
		if math.Abs(rep.CentrelineUError-wantU) > 1e-12 {
			t.Errorf("%d nodes: centreline u error %g, brute force %g", nodes, rep.CentrelineUError, wantU)
		}
		var num, den float64
		for n := 0; n < g.Len(); n++ {
			for d := 0; d < 2; d++ {
				num += (lastS[3*n+d] - lastL[3*n+d]) * (lastS[3*n+d] - lastL[3*n+d])
				den += lastL[3*n+d] * lastL[3*n+d]
			}
		}
		if want := math.Sqrt(num / den); math.Abs(rep.DomainError-want) > 1e-12 {
			t.Errorf("%d nodes: domain error %g, brute force %g", nodes, rep.DomainError, want)
		}
		// Time 0 has a zero LBM field and no error; 20 s and 40 s have.
		if got := rep.DomainErrorT.Time; len(got) != 2 || got[0] != 20 || got[1] != 40 {
			t.Errorf("%d nodes: error series times %v, want [20 40]", nodes, got)
		}
	}
}

func TestFluidChainTiny(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "model.safetensors")
	opt := DefaultFluidTrainOptions()
	opt.Case, opt.Out, opt.Workers = tinyCavity, model, 1
	opt.Values = []map[string]float64{{"reynolds": 100}}
	opt.Train.Iterations = 600
	opt.Model = surrogate.Config{Latent: 16, Steps: 2, Heads: 4}
	rep, err := TrainFluid(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	tr := rep.Meta.Training
	if !(tr.OneStepRMS < 0.5*tr.PersistenceRMS) {
		t.Errorf("one-step RMS error %g on the training frames, want below half of persistence's %g", tr.OneStepRMS, tr.PersistenceRMS)
	}
	if !IsFluidModel(model) {
		t.Errorf("IsFluidModel(%s) is false for a trained fluid model", model)
	}

	out := filepath.Join(dir, "compare")
	cmp, err := CompareFluid(context.Background(), tinyCavity, []string{"reynolds=100"}, model, out, FluidCompareOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"report.md", "report.json", "field_error.png", "centreline_u.png", "centreline_v.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("compare wrote no %s: %v", f, err)
		}
	}
	data, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var back FluidCompareReport
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if want := bruteRelativeL2(back.CentrelineV.Surrogate, back.CentrelineV.LBM); math.Abs(back.CentrelineVError-want) > 1e-12 {
		t.Errorf("report.json centreline v error %g, its own profiles give %g", back.CentrelineVError, want)
	}
	if !(cmp.Speedup > 0) || cmp.SurrogateStep < 1 {
		t.Errorf("speed-up %g after %d surrogate steps, want a positive speed-up and at least one step", cmp.Speedup, cmp.SurrogateStep)
	}
	if len(cmp.Outside) != 0 {
		t.Errorf("Re 100, the training value, reported outside the trained range: %v", cmp.Outside)
	}

	// The model saw Re 100 only, so Re 120 lies outside its trained
	// range though inside the case's, and the report must mark it.
	out = filepath.Join(dir, "compare120")
	cmp, err = CompareFluid(context.Background(), tinyCavity, []string{"reynolds=120"}, model, out, FluidCompareOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "reynolds=120 (trained 100 to 100)"; len(cmp.Outside) != 1 || cmp.Outside[0] != want || !strings.Contains(string(md), want) {
		t.Errorf("Re 120: outside %v and report.md %q; want %q in both", cmp.Outside, md, want)
	}
}
