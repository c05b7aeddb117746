package cases

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
	"gonum.org/v1/gonum/spatial/r3"
)

// A decoder walks the YAML syntax tree of one case file, evaluating
// expressions and recording every problem with its position. Its helpers
// never stop at the first problem: they record it, return a zero value
// and let the walk go on, so that one load reports all independent
// mistakes. Helpers on a nil *mapping do nothing, which keeps a broken
// section from producing a cascade of follow-up errors.
type decoder struct {
	file    string              // name used in messages
	dir     string              // directory relative paths are resolved against
	anchors map[string]ast.Node // YAML anchors by name, for aliases
	vars    map[string]float64  // parameter values expressions may use
	// fluidCase is set for a case file with a fluid section, which makes
	// the particle sections optional.
	fluidCase bool
	errs      Errors
}

// errAt records a problem at node n. A nil n is reported at the start of
// the file.
func (d *decoder) errAt(n ast.Node, path, format string, args ...any) {
	line, col := 1, 1
	if n != nil {
		if tk := n.GetToken(); tk != nil && tk.Position != nil {
			line, col = tk.Position.Line, tk.Position.Column
		}
	}
	d.errAtPos(line, col, path, fmt.Sprintf(format, args...))
}

func (d *decoder) errAtPos(line, col int, path, msg string) {
	if len(d.errs) > 10*maxErrors {
		return
	}
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Column: col, Path: path, Msg: msg})
}

// resolve looks through anchors, aliases and tags to the node that holds
// the value. It returns nil for an alias to an unknown anchor, which
// collectAnchors has reported.
func (d *decoder) resolve(n ast.Node) ast.Node {
	for range 32 {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		case *ast.AliasNode:
			n = d.anchors[aliasName(v)]
		default:
			return n
		}
	}
	return nil
}

func aliasName(a *ast.AliasNode) string {
	if a.Value == nil {
		return ""
	}
	return a.Value.GetToken().Value
}

// collectAnchors records every anchor in the document so that aliases can
// be resolved wherever the walk meets them, and reports aliases to
// unknown anchors once each.
func (d *decoder) collectAnchors(root ast.Node) {
	d.anchors = map[string]ast.Node{}
	for _, n := range ast.Filter(ast.AnchorType, root) {
		a := n.(*ast.AnchorNode)
		if a.Name != nil {
			d.anchors[a.Name.GetToken().Value] = a.Value
		}
	}
	for _, n := range ast.Filter(ast.AliasType, root) {
		a := n.(*ast.AliasNode)
		if name := aliasName(a); d.anchors[name] == nil {
			d.errAt(a, strings.TrimPrefix(strings.TrimPrefix(a.GetPath(), "$"), "."), "alias *%s refers to no anchor &%s", name, name)
		}
	}
}

// kind names the YAML kind of a node for messages.
func kind(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.StringNode, *ast.LiteralNode:
		return fmt.Sprintf("the string %q", scalarText(n))
	case *ast.NullNode, nil:
		return "nothing"
	}
	return fmt.Sprintf("%q", scalarText(n))
}

func scalarText(n ast.Node) string {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value
	case *ast.LiteralNode:
		if v.Value != nil {
			return v.Value.Value
		}
	case nil:
		return ""
	}
	if tk := n.GetToken(); tk != nil {
		return tk.Value
	}
	return ""
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func indexPath(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// A mapping is one YAML mapping of the case file with its keys checked.
type mapping struct {
	d        *decoder
	path     string
	at       ast.Node // where to report a missing key
	keys     []string // in file order
	vals     map[string]ast.Node
	keyNodes map[string]ast.Node
}

// mapping reads n as a mapping with string keys. at is the node a missing
// key is reported against, usually the key that names this mapping. It
// returns nil, after recording why, when n is not a mapping.
func (d *decoder) mapping(n ast.Node, path string, at ast.Node) *mapping {
	raw := n
	n = d.resolve(n)
	if n == nil {
		return nil
	}
	mn, ok := n.(*ast.MappingNode)
	if !ok {
		d.errAt(raw, path, "expected a mapping of keys to values, got %s", kind(n))
		return nil
	}
	if at == nil {
		// A list item: report missing keys at its first key.
		at = raw
		if len(mn.Values) > 0 {
			at = mn.Values[0].Key
		}
	}
	m := &mapping{d: d, path: path, at: at, vals: map[string]ast.Node{}, keyNodes: map[string]ast.Node{}}
	for _, mv := range mn.Values {
		key, ok := d.keyName(mv.Key)
		if !ok {
			d.errAt(mv.Key, path, "keys must be plain names, got %s", kind(mv.Key))
			continue
		}
		if _, dup := m.vals[key]; dup {
			d.errAt(mv.Key, path, "key %q appears twice", key)
			continue
		}
		m.keys = append(m.keys, key)
		m.vals[key] = mv.Value
		m.keyNodes[key] = mv.Key
	}
	return m
}

func (d *decoder) keyName(k ast.MapKeyNode) (string, bool) {
	if k == nil || k.IsMergeKey() {
		return "", false
	}
	switch n := d.resolve(k).(type) {
	case *ast.StringNode:
		return n.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.NullNode:
		return n.GetToken().Value, true
	}
	return "", false
}

// allow reports every key of m outside allowed, suggesting the closest
// allowed key. what names the mapping for the message ("a cone wall").
func (m *mapping) allow(what string, allowed ...string) {
	if m == nil {
		return
	}
	for _, k := range m.keys {
		if slices.Contains(allowed, k) {
			continue
		}
		m.d.errAt(m.keyNodes[k], m.path, "unknown key %q%s; %s takes: %s",
			k, didYouMean(k, allowed), what, strings.Join(allowed, ", "))
	}
}

func (m *mapping) has(key string) bool {
	if m == nil {
		return false
	}
	_, ok := m.vals[key]
	return ok
}

// lookup returns the value node of key, resolved, or nil when the key is
// absent. A key given with no value is reported and treated as absent.
func (m *mapping) lookup(key string) ast.Node {
	if m == nil {
		return nil
	}
	raw, ok := m.vals[key]
	if !ok {
		return nil
	}
	n := m.d.resolve(raw)
	if _, null := n.(*ast.NullNode); null || n == nil {
		if n != nil {
			m.d.errAt(m.keyNodes[key], joinPath(m.path, key), "the key has no value")
		}
		return nil
	}
	return raw
}

func (m *mapping) missing(key, want string) {
	m.d.errAt(m.at, m.path, "missing key %q: %s", key, want)
}

func (m *mapping) child(key string, required bool) *mapping {
	if m == nil {
		return nil
	}
	n := m.lookup(key)
	if n == nil {
		if required && !m.has(key) {
			m.missing(key, "expected a mapping")
		}
		return nil
	}
	return m.d.mapping(n, joinPath(m.path, key), m.keyNodes[key])
}

// seq reads the list under key, or returns nil when the key is absent.
func (m *mapping) seq(key string) []ast.Node {
	if m == nil {
		return nil
	}
	n := m.lookup(key)
	if n == nil {
		return nil
	}
	return m.d.seq(n, joinPath(m.path, key))
}

func (d *decoder) seq(n ast.Node, path string) []ast.Node {
	raw := n
	n = d.resolve(n)
	if n == nil {
		return nil
	}
	s, ok := n.(*ast.SequenceNode)
	if !ok {
		d.errAt(raw, path, "expected a list, got %s", kind(n))
		return nil
	}
	return s.Values
}

// A rule is a range a number must lie in, with the message that says so.
type rule struct {
	ok   func(float64) bool
	want string
}

func positive(what string) rule {
	return rule{func(v float64) bool { return v > 0 }, what + " must be > 0"}
}

func nonNegative(what string) rule {
	return rule{func(v float64) bool { return v >= 0 }, what + " must be >= 0"}
}

// number reads a scalar as a number: a YAML number or a string holding an
// expression. shown is the value as it should appear in messages, with
// the expression it came from.
func (d *decoder) number(n ast.Node, path string) (v float64, shown string, ok bool) {
	raw := n
	n = d.resolve(n)
	switch s := n.(type) {
	case nil:
		return 0, "", false
	case *ast.IntegerNode:
		switch x := s.Value.(type) {
		case int64:
			v = float64(x)
		case uint64:
			v = float64(x)
		default:
			d.errAt(raw, path, "%s is not a number", kind(n))
			return 0, "", false
		}
		return v, formatFloat(v), true
	case *ast.FloatNode:
		if math.IsInf(s.Value, 0) || math.IsNaN(s.Value) {
			d.errAt(raw, path, "%s is not a finite number", s.GetToken().Value)
			return 0, "", false
		}
		return s.Value, formatFloat(s.Value), true
	case *ast.InfinityNode, *ast.NanNode:
		d.errAt(raw, path, "%s is not a finite number", s.GetToken().Value)
		return 0, "", false
	case *ast.StringNode, *ast.LiteralNode:
		src := scalarText(n)
		v, err := evalExpr(src, d.vars)
		if err != nil {
			d.exprErr(n, path, src, err)
			return 0, "", false
		}
		return v, fmt.Sprintf("%s (from %q)", formatFloat(v), src), true
	}
	d.errAt(raw, path, "expected a number or an expression such as \"${name} / 2\", got %s", kind(n))
	return 0, "", false
}

// exprErr reports an expression error at its column within the scalar.
func (d *decoder) exprErr(n ast.Node, path, src string, err error) {
	var ee *exprError
	if !errors.As(err, &ee) {
		d.errAt(n, path, "%v", err)
		return
	}
	line, col := 1, 1
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		line, col = tk.Position.Line, tk.Position.Column
		if tk.Type == token.DoubleQuoteType || tk.Type == token.SingleQuoteType {
			col++
		}
		if !strings.Contains(src, "\n") {
			col += ee.Pos
		}
	}
	d.errAtPos(line, col, path, fmt.Sprintf("in expression %q: %s", src, ee.Msg))
}

// check reports v when it breaks a rule, and says whether it passed.
func (d *decoder) check(n ast.Node, path string, v float64, shown string, rules []rule) bool {
	for _, r := range rules {
		if !r.ok(v) {
			d.errAt(n, path, "%s is out of range: %s", shown, r.want)
			return false
		}
	}
	return true
}

// num reads a number under key, checked against rules. A missing key
// gives def when required is false and is reported otherwise.
func (m *mapping) num(key string, def float64, required bool, rules ...rule) float64 {
	if m == nil {
		return def
	}
	n := m.lookup(key)
	if n == nil {
		if required && !m.has(key) {
			m.missing(key, "expected a number")
		}
		return def
	}
	path := joinPath(m.path, key)
	v, shown, ok := m.d.number(n, path)
	if !ok || !m.d.check(n, path, v, shown, rules) {
		return def
	}
	return v
}

func (m *mapping) req(key string, rules ...rule) float64 { return m.num(key, 0, true, rules...) }
func (m *mapping) opt(key string, def float64, rules ...rule) float64 {
	return m.num(key, def, false, rules...)
}

// integer reads a whole number in [lo, hi] under key.
func (m *mapping) integer(key string, def, lo, hi int64, required bool) int64 {
	if m == nil {
		return def
	}
	n := m.lookup(key)
	if n == nil {
		if required && !m.has(key) {
			m.missing(key, "expected a whole number")
		}
		return def
	}
	path := joinPath(m.path, key)
	v, shown, ok := m.d.number(n, path)
	if !ok {
		return def
	}
	if v != math.Trunc(v) {
		m.d.errAt(n, path, "%s is not a whole number; round() makes an expression whole", shown)
		return def
	}
	if v < float64(lo) || v > float64(hi) {
		m.d.errAt(n, path, "%s is out of range: must be in [%d, %d]", shown, lo, hi)
		return def
	}
	return int64(v)
}

// vec reads a vector [x, y, z] of numbers or expressions.
func (d *decoder) vec(n ast.Node, path string) (r3.Vec, bool) {
	raw := n
	n = d.resolve(n)
	s, ok := n.(*ast.SequenceNode)
	if !ok {
		if n != nil {
			d.errAt(raw, path, "expected a vector [x, y, z], got %s", kind(n))
		}
		return r3.Vec{}, false
	}
	if len(s.Values) != 3 {
		d.errAt(raw, path, "expected a vector [x, y, z] of 3 numbers, got %d", len(s.Values))
		return r3.Vec{}, false
	}
	var c [3]float64
	all := true
	for i, e := range s.Values {
		v, _, ok := d.number(e, indexPath(path, i))
		c[i] = v
		all = all && ok
	}
	return r3.Vec{X: c[0], Y: c[1], Z: c[2]}, all
}

func (m *mapping) vector(key string, def r3.Vec, required bool) r3.Vec {
	if m == nil {
		return def
	}
	n := m.lookup(key)
	if n == nil {
		if required && !m.has(key) {
			m.missing(key, "expected a vector [x, y, z]")
		}
		return def
	}
	v, ok := m.d.vec(n, joinPath(m.path, key))
	if !ok {
		return def
	}
	return v
}

// direction reads a non-zero vector under key and returns it normalised
// to unit length.
func (m *mapping) direction(key string, def r3.Vec, required bool) r3.Vec {
	if m == nil {
		return def
	}
	n := m.lookup(key)
	if n == nil {
		if required && !m.has(key) {
			m.missing(key, "expected a direction [x, y, z]")
		}
		return def
	}
	path := joinPath(m.path, key)
	v, ok := m.d.vec(n, path)
	if !ok {
		return def
	}
	l := r3.Norm(v)
	if l == 0 || math.IsInf(l, 0) {
		m.d.errAt(n, path, "[%s, %s, %s] is not a direction: must be a non-zero vector (it is normalised to unit length)",
			formatFloat(v.X), formatFloat(v.Y), formatFloat(v.Z))
		return def
	}
	return r3.Scale(1/l, v)
}

// str reads a string under key. A required string must not be empty.
func (m *mapping) str(key, def string, required bool) string {
	if m == nil {
		return def
	}
	n := m.lookup(key)
	if n == nil {
		if required && !m.has(key) {
			m.missing(key, "expected a string")
		}
		return def
	}
	switch s := m.d.resolve(n).(type) {
	case *ast.StringNode, *ast.LiteralNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		text := scalarText(s)
		if text == "" && required {
			m.d.errAt(n, joinPath(m.path, key), "the value must not be empty")
			return def
		}
		return text
	default:
		m.d.errAt(n, joinPath(m.path, key), "expected a string, got %s", kind(s))
	}
	return def
}

// choice reads a string under key that must be one of allowed.
func (m *mapping) choice(key, def string, required bool, allowed ...string) string {
	if m == nil {
		return def
	}
	n := m.lookup(key)
	if n == nil {
		if required && !m.has(key) {
			m.missing(key, "expected one of "+strings.Join(allowed, ", "))
		}
		return def
	}
	const bad = "\x00"
	s := m.str(key, bad, false)
	if s == bad {
		return def
	}
	if !slices.Contains(allowed, s) {
		m.d.errAt(n, joinPath(m.path, key), "%q is not one of %s%s",
			s, strings.Join(allowed, ", "), didYouMean(s, allowed))
		return def
	}
	return s
}

func (m *mapping) boolean(key string, def bool) bool {
	if m == nil {
		return def
	}
	n := m.lookup(key)
	if n == nil {
		return def
	}
	b, ok := m.d.resolve(n).(*ast.BoolNode)
	if !ok {
		m.d.errAt(n, joinPath(m.path, key), "expected true or false, got %s", kind(m.d.resolve(n)))
		return def
	}
	return b.Value
}
