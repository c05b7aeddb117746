package liggghts

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
)

// packInsertions writes the pack insertions, which fill their regions at
// the first step. LIGGGHTS inserts on the step after the fix is issued,
// so the script runs one step of 1e-30 s and resets the step counter:
// the particles then exist at step 0 without having moved.
func (t *translator) packInsertions() error {
	if t.opt.Initial != nil {
		return nil
	}
	inserted := false
	for i, ins := range t.c.Insertions {
		if ins.Mode == cases.InsertPour {
			continue
		}
		if ins.Mode != "" && ins.Mode != cases.InsertPack {
			return fmt.Errorf("liggghts: case %s: insertion %s: mode %q is not supported by the translation; use pack or pour", t.c.Name, insertionName(ins, i), ins.Mode)
		}
		if err := t.distribution(i, ins); err != nil {
			return err
		}
		region, err := t.region(fmt.Sprintf("ins_%d_region", i), ins.Region)
		if err != nil {
			return fmt.Errorf("liggghts: case %s: insertion %s: %w", t.c.Name, insertionName(ins, i), err)
		}
		var target string
		switch {
		case ins.Count > 0:
			target = fmt.Sprintf("particles_in_region %d", ins.Count)
		case ins.FillFraction > 0:
			target = "volumefraction_region " + g(ins.FillFraction)
		default:
			return fmt.Errorf("liggghts: case %s: insertion %s: set count or fill_fraction", t.c.Name, insertionName(ins, i))
		}
		t.printf("fix ins_%d all insert/pack seed %d distributiontemplate ins_%d_dist insert_every once overlapcheck yes all_in yes maxattempt 200 vel constant %s %s region %s\n",
			i, seedPrime(ins.Seed, 1000+i), i, vec(ins.Velocity), target, region)
		inserted = true
	}
	if inserted {
		t.printf("timestep 1e-30\n")
		t.printf("run 1\n")
		t.printf("reset_timestep 0\n")
	}
	return nil
}

// pourInsertions writes the insertions that place particles at a rate.
// Particles are inserted in batches every insert_every steps: at most
// 0.01 s of particles, and no more than 10 percent of the region volume,
// per batch.
func (t *translator) pourInsertions() error {
	for i, ins := range t.c.Insertions {
		if ins.Mode != cases.InsertPour {
			continue
		}
		name := insertionName(ins, i)
		if ins.Rate <= 0 {
			return fmt.Errorf("liggghts: case %s: insertion %s: pour rate %g particles/s must be positive", t.c.Name, name, ins.Rate)
		}
		if err := t.distribution(i, ins); err != nil {
			return err
		}
		region, err := t.region(fmt.Sprintf("ins_%d_region", i), ins.Region)
		if err != nil {
			return fmt.Errorf("liggghts: case %s: insertion %s: %w", t.c.Name, name, err)
		}
		meanVolume := meanParticleVolume(ins.Radius, t.opt.RadiusBins)
		count := ins.Count
		if count <= 0 {
			count = int(math.Round(ins.FillFraction * regionVolume(ins.Region) / meanVolume))
		}
		if count <= 0 {
			return fmt.Errorf("liggghts: case %s: insertion %s: set count or fill_fraction", t.c.Name, name)
		}
		every := math.Min(0.01/t.dt, 0.1*regionVolume(ins.Region)/(ins.Rate*t.dt*meanVolume))
		t.printf("fix ins_%d all insert/rate/region seed %d distributiontemplate ins_%d_dist nparticles %d particlerate %s insert_every %d overlapcheck yes all_in yes vel constant %s region %s\n",
			i, seedPrime(ins.Seed, 1000+i), i, count, g(ins.Rate), max(1, int64(every)), vec(ins.Velocity), region)
	}
	return nil
}

// distribution writes the particle templates and the discrete
// distribution of insertion i. LIGGGHTS weighs templates by mass, so the
// number probabilities p_k become p_k r_k^3 / sum(p_j r_j^3).
func (t *translator) distribution(i int, ins cases.Insertion) error {
	c := t.c
	name := insertionName(ins, i)
	if ins.Material < 0 || ins.Material >= len(c.Materials) {
		return fmt.Errorf("liggghts: case %s: insertion %s: material index %d out of range [0, %d)", c.Name, name, ins.Material, len(c.Materials))
	}
	radii, weights, err := discreteRadii(ins.Radius, t.opt.RadiusBins)
	if err != nil {
		return fmt.Errorf("liggghts: case %s: insertion %s: %w", c.Name, name, err)
	}
	var total float64
	for k, r := range radii {
		weights[k] *= r * r * r
		total += weights[k]
	}
	rho := c.Materials[ins.Material].Density
	parts := make([]string, 0, 2*len(radii))
	for k, r := range radii {
		tpl := fmt.Sprintf("ins_%d_tpl_%d", i, k)
		t.printf("fix %s all particletemplate/sphere %d atom_type %d density constant %s radius constant %s\n",
			tpl, seedPrime(ins.Seed, 10*i+k), ins.Material+1, g(rho), g(r))
		parts = append(parts, tpl, g(weights[k]/total))
	}
	t.printf("fix ins_%d_dist all particledistribution/discrete %d %d %s\n", i, seedPrime(ins.Seed, 2000+i), len(radii), strings.Join(parts, " "))
	return nil
}

// discreteRadii returns radii in m and their number probabilities. A
// uniform or normal distribution becomes bins radii at the centres of
// equal-width bins over [Min, Max]; bins of zero probability are dropped.
func discreteRadii(d cases.RadiusDistribution, bins int) (radii, weights []float64, err error) {
	switch d.Kind {
	case cases.RadiusConstant:
		if d.Value <= 0 {
			return nil, nil, fmt.Errorf("constant radius %g m must be positive", d.Value)
		}
		return []float64{d.Value}, []float64{1}, nil

	case cases.RadiusUniform, cases.RadiusNormal:
		if d.Min <= 0 || d.Max < d.Min {
			return nil, nil, fmt.Errorf("radius bounds [%g, %g] m must be positive and ordered", d.Min, d.Max)
		}
		if d.Max == d.Min || (d.Kind == cases.RadiusNormal && d.Std == 0) {
			r := d.Min
			if d.Kind == cases.RadiusNormal && d.Std == 0 {
				r = d.Mean
			}
			return []float64{r}, []float64{1}, nil
		}
		width := (d.Max - d.Min) / float64(bins)
		cdf := func(x float64) float64 { return 0.5 * math.Erfc(-(x-d.Mean)/(d.Std*math.Sqrt2)) }
		for k := range bins {
			lo := d.Min + float64(k)*width
			w := 1.0
			if d.Kind == cases.RadiusNormal {
				w = cdf(lo+width) - cdf(lo)
			}
			if w > 0 {
				radii = append(radii, lo+width/2)
				weights = append(weights, w)
			}
		}
		if len(radii) == 0 {
			return nil, nil, fmt.Errorf("normal radius distribution mean %g m, std %g m has no probability in [%g, %g] m", d.Mean, d.Std, d.Min, d.Max)
		}

	case cases.RadiusDiscrete:
		if len(d.Values) == 0 || (len(d.Weights) != 0 && len(d.Weights) != len(d.Values)) {
			return nil, nil, fmt.Errorf("discrete radius distribution has %d values and %d weights; give one weight per value", len(d.Values), len(d.Weights))
		}
		for k, r := range d.Values {
			w := 1.0
			if len(d.Weights) > 0 {
				w = d.Weights[k]
			}
			if r <= 0 || w < 0 {
				return nil, nil, fmt.Errorf("discrete radius %g m with weight %g: radii must be positive and weights non-negative", r, w)
			}
			if w > 0 {
				radii = append(radii, r)
				weights = append(weights, w)
			}
		}

	default:
		return nil, nil, fmt.Errorf("radius distribution kind %q is not supported by the translation; use constant, uniform, normal or discrete", d.Kind)
	}

	var total float64
	for _, w := range weights {
		total += w
	}
	for k := range weights {
		weights[k] /= total
	}
	return radii, weights, nil
}

// meanParticleVolume returns the number-weighted mean particle volume of
// a distribution, m^3, or 0 for an invalid distribution.
func meanParticleVolume(d cases.RadiusDistribution, bins int) float64 {
	radii, weights, err := discreteRadii(d, bins)
	if err != nil {
		return 0
	}
	var v float64
	for k, r := range radii {
		v += weights[k] * 4 * math.Pi / 3 * r * r * r
	}
	return v
}

// region writes a LIGGGHTS region named name and returns the name.
func (t *translator) region(name string, r cases.Region) (string, error) {
	switch r.Type {
	case cases.RegionBox:
		if !(r.Max.X > r.Min.X && r.Max.Y > r.Min.Y && r.Max.Z > r.Min.Z) {
			return "", fmt.Errorf("box region min %v must be below max %v on every axis", r.Min, r.Max)
		}
		t.printf("region %s block %s %s %s %s %s %s units box\n", name, g(r.Min.X), g(r.Max.X), g(r.Min.Y), g(r.Max.Y), g(r.Min.Z), g(r.Max.Z))
		return name, nil
	case cases.RegionCylinder:
		axis, sign, ok := coordinateAxis(r.Axis)
		if !ok {
			return "", fmt.Errorf("cylinder region axis %v is not supported by the translation: LIGGGHTS cylinder regions lie along x, y or z", r.Axis)
		}
		if r.Radius <= 0 || r.Length <= 0 {
			return "", fmt.Errorf("cylinder region radius %g m and length %g m must be positive", r.Radius, r.Length)
		}
		base := component(r.Base, axis)
		lo, hi := base, base+sign*r.Length
		if lo > hi {
			lo, hi = hi, lo
		}
		c1, c2 := otherComponents(r.Base, axis)
		t.printf("region %s cylinder %s %s %s %s %s %s units box\n", name, axisNames[axis], g(c1), g(c2), g(r.Radius), g(lo), g(hi))
		return name, nil
	}
	return "", fmt.Errorf("region type %q is not supported by the translation; use box or cylinder", r.Type)
}

func regionVolume(r cases.Region) float64 {
	switch r.Type {
	case cases.RegionBox:
		d := r3.Sub(r.Max, r.Min)
		return d.X * d.Y * d.Z
	case cases.RegionCylinder:
		return math.Pi * r.Radius * r.Radius * r.Length
	}
	return 0
}

var axisNames = [3]string{"x", "y", "z"}

// coordinateAxis reports which coordinate axis a unit vector lies along,
// and its sign.
func coordinateAxis(a r3.Vec) (axis int, sign float64, ok bool) {
	const tol = 1e-9
	c := [3]float64{a.X, a.Y, a.Z}
	for i, v := range c {
		if math.Abs(math.Abs(v)-1) < tol && math.Abs(c[(i+1)%3]) < tol && math.Abs(c[(i+2)%3]) < tol {
			return i, math.Copysign(1, v), true
		}
	}
	return 0, 0, false
}

func component(v r3.Vec, axis int) float64 {
	return [3]float64{v.X, v.Y, v.Z}[axis]
}

// otherComponents returns the two coordinates of v across axis, in the
// order LIGGGHTS cylinders take them (y z, x z, x y).
func otherComponents(v r3.Vec, axis int) (float64, float64) {
	switch axis {
	case 0:
		return v.Y, v.Z
	case 1:
		return v.X, v.Z
	}
	return v.X, v.Y
}

func vec(v r3.Vec) string {
	return g(v.X) + " " + g(v.Y) + " " + g(v.Z)
}

func insertionName(ins cases.Insertion, i int) string {
	if ins.Name != "" {
		return ins.Name
	}
	return fmt.Sprintf("#%d", i)
}

// seedPrime returns a prime above 10000 derived from a case seed and a
// salt; LIGGGHTS insertion and template seeds must be such primes.
func seedPrime(seed uint64, salt int) int64 {
	n := 10007 + int64((seed*2654435761+uint64(salt)*40503)%1_000_000_000)
	for !isPrime(n) {
		n++
	}
	return n
}

func isPrime(n int64) bool {
	if n < 2 {
		return false
	}
	for d := int64(2); d*d <= n; d++ {
		if n%d == 0 {
			return false
		}
	}
	return true
}
