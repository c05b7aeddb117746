package dem

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neusim/neusim/cases"
)

// radiusBounds returns the smallest and largest radius d can produce, m.
func radiusBounds(d cases.RadiusDistribution) (lo, hi float64) {
	switch d.Kind {
	case cases.RadiusConstant, "":
		return d.Value, d.Value
	case cases.RadiusUniform, cases.RadiusNormal:
		return d.Min, d.Max
	case cases.RadiusDiscrete:
		lo, hi = math.Inf(1), 0
		for _, v := range d.Values {
			lo, hi = min(lo, v), max(hi, v)
		}
		return lo, hi
	}
	return 0, 0
}

// checkRadius validates a radius distribution; where names the insertion.
func checkRadius(d cases.RadiusDistribution, where string) error {
	switch d.Kind {
	case cases.RadiusConstant, "":
		if !(d.Value > 0) || math.IsInf(d.Value, 0) {
			return fmt.Errorf("%s: constant radius %g m; give a positive finite radius", where, d.Value)
		}
	case cases.RadiusUniform:
		if !(d.Min > 0 && d.Max >= d.Min) || math.IsInf(d.Max, 0) {
			return fmt.Errorf("%s: uniform radius bounds [%g, %g] m; need 0 < min <= max", where, d.Min, d.Max)
		}
	case cases.RadiusNormal:
		if !(d.Min > 0 && d.Max >= d.Min) || math.IsInf(d.Max, 0) || !(d.Std >= 0) {
			return fmt.Errorf("%s: normal radius with mean %g m, std %g m, truncated to [%g, %g] m; need 0 < min <= max and std >= 0", where, d.Mean, d.Std, d.Min, d.Max)
		}
	case cases.RadiusDiscrete:
		if len(d.Values) == 0 || len(d.Values) != len(d.Weights) {
			return fmt.Errorf("%s: discrete radius with %d values and %d weights; give one positive weight per radius", where, len(d.Values), len(d.Weights))
		}
		total := 0.0
		for k, v := range d.Values {
			if !(v > 0) || !(d.Weights[k] >= 0) {
				return fmt.Errorf("%s: discrete radius %d is %g m with weight %g; radii must be positive and weights >= 0", where, k, v, d.Weights[k])
			}
			total += d.Weights[k]
		}
		if !(total > 0) {
			return fmt.Errorf("%s: discrete radius weights sum to %g; at least one must be positive", where, total)
		}
	default:
		return fmt.Errorf("%s: radius kind %q is unknown; use constant, uniform, normal or discrete", where, d.Kind)
	}
	return nil
}

// drawRadius draws one radius from d, m.
func drawRadius(d cases.RadiusDistribution, rng *rand.Rand) float64 {
	switch d.Kind {
	case cases.RadiusUniform:
		return d.Min + (d.Max-d.Min)*rng.Float64()
	case cases.RadiusNormal:
		if d.Std == 0 {
			return min(max(d.Mean, d.Min), d.Max)
		}
		// Truncation by rejection; fall back to clamping when the window
		// is so far in the tail that 1000 draws all miss it.
		for range 1000 {
			r := d.Mean + d.Std*rng.NormFloat64()
			if r >= d.Min && r <= d.Max {
				return r
			}
		}
		return min(max(d.Mean, d.Min), d.Max)
	case cases.RadiusDiscrete:
		total := 0.0
		for _, w := range d.Weights {
			total += w
		}
		u := rng.Float64() * total
		for k, w := range d.Weights {
			if u < w {
				return d.Values[k]
			}
			u -= w
		}
		return d.Values[len(d.Values)-1]
	}
	return d.Value
}
