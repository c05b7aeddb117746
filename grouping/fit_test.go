package grouping

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/particles"
)

const radius = 0.002 // m

// clumpScene returns frames of a bar of three 3x3x3 blocks where the
// middle block (ids 100..126) moves and rotates as a rigid body while the
// outer blocks rest.
func clumpScene(frames int, dt float64) (out []*particles.Frame, clumpIDs []int64) {
	left := lattice(3, 3, 3, radius, r3.Vec{}, 0)
	mid := lattice(3, 3, 3, radius, r3.Vec{X: 6 * radius}, 100)
	right := lattice(3, 3, 3, radius, r3.Vec{X: 12 * radius}, 200)
	c := r3.Vec{X: 8 * radius, Y: 2 * radius, Z: 2 * radius}
	v := r3.Vec{X: 0.01, Y: 0.3, Z: -0.1}
	w := r3.Vec{X: 2, Y: 5, Z: 11}
	for t := 0; t < frames; t++ {
		f := concat(left, rigidMotion(mid, c, v, w, float64(t)*dt), right)
		f.Time = float64(t) * dt
		f.Step = int64(t)
		out = append(out, f)
	}
	return out, mid.ID
}

func TestFitFindsRigidClump(t *testing.T) {
	frames, clump := clumpScene(8, 0.002)
	g, rep, err := Fit(frames, 27, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if g.Len() != 3 {
		t.Fatalf("found %d entities, want 3", g.Len())
	}
	e := g.EntityOf(clump[0])
	if got := g.Members(int(e)); !slices.Equal(got, clump) {
		t.Errorf("entity of the clump has members %v, want %v", got, clump)
	}
	if rep.PosRMS > 1e-12*rep.MeanDiameter {
		t.Errorf("position RMS error %g m, want rounding error (diameter %g m)", rep.PosRMS, rep.MeanDiameter)
	}
	if rep.VelRMS > 1e-12*rep.SpeedRMS {
		t.Errorf("velocity RMS error %g m/s, want rounding error (RMS speed %g m/s)", rep.VelRMS, rep.SpeedRMS)
	}
	if len(rep.Candidates) != len(DefaultWeights) {
		t.Errorf("report lists %d candidates, want %d", len(rep.Candidates), len(DefaultWeights))
	}
}

func TestPositionOnlyCutsClump(t *testing.T) {
	// Position alone splits the bar at its two-means cuts, which are not
	// the block boundaries, so the error is large. This is why Fit
	// searches the coherence weight.
	frames, _ := clumpScene(8, 0.002)
	_, rep, err := FitSettings(frames, Settings{TargetSize: 27, CoherenceWeight: -1}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if rep.PosRMS < 1e-6*rep.MeanDiameter {
		t.Errorf("position-only grouping reconstructs the clump scene to %g m; expected a visible error", rep.PosRMS)
	}
}

func TestRigidClumpRestrictProlong(t *testing.T) {
	clump := lattice(3, 3, 3, radius, r3.Vec{X: 6 * radius}, 100)
	c := r3.Vec{X: 8 * radius, Y: 2 * radius, Z: 2 * radius}
	v := r3.Vec{X: 0.01, Y: 0.3, Z: -0.1}
	w := r3.Vec{X: 2, Y: 5, Z: 11}
	dt := 0.01
	f0, f1 := rigidMotion(clump, c, v, w, 0), rigidMotion(clump, c, v, w, dt)
	g, err := NewGrouping([][]int64{clump.ID})
	if err != nil {
		t.Fatal(err)
	}
	b := g.Bind(f0)
	var e0, e1 Entities
	if err := b.Restrict(f0, 1, &e0); err != nil {
		t.Fatal(err)
	}
	if err := b.Restrict(f1, 1, &e1); err != nil {
		t.Fatal(err)
	}
	if d := r3.Norm(r3.Sub(e0.Omega[0], w)); d > 1e-12*r3.Norm(w) {
		t.Errorf("angular velocity %v, want %v", e0.Omega[0], w)
	}
	skew := Skew(w)
	for i := range skew {
		if d := math.Abs(e0.Grad[0][i] - skew[i]); d > 1e-12*r3.Norm(w) {
			t.Errorf("gradient element %d is %g, want %g", i, e0.Grad[0][i], skew[i])
		}
	}

	// Prolong many small steps; the clump must stay rigid.
	p := f0.Clone()
	steps := 100
	prev := &e0
	for s := 1; s <= steps; s++ {
		next := prev.Advance(dt / float64(steps))
		b.Prolong(p, prev, next, dt/float64(steps), 0)
		prev = next
	}
	if d := maxDist(p.Pos, f1.Pos); d > 1e-14*float64(steps) {
		t.Errorf("prolonged positions differ from the rigid motion by %g m", d)
	}
	if d := maxDist(p.Vel, f1.Vel); d > 1e-13*float64(steps) {
		t.Errorf("prolonged velocities differ from the rigid motion by %g m/s", d)
	}
}

func TestAffineMotionExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	block := lattice(5, 4, 6, radius, r3.Vec{X: 0.1}, 0)
	jitter(block, rng)
	c := r3.Vec{X: 0.105, Y: 0.003, Z: 0.004}
	v := r3.Vec{X: -0.2, Y: 0.1, Z: 0.05}
	a := Mat3{0.5, 3, -1, -2, -0.3, 0.7, 1.5, 0.2, 0.1}
	dt := 0.01
	var frames []*particles.Frame
	for s := 0; s < 6; s++ {
		frames = append(frames, affineMotion(block, c, v, a, float64(s)*dt))
	}

	// One entity fitted to the window reconstructs it exactly.
	_, rep, err := FitSettings(frames, Settings{TargetSize: block.Len()}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Entities != 1 {
		t.Fatalf("fit made %d entities, want 1", rep.Entities)
	}
	if rep.PosRMS > 1e-12*rep.MeanDiameter || rep.VelRMS > 1e-12*rep.SpeedRMS {
		t.Errorf("affine window reconstructed with errors %g m and %g m/s, want rounding error", rep.PosRMS, rep.VelRMS)
	}

	// Restriction recovers the gradient, and prolongation the next frame.
	g, _ := NewGrouping([][]int64{block.ID})
	b := g.Bind(frames[0])
	var e0, e1 Entities
	if err := b.Restrict(frames[0], 0, &e0); err != nil {
		t.Fatal(err)
	}
	if err := b.Restrict(frames[1], 0, &e1); err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if d := math.Abs(e0.Grad[0][i] - a[i]); d > 1e-11 {
			t.Errorf("gradient element %d is %g, want %g", i, e0.Grad[0][i], a[i])
		}
	}
	p := frames[0].Clone()
	b.Prolong(p, &e0, &e1, dt, 0)
	if d := maxDist(p.Pos, frames[1].Pos); d > 1e-15 {
		t.Errorf("prolonged positions differ from the affine motion by %g m", d)
	}
	if d := maxDist(p.Vel, frames[1].Vel); d > 1e-14 {
		t.Errorf("prolonged velocities differ from the affine motion by %g m/s", d)
	}
}

// randomScene returns n particles at random positions and velocities.
func randomScene(n int, rng *rand.Rand) *particles.Frame {
	f := &particles.Frame{}
	f.Resize(n)
	for i := 0; i < n; i++ {
		f.ID[i] = int64(3*i + 7)
		f.Pos[i] = r3.Vec{X: rng.Float64() * 0.1, Y: rng.Float64() * 0.05, Z: rng.Float64() * 0.2}
		f.Vel[i] = r3.Vec{X: rng.NormFloat64(), Y: rng.NormFloat64(), Z: rng.NormFloat64() - 1}
		f.Omega[i] = r3.Vec{X: rng.NormFloat64() * 10}
		f.Radius[i] = 0.001 + 0.001*rng.Float64()
		f.Mass[i] = 2500 * 4 / 3.0 * math.Pi * math.Pow(f.Radius[i], 3)
		f.Material[i] = int32(rng.IntN(3))
	}
	return f
}

func TestRestrictConservesMassMomentum(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	f := randomScene(5000, rng)
	g, _, err := FitSettings([]*particles.Frame{f}, Settings{TargetSize: 16}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var e Entities
	b := g.Bind(f)
	if err := b.Restrict(f, 3, &e); err != nil {
		t.Fatal(err)
	}
	var m float64
	var p r3.Vec
	for i := range f.Mass {
		m += f.Mass[i]
		p = r3.Add(p, r3.Scale(f.Mass[i], f.Vel[i]))
	}
	if d := math.Abs(e.TotalMass()-m) / m; d > 1e-13 {
		t.Errorf("entity mass differs from particle mass by relative %g", d)
	}
	if d := r3.Norm(r3.Sub(e.Momentum(), p)) / (m * 1); d > 1e-13 {
		t.Errorf("entity momentum %v differs from particle momentum %v", e.Momentum(), p)
	}
	for k := 0; k < e.Len(); k++ {
		var s float64
		for _, x := range e.MaterialMix[k*3 : k*3+3] {
			s += x
		}
		if math.Abs(s-1) > 1e-14 {
			t.Fatalf("material fractions of entity %d sum to %g", k, s)
		}
	}

	// Prolongation keeps mass and gives momentum sum M v'.
	next := e.Advance(1e-4)
	for k := range next.Vel {
		next.Vel[k] = r3.Add(next.Vel[k], r3.Vec{Z: -9.81e-4})
	}
	b.Prolong(f, &e, next, 1e-4, 0)
	var after Entities
	if err := b.Restrict(f, 3, &after); err != nil {
		t.Fatal(err)
	}
	if d := r3.Norm(r3.Sub(after.Momentum(), next.Momentum())) / m; d > 1e-13 {
		t.Errorf("prolonged momentum %v, entity momentum %v", after.Momentum(), next.Momentum())
	}
	for k := range after.Centre {
		if d := r3.Norm(r3.Sub(after.Centre[k], next.Centre[k])); d > 1e-15 {
			t.Fatalf("entity %d: prolonged centre of mass is off by %g m", k, d)
		}
	}
}

func TestFitIndependentOfWorkers(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	f0 := randomScene(40000, rng)
	f1 := f0.Clone()
	for i := range f1.Pos {
		f1.Pos[i] = r3.Add(f1.Pos[i], r3.Scale(1e-3, f1.Vel[i]))
	}
	frames := []*particles.Frame{f0, f1}

	g1, r1, err := Fit(frames, 16, FitOptions{Workers: 1, Weights: []float64{-1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	g4, r4, err := Fit(frames, 16, FitOptions{Workers: 4, Weights: []float64{-1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g1.IDs, g4.IDs) || !slices.Equal(g1.Start, g4.Start) {
		t.Error("groupings differ between 1 and 4 workers")
	}
	if r1.PosRMS != r4.PosRMS || r1.VelRMS != r4.VelRMS {
		t.Errorf("errors differ between worker counts: %g, %g vs %g, %g", r1.PosRMS, r1.VelRMS, r4.PosRMS, r4.VelRMS)
	}

	sizes := make([]int, g1.Len())
	for k := range sizes {
		sizes[k] = len(g1.Members(k))
	}
	if lo, hi := slices.Min(sizes), slices.Max(sizes); lo < 16/sizeRange || hi > 16*sizeRange {
		t.Errorf("entity sizes range over [%d, %d], want within [%d, %d]", lo, hi, 16/sizeRange, 16*sizeRange)
	}
	if n := g1.Len(); n != 40000/16 {
		t.Errorf("made %d entities, want %d", n, 40000/16)
	}
}

func TestShearGetsSmallerEntities(t *testing.T) {
	// Left half translates rigidly; right half moves with random,
	// non-affine velocities. The error-driven splits must spend the
	// entity budget on the right half.
	rng := rand.New(rand.NewPCG(9, 10))
	f0 := lattice(16, 8, 8, radius, r3.Vec{}, 0)
	for i, p := range f0.Pos {
		if p.X < 16*radius {
			f0.Vel[i] = r3.Vec{Y: 0.1}
		} else {
			f0.Vel[i] = r3.Vec{X: rng.NormFloat64(), Y: rng.NormFloat64(), Z: rng.NormFloat64()}
			f0.Vel[i] = r3.Scale(0.05, f0.Vel[i])
		}
	}
	var frames []*particles.Frame
	for s := 0; s < 4; s++ {
		f := f0.Clone()
		f.Time = float64(s) * 0.002
		for i := range f.Pos {
			f.Pos[i] = r3.Add(f0.Pos[i], r3.Scale(f.Time, f0.Vel[i]))
		}
		frames = append(frames, f)
	}

	g, rep, err := FitSettings(frames, Settings{TargetSize: 16, CoherenceWeight: -1}, 0)
	if err != nil {
		t.Fatal(err)
	}

	var quiet, sheared, nq, ns int
	for k := 0; k < g.Len(); k++ {
		m := g.Members(k)
		if f0.Pos[m[0]].X < 16*radius { // ids are frame indices here
			quiet += len(m)
			nq++
		} else {
			sheared += len(m)
			ns++
		}
	}
	if nq == 0 || ns == 0 {
		t.Fatalf("%d quiet and %d sheared entities; each half should have some", nq, ns)
	}
	mq, ms := float64(quiet)/float64(nq), float64(sheared)/float64(ns)
	if mq < 3*ms {
		t.Errorf("mean entity size %.1f in the rigid half and %.1f in the sheared half; want the sheared ones much smaller", mq, ms)
	}
	if rep.Entities != 1024/16 {
		t.Errorf("%d entities, want %d", rep.Entities, 1024/16)
	}
}

func TestRestrictRejectsBadInput(t *testing.T) {
	f := lattice(2, 2, 2, radius, r3.Vec{}, 0)
	g, _ := NewGrouping([][]int64{f.ID[:4], f.ID[4:]})
	b := g.Bind(f)
	var e Entities

	bad := f.Clone()
	bad.Material[3] = 5
	if err := b.Restrict(bad, 2, &e); err == nil {
		t.Error("material 5 of 2 accepted")
	}
	bad = f.Clone()
	bad.Mass[6] = 0
	if err := b.Restrict(bad, 1, &e); err == nil {
		t.Error("zero mass accepted")
	}
	other := lattice(2, 2, 2, radius, r3.Vec{}, 100)
	if err := b.Restrict(other, 1, &e); err == nil {
		t.Error("frame with other ids accepted")
	}
	if _, err := NewGrouping([][]int64{{1, 2}, {2, 3}}); err == nil {
		t.Error("id in two entities accepted")
	}
	if _, _, err := FitSettings([]*particles.Frame{f}, Settings{TargetSize: -3}, 1); err == nil {
		t.Error("negative target size accepted")
	}
}
