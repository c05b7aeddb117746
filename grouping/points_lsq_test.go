package grouping

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/mesh"
)

func lsqTestGrouping(t *testing.T) (*mesh.Grid, *PointGrouping) {
	t.Helper()
	g, err := mesh.NewGrid(13, 11, 1, 0.01, r3.Vec{})
	if err != nil {
		t.Fatal(err)
	}
	pts, nbr := GridPoints(g)
	p, err := GroupPoints(pts, nbr, 9)
	if err != nil {
		t.Fatal(err)
	}
	return g, p
}

func residualNorm(p *PointGrouping, s, values []float64, width int) float64 {
	back := p.ProlongPoints(s, width)
	var sum float64
	for i := range back {
		sum += (back[i] - values[i]) * (back[i] - values[i])
	}
	return math.Sqrt(sum)
}

func TestLeastSquaresRestrictionOptimal(t *testing.T) {
	_, p := lsqTestGrouping(t)
	rng := rand.New(rand.NewPCG(3, 4))
	values := make([]float64, 2*len(p.Node))
	for i := range values {
		values[i] = rng.NormFloat64()
	}
	s := p.RestrictPointsLeastSquares(values, 2)

	// Optimality: the gradient Pᵀ(P s − values) of the squared residual
	// vanishes.
	back := p.ProlongPoints(s, 2)
	for i := range back {
		back[i] -= values[i]
	}
	grad := p.prolongTranspose(back, 2)
	if g := math.Sqrt(dot(grad, grad)); g > 1e-8 {
		t.Errorf("gradient norm of the residual is %g, want below 1e-8", g)
	}

	// No worse than the mean restriction.
	mean := residualNorm(p, p.RestrictPoints(values, 2), values, 2)
	lsq := residualNorm(p, s, values, 2)
	if lsq > mean {
		t.Errorf("least-squares residual %g exceeds the mean restriction's %g", lsq, mean)
	}
}

func TestLeastSquaresRestrictionLinearField(t *testing.T) {
	g, p := lsqTestGrouping(t)
	values := make([]float64, len(p.Node))
	for n := range values {
		x := g.Point(g.Coords(n))
		values[n] = 2 + 3*x.X - 5*x.Y
	}
	s := p.RestrictPointsLeastSquares(values, 1)
	back := p.ProlongPoints(s, 1)
	for n := range values {
		if math.Abs(back[n]-values[n]) > 1e-9 {
			t.Fatalf("point %d: prolongated %g, linear field %g", n, back[n], values[n])
		}
	}
}
