package dem

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
)

// TestPairKernelMatchesResolve checks the pair loop's written-out contact
// law against law.resolve, which the walls use, bit for bit: random pairs
// of two materials and of unequal radii, overlapping, with random
// velocities, spins and history, under every normal and rolling model.
// Both must take the same operations in the same order.
func TestPairKernelMatchesResolve(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, normal := range []string{"hertz", "linear"} {
		for _, rolling := range []string{"none", "constant_torque", "epsd"} {
			t.Run(normal+"/"+rolling, func(t *testing.T) {
				c := impactCase([]cases.Material{
					{Name: "a", Density: 2500, YoungsModulus: 5e6, Poisson: 0.45, Restitution: 0.9, Friction: 0.3, RollingFriction: 0.01},
					{Name: "b", Density: 7800, YoungsModulus: 2e8, Poisson: 0.3, Restitution: 0.6, Friction: 0.5, RollingFriction: 0.05},
				}, 1e-5, -1)
				c.Contact = cases.ContactModel{Normal: normal, Rolling: rolling, StiffnessNormal: 300, StiffnessTangential: 80, RollingDamping: 0.3}
				l, err := newLaw(c)
				if err != nil {
					t.Fatal(err)
				}
				for trial := range 200 {
					checkPairKernel(t, l, rng, trial)
				}
			})
		}
	}
}

// checkPairKernel resolves one random overlapping pair with computeRows
// and with law.resolve and compares the forces, torques and histories.
func checkPairKernel(t *testing.T, l *law, rng *rand.Rand, trial int) {
	t.Helper()
	const dt = 1e-5
	vec := func(scale float64) r3.Vec {
		return r3.Vec{X: scale * (2*rng.Float64() - 1), Y: scale * (2*rng.Float64() - 1), Z: scale * (2*rng.Float64() - 1)}
	}
	var s state
	ri, rj := 1e-3*(1+rng.Float64()), 1e-3*(1+rng.Float64())
	mi, mj := 1e-5*(1+rng.Float64()), 1e-5*(1+rng.Float64())
	dir := r3.Unit(vec(1))
	gap := (ri + rj) * (1 - 0.02*rng.Float64()) // overlap up to 2 % of the radii sum
	s.add(r3.Vec{}, vec(0.5), ri, mi, int32(rng.IntN(2)))
	s.add(r3.Scale(gap, dir), vec(0.5), rj, mj, int32(rng.IntN(2)))
	s.omega[0], s.omega[1] = vec(300), vec(300)
	shear, roll := vec(1e-5), vec(1e-7)
	if trial%7 == 0 {
		shear = vec(1e-2) // far past the Coulomb limit: the spring slips
	}

	epsd := l.rolling == rollingEPSD
	box := particles.Box{Min: r3.Vec{X: -1, Y: -1, Z: -1}, Max: r3.Vec{X: 1, Y: 1, Z: 1}}
	p := newPairs(box, 1e-3, epsd)
	if err := p.rebuild(&s, &pool{workers: 1}); err != nil {
		t.Fatal(err)
	}
	if p.nl.Pairs() != 1 {
		t.Fatalf("trial %d: %d pairs listed for two overlapping particles, want 1", trial, p.nl.Pairs())
	}
	p.shear[0] = shear
	if epsd {
		p.roll[0] = roll
	}
	fault := overlapFault{pair: -1}
	p.computeRows(l, &s, dt, 0, 2, &fault)

	// The same contact as law.resolve takes it.
	d := r3.Sub(s.pos[0], s.pos[1])
	dist := norm(d)
	var ct contact
	ct.delta = ri + rj - dist
	ct.n = r3.Scale(1/dist, d)
	ct.rStar = ri * rj / (ri + rj)
	ct.mStar = mi * mj / (mi + mj)
	ii, ij := mi*ri*ri, mj*rj*rj
	ct.inertia = 1.4 * ii * ij / (ii + ij)
	ct.armI = ri - ct.delta/2
	ct.armJ = rj - ct.delta/2
	ct.vRel = r3.Sub(s.vel[0], s.vel[1])
	ct.omegaI, ct.omegaJ = s.omega[0], s.omega[1]
	res := l.resolve(l.pair(s.material[0], s.material[1]), &ct, dt, &shear, &roll)

	same := func(what string, got, want r3.Vec) {
		t.Helper()
		if got != want {
			t.Errorf("trial %d: %s from the pair loop is %v, law.resolve gives %v", trial, what, got, want)
		}
	}
	fi, ti := p.accForce[0], p.accTorque[0]
	fj, tj := p.accForce[1], p.accTorque[1]
	same("force on i", fi, res.force)
	same("torque on i", ti, res.torqueI)
	same("force on j", fj, r3.Scale(-1, res.force))
	same("torque on j", tj, res.torqueJ)
	same("tangential history", p.shear[0], shear)
	if epsd {
		same("rolling history", p.roll[0], roll)
	}
}

// TestBlockedSumsMatchOneBlock checks the bookkeeping of the blocked force
// sums: a jittered lattice of 1728 touching beads, split into blocks of
// 256 particles and resolved block by block on four workers, gives every
// particle the force and torque that one block over all particles gives,
// to rounding. A share lost or counted twice at a block boundary would
// show as an error of the size of a contact force. Newton's third law
// holds for the total.
func TestBlockedSumsMatchOneBlock(t *testing.T) {
	const r, side = 1e-3, 12
	rng := rand.New(rand.NewPCG(3, 4))
	var s state
	for x := range side {
		for y := range side {
			for z := range side {
				at := func(k int) float64 { return 1.98 * r * (float64(k) + 0.01*(2*rng.Float64()-1)) }
				v := r3.Vec{X: rng.Float64() - 0.5, Y: rng.Float64() - 0.5, Z: rng.Float64() - 0.5}
				s.add(r3.Vec{X: at(x), Y: at(y), Z: at(z)}, v, r, 1e-5, 0)
				s.omega[s.len()-1] = r3.Scale(100, v)
			}
		}
	}
	s.sortSpatially(0, 2*r)
	c := impactCase([]cases.Material{{Name: "a", Density: 2500, YoungsModulus: 5e6, Poisson: 0.45, Restitution: 0.9, Friction: 0.3, RollingFriction: 0.01}}, 1e-5, -1)
	c.Contact = cases.ContactModel{Normal: "hertz", Rolling: "constant_torque"}
	l, err := newLaw(c)
	if err != nil {
		t.Fatal(err)
	}
	box := particles.Box{Min: r3.Vec{X: -1, Y: -1, Z: -1}, Max: r3.Vec{X: 1, Y: 1, Z: 1}}

	// sums resolves every pair with blocks of the given size on workers
	// and returns each particle's force and torque.
	sums := func(block, workers int) (f, tq []r3.Vec, cross int) {
		p := newPairs(box, 1e-4, false)
		pl := &pool{workers: workers}
		if err := p.rebuild(&s, pl); err != nil {
			t.Fatal(err)
		}
		n := s.len()
		if block != p.block {
			p.block = block
			p.onJ = make([]forceTorque, p.buildTranspose(n))
		}
		blocks := (n + block - 1) / block
		faults := make([]overlapFault, pl.chunksOf(blocks, 1))
		pl.runOf(blocks, 1, func(ch, lo, hi int) {
			faults[ch].pair = -1
			p.computeRows(l, &s, 1e-5, lo*block, min(hi*block, n), &faults[ch])
		})
		for _, f := range faults {
			if f.pair >= 0 {
				t.Fatalf("block %d: overlap fault %+v", block, f)
			}
		}
		for k := range n {
			a, b := p.sumParticle(k)
			f, tq = append(f, a), append(tq, b)
		}
		for i := range n {
			for q := p.nl.Start[i]; q < p.nl.Start[i+1]; q++ {
				if p.touching[q] && p.slot[q] >= 0 {
					cross++
				}

			}
		}
		return f, tq, cross
	}
	n := s.len()
	if blockSize(n) != 256 {
		t.Fatalf("blockSize(%d) = %d, the test expects 256", n, blockSize(n))
	}
	wantF, wantT, _ := sums(n, 1)
	oneF, oneT, _ := sums(256, 1)
	gotF, gotT, cross := sums(256, 4)
	if cross < 100 {
		t.Fatalf("only %d touching pairs cross blocks; the lattice does not test the buffered shares", cross)
	}
	scale, tscale := 0.0, 0.0
	var total r3.Vec
	for k := range n {
		scale = max(scale, norm(wantF[k]))
		tscale = max(tscale, norm(wantT[k]))
		total = r3.Add(total, gotF[k])
	}
	if scale == 0 || tscale == 0 {
		t.Fatal("no contact force on the lattice")
	}
	for k := range n {
		if gotF[k] != oneF[k] || gotT[k] != oneT[k] {
			t.Fatalf("particle %d: blocked sums differ between 1 and 4 workers: %v vs %v", k, oneF[k], gotF[k])
		}
		if d := norm(r3.Sub(gotF[k], wantF[k])); d > 1e-12*scale {
			t.Fatalf("particle %d: blocked force %v, one block %v (difference %.3g N, largest force %.3g N)", k, gotF[k], wantF[k], d, scale)
		}
		if d := norm(r3.Sub(gotT[k], wantT[k])); d > 1e-12*tscale {
			t.Fatalf("particle %d: blocked torque %v, one block %v (difference %.3g N m)", k, gotT[k], wantT[k], d)
		}
	}
	if norm(total) > 1e-10*scale {
		t.Errorf("total pair force %v, want zero (largest particle force %.3g N)", total, scale)
	}
}
