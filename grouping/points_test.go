package grouping

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/mesh"
)

// checkPointGrouping checks that every super-node is connected and that a
// linear field is reproduced at every point.
func checkPointGrouping(t *testing.T, pts []r3.Vec, nbr [][]int32, p *PointGrouping) {
	t.Helper()
	adj, err := symmetricAdjacency(nbr)
	if err != nil {
		t.Fatal(err)
	}
	for c := 0; c < p.Len(); c++ {
		members := p.Member[p.Start[c]:p.Start[c+1]]
		seen := map[int32]bool{members[0]: true}
		queue := []int32{members[0]}
		for len(queue) > 0 {
			i := queue[0]
			queue = queue[1:]
			for _, j := range adj[i] {
				if p.Node[j] == int32(c) && !seen[j] {
					seen[j] = true
					queue = append(queue, j)
				}
			}
		}
		if len(seen) != len(members) {
			t.Fatalf("super-node %d: %d of %d points reachable inside it", c, len(seen), len(members))
		}
	}

	// f(x) = 3 + 2x - 5y + 0.5z, two columns: f and 1 - f.
	field := func(x r3.Vec) float64 { return 3 + 2*x.X - 5*x.Y + 0.5*x.Z }
	vals := make([]float64, 2*len(pts))
	for i, x := range pts {
		vals[2*i], vals[2*i+1] = field(x), 1-field(x)
	}
	back := p.ProlongPoints(p.RestrictPoints(vals, 2), 2)
	var worst float64
	for i := range vals {
		worst = max(worst, math.Abs(back[i]-vals[i]))
	}
	if worst > 1e-11 {
		t.Errorf("linear field reproduced with maximum error %g", worst)
	}
	for i := range pts {
		var s float64
		for j := p.WStart[i]; j < p.WStart[i+1]; j++ {
			s += p.Weight[j]
		}
		if math.Abs(s-1) > 1e-12 {
			t.Fatalf("weights of point %d sum to %g", i, s)
		}
	}
}

func TestGroupGridPoints(t *testing.T) {
	for _, dims := range [][3]int{{40, 30, 1}, {16, 12, 10}} {
		g, err := mesh.NewGrid(dims[0], dims[1], dims[2], 0.01, r3.Vec{X: 1, Y: -2})
		if err != nil {
			t.Fatal(err)
		}
		pts, nbr := GridPoints(g)
		p, err := GroupPoints(pts, nbr, 20)
		if err != nil {
			t.Fatal(err)
		}
		if want := len(pts) / 20; p.Len() < want/2 || p.Len() > 2*want {
			t.Errorf("grid %v: %d super-nodes, want about %d", dims, p.Len(), want)
		}
		checkPointGrouping(t, pts, nbr, p)
	}
}

func TestGroupPointsKeepsClustersConnected(t *testing.T) {
	// Points on two interleaved combs with random spacing: teeth are
	// close in space but linked only along themselves and at their roots
	// to the teeth of the same comb, so pure coordinate clustering would
	// make disconnected super-nodes. The points are coplanar and each
	// tooth is straight, so linear fields stay exact.
	rng := rand.New(rand.NewPCG(31, 32))
	var pts []r3.Vec
	var nbr [][]int32
	addChain := func(xs []r3.Vec) {
		base := int32(len(pts))
		for j, x := range xs {
			pts = append(pts, x)
			var l []int32
			if j > 0 {
				l = append(l, base+int32(j)-1)
			}
			nbr = append(nbr, l)
		}
	}
	for tooth := 0; tooth < 12; tooth++ {
		var xs []r3.Vec
		y := 0.0
		for k := 0; k < 30; k++ {
			xs = append(xs, r3.Vec{X: float64(tooth) * 0.01, Y: y})
			y += 0.001 + 0.002*rng.Float64()
		}
		addChain(xs)
		if tooth >= 2 { // link tooth root to the tooth two before (same comb)
			root := int32(len(pts) - 30)
			nbr[root] = append(nbr[root], root-60)
		}
	}
	p, err := GroupPoints(pts, nbr, 25)
	if err != nil {
		t.Fatal(err)
	}
	checkPointGrouping(t, pts, nbr, p)
}

func TestGroupPointsRejectsBadNeighbour(t *testing.T) {
	_, err := GroupPoints([]r3.Vec{{}, {X: 1}}, [][]int32{{1}, {5}}, 2)
	if err == nil {
		t.Fatal("neighbour index 5 of 2 points accepted")
	}
}
