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
	p.computeRows(l, &s, dt, 0, 2, &fault, true)

	// The same contact as law.resolve takes it.
	res := resolvePair(l, &s, 0, 1, dt, &shear, &roll)

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
