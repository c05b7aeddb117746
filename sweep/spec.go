package sweep

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/neusim/neusim/cases"
)

// Axis is one swept parameter with its values, in the parameter's unit.
type Axis struct {
	Name   string
	Values []float64
}

// ParseAxis parses a --param specification: NAME=LO:HI:N for N evenly
// spaced values from LO to HI inclusive, or NAME=A,B,C for a list.
func ParseAxis(spec string) (Axis, error) {
	name, vals, ok := strings.Cut(spec, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.TrimSpace(vals) == "" {
		return Axis{}, fmt.Errorf("sweep: --param %q: want NAME=LO:HI:N or NAME=A,B,C", spec)
	}
	if strings.Contains(vals, ":") {
		parts := strings.Split(vals, ":")
		if len(parts) != 3 {
			return Axis{}, fmt.Errorf("sweep: --param %q: a range is LO:HI:N with three fields, got %d", spec, len(parts))
		}
		lo, err1 := parseNumber(parts[0])
		hi, err2 := parseNumber(parts[1])
		n, err3 := strconv.Atoi(strings.TrimSpace(parts[2]))
		if err := firstErr(err1, err2); err != nil {
			return Axis{}, fmt.Errorf("sweep: --param %q: %v", spec, err)
		}
		if err3 != nil || n < 1 {
			return Axis{}, fmt.Errorf("sweep: --param %q: the point count %q must be a whole number of at least 1", spec, strings.TrimSpace(parts[2]))
		}
		if n == 1 && hi != lo {
			return Axis{}, fmt.Errorf("sweep: --param %q: one point cannot span %g to %g; use %s=%g for one value or a count of at least 2", spec, lo, hi, name, lo)
		}
		if n > 1 && hi < lo {
			return Axis{}, fmt.Errorf("sweep: --param %q: LO %g is above HI %g", spec, lo, hi)
		}
		a := Axis{Name: name, Values: make([]float64, n)}
		for i := range a.Values {
			if n == 1 {
				a.Values[i] = lo
			} else {
				a.Values[i] = lo + (hi-lo)*float64(i)/float64(n-1)
			}
		}
		return a, nil
	}
	a := Axis{Name: name}
	for _, s := range strings.Split(vals, ",") {
		v, err := parseNumber(s)
		if err != nil {
			return Axis{}, fmt.Errorf("sweep: --param %q: %v", spec, err)
		}
		a.Values = append(a.Values, v)
	}
	return a, nil
}

func parseNumber(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a finite number", strings.TrimSpace(s))
	}
	return v, nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// CheckAxes validates axes against the case's parameters: every name must
// be a parameter of the case, appear once, and every value must lie in the
// parameter's [Min, Max] unless allowExtrapolation is set.
func CheckAxes(c *cases.Case, axes []Axis, allowExtrapolation bool) error {
	if len(axes) == 0 {
		return fmt.Errorf("sweep: case %s: the sweep is empty: give at least one --param NAME=LO:HI:N or NAME=A,B,C", c.Name)
	}
	seen := map[string]bool{}
	for _, a := range axes {
		p, ok := findParam(c, a.Name)
		if !ok {
			return fmt.Errorf("sweep: case %s: unknown parameter %q%s; the case has %s",
				c.Name, a.Name, cases.DidYouMean(a.Name, paramNames(c)), strings.Join(paramNames(c), ", "))
		}
		if seen[a.Name] {
			return fmt.Errorf("sweep: parameter %s is swept twice: give it in one --param", a.Name)
		}
		seen[a.Name] = true
		if len(a.Values) == 0 {
			return fmt.Errorf("sweep: parameter %s has no values", a.Name)
		}
		if allowExtrapolation {
			continue
		}
		for _, v := range a.Values {
			if v < p.Min || v > p.Max {
				return fmt.Errorf("sweep: parameter %s: %g %s is outside the case's range [%g, %g]; narrow the sweep or pass --allow-extrapolation",
					a.Name, v, p.Unit, p.Min, p.Max)
			}
		}
	}
	return nil
}

func findParam(c *cases.Case, name string) (cases.Parameter, bool) {
	for _, p := range c.Parameters {
		if p.Name == name {
			return p, true
		}
	}
	return cases.Parameter{}, false
}

func paramNames(c *cases.Case) []string {
	var names []string
	for _, p := range c.Parameters {
		names = append(names, p.Name)
	}
	sort.Strings(names)
	return names
}

// ParseRange parses a --param specification for Latin hypercube sampling:
// NAME=LO:HI, the interval to sample.
func ParseRange(spec string) (Range, error) {
	name, vals, ok := strings.Cut(spec, "=")
	name = strings.TrimSpace(name)
	parts := strings.Split(vals, ":")
	if !ok || name == "" || len(parts) != 2 {
		return Range{}, fmt.Errorf("sweep: --param %q: with --lhs, give the sampled interval as NAME=LO:HI", spec)
	}
	lo, err1 := parseNumber(parts[0])
	hi, err2 := parseNumber(parts[1])
	if err := firstErr(err1, err2); err != nil {
		return Range{}, fmt.Errorf("sweep: --param %q: %v", spec, err)
	}
	if hi < lo {
		return Range{}, fmt.Errorf("sweep: --param %q: LO %g is above HI %g", spec, lo, hi)
	}
	return Range{Name: name, Min: lo, Max: hi}, nil
}
