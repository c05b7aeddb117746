package pipeline

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
)

// linearDischarge returns a record of a hopper that discharges mass m at
// rate w from t0 on, sampled every dt up to t1, with one particle per
// frame at height z(t) = -w t.
func linearDischarge(m, w, t0, t1, dt float64, field float64) *runRecord {
	r := &runRecord{initialMass: m}
	for i := 0; ; i++ {
		t := float64(i) * dt
		if t > t1+1e-12 {
			break
		}
		out := math.Min(m, math.Max(0, (t-t0)*w))
		r.time = append(r.time, t)
		r.discharged = append(r.discharged, out)
		r.kinetic = append(r.kinetic, 0)
		r.fields = append(r.fields, []float64{field, field, 0})
		r.ids = append(r.ids, []int64{1, 2})
		r.pos = append(r.pos, []r3.Vec{{Z: -w * t}, {Z: 1}})
	}
	return r
}

func TestCompareRecordsErrors(t *testing.T) {
	// DEM: 1 kg at 0.5 kg/s from 0.1 s, empties in 2 s. Surrogate:
	// 0.4 kg/s, 2.5 s. Discharge time is to 95 %: 1.9 s and 2.375 s,
	// sampled every 0.005 s, so both fall on frames to rounding.
	d := linearDischarge(1, 0.5, 0.1, 3, 0.005, 0.5)
	s := linearDischarge(1, 0.4, 0.1, 3, 0.005, 0.6)
	rep := compareRecords(d, s, 0.1, 0.002)

	check := func(name string, got *float64, want, tol float64) {
		t.Helper()
		if got == nil {
			t.Errorf("%s is missing, want %g", name, want)
			return
		}
		if math.Abs(*got-want) > tol {
			t.Errorf("%s = %g, want %g ± %g", name, *got, want, tol)
		}
	}
	check("DEM mass flow rate", rep.MassFlowRateDEM, 0.5, 1e-9)
	check("surrogate mass flow rate", rep.MassFlowRateSurrogate, 0.4, 1e-9)
	check("mass flow rate error", rep.MassFlowRateError, 0.2, 1e-9)
	// The first discharged frame is one step after t0 and the 95 % frame
	// is the first at or above it, so each time is within one step.
	check("DEM discharge time", rep.DischargeTimeDEM, 1.9, 0.0051)
	check("discharge time error", rep.DischargeTimeError, 0.25, 0.006)
	// The fields differ by 0.1 on two nodes, and the DEM field at the
	// handover has norm 0.5·√2: 0.2 relative.
	check("field error", rep.FieldError, 0.2, 1e-12)
	// Particle 1 is apart by 0.1·t m, particle 2 not: RMS 0.1·t/√2.
	last := len(rep.PositionError.Time) - 1
	tl := rep.PositionError.Time[last]
	if got, want := rep.PositionError.Value[last], 0.1*tl/math.Sqrt2/0.002; math.Abs(got-want) > 1e-9*want {
		t.Errorf("position error at %g s = %g diameters, want %g", tl, got, want)
	}
}

func TestCompareRecordsMissingDischarge(t *testing.T) {
	// Neither run empties within 1 s: no discharge time, so no error.
	d := linearDischarge(1, 0.5, 0.1, 1, 0.01, 0.5)
	s := linearDischarge(1, 0.4, 0.1, 1, 0.01, 0.5)
	rep := compareRecords(d, s, 0.1, 0.002)
	if rep.DischargeTimeError != nil {
		t.Errorf("discharge time error %g, want none", *rep.DischargeTimeError)
	}
	if rep.MassFlowRateError == nil {
		t.Error("mass flow rate error missing")
	}
	// Both still discharge at 1 s, so both rates carry a warning, which
	// the Markdown report repeats.
	if len(rep.Warnings) != 2 {
		t.Fatalf("warnings %q, want one for each run's flow rate", rep.Warnings)
	}
	if !strings.HasPrefix(rep.Warnings[0], "DEM mass flow rate: ") {
		t.Errorf("first warning %q, want the DEM flow rate's", rep.Warnings[0])
	}
	if !strings.HasPrefix(rep.Warnings[1], "surrogate mass flow rate: ") {
		t.Errorf("second warning %q, want the surrogate flow rate's", rep.Warnings[1])
	}
	if md := rep.Markdown(); !strings.Contains(md, "**Warning:** "+rep.Warnings[0]) {
		t.Errorf("the Markdown report omits the warning %q", rep.Warnings[0])
	}

	// Runs that empty get no warning.
	full := compareRecords(linearDischarge(1, 0.5, 0.1, 3, 0.005, 0.5), linearDischarge(1, 0.4, 0.1, 3, 0.005, 0.5), 0.1, 0.002)
	if len(full.Warnings) != 0 {
		t.Errorf("warnings %q for runs that empty, want none", full.Warnings)
	}
}

func TestCompareTinyReport(t *testing.T) {
	model, _ := trainTiny(t)
	dir := t.TempDir()
	rep, err := Compare(context.Background(), tinyCase, []string{"outlet_diameter=0.0095"}, model, dir, CompareOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"mass_flow_rate_error", "discharge_time_error", "field_error", "wall_time_dem_s", "wall_time_surrogate_s", "speedup"} {
		if _, ok := m[k]; !ok {
			t.Errorf("report.json has no %s", k)
		}
	}
	for _, f := range []string{"report.md", "discharged_mass.png", "mass_flow_rate.png", "kinetic_energy.png", "field_error.png", "position_error.png"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	if !(rep.WallTimeDEM > 0 && rep.WallTimeSurrogate > 0 && rep.Speedup == rep.WallTimeDEM/rep.WallTimeSurrogate) {
		t.Errorf("wall times %g s and %g s, speed-up %g", rep.WallTimeDEM, rep.WallTimeSurrogate, rep.Speedup)
	}
	// Both runs start from the same DEM state, so the fields agree at the
	// handover to rounding.
	if len(rep.FieldErrorT.Value) == 0 || rep.FieldErrorT.Value[0] > 1e-12 {
		t.Errorf("field error at the handover %v, want 0", rep.FieldErrorT.Value)
	}

	// A run that ends before the handover compares nothing.
	_, err = Compare(context.Background(), tinyCase, nil, model, t.TempDir(), CompareOptions{Workers: 2, Duration: 0.01})
	if err == nil || !strings.Contains(err.Error(), "takes over from DEM only at") {
		t.Errorf("compare for 0.01 s: %v, want an error naming the handover", err)
	}

	// A model of another case is refused before DEM runs, so no report
	// folder is made.
	other := filepath.Join(t.TempDir(), "other")
	_, err = Compare(context.Background(), "hopper", nil, model, other, CompareOptions{Workers: 2})
	if err == nil || !strings.Contains(err.Error(), `trained on case "tiny_hopper", not "hopper"`) {
		t.Errorf("compare hopper with the tiny model: %v, want an error naming both cases", err)
	}
	if _, err := os.Stat(other); err == nil {
		t.Errorf("compare with a model of another case made %s", other)
	}
}

func TestCompareStrideTwoModel(t *testing.T) {
	_, data := trainTiny(t)
	model := filepath.Join(t.TempDir(), "stride2.safetensors")
	trainTinyWith(t, data, model, Settings{Grouping: groupingTarget(16), Stride: 2, Chunk: 6, ChunkStride: 1})
	c, err := cases.Load(tinyCase, cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Compare(context.Background(), tinyCase, nil, model, t.TempDir(), CompareOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}

	// A model that steps two output intervals at once is compared on
	// frames two output intervals apart, the same times in both runs.
	want := 2 * c.Solver.OutputInterval
	for name, ts := range map[string][]float64{"DEM": rep.DischargedDEM.Time, "surrogate": rep.DischargedSurrogate.Time} {
		if len(ts) < 3 {
			t.Fatalf("%s series has %d points, want at least 3", name, len(ts))
		}
		if got := ts[len(ts)-1] - ts[len(ts)-2]; math.Abs(got-want) > 1e-9 {
			t.Errorf("%s frames %g s apart at the end, want %g s", name, got, want)
		}
	}
	if a, b := rep.DischargedDEM.Time, rep.DischargedSurrogate.Time; len(a) != len(b) || math.Abs(a[len(a)-1]-b[len(b)-1]) > 1e-9 {
		t.Errorf("DEM series ends at %g s after %d points, surrogate at %g s after %d", a[len(a)-1], len(a), b[len(b)-1], len(b))
	}
}

func TestFieldErrorScale(t *testing.T) {
	// The DEM field empties after the handover while the surrogate keeps
	// its material: the error is scaled by the field at the handover.
	d := linearDischarge(1, 0.5, 0.1, 0.2, 0.1, 0.5)
	s := linearDischarge(1, 0.5, 0.1, 0.2, 0.1, 0.5)
	d.fields[2] = []float64{0, 0, 0}
	rep := compareRecords(d, s, 0.1, 0.002)
	want := []float64{0, 1}
	if len(rep.FieldErrorT.Value) != 2 {
		t.Fatalf("field error series %v, want %v", rep.FieldErrorT.Value, want)
	}
	for i, w := range want {
		if math.Abs(rep.FieldErrorT.Value[i]-w) > 1e-12 {
			t.Errorf("field error at %g s = %g, want %g", rep.FieldErrorT.Time[i], rep.FieldErrorT.Value[i], w)
		}
	}
}

func TestFormatValuesSortedNames(t *testing.T) {
	if got, want := FormatValues(map[string]float64{"outlet_diameter": 0.016, "friction": 0.3}), "friction = 0.3, outlet_diameter = 0.016"; got != want {
		t.Errorf("FormatValues = %q, want %q", got, want)
	}
	if got := FormatValues(nil); got != "none" {
		t.Errorf("FormatValues(nil) = %q, want none", got)
	}
}
