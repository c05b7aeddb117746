package cases

import (
	"fmt"
	"strings"
)

// Options controls how a case file is resolved.
type Options struct {
	// Set overrides parameter values, each "name=value", in order. The
	// value may be an expression of numbers such as "20e-3" or "18/1000".
	Set []string

	// AllowExtrapolation accepts --set values outside a parameter's
	// [min, max] range; such parameters are listed in Case.Extrapolated.
	// The file's defaults must lie in range either way.
	AllowExtrapolation bool
}

// parameters reads the parameters section. Each parameter is a mapping
// with a default, an inclusive range and a unit:
//
//	parameters:
//	  outlet_diameter:
//	    default: 0.018
//	    min: 0.012
//	    max: 0.024
//	    unit: m
//	    description: diameter of the circular orifice
//
// Bounds and defaults are plain numbers: they cannot refer to other
// parameters.
func (d *decoder) parameters(top *mapping) []Parameter {
	sec := top.child("parameters", false)
	if sec == nil {
		return nil
	}
	var params []Parameter
	for _, name := range sec.keys {
		path := joinPath(sec.path, name)
		if !isIdentifier(name) {
			d.errAt(sec.keyNodes[name], path, "%q is not a valid parameter name: use letters, digits and _, starting with a letter or _", name)
			continue
		}
		pm := d.mapping(sec.vals[name], path, sec.keyNodes[name])
		if pm == nil {
			continue
		}
		pm.allow("a parameter", "default", "min", "max", "unit", "description")
		p := Parameter{
			Name:        name,
			Default:     pm.req("default"),
			Min:         pm.req("min"),
			Max:         pm.req("max"),
			Unit:        pm.str("unit", "", true),
			Description: pm.str("description", "", false),
		}
		switch {
		case p.Min > p.Max:
			d.errAt(pm.lookup("max"), joinPath(path, "max"), "%s is below min %s: the range must have min <= max",
				formatFloat(p.Max), formatFloat(p.Min))
		case p.Default < p.Min || p.Default > p.Max:
			d.errAt(pm.lookup("default"), joinPath(path, "default"), "%s is outside the parameter's range [%s, %s]",
				formatFloat(p.Default), formatFloat(p.Min), formatFloat(p.Max))
		}
		params = append(params, p)
	}
	return params
}

// applySet resolves the value of every parameter from its default and
// the overrides, and returns the values and the parameters set outside
// their range.
func (d *decoder) applySet(params []Parameter, opt Options) (map[string]float64, []string) {
	values := make(map[string]float64, len(params))
	names := make([]string, len(params))
	byName := make(map[string]Parameter, len(params))
	for i, p := range params {
		values[p.Name] = p.Default
		names[i] = p.Name
		byName[p.Name] = p
	}
	extrapolated := map[string]bool{}
	for _, s := range opt.Set {
		path := "--set " + s
		name, text, ok := strings.Cut(s, "=")
		name, text = strings.TrimSpace(name), strings.TrimSpace(text)
		if !ok || name == "" || text == "" {
			d.setErr(path, "expected name=value, such as %s", setExample(params))
			continue
		}
		p, known := byName[name]
		if !known {
			d.setErr(path, "unknown parameter %q%s; %s", name, didYouMean(name, names), definedList(values))
			continue
		}
		v, err := evalExpr(text, nil)
		if err != nil {
			d.setErr(path, "%q is not a number: %v", text, err)
			continue
		}
		if v < p.Min || v > p.Max {
			if !opt.AllowExtrapolation {
				d.setErr(path, "%s is outside the range [%s, %s] of parameter %s; pass --allow-extrapolation to run it anyway",
					withUnit(v, p.Unit), formatFloat(p.Min), formatFloat(p.Max), name)
				continue
			}
			extrapolated[name] = true
		} else {
			delete(extrapolated, name)
		}
		values[name] = v
	}
	var extra []string
	for _, p := range params {
		if extrapolated[p.Name] {
			extra = append(extra, p.Name)
		}
	}
	return values, extra
}

func (d *decoder) setErr(path, format string, args ...any) {
	d.errs = append(d.errs, &Error{File: d.file, Path: path, Msg: fmt.Sprintf(format, args...)})
}

func setExample(params []Parameter) string {
	if len(params) == 0 {
		return "name=0.5 (this case defines no parameters)"
	}
	return fmt.Sprintf("%s=%s", params[0].Name, formatFloat(params[0].Default))
}

func isIdentifier(s string) bool {
	if s == "" || !isIdentStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isIdentStart(s[i]) && !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// withUnit formats v with its unit, leaving out the "1" of dimensionless
// quantities.
func withUnit(v float64, unit string) string {
	if unit == "" || unit == "1" {
		return formatFloat(v)
	}
	return formatFloat(v) + " " + unit
}
