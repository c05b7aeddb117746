package dem

import (
	"fmt"
	"log/slog"
	"math"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
)

// MaxOverlapFraction is the overlap, as a fraction of the smaller radius,
// beyond which a run is stopped as blown up. Hertz theory assumes overlaps
// much smaller than the radius, and well-resolved granular runs stay
// below a few percent. At 20 % the contact law no longer applies, usually
// because the time step is too large for the impact speed or particles
// were inserted overlapping.
const MaxOverlapFraction = 0.2

// rayleighTimeWarning is the fraction of the Rayleigh time above which an
// explicit time step gets a warning. It is a rule of thumb: LIGGGHTS users
// commonly keep the step below 20 to 30 % of the Rayleigh time.
const rayleighTimeWarning = 0.3

// contactTimeSteps is the number of steps a Hertz contact at the largest
// expected speed should last at least; fewer draws a warning. Also a rule
// of thumb, the usual advice being 20 to 50 steps per collision.
const contactTimeSteps = 20

// rayleighTime returns the Rayleigh-wave time of a sphere of radius r (m),
// T_R = pi r sqrt(rho/G) / (0.1631 nu + 0.8766), s, with shear modulus
// G = E / (2 (1 + nu)) (Li, Xu and Thornton 2005, Powder Technology
// 160:219, eq. 13).
func rayleighTime(r float64, m cases.Material) float64 {
	g := m.YoungsModulus / (2 * (1 + m.Poisson))
	return math.Pi * r * math.Sqrt(m.Density/g) / (0.1631*m.Poisson + 0.8766)
}

// hertzContactTime returns the duration of an elastic Hertz impact of two
// equal spheres of radius r, density rho and effective modulus eStar (Pa)
// at relative speed v (m/s): t_c = 2.9432 delta_max / v with
// delta_max = (15 m* v^2 / (16 E* sqrt(R*)))^(2/5) (Johnson 1985, 11.2).
func hertzContactTime(r, rho, eStar, v float64) float64 {
	m := 4.0 / 3.0 * math.Pi * r * r * r * rho
	mStar, rStar := m/2, r/2
	dmax := math.Pow(15*mStar*v*v/(16*eStar*math.Sqrt(rStar)), 0.4)
	return 2.9432 * dmax / v
}

// smallestParticle returns the smallest radius any insertion of c can
// produce and its material, for the time-step estimate.
func smallestParticle(c *cases.Case) (r float64, mat int, ok bool) {
	r = math.Inf(1)
	for _, ins := range c.Insertions {
		lo, _ := radiusBounds(ins.Radius)
		if lo > 0 && lo < r {
			r, mat, ok = lo, ins.Material, true
		}
	}
	return r, mat, ok
}

// chooseTimeStep returns the case's time step, or the automatic one when
// it is zero, and logs a warning when an explicit step looks too large.
func chooseTimeStep(c *cases.Case, l *law, log *slog.Logger) (float64, error) {
	r, mat, ok := smallestParticle(c)
	dt := c.Solver.TimeStep
	if dt < 0 || math.IsNaN(dt) {
		return 0, fmt.Errorf("dem: case %q: solver.time_step is %g s; give a positive step or 0 for automatic", c.Name, dt)
	}
	if !ok {
		if dt == 0 {
			return 0, fmt.Errorf("dem: case %q: solver.time_step is 0 (automatic) but no insertion defines a radius; give an explicit time step", c.Name)
		}
		return dt, nil
	}
	tr := rayleighTime(r, c.Materials[mat])
	if dt == 0 {
		frac := c.Solver.RayleighFraction
		if frac == 0 {
			frac = 0.2
		}
		if !(frac > 0 && frac <= 1) {
			return 0, fmt.Errorf("dem: case %q: solver.rayleigh_fraction is %g; it must be in (0, 1]", c.Name, frac)
		}
		return frac * tr, nil
	}
	if dt > rayleighTimeWarning*tr {
		log.Warn("dem: time step exceeds the Rayleigh-time rule of thumb",
			"case", c.Name, "time_step_s", dt, "rayleigh_time_s", tr, "fraction", dt/tr, "limit", rayleighTimeWarning)
	}
	if l.normal == normalHertz {
		v := expectedSpeed(c)
		m := c.Materials[mat]
		eStar := effectiveModulus(m.YoungsModulus, m.Poisson, m.YoungsModulus, m.Poisson)
		if tc := hertzContactTime(r, m.Density, eStar, v); v > 0 && dt > tc/contactTimeSteps {
			log.Warn("dem: time step resolves a collision at the expected speed with few steps",
				"case", c.Name, "time_step_s", dt, "contact_time_s", tc, "speed_m_s", v, "steps_per_contact", tc/dt, "recommended", contactTimeSteps)
		}
	}
	return dt, nil
}

// expectedSpeed estimates the largest impact speed of a run, m/s: the
// free-fall speed over the domain height along gravity plus the largest
// insertion speed.
func expectedSpeed(c *cases.Case) float64 {
	g := math.Sqrt(c.Gravity.X*c.Gravity.X + c.Gravity.Y*c.Gravity.Y + c.Gravity.Z*c.Gravity.Z)
	d := r3.Sub(c.Domain.Max, c.Domain.Min)
	h := math.Sqrt(d.X*d.X + d.Y*d.Y + d.Z*d.Z)
	v := math.Sqrt(2 * g * h)
	vins := 0.0
	for _, ins := range c.Insertions {
		vins = max(vins, math.Sqrt(ins.Velocity.X*ins.Velocity.X+ins.Velocity.Y*ins.Velocity.Y+ins.Velocity.Z*ins.Velocity.Z))
	}
	return v + vins
}
