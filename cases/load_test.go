package cases

import (
	"testing"
)

// TestEmbeddedCasesLoad loads every embedded case with its defaults and
// checks the invariants solvers rely on.
func TestEmbeddedCasesLoad(t *testing.T) {
	for _, name := range embeddedNames() {
		t.Run(name, func(t *testing.T) {
			c, err := Load(name, Options{})
			if err != nil {
				t.Fatalf("Load(%q): %v", name, err)
			}
			if c.Name != name {
				t.Errorf("Name = %q, want %q", c.Name, name)
			}
			if c.Source != "embedded:"+name+".yaml" {
				t.Errorf("Source = %q", c.Source)
			}
			if len(c.Values) != len(c.Parameters) {
				t.Errorf("%d values for %d parameters", len(c.Values), len(c.Parameters))
			}
			for _, p := range c.Parameters {
				if c.Values[p.Name] != p.Default {
					t.Errorf("Values[%s] = %g, want the default %g", p.Name, c.Values[p.Name], p.Default)
				}
			}
			if c.Fluid != nil {
				if err := checkFluid(c.Fluid); err != nil {
					t.Error(err)
				}
				return
			}
			if len(c.Insertions) == 0 || len(c.Materials) == 0 || c.Solver.Duration <= 0 {
				t.Errorf("incomplete case: %d insertions, %d materials, duration %g",
					len(c.Insertions), len(c.Materials), c.Solver.Duration)
			}
		})
	}
}

func TestDefaultCaseIsEmbedded(t *testing.T) {
	if _, err := EmbeddedYAML(DefaultCase); err != nil {
		t.Fatal(err)
	}
}
