package dem

import (
	"fmt"
	"math"

	"github.com/neusim/neusim/cases"
)

// effectiveModulus returns E* of two bodies, Pa, from
// 1/E* = (1 - nu1^2)/E1 + (1 - nu2^2)/E2 (Hertz theory; Johnson, Contact
// Mechanics, 1985, section 4.2). An infinite modulus is a rigid body.
func effectiveModulus(e1, nu1, e2, nu2 float64) float64 {
	return 1 / ((1-nu1*nu1)/e1 + (1-nu2*nu2)/e2)
}

// effectiveShearModulus returns G* of two bodies, Pa, from
// 1/G* = 2(2 - nu1)(1 + nu1)/E1 + 2(2 - nu2)(1 + nu2)/E2, the form used
// by LIGGGHTS 3.x for the Mindlin tangential stiffness.
func effectiveShearModulus(e1, nu1, e2, nu2 float64) float64 {
	return 1 / (2*(2-nu1)*(1+nu1)/e1 + 2*(2-nu2)*(1+nu2)/e2)
}

// pairCoeffs are the contact coefficients of one pair of materials,
// computed once per run.
type pairCoeffs struct {
	eStar float64 // effective Young's modulus E*, Pa
	gStar float64 // effective shear modulus G*, Pa
	beta  float64 // damping ratio, <= 0, calibrated to the pair's restitution

	mu      float64 // sliding friction coefficient
	muR     float64 // rolling friction coefficient
	rollEta float64 // epsd rolling damping ratio, in [0, 1]

	kn, kt float64 // linear model spring constants, N/m

	// dampingT is sqrt(k_t / S_n), constant for both models: the ratio of
	// the tangential to the normal dashpot.
	dampingT float64

	// The stiffnesses as multiples of contactRoot's sqrt(R* delta), which
	// is 1 for the linear model: k_n = knScale root (N/m), S_n = snScale
	// root (N/m) and k_t = ktScale root (N/m). The scales are in Pa for
	// Hertz and N/m for linear. The normal dashpot is dampScale
	// sqrt(S_n m*), N s/m. They are the factors of normalStiffness,
	// tangentialStiffness and dashpot, precomputed in the same order of
	// operations so that the pair loop gets the same bits.
	knScale, snScale, ktScale float64
	dampScale                 float64
}

// dampingRatio returns beta = ln e / sqrt(ln^2 e + pi^2) for restitution e
// in (0, 1], as in LIGGGHTS global_properties.cpp. It is 0 for e = 1.
func dampingRatio(e float64) float64 {
	l := math.Log(e)
	return l / math.Sqrt(l*l+math.Pi*math.Pi)
}

// Normal and rolling model selectors, resolved from the case strings once
// per run so the force loop switches on small integers.
const (
	normalHertz = iota
	normalLinear
)

const (
	rollingNone = iota
	rollingConstantTorque
	rollingEPSD
)

// law is the resolved contact law of a run: model selectors and the
// coefficient table for every pair of materials (particle or wall).
type law struct {
	normal  int
	rolling int
	nmat    int
	coeffs  []pairCoeffs // nmat*nmat, symmetric
}

func (l *law) pair(a, b int32) *pairCoeffs { return &l.coeffs[int(a)*l.nmat+int(b)] }

// newLaw checks the case's materials and contact model and builds the
// coefficient table. Errors name the case, the field and the value.
func newLaw(c *cases.Case) (*law, error) {
	l := &law{nmat: len(c.Materials)}
	switch c.Contact.Normal {
	case "", "hertz":
		l.normal = normalHertz
	case "linear":
		l.normal = normalLinear
		if !(c.Contact.StiffnessNormal > 0) {
			return nil, fmt.Errorf("dem: case %q: contact.stiffness_normal is %g N/m; the linear model needs a positive normal stiffness", c.Name, c.Contact.StiffnessNormal)
		}
		if c.Contact.StiffnessTangential < 0 {
			return nil, fmt.Errorf("dem: case %q: contact.stiffness_tangential is %g N/m; give a value >= 0 (0 means 2/7 of the normal stiffness)", c.Name, c.Contact.StiffnessTangential)
		}
	default:
		return nil, fmt.Errorf("dem: case %q: contact.normal %q is unknown; use hertz or linear", c.Name, c.Contact.Normal)
	}
	switch c.Contact.Rolling {
	case "", "none":
		l.rolling = rollingNone
	case "constant_torque":
		l.rolling = rollingConstantTorque
	case "epsd":
		l.rolling = rollingEPSD
		if d := c.Contact.RollingDamping; !(d >= 0 && d <= 1) {
			return nil, fmt.Errorf("dem: case %q: contact.rolling_damping is %g; the epsd damping ratio must be in [0, 1]", c.Name, d)
		}
	default:
		return nil, fmt.Errorf("dem: case %q: contact.rolling %q is unknown; use none, constant_torque or epsd", c.Name, c.Contact.Rolling)
	}
	for i, m := range c.Materials {
		if err := checkMaterial(c.Name, i, m); err != nil {
			return nil, err
		}
	}

	l.coeffs = make([]pairCoeffs, l.nmat*l.nmat)
	betas := map[float64]float64{} // calibration per distinct restitution
	for a := range l.nmat {
		for b := range l.nmat {
			ma, mb := c.Materials[a], c.Materials[b]
			in := c.Interaction(a, b)
			if !(in.Restitution > 0 && in.Restitution <= 1) {
				return nil, fmt.Errorf("dem: case %q: restitution of materials %q and %q is %g; it must be in (0, 1]", c.Name, ma.Name, mb.Name, in.Restitution)
			}
			if in.Friction < 0 || in.RollingFriction < 0 {
				return nil, fmt.Errorf("dem: case %q: friction %g and rolling friction %g of materials %q and %q; both must be >= 0", c.Name, in.Friction, in.RollingFriction, ma.Name, mb.Name)
			}
			pc := pairCoeffs{
				eStar:   effectiveModulus(ma.YoungsModulus, ma.Poisson, mb.YoungsModulus, mb.Poisson),
				gStar:   effectiveShearModulus(ma.YoungsModulus, ma.Poisson, mb.YoungsModulus, mb.Poisson),
				beta:    calibrated(betas, l.normal, in.Restitution),
				mu:      in.Friction,
				muR:     in.RollingFriction,
				rollEta: c.Contact.RollingDamping,
				kn:      c.Contact.StiffnessNormal,
				kt:      c.Contact.StiffnessTangential,
			}
			if l.normal == normalLinear && pc.kt == 0 {
				pc.kt = 2.0 / 7.0 * pc.kn
			}
			if l.normal == normalLinear {
				pc.dampingT = math.Sqrt(pc.kt / pc.kn)
			} else {
				// S_t / S_n = 8 G* / (2 E*).
				pc.dampingT = math.Sqrt(4 * pc.gStar / pc.eStar)
			}
			pc.setScales(l.normal)
			l.coeffs[a*l.nmat+b] = pc
		}
	}
	return l, nil
}

// setScales sets the stiffness and dashpot factors from the moduli or the
// linear spring constants.
func (pc *pairCoeffs) setScales(normal int) {
	if normal == normalLinear {
		pc.knScale, pc.snScale, pc.ktScale = pc.kn, pc.kn, pc.kt
		pc.dampScale = -2 * pc.beta
		return
	}
	pc.knScale = 4.0 / 3.0 * pc.eStar
	pc.snScale = 2 * pc.eStar
	pc.ktScale = 8 * pc.gStar
	pc.dampScale = -2 * sqrtFiveSixths * pc.beta
}

func calibrated(cache map[float64]float64, normal int, e float64) float64 {
	if b, ok := cache[e]; ok {
		return b
	}
	b := calibratedDampingRatio(normal, e)
	cache[e] = b
	return b
}

// checkMaterial checks the physical ranges of one material. A Young's
// modulus of +Inf is allowed and makes the material rigid, for walls.
func checkMaterial(caseName string, i int, m cases.Material) error {
	where := fmt.Sprintf("dem: case %q: material %d (%q)", caseName, i, m.Name)
	if !(m.Density > 0) || math.IsInf(m.Density, 0) {
		return fmt.Errorf("%s: density is %g kg/m^3; it must be positive and finite", where, m.Density)
	}
	if !(m.YoungsModulus > 0) {
		return fmt.Errorf("%s: Young's modulus is %g Pa; it must be positive", where, m.YoungsModulus)
	}
	if !(m.Poisson >= 0 && m.Poisson < 0.5) {
		return fmt.Errorf("%s: Poisson's ratio is %g; it must be in [0, 0.5)", where, m.Poisson)
	}
	return nil
}
