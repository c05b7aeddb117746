package cases

import (
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
	"gonum.org/v1/gonum/spatial/r3"
)

// DefaultCase is the embedded case used when none is named.
const DefaultCase = "hopper"

//go:embed data/*.yaml
var embedded embed.FS

// Summary describes an embedded case for listings.
type Summary struct {
	Name        string
	Description string
	Parameters  []Parameter
}

// List returns a summary of every embedded case, sorted by name.
func List() []Summary {
	var out []Summary
	for _, name := range embeddedNames() {
		data, _ := EmbeddedYAML(name)
		c, err := LoadBytes(name+".yaml", data, "", Options{})
		if err != nil {
			// The embedded cases are loaded by the tests: this is a
			// build defect, not bad input.
			panic(fmt.Sprintf("cases: embedded case %s does not load: %v", name, err))
		}
		out = append(out, Summary{Name: c.Name, Description: c.Description, Parameters: c.Parameters})
	}
	return out
}

// EmbeddedYAML returns the case file of the embedded case name, as it
// ships: comments, parameters and all. Loading the bytes gives the case.
func EmbeddedYAML(name string) ([]byte, error) {
	data, err := embedded.ReadFile("data/" + name + ".yaml")
	if err != nil || strings.ContainsAny(name, "/\\") {
		names := embeddedNames()
		return nil, fmt.Errorf("cases: no embedded case %q%s; embedded cases are %s", name, didYouMean(name, names), strings.Join(names, ", "))
	}
	return data, nil
}

func embeddedNames() []string {
	entries, _ := embedded.ReadDir("data")
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// Load reads and resolves a case. nameOrPath is the name of an embedded
// case (no path separator, no .yaml suffix, such as "hopper") or the path
// of a case file. Relative paths inside a case file, such as STL files,
// are relative to the directory of the file.
func Load(nameOrPath string, opt Options) (*Case, error) {
	isName := !strings.ContainsAny(nameOrPath, `/\`) && !strings.HasSuffix(nameOrPath, ".yaml") && !strings.HasSuffix(nameOrPath, ".yml")
	if isName && slices.Contains(embeddedNames(), nameOrPath) {
		data, _ := EmbeddedYAML(nameOrPath)
		c, err := LoadBytes(nameOrPath+".yaml", data, "", opt)
		if c != nil {
			c.Source = "embedded:" + nameOrPath + ".yaml"
		}
		return c, err
	}
	data, err := os.ReadFile(nameOrPath)
	if err != nil {
		names := embeddedNames()
		if isName && os.IsNotExist(err) {
			return nil, fmt.Errorf("cases: %q is neither an embedded case%s nor a file; embedded cases are %s",
				nameOrPath, didYouMean(nameOrPath, names), strings.Join(names, ", "))
		}
		base := strings.TrimSuffix(filepath.Base(nameOrPath), filepath.Ext(nameOrPath))
		if os.IsNotExist(err) && slices.Contains(names, base) {
			return nil, fmt.Errorf("cases: %w (the embedded case is named %s, without .yaml)", err, base)
		}
		return nil, fmt.Errorf("cases: %w", err)
	}
	abs, err := filepath.Abs(nameOrPath)
	if err != nil {
		return nil, fmt.Errorf("cases: %w", err)
	}
	c, err := LoadBytes(nameOrPath, data, filepath.Dir(abs), opt)
	if c != nil {
		c.Source = abs
	}
	return c, err
}

// LoadBytes resolves the case file data. name is the file name used in
// error messages and as Case.Source; dir is the directory that relative
// paths in the file are resolved against ("" for the working directory).
// The error, when not nil, is an Errors listing every problem found.
func LoadBytes(name string, data []byte, dir string, opt Options) (*Case, error) {
	d := &decoder{file: name, dir: dir}
	c := d.decode(data, opt)
	if len(d.errs) > 0 {
		return nil, d.errs
	}
	c.Source = name
	return c, nil
}

var topKeys = []string{"name", "description", "parameters", "gravity", "domain", "materials",
	"interactions", "contact", "geometry", "particles", "solver", "observables", "fluid"}

func (d *decoder) decode(data []byte, opt Options) *Case {
	root := d.parse(data)
	if root == nil {
		return nil
	}
	d.collectAnchors(root)
	top := d.mapping(root, "", nil)
	if top == nil {
		return nil
	}
	top.allow("a case file", topKeys...)
	d.fluidCase = top.has("fluid")

	c := &Case{
		Name:        top.str("name", strings.TrimSuffix(filepath.Base(d.file), filepath.Ext(d.file)), false),
		Description: top.str("description", "", false),
		Parameters:  d.parameters(top),
	}
	c.Values, c.Extrapolated = d.applySet(c.Parameters, opt)
	d.vars = c.Values

	c.Gravity = top.vector("gravity", r3.Vec{Z: -standardGravity}, false)
	c.Domain = d.domain(top)
	c.Materials = d.materials(top)
	c.Pairs = d.interactions(top, c.Materials)
	c.Contact = d.contact(top)
	if geo := top.child("geometry", false); geo != nil {
		geo.allow("the geometry section", "walls", "outlets")
		c.Walls = d.walls(geo, c.Materials)
		c.Outlets = d.outlets(geo)
	}
	c.Insertions = d.insertions(top, c.Materials, c.Domain)
	c.Solver = d.solver(top)
	c.Observables = d.observables(top, c.Outlets)
	c.Fluid = d.fluid(top)
	if c.Fluid != nil && !top.has("domain") {
		c.Domain = c.Fluid.fluidDomain()
	}
	return c
}

// syntaxHint returns a hint that names the likely cause of a YAML
// syntax error that the parser reported at line (1-based). The causes it
// looks for are a key without its ':', a quoted string left open and a
// key indented between two levels. The first two make the following
// lines read as part of that line, so the parser stops further down. It
// returns "" when no line looks wrong.
func syntaxHint(data []byte, line int) string {
	lines := strings.Split(string(data), "\n")
	if line < 2 || line > len(lines)+1 {
		return ""
	}
	// An open quote takes in every line up to the error, so any earlier
	// line may contain it. The nearest one is named.
	for i := line - 2; i >= 0; i-- {
		text := strings.TrimSpace(lines[i])
		_, value, ok := strings.Cut(strings.TrimPrefix(text, "- "), ": ")
		if !ok {
			value = strings.TrimPrefix(text, "- ")
		}
		value = strings.TrimSpace(value)
		if value == "" || (value[0] != '"' && value[0] != '\'') {
			continue
		}
		if q := value[0]; len(value) == 1 || !strings.Contains(value[1:], string(q)) {
			return fmt.Sprintf(" (line %d, `%s`, opens a quoted string that it does not close)", i+1, text)
		}
	}
	// A key without ':' is looked for on the error's line, then back to
	// the nearest line that reads as "key: value" or "key:".
	if text := strings.TrimSpace(stripComment(lines[line-1])); missingColon(text) {
		return fmt.Sprintf(" (line %d, `%s`, has no ':' after its key)", line, text)
	}
	if hint := dedentHint(lines, line); hint != "" {
		return hint
	}
	for i := line - 2; i >= max(0, line-40); i-- {
		text := strings.TrimSpace(stripComment(lines[i]))
		if text == "" {
			continue
		}
		item := strings.TrimPrefix(text, "- ")
		if strings.Contains(item, ": ") || strings.HasSuffix(item, ":") {
			return ""
		}
		if missingColon(text) {
			return fmt.Sprintf(" (line %d, `%s`, has no ':' after its key)", i+1, text)
		}
	}
	return ""
}

// dedentHint names a key on the error's line that starts left of the
// key on the nearest line above but lines up with no key of an enclosing
// mapping, so it belongs to none. A line that lines up with an enclosing
// key closes the mappings between, which is valid, and gets no hint.
func dedentHint(lines []string, line int) string {
	indent := func(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }
	content := func(s string) string { return strings.TrimSpace(stripComment(s)) }
	current := lines[line-1]
	if content(current) == "" {
		return ""
	}

	above := -1 // nearest content line above
	for i := line - 2; i >= 0; i-- {
		if content(lines[i]) != "" {
			above = i
			break
		}
	}
	if above < 0 || indent(current) >= indent(lines[above]) {
		return ""
	}

	// The enclosing keys are the lines above that start left of every
	// line between them and the error.
	least := indent(lines[above])
	for i := above - 1; i >= 0 && least > 0; i-- {
		if content(lines[i]) == "" || indent(lines[i]) >= least {
			continue
		}
		least = indent(lines[i])
		if least == indent(current) {
			return ""
		}
	}

	return fmt.Sprintf(" (line %d is indented %d spaces and line %d above it %d, and no enclosing key starts in column %d; keys of one mapping start in the same column)",
		line, indent(current), above+1, indent(lines[above]), indent(current)+1)
}

// missingColon reports whether a trimmed line without its comment reads
// as a key and a value with the ':' between them left out.
func missingColon(text string) bool {
	if text == "" || strings.HasPrefix(text, "-") || strings.Contains(text, ":") {
		return false
	}
	return !strings.ContainsAny(text[:1], "[{\"'") && strings.Contains(text, " ")
}

// stripComment removes a '#' comment that is not inside quotes.
func stripComment(s string) string {
	quote := rune(0)
	for i, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
		case r == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t'):
			return s[:i]
		}
	}
	return s
}

// parse parses data as a single YAML document and returns its body.
func (d *decoder) parse(data []byte) (root ast.Node) {
	defer func() {
		// The parser is fuzzed upstream; a panic there is still bad
		// input to the user, reported rather than crashing the command.
		if r := recover(); r != nil {
			d.errAt(nil, "", "the YAML parser failed: %v", r)
			root = nil
		}
	}()
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		var line, col int
		msg := err.Error()
		if se, ok := err.(interface {
			GetToken() *token.Token
			GetMessage() string
		}); ok {
			msg = se.GetMessage()
			if tk := se.GetToken(); tk != nil && tk.Position != nil {
				line, col = tk.Position.Line, tk.Position.Column
			}
		}
		d.errAtPos(max(line, 1), max(col, 1), "", "invalid YAML: "+msg+syntaxHint(data, line))
		return nil
	}
	var docs []*ast.DocumentNode
	for _, doc := range f.Docs {
		if doc != nil && doc.Body != nil {
			docs = append(docs, doc)
		}
	}
	switch len(docs) {
	case 0:
		d.errAt(nil, "", "the case file is empty; `neusim cases show %s` prints a complete example", DefaultCase)
		return nil
	case 1:
		return docs[0].Body
	}
	d.errAt(docs[1], "", "a case file holds one YAML document, this one has %d", len(docs))
	return nil
}
