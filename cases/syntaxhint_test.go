package cases

import (
	"strconv"
	"strings"
	"testing"
)

// TestSyntaxErrorNamesCause breaks the embedded hopper in ways that the
// YAML parser notices lines after the cause, and checks that the error
// names the line of the cause.
func TestSyntaxErrorNamesCause(t *testing.T) {
	src, err := EmbeddedYAML("hopper")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"key without colon", "    default: 0.015\n", "    default 0.015\n", "`default 0.015`, has no ':' after its key"},
		{"open double quote", "    description: diameter of the circular orifice", `    description: "diameter of the circular orifice`, "opens a quoted string that it does not close"},
		{"open single quote", "description: shallow conical", "description: 'shallow conical", "opens a quoted string that it does not close"},
		{"open quote far above", "    description: sliding friction", `    description: "sliding friction`, "opens a quoted string that it does not close"},
		{"colon missing on the error line", "    poisson: 0.22\n", "    poisson 0.22\n", "`poisson 0.22`, has no ':' after its key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(string(src), tc.old) {
				t.Fatalf("the hopper case has no %q to break", tc.old)
			}
			bad := strings.Replace(string(src), tc.old, tc.new, 1)
			causeLine := 1 + strings.Count(bad[:strings.Index(bad, tc.new)], "\n")
			_, err := LoadBytes("bad.yaml", []byte(bad), "", Options{})
			if err == nil {
				t.Fatal("the broken case loaded")
			}
			msg := err.Error()
			if !strings.Contains(msg, "invalid YAML") || !strings.Contains(msg, tc.want) {
				t.Errorf("error %q; want an invalid-YAML error containing %q", msg, tc.want)
			}
			if want := "(line " + strconv.Itoa(causeLine) + ","; !strings.Contains(msg, want) {
				t.Errorf("error %q does not name line %d, where the cause is", msg, causeLine)
			}
		})
	}
}

// TestSyntaxHintQuietOnValidLines checks that well-formed lines before an
// error give no hint, so that the hint does not send users to a line
// that is fine.
func TestSyntaxHintQuietOnValidLines(t *testing.T) {
	src := "name: x\ndescription: \"quoted: with colon\" # note 'a\nitems:\n  - one two\n  - [1, 2]\nlabel: it's fine\nbroken: ]\n"
	if h := syntaxHint([]byte(src), 7); h != "" {
		t.Errorf("syntaxHint = %q; want none", h)
	}
}

// TestSyntaxErrorNamesDedentedKey dedents one key of a material by one
// space, which the parser reports without saying why, and checks that
// the error names the line and both indentations.
func TestSyntaxErrorNamesDedentedKey(t *testing.T) {
	src, err := EmbeddedYAML("hopper")
	if err != nil {
		t.Fatal(err)
	}
	const old, dedented = "    poisson: 0.22\n", "   poisson: 0.22\n"
	if !strings.Contains(string(src), old) {
		t.Fatalf("the hopper case has no %q to break", old)
	}
	bad := strings.Replace(string(src), old, dedented, 1)
	line := 1 + strings.Count(bad[:strings.Index(bad, dedented)], "\n")
	_, err = LoadBytes("bad.yaml", []byte(bad), "", Options{})
	if err == nil {
		t.Fatal("the broken case loaded")
	}
	want := "(line " + strconv.Itoa(line) + " is indented 3 spaces and line " + strconv.Itoa(line-1) + " above it 4,"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q; want the hint %q", err, want)
	}
}

// TestDedentHintQuietOnClosingKey checks that a key which lines up with
// an enclosing key, and so validly closes a mapping, gets no dedent hint
// when the parser reports another error on its line.
func TestDedentHintQuietOnClosingKey(t *testing.T) {
	src := "materials:\n  glass:\n    density: 2500\nsolver: ]\n"
	if h := dedentHint(strings.Split(src, "\n"), 4); h != "" {
		t.Errorf("dedentHint = %q; want none for a key in column 1", h)
	}
	src = "materials:\n  glass:\n    density: 2500\n  steel: ]\n"
	if h := dedentHint(strings.Split(src, "\n"), 4); h != "" {
		t.Errorf("dedentHint = %q; want none for a key that lines up with glass", h)
	}
	src = "materials:\n  glass:\n    density: 2500\n # a comment\n   poisson: 0.2\n"
	if h := dedentHint(strings.Split(src, "\n"), 5); !strings.Contains(h, "line 5 is indented 3 spaces and line 3 above it 4") {
		t.Errorf("dedentHint = %q; want one naming lines 5 and 3", h)
	}
}
