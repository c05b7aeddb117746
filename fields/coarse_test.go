package fields

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/mesh"
	"github.com/neusim/neusim/particles"
)

// randomPacking returns n particles of radius r and density 2500 kg/m^3
// at uniformly random positions in the cube [0, side]^3, each moving at
// u plus a random velocity with standard deviation s per component.
func randomPacking(seed uint64, n int, side, r float64, u r3.Vec, s float64) *particles.Frame {
	rng := rand.New(rand.NewPCG(seed, 7))
	f := &particles.Frame{}
	f.Resize(n)
	m := 2500 * 4.0 / 3 * math.Pi * r * r * r
	for i := range n {
		f.ID[i] = int64(i)
		f.Pos[i] = r3.Vec{X: side * rng.Float64(), Y: side * rng.Float64(), Z: side * rng.Float64()}
		f.Vel[i] = r3.Add(u, r3.Vec{X: s * rng.NormFloat64(), Y: s * rng.NormFloat64(), Z: s * rng.NormFloat64()})
		f.Radius[i] = r
		f.Mass[i] = m
	}
	return f
}

func kernels() []Options {
	return []Options{{Kernel: Gaussian, Width: 0.002}, {Kernel: Lucy, Width: 0.006}}
}

// TestMassMomentumConserved checks that the grid integrals of density
// and momentum equal the particle totals to rounding.
func TestMassMomentumConserved(t *testing.T) {
	f := randomPacking(1, 500, 0.02, 0.0005, r3.Vec{X: 0.3, Y: -1, Z: 2}, 0.5)
	var mass float64
	var mom r3.Vec
	for i := range f.Pos {
		mass += f.Mass[i]
		mom = r3.Add(mom, r3.Scale(f.Mass[i], f.Vel[i]))
	}
	for _, opt := range kernels() {
		g, err := CoveringGrid(f, 0.0015, opt)
		if err != nil {
			t.Fatal(err)
		}
		res, err := CoarseGrain(f, g, opt)
		if err != nil {
			t.Fatal(err)
		}
		dv := g.Spacing * g.Spacing * g.Spacing
		var gm float64
		var gp r3.Vec
		for n := range g.Len() {
			rho := res.Density.Data[n]
			gm += rho * dv
			v := res.Velocity.Tuple(n)
			gp = r3.Add(gp, r3.Scale(rho*dv, r3.Vec{X: v[0], Y: v[1], Z: v[2]}))
		}
		if rel := math.Abs(gm-mass) / mass; rel > 1e-12 {
			t.Errorf("%v: grid mass %g kg, particles %g kg, relative difference %.2g", opt.Kernel, gm, mass, rel)
		}
		if d := r3.Norm(r3.Sub(gp, mom)) / r3.Norm(mom); d > 1e-12 {
			t.Errorf("%v: grid momentum %v, particles %v kg m/s, relative difference %.2g", opt.Kernel, gp, mom, d)
		}
	}
}

// interior returns the nodes of g farther than margin from every face
// of the cube [0, side]^3.
func interior(g *mesh.Grid, side, margin float64) []int {
	var nodes []int
	for n := range g.Len() {
		p := g.Point(g.Coords(n))
		if p.X > margin && p.X < side-margin && p.Y > margin && p.Y < side-margin && p.Z > margin && p.Z < side-margin {
			nodes = append(nodes, n)
		}
	}
	return nodes
}

// TestUniformPackingSolidFraction checks that the mean solid fraction away
// from the edges of a uniform random packing equals the particle volume
// over the box volume.
func TestUniformPackingSolidFraction(t *testing.T) {
	const side, r, n = 0.03, 0.0005, 40000
	f := randomPacking(2, n, side, r, r3.Vec{}, 0)
	want := n * 4.0 / 3 * math.Pi * r * r * r / (side * side * side)
	for _, opt := range kernels() {
		g, err := CoveringGrid(f, 0.001, opt)
		if err != nil {
			t.Fatal(err)
		}
		res, err := CoarseGrain(f, g, opt)
		if err != nil {
			t.Fatal(err)
		}
		nodes := interior(g, side, opt.Kernel.cutoff(opt.Width))
		var mean float64
		for _, k := range nodes {
			mean += res.SolidFraction.Data[k]
		}
		mean /= float64(len(nodes))
		// The interior cube holds at least 40000 * 0.6^3 = 8640
		// particles, whose count fluctuates by 1/sqrt(8640) = 1.1
		// percent, so 3 percent is nearly three standard deviations.
		if rel := math.Abs(mean-want) / want; rel > 0.03 {
			t.Errorf("%v: mean interior solid fraction %.4f, want %.4f (relative difference %.3f)", opt.Kernel, mean, want, rel)
		}
	}
}

// TestUniformMotionVelocity checks that a packing moving as a rigid
// translation has that velocity and no kinetic stress wherever it has
// mass.
func TestUniformMotionVelocity(t *testing.T) {
	u := r3.Vec{X: 0.7, Y: -2.5, Z: 1e-3}
	f := randomPacking(3, 2000, 0.02, 0.0005, u, 0)
	for _, opt := range kernels() {
		g, _ := CoveringGrid(f, 0.0015, opt)
		res, err := CoarseGrain(f, g, opt)
		if err != nil {
			t.Fatal(err)
		}
		var worstV, worstS float64
		for n := range g.Len() {
			rho := res.Density.Data[n]
			if rho == 0 {
				continue
			}
			v := res.Velocity.Tuple(n)
			worstV = math.Max(worstV, r3.Norm(r3.Sub(r3.Vec{X: v[0], Y: v[1], Z: v[2]}, u))/r3.Norm(u))
			for _, s := range res.KineticStress.Tuple(n) {
				worstS = math.Max(worstS, math.Abs(s)/(rho*r3.Norm2(u)))
			}
		}
		if worstV > 1e-13 {
			t.Errorf("%v: velocity differs from the translation by up to %.2g relative", opt.Kernel, worstV)
		}
		if worstS > 1e-12 {
			t.Errorf("%v: kinetic stress of a rigid translation up to %.2g rho |u|^2", opt.Kernel, worstS)
		}
	}
}

// TestKineticStressPairs places two particles at each site with
// velocities u + a e_x and u - a e_x: the local velocity is u and the
// kinetic stress is exactly rho a^2 in xx and zero elsewhere.
func TestKineticStressPairs(t *testing.T) {
	const a = 0.3
	u := r3.Vec{X: 0.2, Y: 0.1, Z: -0.4}
	base := randomPacking(4, 1000, 0.02, 0.0005, r3.Vec{}, 0)
	f := &particles.Frame{}
	f.Resize(2 * base.Len())
	for i := range base.Pos {
		for k, sign := range []float64{1, -1} {
			j := 2*i + k
			f.ID[j], f.Pos[j], f.Radius[j], f.Mass[j] = int64(j), base.Pos[i], base.Radius[i], base.Mass[i]
			f.Vel[j] = r3.Add(u, r3.Vec{X: sign * a})
		}
	}
	for _, opt := range kernels() {
		g, _ := CoveringGrid(f, 0.0015, opt)
		res, err := CoarseGrain(f, g, opt)
		if err != nil {
			t.Fatal(err)
		}
		var worst float64
		for n := range g.Len() {
			rho := res.Density.Data[n]
			if rho == 0 {
				continue
			}
			want := [9]float64{rho * a * a}
			for c, s := range res.KineticStress.Tuple(n) {
				worst = math.Max(worst, math.Abs(s-want[c])/(rho*a*a))
			}
		}
		if worst > 1e-9 {
			t.Errorf("%v: kinetic stress differs from rho a^2 e_x e_x by up to %.2g rho a^2", opt.Kernel, worst)
		}
	}
}

// TestKineticStressGas checks a packing with Gaussian velocity
// fluctuations of standard deviation s per component: away from the
// edges the kinetic stress averages rho s^2 on the diagonal and zero off
// it.
func TestKineticStressGas(t *testing.T) {
	const side, s = 0.03, 0.2
	f := randomPacking(5, 40000, side, 0.0005, r3.Vec{X: 1}, s)
	opt := Options{Kernel: Gaussian, Width: 0.002}
	g, _ := CoveringGrid(f, 0.001, opt)
	res, err := CoarseGrain(f, g, opt)
	if err != nil {
		t.Fatal(err)
	}
	var diag, off, rhoSum float64
	for _, n := range interior(g, side, 3*opt.Width) {
		st := res.KineticStress.Tuple(n)
		diag += (st[0] + st[4] + st[8]) / 3
		off += (st[1] + st[2] + st[5]) / 3
		rhoSum += res.Density.Data[n]
	}
	want := rhoSum * s * s
	// About 500 particles contribute to each node (n / integral of
	// phi^2 = 1.5e9 m^-3 * 8 pi^(3/2) w^3), so the local mean velocity
	// absorbs about 0.2 percent of the fluctuation energy; the 4 percent
	// tolerance covers sampling noise.
	if rel := math.Abs(diag-want) / want; rel > 0.04 {
		t.Errorf("mean diagonal kinetic stress / (rho s^2) = %.4f, want 1", diag/want)
	}
	if rel := math.Abs(off) / want; rel > 0.02 {
		t.Errorf("mean off-diagonal kinetic stress / (rho s^2) = %.4f, want 0", off/want)
	}
}

func TestWorkersDeterministic(t *testing.T) {
	f := randomPacking(6, 3000, 0.02, 0.0005, r3.Vec{X: 0.1}, 0.3)
	opt := Options{Kernel: Gaussian, Width: 0.0015, Workers: 1}
	g, _ := CoveringGrid(f, 0.001, opt)
	one, err := CoarseGrain(f, g, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{2, 3, 7} {
		opt.Workers = w
		many, err := CoarseGrain(f, g, opt)
		if err != nil {
			t.Fatal(err)
		}
		for i, a := range one.Fields() {
			b := many.Fields()[i]
			for k := range a.Data {
				if math.Float64bits(a.Data[k]) != math.Float64bits(b.Data[k]) {
					t.Fatalf("%d workers: %s[%d] = %v, one worker %v", w, a.Name, k, b.Data[k], a.Data[k])
				}
			}
		}
	}
}

// TestLatticeNormalisation compares the lattice sum of the kernel with
// its integral over space: the two agree better as the spacing shrinks
// relative to the width.
func TestLatticeNormalisation(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, c := range []struct {
		kernel   Kernel
		width, h float64
		tol      float64
	}{
		{Gaussian, 1, 1, 0.02},
		{Gaussian, 1, 0.5, 2e-3},
		{Gaussian, 1, 0.25, 5e-4},
		{Lucy, 3, 1, 0.05},
		{Lucy, 3, 0.25, 2e-3},
	} {
		g, _ := mesh.NewGrid(2, 2, 2, c.h, r3.Vec{})
		l := lattice{g: g, opt: Options{Kernel: c.kernel, Width: c.width}}
		want := c.kernel.integral(c.width)
		var worst float64
		for range 20 {
			p := r3.Vec{X: rng.Float64(), Y: rng.Float64(), Z: rng.Float64()}
			got := l.normalisers([]r3.Vec{p}, 1)[0]
			worst = math.Max(worst, math.Abs(got-want)/want)
		}
		if worst > c.tol {
			t.Errorf("%v width %g spacing %g: lattice sum differs from the integral by %.2g, want below %g", c.kernel, c.width, c.h, worst, c.tol)
		}
		t.Logf("%v width %g spacing %g: largest relative difference %.2g", c.kernel, c.width, c.h, worst)
	}
}

func TestNarrowKernelRejected(t *testing.T) {
	g, _ := mesh.NewGrid(4, 4, 4, 0.01, r3.Vec{})
	f := randomPacking(9, 10, 0.03, 0.001, r3.Vec{}, 0)
	for _, opt := range []Options{{Kernel: Gaussian, Width: 0.003}, {Kernel: Lucy, Width: 0.009}, {Kernel: Gaussian, Width: 0}, {Kernel: Gaussian, Width: math.NaN()}} {
		if _, err := CoarseGrain(f, g, opt); err == nil {
			t.Errorf("%v width %g on spacing 0.01 m: no error", opt.Kernel, opt.Width)
		}
	}
}
