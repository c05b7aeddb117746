package cases

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Expressions let any number in a case file depend on the design
// parameters, as in
//
//	radius: ${outlet_diameter} / 2
//	count: round(0.6 * ${fill} * pi * 0.05 * 0.05 * 0.02 / (4 / 3 * pi * 1.5e-3 * 1.5e-3 * 1.5e-3))
//
// The grammar, evaluated in float64 with the usual precedence and left
// associativity:
//
//	expr    = term { ("+" | "-") term }
//	term    = unary { ("*" | "/") unary }
//	unary   = ("-" | "+") unary | primary
//	primary = number | "${" name "}" | "pi" | func "(" expr { "," expr } ")" | "(" expr ")"
//
// A result or intermediate value that is not finite (division by zero,
// sqrt of a negative number) is an error.

// exprError is a problem at byte offset Pos of an expression.
type exprError struct {
	Pos int
	Msg string
}

func (e *exprError) Error() string { return e.Msg }

// maxExprDepth bounds the nesting of parentheses, unary signs and calls.
const maxExprDepth = 100

type exprFunc struct {
	args int
	fn   func(a []float64) float64
}

var exprFuncs = map[string]exprFunc{
	"sqrt":  {1, func(a []float64) float64 { return math.Sqrt(a[0]) }},
	"sin":   {1, func(a []float64) float64 { return math.Sin(a[0]) }},
	"cos":   {1, func(a []float64) float64 { return math.Cos(a[0]) }},
	"tan":   {1, func(a []float64) float64 { return math.Tan(a[0]) }},
	"asin":  {1, func(a []float64) float64 { return math.Asin(a[0]) }},
	"acos":  {1, func(a []float64) float64 { return math.Acos(a[0]) }},
	"atan":  {1, func(a []float64) float64 { return math.Atan(a[0]) }},
	"exp":   {1, func(a []float64) float64 { return math.Exp(a[0]) }},
	"log":   {1, func(a []float64) float64 { return math.Log(a[0]) }},
	"abs":   {1, func(a []float64) float64 { return math.Abs(a[0]) }},
	"floor": {1, func(a []float64) float64 { return math.Floor(a[0]) }},
	"ceil":  {1, func(a []float64) float64 { return math.Ceil(a[0]) }},
	"round": {1, func(a []float64) float64 { return math.Round(a[0]) }},
	"pow":   {2, func(a []float64) float64 { return math.Pow(a[0], a[1]) }},
	"min":   {2, func(a []float64) float64 { return math.Min(a[0], a[1]) }},
	"max":   {2, func(a []float64) float64 { return math.Max(a[0], a[1]) }},
}

var exprConsts = map[string]float64{"pi": math.Pi}

// evalExpr evaluates src with the parameter values vars. A failure is an
// *exprError whose Pos is the byte offset of the problem in src.
func evalExpr(src string, vars map[string]float64) (float64, error) {
	p := &exprParser{src: src, vars: vars}
	v, err := p.expr()
	if err != nil {
		return 0, err
	}
	p.space()
	if p.pos < len(p.src) {
		if rest := p.src[p.pos:]; isIdentStart(rest[0]) {
			return 0, p.errorf(p.pos, "unexpected %q after a complete expression: values are plain numbers in SI units (m, s, kg, Pa, rad), without a unit", rest)
		}
		return 0, p.errorf(p.pos, "unexpected %q after a complete expression", p.src[p.pos:])
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, p.errorf(0, "the result is not a finite number")
	}
	return v, nil
}

type exprParser struct {
	src   string
	pos   int
	depth int
	vars  map[string]float64
}

func (p *exprParser) errorf(pos int, format string, args ...any) error {
	return &exprError{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *exprParser) space() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
}

// peek skips blanks and returns the next byte, or 0 at the end.
func (p *exprParser) peek() byte {
	p.space()
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *exprParser) expr() (float64, error) {
	v, err := p.term()
	for err == nil {
		op := p.peek()
		if op != '+' && op != '-' {
			break
		}
		p.pos++
		var w float64
		if w, err = p.term(); err == nil {
			if op == '+' {
				v += w
			} else {
				v -= w
			}
		}
	}
	return v, err
}

func (p *exprParser) term() (float64, error) {
	v, err := p.unary()
	for err == nil {
		op := p.peek()
		if op != '*' && op != '/' {
			break
		}
		at := p.pos
		p.pos++
		var w float64
		if w, err = p.unary(); err != nil {
			break
		}
		if op == '*' {
			v *= w
		} else if w == 0 {
			err = p.errorf(at, "division by zero")
		} else {
			v /= w
		}
		if err == nil && math.IsInf(v, 0) {
			err = p.errorf(at, "result overflows float64")
		}
	}
	return v, err
}

func (p *exprParser) unary() (float64, error) {
	if p.depth++; p.depth > maxExprDepth {
		return 0, p.errorf(p.pos, "expression nested deeper than %d levels", maxExprDepth)
	}
	defer func() { p.depth-- }()
	switch p.peek() {
	case '-':
		p.pos++
		v, err := p.unary()
		return -v, err
	case '+':
		p.pos++
		return p.unary()
	}
	return p.primary()
}

func (p *exprParser) primary() (float64, error) {
	c := p.peek()
	start := p.pos
	switch {
	case c == 0:
		return 0, p.errorf(p.pos, "expression ends where a number, ${parameter} or ( was expected")
	case c == '(':
		p.pos++
		v, err := p.expr()
		if err != nil {
			return 0, err
		}
		if p.peek() != ')' {
			return 0, p.errorf(p.pos, "missing ) to close the ( at offset %d", start)
		}
		p.pos++
		return v, nil
	case c == '$':
		return p.parameter()
	case c == '.' || isDigit(c):
		return p.number()
	case isIdentStart(c):
		return p.call()
	}
	return 0, p.errorf(p.pos, "unexpected %q; expected a number, ${parameter}, function or (", c)
}

func (p *exprParser) number() (float64, error) {
	start := p.pos
	digits := func() {
		for p.pos < len(p.src) && isDigit(p.src[p.pos]) {
			p.pos++
		}
	}
	digits()
	if p.pos < len(p.src) && p.src[p.pos] == '.' {
		p.pos++
		digits()
	}
	if p.pos < len(p.src) && (p.src[p.pos] == 'e' || p.src[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.src) && (p.src[p.pos] == '+' || p.src[p.pos] == '-') {
			p.pos++
		}
		digits()
	}
	text := p.src[start:p.pos]
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, p.errorf(start, "%q is not a valid number", text)
	}
	return v, nil
}

func (p *exprParser) parameter() (float64, error) {
	start := p.pos
	if !strings.HasPrefix(p.src[p.pos:], "${") {
		return 0, p.errorf(start, "a parameter reference is written ${name}")
	}
	end := strings.IndexByte(p.src[p.pos:], '}')
	if end < 0 {
		return 0, p.errorf(start, "missing } to close the ${ at offset %d", start)
	}
	name := strings.TrimSpace(p.src[p.pos+2 : p.pos+end])
	p.pos += end + 1
	v, ok := p.vars[name]
	if !ok {
		return 0, p.errorf(start, "undefined parameter %q%s; %s", name, didYouMean(name, sortedKeys(p.vars)), definedList(p.vars))
	}
	return v, nil
}

// definedList says which parameters an expression may refer to.
func definedList(vars map[string]float64) string {
	if len(vars) == 0 {
		return "the case defines no parameters"
	}
	return "defined parameters: " + strings.Join(sortedKeys(vars), ", ")
}

func (p *exprParser) call() (float64, error) {
	start := p.pos
	for p.pos < len(p.src) && (isIdentStart(p.src[p.pos]) || isDigit(p.src[p.pos])) {
		p.pos++
	}
	name := p.src[start:p.pos]
	if v, ok := exprConsts[name]; ok {
		return v, nil
	}
	f, ok := exprFuncs[name]
	if !ok {
		if _, isParam := p.vars[name]; isParam {
			return 0, p.errorf(start, "write the parameter %s as ${%s}", name, name)
		}
		return 0, p.errorf(start, "unknown name %q%s; functions are %s and the constant pi, parameters are written ${name}",
			name, didYouMean(name, funcNames()), strings.Join(funcNames(), ", "))
	}
	if p.peek() != '(' {
		return 0, p.errorf(p.pos, "function %s needs ( after its name", name)
	}
	p.pos++
	args := make([]float64, 0, f.args)
	for {
		v, err := p.expr()
		if err != nil {
			return 0, err
		}
		args = append(args, v)
		if p.peek() != ',' {
			break
		}
		p.pos++
	}
	if p.peek() != ')' {
		return 0, p.errorf(p.pos, "missing ) to close the call of %s", name)
	}
	p.pos++
	if len(args) != f.args {
		return 0, p.errorf(start, "%s takes %d argument(s), got %d", name, f.args, len(args))
	}
	v := f.fn(args)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, p.errorf(start, "%s(%s) is not a finite number", name, formatArgs(args))
	}
	return v, nil
}

func formatArgs(a []float64) string {
	s := make([]string, len(a))
	for i, v := range a {
		s[i] = formatFloat(v)
	}
	return strings.Join(s, ", ")
}

func funcNames() []string {
	names := make([]string, 0, len(exprFuncs))
	for n := range exprFuncs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func isDigit(c byte) bool      { return '0' <= c && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

// formatFloat prints v in the shortest form that reads back exactly.
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
