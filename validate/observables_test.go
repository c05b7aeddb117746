package validate

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
)

func frameOf(t float64, pos, vel, omega []r3.Vec, radius, mass []float64) *particles.Frame {
	n := len(pos)
	f := &particles.Frame{Time: t, Pos: pos, Vel: vel, Omega: omega, Radius: radius, Mass: mass}
	f.ID = make([]int64, n)
	f.Material = make([]int32, n)
	for i := range f.ID {
		f.ID[i] = int64(i)
	}
	return f
}

func TestKineticEnergySolidSpheres(t *testing.T) {
	// One sphere translating and one spinning: E = 1/2 m v^2 + 1/2 (2/5 m r^2) w^2.
	f := frameOf(0,
		[]r3.Vec{{}, {X: 1}},
		[]r3.Vec{{X: 3, Y: 4}, {}},
		[]r3.Vec{{}, {Z: 10}},
		[]float64{0.01, 0.02},
		[]float64{2, 3},
	)
	want := 0.5*2*25 + 0.5*(0.4*3*0.02*0.02)*100
	if got := KineticEnergy(f); math.Abs(got-want) > 1e-12*want {
		t.Errorf("KineticEnergy = %v, want %v", got, want)
	}
}

func TestCenterOfMassWeighted(t *testing.T) {
	f := frameOf(0,
		[]r3.Vec{{X: 0}, {X: 4}},
		make([]r3.Vec, 2), make([]r3.Vec, 2),
		[]float64{1, 1}, []float64{1, 3},
	)
	if got := CenterOfMass(f); got != (r3.Vec{X: 3}) {
		t.Errorf("CenterOfMass = %v, want {3 0 0}", got)
	}
	empty := &particles.Frame{}
	if got := CenterOfMass(empty); !math.IsNaN(got.X) {
		t.Errorf("CenterOfMass of an empty frame = %v, want NaN", got)
	}
}

func TestFlowSummaryLinearDischarge(t *testing.T) {
	// Constant rate W = 0.5 kg/s from t = 1 s until 10 kg have left,
	// then nothing: the steady-window slope is W exactly and 95% of the
	// inventory has left 0.95*10/0.5 = 19 s after the first exit.
	const rate, inventory, dt = 0.5, 10.0, 0.01
	var ts, ms []float64
	for i := 0; i <= 3000; i++ {
		t := float64(i) * dt
		m := math.Min(inventory, math.Max(0, rate*(t-1)))
		ts = append(ts, t)
		ms = append(ms, m)
	}
	s := FlowSummary(ts, ms, inventory)
	if got := s["mass_flow_rate"].Value; math.Abs(got-rate) > 1e-9 {
		t.Errorf("mass_flow_rate = %v kg/s, want %v", got, rate)
	}
	if got := s["discharged_mass"].Value; got != inventory {
		t.Errorf("discharged_mass = %v kg, want %v", got, inventory)
	}
	// The first frame with mass is one step after t = 1 s, and the
	// 95% frame is within one step of t = 20 s.
	if got := s["discharge_time"].Value; math.Abs(got-19) > 2*dt {
		t.Errorf("discharge_time = %v s, want 19 s within two frames", got)
	}
}

func TestFlowSummaryNoDischarge(t *testing.T) {
	s := FlowSummary([]float64{0, 1, 2}, []float64{0, 0, 0}, 5)
	if _, ok := s["mass_flow_rate"]; ok {
		t.Errorf("mass_flow_rate present without discharge: %v", s)
	}
	if _, ok := s["discharge_time"]; ok {
		t.Errorf("discharge_time present without discharge: %v", s)
	}
}

func TestPlaneCrossingNetMass(t *testing.T) {
	c := &cases.Case{Observables: []cases.Observable{{
		Name: "down", Type: cases.ObsPlaneMass, Normal: r3.Vec{Z: -1},
	}}}
	r := NewRecorder(c)
	zero := make([]r3.Vec, 2)
	radius := []float64{1, 1}
	mass := []float64{2, 5}

	// Both above the plane z = 0, then particle 0 falls through, then
	// particle 1 falls through and particle 0 bounces back up.
	steps := [][]r3.Vec{
		{{Z: 1}, {Z: 1}},
		{{Z: -1}, {Z: 1}},
		{{Z: 1}, {Z: -1}},
	}
	want := []float64{0, 2, 5}
	for k, pos := range steps {
		if err := r.WriteFrame(frameOf(float64(k), pos, zero, zero, radius, mass)); err != nil {
			t.Fatal(err)
		}
		if got := r.Series()[0].Values[k]; got != want[k] {
			t.Errorf("frame %d: net crossed mass = %v kg, want %v", k, got, want[k])
		}
	}
}

func TestBeverlooScaling(t *testing.T) {
	// Doubling the effective outlet size D - k d multiplies the circular
	// rate by 2^(5/2) and the slot rate by 2^(3/2).
	d := 0.002
	w1 := BeverlooCircular(BeverlooC, BeverlooK, 1500, 9.81, 0.02+BeverlooK*d, d)
	w2 := BeverlooCircular(BeverlooC, BeverlooK, 1500, 9.81, 0.04+BeverlooK*d, d)
	if got, want := w2/w1, math.Pow(2, 2.5); math.Abs(got-want) > 1e-12 {
		t.Errorf("circular ratio = %v, want %v", got, want)
	}
	s1 := BeverlooSlot(BeverlooC, BeverlooK, 1500, 9.81, 0.02+BeverlooK*d, 0.1, d)
	s2 := BeverlooSlot(BeverlooC, BeverlooK, 1500, 9.81, 0.04+BeverlooK*d, 0.1, d)
	if got, want := s2/s1, math.Pow(2, 1.5); math.Abs(got-want) > 1e-12 {
		t.Errorf("slot ratio = %v, want %v", got, want)
	}
}

func TestLostParticlesExcludeOutlets(t *testing.T) {
	c := &cases.Case{}
	r := NewRecorder(c)
	frame := func(ids []int64, outlet int64) *particles.Frame {
		n := len(ids)
		f := frameOf(0, make([]r3.Vec, n), make([]r3.Vec, n), make([]r3.Vec, n), make([]float64, n), make([]float64, n))
		f.ID = ids
		f.OutletCount = []int64{outlet}
		return f
	}
	// Four particles; 2 leaves through the outlet, then 3 vanishes
	// without an outlet count, and 7 is poured in.
	for _, f := range []*particles.Frame{
		frame([]int64{1, 2, 3, 4}, 0),
		frame([]int64{1, 3, 4}, 1),
		frame([]int64{1, 4, 7}, 1),
	} {
		if err := r.WriteFrame(f); err != nil {
			t.Fatal(err)
		}
	}
	if got := r.LostParticles(); got != 1 {
		t.Errorf("LostParticles = %d, want 1", got)
	}
}

func TestFlowSummaryWarnsWhileFlowing(t *testing.T) {
	// The linear discharge of TestFlowSummaryLinearDischarge cut at
	// t = 3 s, with 1 kg of 10 kg discharged: the rate gets a warning.
	// The full series, which empties, gets none.
	const rate, inventory, dt = 0.5, 10.0, 0.01
	var ts, ms []float64
	for i := 0; i <= 3000; i++ {
		t := float64(i) * dt
		ts = append(ts, t)
		ms = append(ms, math.Min(inventory, math.Max(0, rate*(t-1))))
	}
	cut := FlowSummary(ts[:301], ms[:301], inventory)
	w := cut["mass_flow_rate"].Warning
	if !strings.Contains(w, "still leaving") {
		t.Errorf("warning of a run cut during discharge = %q, want one saying particles were still leaving", w)
	}
	if !strings.Contains(w, "10% of the initial mass") {
		t.Errorf("warning of a run cut during discharge = %q, want the discharged share, 10%% of the initial mass", w)
	}
	if w := FlowSummary(ts, ms, inventory)["mass_flow_rate"].Warning; w != "" {
		t.Errorf("warning of a finished discharge = %q, want none", w)
	}

	// A bin that keeps a dead zone: the flow stops at 60% of the
	// inventory and the run goes on, so the rate is steady.
	var stopped []float64
	for _, m := range ms {
		stopped = append(stopped, math.Min(m, 0.6*inventory))
	}
	if w := FlowSummary(ts, stopped, inventory)["mass_flow_rate"].Warning; w != "" {
		t.Errorf("warning of a discharge that stopped at 60%% = %q, want none", w)
	}
}
