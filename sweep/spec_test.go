package sweep

import (
	"math"
	"strings"
	"testing"

	"github.com/neusim/neusim/cases"
)

func TestParseAxisRangeAndList(t *testing.T) {
	a, err := ParseAxis("outlet_diameter=0.02:0.05:7")
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "outlet_diameter" || len(a.Values) != 7 {
		t.Fatalf("got %+v, want 7 values of outlet_diameter", a)
	}
	if a.Values[0] != 0.02 || math.Abs(a.Values[6]-0.05) > 1e-15 || math.Abs(a.Values[1]-0.025) > 1e-15 {
		t.Errorf("range values = %v, want 0.02, 0.025, ..., 0.05", a.Values)
	}
	b, err := ParseAxis("friction=0.2,0.35,0.5")
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Values) != 3 || b.Values[1] != 0.35 {
		t.Errorf("list values = %v, want [0.2 0.35 0.5]", b.Values)
	}
}

func TestParseAxisErrors(t *testing.T) {
	for _, tc := range []struct{ spec, want string }{
		{"friction", "NAME=LO:HI:N"},
		{"=1,2", "NAME=LO:HI:N"},
		{"friction=0.1:0.5", "three fields"},
		{"friction=0.1:0.5:0", "at least 1"},
		{"friction=0.5:0.1:3", "above HI"},
		{"friction=0.1:0.5:1", "one point cannot span 0.1 to 0.5"},
		{"friction=0.1,abc", `"abc" is not a finite number`},
		{"friction=0.1,NaN", "not a finite number"},
	} {
		_, err := ParseAxis(tc.spec)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseAxis(%q) error = %v, want it to contain %q", tc.spec, err, tc.want)
		}
	}
}

func testCase() *cases.Case {
	return &cases.Case{Name: "hopper", Parameters: []cases.Parameter{
		{Name: "outlet_diameter", Min: 0.012, Max: 0.024, Unit: "m"},
		{Name: "friction", Min: 0.1, Max: 0.6, Unit: "1"},
	}}
}

func TestCheckAxesErrors(t *testing.T) {
	c := testCase()
	for _, tc := range []struct {
		axes []Axis
		want string
	}{
		{nil, "sweep is empty"},
		{[]Axis{{Name: "outlet_diamter", Values: []float64{0.02}}}, `did you mean "outlet_diameter"`},
		{[]Axis{{Name: "outlet_diameter", Values: []float64{0.05}}}, "outside the case's range [0.012, 0.024]"},
		{[]Axis{{Name: "friction", Values: []float64{0.2}}, {Name: "friction", Values: []float64{0.3}}}, "swept twice"},
	} {
		err := CheckAxes(c, tc.axes, false)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckAxes(%v) error = %v, want it to contain %q", tc.axes, err, tc.want)
		}
	}
	if err := CheckAxes(c, []Axis{{Name: "outlet_diameter", Values: []float64{0.05}}}, true); err != nil {
		t.Errorf("CheckAxes with extrapolation allowed: %v", err)
	}
}

func TestGridOrderAndSize(t *testing.T) {
	vs := Grid([]Axis{{Name: "a", Values: []float64{1, 2}}, {Name: "b", Values: []float64{10, 20, 30}}})
	if len(vs) != 6 {
		t.Fatalf("grid has %d variants, want 6", len(vs))
	}
	want := [][2]float64{{1, 10}, {1, 20}, {1, 30}, {2, 10}, {2, 20}, {2, 30}}
	for i, v := range vs {
		if v.Index != i || v.Values["a"] != want[i][0] || v.Values["b"] != want[i][1] {
			t.Errorf("variant %d = %+v, want index %d, a=%v, b=%v", i, v, i, want[i][0], want[i][1])
		}
	}
}

func TestLatinHypercubeStrata(t *testing.T) {
	ranges := []Range{{"a", 0, 1}, {"b", -5, 5}, {"c", 100, 200}}
	const n = 50
	vs, err := LatinHypercube(ranges, n, 7)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ranges {
		hits := make([]int, n)
		for _, v := range vs {
			x := v.Values[r.Name]
			if x < r.Min || x > r.Max {
				t.Fatalf("%s = %v outside [%v, %v]", r.Name, x, r.Min, r.Max)
			}
			k := min(int((x-r.Min)/(r.Max-r.Min)*n), n-1)
			hits[k]++
		}
		for k, h := range hits {
			if h != 1 {
				t.Errorf("%s: stratum %d holds %d samples, want exactly 1", r.Name, k, h)
			}
		}
	}
	again, _ := LatinHypercube(ranges, n, 7)
	for i := range vs {
		for _, r := range ranges {
			if vs[i].Values[r.Name] != again[i].Values[r.Name] {
				t.Fatalf("same seed gave a different sample %d", i)
			}
		}
	}
	other, _ := LatinHypercube(ranges, n, 8)
	if other[0].Values["a"] == vs[0].Values["a"] {
		t.Errorf("seeds 7 and 8 gave the same first sample")
	}
}

func TestSpreadIndices(t *testing.T) {
	for _, tc := range []struct {
		n, k int
		want []int
	}{
		{50, 3, []int{0, 25, 49}},
		{10, 1, []int{0}},
		{4, 9, []int{0, 1, 2, 3}},
		{7, 2, []int{0, 6}},
		{7, 0, nil},
	} {
		got := SpreadIndices(tc.n, tc.k)
		if len(got) != len(tc.want) {
			t.Errorf("SpreadIndices(%d, %d) = %v, want %v", tc.n, tc.k, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("SpreadIndices(%d, %d) = %v, want %v", tc.n, tc.k, got, tc.want)
				break
			}
		}
	}
}
