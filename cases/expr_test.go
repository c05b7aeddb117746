package cases

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestEvalExpr(t *testing.T) {
	vars := map[string]float64{"d": 0.018, "mu": 0.3, "n_2": 7}
	d, mu, n2 := vars["d"], vars["mu"], vars["n_2"]
	for _, tc := range []struct {
		src  string
		want float64
	}{
		{"1", 1},
		{"  2.5e-3 ", 2.5e-3},
		{".5", .5},
		{"1E3", 1e3},
		{"7.", 7.},
		{"${d}", d},
		{"${ d }", d},
		{"${d} / 2", d / 2},
		{"-${d}/2", -d / 2},
		{"1 - 2 - 3", 1 - 2 - 3},
		{"8 / 4 / 2", 8.0 / 4 / 2},
		{"2 + 3 * 4", 2 + 3*4},
		{"(2 + 3) * 4", (2 + 3) * 4},
		{"2 * -3", 2 * -3},
		{"--2", 2},
		{"+-+2", -2},
		{"-(1 + ${mu}) * ${n_2}", -(1 + mu) * n2},
		{"1e-3 * (${n_2} - 1.5 * 2) / 3e2", 1e-3 * (n2 - 1.5*2) / 3e2},
		{"sqrt(2)", math.Sqrt(2)},
		{"sin(pi / 6) + cos(0)", math.Sin(math.Pi/6) + math.Cos(0)},
		{"round(2.5) + floor(-1.5) + ceil(1.2)", math.Round(2.5) + math.Floor(-1.5) + math.Ceil(1.2)},
		{"pow(2, 10) - max(1, ${mu}) + min(1, ${mu})", math.Pow(2, 10) - math.Max(1, mu) + math.Min(1, mu)},
		{"4 / 3 * pi * 0.001 * 0.001 * 0.001", 4.0 / 3 * math.Pi * 0.001 * 0.001 * 0.001},
		{"atan(1) * 4", math.Atan(1) * 4},
	} {
		got, err := evalExpr(tc.src, vars)
		if err != nil {
			t.Errorf("evalExpr(%q): %v", tc.src, err)
			continue
		}
		if got != tc.want {
			t.Errorf("evalExpr(%q) = %v, want %v", tc.src, got, tc.want)
		}
	}
}

func TestEvalExprErrors(t *testing.T) {
	vars := map[string]float64{"outlet_diameter": 0.018, "friction": 0.3}
	for _, tc := range []struct {
		src  string
		pos  int
		want string
	}{
		{"", 0, "expression ends"},
		{"1 +", 3, "expression ends"},
		{"(1 + 2", 6, "missing ) to close the ( at offset 0"},
		{"1 2", 2, `unexpected "2" after a complete expression`},
		{"1 / (2 - 2)", 2, "division by zero"},
		{"sqrt(-1)", 0, "sqrt(-1) is not a finite number"},
		{"log(0)", 0, "log(0) is not a finite number"},
		{"1e400", 0, `"1e400" is not a valid number`},
		{"1e308 * 10", 6, "overflows"},
		{"1e308 + 1e308", 0, "not a finite number"},
		{"${outlet_diam} / 2", 0, `undefined parameter "outlet_diam" (did you mean "outlet_diameter"?); defined parameters: friction, outlet_diameter`},
		{"2 * ${friction", 4, "missing } to close"},
		{"$friction", 0, "written ${name}"},
		{"friction * 2", 0, "write the parameter friction as ${friction}"},
		{"sqr(2)", 0, `unknown name "sqr" (did you mean "sqrt"?)`},
		{"sqrt 2", 5, "needs ( after its name"},
		{"pow(2)", 0, "pow takes 2 argument(s), got 1"},
		{"sqrt(1, 2)", 0, "sqrt takes 1 argument(s), got 2"},
		{"max(1, 2", 8, "missing ) to close the call of max"},
		{"2 # 3", 2, `unexpected "# 3"`},
		{"18 mm", 3, `unexpected "mm" after a complete expression: values are plain numbers in SI units`},
		{strings.Repeat("(", 200) + "1" + strings.Repeat(")", 200), 100, "nested deeper than 100"},
		{strings.Repeat("-", 200) + "1", 100, "nested deeper than 100"},
	} {
		_, err := evalExpr(tc.src, vars)
		var ee *exprError
		if !errors.As(err, &ee) {
			t.Errorf("evalExpr(%q): error %v, want an *exprError", tc.src, err)
			continue
		}
		if ee.Pos != tc.pos || !strings.Contains(ee.Msg, tc.want) {
			t.Errorf("evalExpr(%q): error at %d %q, want at %d containing %q", tc.src, ee.Pos, ee.Msg, tc.pos, tc.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	keys := []string{"density", "youngs_modulus", "poisson", "restitution", "friction", "rolling_friction"}
	for _, tc := range []struct{ word, want string }{
		{"fricton", "friction"},
		{"Density", "density"},
		{"youngs_moduls", "youngs_modulus"},
		{"rolling_frction", "rolling_friction"},
		{"poison", "poisson"},
		{"colour", ""},
		{"x", ""},
	} {
		if got := suggest(tc.word, keys); got != tc.want {
			t.Errorf("suggest(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}
