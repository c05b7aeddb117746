package liggghts

import (
	"fmt"
	"math"
	"strings"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
)

// contact writes the per-type material properties and the pair style.
func (t *translator) contact() error {
	c := t.c
	n := len(c.Materials)
	for i, m := range c.Materials {
		if m.YoungsModulus <= 0 || m.Poisson < 0 || m.Poisson >= 0.5 || m.Density <= 0 {
			return fmt.Errorf("liggghts: case %s: material %s: Young's modulus %g Pa, Poisson's ratio %g and density %g kg/m^3 must be positive, Poisson's ratio in [0, 0.5)",
				c.Name, materialName(c, i), m.YoungsModulus, m.Poisson, m.Density)
		}
	}

	perType := func(f func(m cases.Material) float64) string {
		v := make([]string, n)
		for i, m := range c.Materials {
			v[i] = g(f(m))
		}
		return strings.Join(v, " ")
	}
	perPair := func(f func(a, b int) float64) string {
		v := make([]string, 0, n*n)
		for a := range n {
			for b := range n {
				v = append(v, g(f(a, b)))
			}
		}
		return fmt.Sprintf("%d %s", n, strings.Join(v, " "))
	}
	normal, err := t.normalModel()
	if err != nil {
		return err
	}
	restitution := func(a, b int) float64 {
		e := c.Interaction(a, b).Restitution
		if t.opt.RawRestitution {
			return e
		}
		return liggghtsRestitution(normal, e)
	}

	hard := false
	for _, m := range c.Materials {
		hard = hard || m.YoungsModulus > 1e9
	}
	if hard {
		// LIGGGHTS rejects Young's moduli above 1e9 Pa in SI units unless
		// hard_particles declares them intended.
		t.printf("hard_particles yes\n")
	}
	t.printf("fix m_youngs all property/global youngsModulus peratomtype %s\n", perType(func(m cases.Material) float64 { return m.YoungsModulus }))
	t.printf("fix m_poisson all property/global poissonsRatio peratomtype %s\n", perType(func(m cases.Material) float64 { return m.Poisson }))
	t.printf("fix m_restitution all property/global coefficientRestitution peratomtypepair %s\n", perPair(restitution))
	t.printf("fix m_friction all property/global coefficientFriction peratomtypepair %s\n",
		perPair(func(a, b int) float64 { return c.Interaction(a, b).Friction }))

	rolling, err := t.rollingModel()
	if err != nil {
		return err
	}
	if rolling != "" {
		t.printf("fix m_rolling all property/global coefficientRollingFriction peratomtypepair %s\n",
			perPair(func(a, b int) float64 { return c.Interaction(a, b).RollingFriction }))
	}
	if rolling == "epsd" {
		d := c.Contact.RollingDamping
		t.printf("fix m_rolling_damping all property/global coefficientRollingViscousDamping peratomtypepair %s\n",
			perPair(func(a, b int) float64 { return d }))
	}

	if normal == "hooke/stiffness" {
		if err := t.linearCoefficients(perPair); err != nil {
			return err
		}
	}
	t.printf("pair_style gran %s\n", t.modelArgs())
	t.printf("pair_coeff * *\n")
	return nil
}

func (t *translator) normalModel() (string, error) {
	switch t.c.Contact.Normal {
	case "", "hertz":
		return "hertz", nil
	case "linear":
		return "hooke/stiffness", nil
	}
	return "", fmt.Errorf("liggghts: case %s: contact normal model %q is not supported by the translation; use hertz or linear", t.c.Name, t.c.Contact.Normal)
}

func (t *translator) rollingModel() (string, error) {
	switch t.c.Contact.Rolling {
	case "", "none":
		return "", nil
	case "constant_torque":
		return "cdt", nil
	case "epsd":
		return "epsd", nil
	}
	return "", fmt.Errorf("liggghts: case %s: contact rolling model %q is not supported by the translation; use none, constant_torque or epsd", t.c.Name, t.c.Contact.Rolling)
}

// modelArgs returns the contact model arguments shared by pair gran and
// fix wall/gran, without the trailing limitForce keyword.
func (t *translator) modelArgs() string {
	normal, _ := t.normalModel()
	rolling, _ := t.rollingModel()
	s := "model " + normal + " tangential history"
	if rolling != "" {
		s += " rolling_friction " + rolling
	}
	return s + " limitForce on"
}

// wallModelArgs returns the contact model arguments of fix wall/gran,
// which takes limitForce after the wall style.
func (t *translator) wallModelArgs() (model, suffix string) {
	normal, _ := t.normalModel()
	rolling, _ := t.rollingModel()
	model = "model " + normal + " tangential history"
	if rolling != "" {
		model += " rolling_friction " + rolling
	}
	return model, "limitForce on"
}

// linearCoefficients writes kn, kt, gamman and gammat for the
// hooke/stiffness model. A linear spring-dashpot with stiffness k,
// effective mass m* and damping ratio zeta has the damping coefficient
// 2 zeta sqrt(k m*); LIGGGHTS multiplies gamman by m* itself, so gamman
// is 2 zeta sqrt(k/m*). zeta is calibrated for a clipped rebound with
// restitution e (see dampingRatio), or with RawRestitution is LIGGGHTS's
// -ln e / sqrt(pi^2 + ln^2 e). A wall has infinite mass, so m* is the
// particle mass.
func (t *translator) linearCoefficients(perPair func(func(a, b int) float64) string) error {
	c := t.c
	kn, kt := c.Contact.StiffnessNormal, c.Contact.StiffnessTangential
	if kn <= 0 || kt <= 0 {
		return fmt.Errorf("liggghts: case %s: linear contact stiffnesses normal %g N/m and tangential %g N/m must be positive", c.Name, kn, kt)
	}
	mass := meanMasses(c, t.opt.Initial, t.opt.RadiusBins)
	damping := func(k float64) func(a, b int) float64 {
		return func(a, b int) float64 {
			ma, mb := mass[a], mass[b]
			var meff float64
			switch {
			case ma > 0 && mb > 0:
				meff = ma * mb / (ma + mb)
			case ma > 0:
				meff = ma
			case mb > 0:
				meff = mb
			default:
				return 0 // no particles of either material ever touch
			}
			e := c.Interaction(a, b).Restitution
			zeta := -dampingRatio("hooke/stiffness", e)
			if t.opt.RawRestitution {
				lne := math.Log(e)
				zeta = -lne / math.Sqrt(math.Pi*math.Pi+lne*lne)
			}
			return 2 * zeta * math.Sqrt(k/meff)
		}
	}
	t.printf("fix m_kn all property/global kn peratomtypepair %s\n", perPair(func(a, b int) float64 { return kn }))
	t.printf("fix m_kt all property/global kt peratomtypepair %s\n", perPair(func(a, b int) float64 { return kt }))
	t.printf("fix m_gamman all property/global gamman peratomtypepair %s\n", perPair(damping(kn)))
	t.printf("fix m_gammat all property/global gammat peratomtypepair %s\n", perPair(damping(kt)))
	return nil
}

// meanMasses returns the mean particle mass of each material in kg, zero
// for a material without particles, from the initial frame when given
// and otherwise from the insertions' radius distributions.
func meanMasses(c *cases.Case, initial *particles.Frame, bins int) []float64 {
	sum := make([]float64, len(c.Materials))
	count := make([]float64, len(c.Materials))
	if initial != nil {
		for i := range initial.ID {
			m := int(initial.Material[i])
			if m >= 0 && m < len(sum) {
				sum[m] += initial.Mass[i]
				count[m]++
			}
		}
	}
	for _, ins := range c.Insertions {
		if initial != nil && ins.Mode != cases.InsertPour {
			continue
		}
		radii, weights, err := discreteRadii(ins.Radius, bins)
		if err != nil || ins.Material < 0 || ins.Material >= len(sum) {
			continue
		}
		rho := c.Materials[ins.Material].Density
		for k, r := range radii {
			sum[ins.Material] += weights[k] * rho * 4 * math.Pi / 3 * r * r * r
			count[ins.Material] += weights[k]
		}
	}
	for i := range sum {
		if count[i] > 0 {
			sum[i] /= count[i]
		}
	}
	return sum
}

// timeStep returns the case's time step, or RayleighFraction of the
// Rayleigh time of the smallest particle when it is automatic. The
// Rayleigh time is pi R sqrt(rho/G) / (0.1631 nu + 0.8766) (Li, Xu and
// Thornton, Powder Technol. 160 (2005), eq. 10), G = E / (2 (1 + nu)).
func timeStep(c *cases.Case, initial *particles.Frame) (float64, error) {
	if c.Solver.TimeStep > 0 {
		return c.Solver.TimeStep, nil
	}
	frac := c.Solver.RayleighFraction
	if frac <= 0 {
		frac = 0.2
	}
	rayleigh := func(r float64, m cases.Material) float64 {
		shear := m.YoungsModulus / (2 * (1 + m.Poisson))
		return math.Pi * r * math.Sqrt(m.Density/shear) / (0.1631*m.Poisson + 0.8766)
	}
	best := math.Inf(1)
	if initial != nil {
		for i := range initial.ID {
			if m := int(initial.Material[i]); m >= 0 && m < len(c.Materials) {
				best = min(best, rayleigh(initial.Radius[i], c.Materials[m]))
			}
		}
	}
	for _, ins := range c.Insertions {
		if ins.Material < 0 || ins.Material >= len(c.Materials) {
			continue
		}
		if r := minRadius(ins.Radius); r > 0 {
			best = min(best, rayleigh(r, c.Materials[ins.Material]))
		}
	}
	if math.IsInf(best, 1) || best <= 0 {
		return 0, fmt.Errorf("liggghts: case %s: automatic time step needs a particle radius; set solver time_step", c.Name)
	}
	return frac * best, nil
}

// minRadius returns the smallest radius a distribution produces, m.
func minRadius(d cases.RadiusDistribution) float64 {
	switch d.Kind {
	case cases.RadiusConstant:
		return d.Value
	case cases.RadiusUniform, cases.RadiusNormal:
		return d.Min
	case cases.RadiusDiscrete:
		r := math.Inf(1)
		for _, v := range d.Values {
			r = min(r, v)
		}
		return r
	}
	return 0
}

// maxRadius returns the largest particle radius of the case, m.
func maxRadius(c *cases.Case, initial *particles.Frame) float64 {
	var r float64
	if initial != nil {
		for _, v := range initial.Radius {
			r = max(r, v)
		}
	}
	for _, ins := range c.Insertions {
		d := ins.Radius
		switch d.Kind {
		case cases.RadiusConstant:
			r = max(r, d.Value)
		case cases.RadiusUniform, cases.RadiusNormal:
			r = max(r, d.Max)
		case cases.RadiusDiscrete:
			for _, v := range d.Values {
				r = max(r, v)
			}
		}
	}
	return r
}

func materialName(c *cases.Case, i int) string {
	if i >= 0 && i < len(c.Materials) && c.Materials[i].Name != "" {
		return c.Materials[i].Name
	}
	return fmt.Sprintf("#%d", i)
}
