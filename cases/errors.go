package cases

import (
	"fmt"
	"strings"
)

// Error is one problem with a case file or an override. It names the
// file, the position of the offending YAML node, the field path, the
// value and what is allowed, for example
//
//	hopper.yaml:14:14: materials.glass.poisson: 0.7 is out of range: Poisson's ratio must be in [0, 0.5)
//
// Line and Column are 1-based and zero for problems without a position in
// the file, such as a bad --set override.
type Error struct {
	File         string
	Line, Column int
	Path         string // field path such as "geometry.walls[2].radius", or "--set name=value"
	Msg          string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
		}
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// maxErrors bounds how many problems one load reports, so that a file of
// the wrong kind does not bury the first, usually most telling, error.
const maxErrors = 20

// Errors is every problem found while loading one case, in the order met.
// Load returns it as its error; errors.As finds the first *Error in it.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, 0, len(es)+1)
	for i, e := range es {
		if i == maxErrors {
			lines = append(lines, fmt.Sprintf("... and %d more errors", len(es)-maxErrors))
			break
		}
		lines = append(lines, e.Error())
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.Is and errors.As look at each problem.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}
