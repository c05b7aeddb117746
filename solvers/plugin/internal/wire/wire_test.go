package wire

import (
	"reflect"
	"strings"
	"testing"

	"github.com/neusim/neusim/cases"
)

// Every embedded case, particle and fluid, must arrive in the plugin equal
// to the host's, because the plugin never receives the YAML.
func TestCaseRoundTrip(t *testing.T) {
	list := cases.List()
	if len(list) == 0 {
		t.Fatal("cases.List returned no embedded cases")
	}
	for _, s := range list {
		c, err := cases.Load(s.Name, cases.Options{})
		if err != nil {
			t.Fatalf("load %s: %v", s.Name, err)
		}
		c.Solver.Duration *= 0.5 // a change made after loading must cross too
		data, err := EncodeCase(c)
		if err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		got, err := DecodeCase(data)
		if err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("%s: decoded case differs from the encoded one", s.Name)
		}
	}
}

func TestDecodeCaseUnknownField(t *testing.T) {
	_, err := DecodeCase([]byte(`{"Name": "x", "Viscosity2": 1}`))
	if err == nil || !strings.Contains(err.Error(), "Viscosity2") {
		t.Errorf("DecodeCase with an unknown field: error = %v, want one naming Viscosity2", err)
	}
}
