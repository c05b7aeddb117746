package dem

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
)

// resolvePair resolves the contact of particles i and j of s with
// law.resolve, the walls' path, from the given history.
func resolvePair(l *law, s *state, i, j int, dt float64, shear, roll *r3.Vec) contactResult {
	ri, rj := s.radius[i], s.radius[j]
	mi, mj := s.mass[i], s.mass[j]
	d := r3.Sub(s.pos[i], s.pos[j])
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
	ct.vRel = r3.Sub(s.vel[i], s.vel[j])
	ct.omegaI, ct.omegaJ = s.omega[i], s.omega[j]
	return l.resolve(l.pair(s.material[i], s.material[j]), &ct, dt, shear, roll)
}

// TestPairSumsMatchBruteForce checks the per-particle pair force sums
// against a brute-force sum over every overlapping pair: a jittered,
// compressed lattice of beads with random velocities and spins. One
// worker adds the second members' shares straight into the sums. Several
// workers buffer the shares of the particles at chunk boundaries and
// gather them per particle. A share lost or counted twice shows as an
// error of the size of a contact force. The sums may differ from the
// brute force only by the order of addition, and every number of workers
// must give the same bits.
func TestPairSumsMatchBruteForce(t *testing.T) {
	c := impactCase([]cases.Material{
		{Name: "glass", Density: 2500, YoungsModulus: 5e6, Poisson: 0.45, Restitution: 0.9, Friction: 0.3, RollingFriction: 0.01},
	}, 1e-5, -1)
	c.Contact = cases.ContactModel{Normal: "hertz", Rolling: "constant_torque"}
	l, err := newLaw(c)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	const radius, side = 1e-3, 9
	mass := 2500 * 4 / 3.0 * math.Pi * radius * radius * radius // kg
	spacing := 2 * radius * 0.995                               // neighbours overlap by about 0.5 % of a diameter
	var s state
	for z := range side {
		for y := range side {
			for x := range side {
				p := r3.Vec{X: float64(x) * spacing, Y: float64(y) * spacing, Z: float64(z) * spacing}
				p = r3.Add(p, r3.Vec{X: 2e-6 * rng.NormFloat64(), Y: 2e-6 * rng.NormFloat64(), Z: 2e-6 * rng.NormFloat64()})
				v := r3.Vec{X: 0.05 * rng.NormFloat64(), Y: 0.05 * rng.NormFloat64(), Z: 0.05 * rng.NormFloat64()}
				s.add(p, v, radius, mass, 0)
				s.omega[len(s.omega)-1] = r3.Vec{X: 50 * rng.NormFloat64(), Y: 50 * rng.NormFloat64(), Z: 50 * rng.NormFloat64()}
			}
		}
	}
	n := s.len()
	box := particles.Box{Min: r3.Vec{X: -0.01, Y: -0.01, Z: -0.01}, Max: r3.Vec{X: 0.03, Y: 0.03, Z: 0.03}}
	const dt = 1e-5

	forces := func(workers int) (f, tq []r3.Vec) {
		pl := &pool{workers: workers}
		defer pl.stop()
		p := newPairs(box, 0.5*radius, false)
		if err := p.rebuild(&s, pl); err != nil {
			t.Fatal(err)
		}
		chunks := pl.chunks(n)
		if (chunks > 1) != (workers > 1) {
			t.Fatalf("%d chunks for %d workers and %d particles; the test needs one chunk for one worker and several otherwise", chunks, workers, n)
		}
		// Both routes of the shares must be taken: straight into the sums
		// and, for particles at the chunk boundary, through the buffer.
		if chunks > 1 {
			if buffered := int(p.jStart[n]); buffered == 0 || buffered == p.nl.Pairs() {
				t.Fatalf("%d of %d pairs buffered with %d chunks; the test needs some pairs on each route", buffered, p.nl.Pairs(), chunks)
			}
		}
		faults := make([]overlapFault, chunks)
		for k := range faults {
			faults[k].pair = -1
		}
		pl.run(n, func(ch, lo, hi int) { p.computeRows(l, &s, dt, lo, hi, &faults[ch], chunks == 1) })
		for i := range n {
			fi, ti := p.accForce, p.accTorque
			if chunks > 1 {
				a, b := p.sumParticle(i)
				f, tq = append(f, a), append(tq, b)
				continue
			}
			f, tq = append(f, fi[i]), append(tq, ti[i])
		}
		return f, tq
	}
	f, tq := forces(1)

	wantF, wantT := make([]r3.Vec, n), make([]r3.Vec, n)
	scale, contacts := 0.0, 0
	for i := range n {
		for j := i + 1; j < n; j++ {
			if norm(r3.Sub(s.pos[i], s.pos[j])) >= 2*radius {
				continue
			}
			var shear, roll r3.Vec
			res := resolvePair(l, &s, i, j, dt, &shear, &roll)
			wantF[i] = r3.Add(wantF[i], res.force)
			wantF[j] = r3.Sub(wantF[j], res.force)
			wantT[i] = r3.Add(wantT[i], res.torqueI)
			wantT[j] = r3.Add(wantT[j], res.torqueJ)
			scale = max(scale, norm(res.force))
			contacts++
		}
	}
	if contacts < 2*n {
		t.Fatalf("%d contacts among %d beads; expected about 3 per bead from the lattice", contacts, n)
	}
	for i := range n {
		if e := norm(r3.Sub(f[i], wantF[i])); e > 1e-12*scale {
			t.Fatalf("particle %d: pair force sum %v, brute force %v (largest contact force %.3g N)", i, f[i], wantF[i], scale)
		}
		if e := norm(r3.Sub(tq[i], wantT[i])); e > 1e-12*scale*radius {
			t.Fatalf("particle %d: pair torque sum %v, brute force %v", i, tq[i], wantT[i])
		}
	}

	for _, workers := range []int{2, 3} {
		fw, tw := forces(workers)
		for i := range n {
			if fw[i] != f[i] || tw[i] != tq[i] {
				t.Fatalf("particle %d: %d workers give %v, %v; one worker %v, %v", i, workers, fw[i], tw[i], f[i], tq[i])
			}
		}
	}
}
