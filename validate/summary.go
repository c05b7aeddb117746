package validate

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"

	"github.com/neusim/neusim/cases"
)

// Value is a summary number with its SI unit.
type Value struct {
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
	Note  string  `json:"note,omitempty"`

	// Warning explains why the value may mislead, for example a flow rate
	// taken before the flow was steady. The command line prints it.
	Warning string `json:"warning,omitempty"`
}

// Steady-flow window: the mean mass flow rate is the slope of a
// least-squares line through discharged mass against time, over the
// frames in which the discharged mass lies between these fractions of the
// run's final discharged mass. This excludes the start-up after a gate
// opens and the tail when the hopper runs empty, as in hopper discharge
// studies that fit Beverloo's law.
const (
	steadyLow  = 0.2
	steadyHigh = 0.8
)

// dischargedFraction is the fraction of the initial particle mass whose
// exit marks the end of discharge.
const dischargedFraction = 0.95

// Summarize derives summary values from the recorded series, keyed by
// "<observable>.<quantity>", for example "discharge.mass_flow_rate".
func (r *Recorder) Summarize() map[string]Value {
	out := map[string]Value{}
	for i, o := range r.c.Observables {
		s := r.series[i]
		if len(s.Time) == 0 {
			continue
		}
		switch o.Type {
		case cases.ObsOutletMass, cases.ObsPlaneMass:
			for k, v := range FlowSummary(s.Time, s.Values, r.initialMass) {
				out[o.Name+"."+k] = v
			}
		case cases.ObsKineticEnergy, cases.ObsRegionMass, cases.ObsRunout:
			out[o.Name+".final"] = Value{Value: s.Values[len(s.Values)-1], Unit: s.Unit}
			out[o.Name+".max"] = Value{Value: maxOf(s.Values), Unit: s.Unit}
		case cases.ObsCenterOfMass:
			last := s.Vectors[len(s.Vectors)-1]
			out[o.Name+".final_z"] = Value{Value: last[2], Unit: s.Unit}
		}
	}
	return out
}

// FlowSummary summarises a discharged-mass series (kg against s):
//
//   - discharged_mass: the final discharged mass, kg.
//   - mass_flow_rate: mean rate over the steady window, kg/s, present
//     only when at least three frames fall in the window.
//   - discharge_start: time of the first frame with discharged mass, s.
//   - discharge_time: time from discharge_start until the discharged mass
//     reaches 95% of initialMass, s, present only when it does.
func FlowSummary(time, mass []float64, initialMass float64) map[string]Value {
	out := map[string]Value{}
	n := len(mass)
	if n == 0 {
		return out
	}
	final := mass[n-1]
	out["discharged_mass"] = Value{Value: final, Unit: "kg"}
	if final <= 0 {
		return out
	}

	var ts, ms []float64
	for i := range mass {
		if mass[i] >= steadyLow*final && mass[i] <= steadyHigh*final {
			ts = append(ts, time[i])
			ms = append(ms, mass[i])
		}
	}
	start := firstPositive(time, mass)
	if len(ts) >= 3 {
		_, slope := stat.LinearRegression(ts, ms, nil, false)
		v := Value{Value: slope, Unit: "kg/s",
			Note: "least-squares slope between 20% and 80% of the discharged mass"}
		if stillFlowing(time, mass, start, initialMass) {
			left := fmt.Sprintf("%.3g kg", final)
			if initialMass > 0 {
				left += fmt.Sprintf(" (%.0f%% of the initial mass)", 100*final/initialMass)
			}
			v.Warning = fmt.Sprintf("the run ended while particles were still leaving, after %.3g s of discharge and %s; the rate covers 20%% to 80%% of that mass and may include start-up flow, so run longer for the steady rate",
				time[n-1]-start, left)
		}
		out["mass_flow_rate"] = v
	}

	out["discharge_start"] = Value{Value: start, Unit: "s"}
	if initialMass > 0 {
		for i := range mass {
			if mass[i] >= dischargedFraction*initialMass {
				out["discharge_time"] = Value{Value: time[i] - start, Unit: "s",
					Note: "from the first discharged particle until 95% of the initial mass has left"}
				break
			}
		}
	}
	return out
}

// firstPositive returns the time of the first frame with discharged
// mass, or NaN when there is none.
func firstPositive(time, mass []float64) float64 {
	for i := range mass {
		if mass[i] > 0 {
			return time[i]
		}
	}
	return math.NaN()
}

// stillFlowing reports whether mass was still leaving during the last
// tenth of the time since the first exit at start (s), which the caller
// finds with firstPositive. A discharge that reached dischargedFraction
// of initialMass counts as ended.
func stillFlowing(time, mass []float64, start, initialMass float64) bool {
	n := len(mass)
	final := mass[n-1]
	if initialMass > 0 && final >= dischargedFraction*initialMass {
		return false
	}
	since := time[n-1] - 0.1*(time[n-1]-start)
	for i := n - 1; i >= 0 && time[i] >= since; i-- {
		if mass[i] < final {
			return true
		}
	}
	return false
}

func maxOf(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = math.Max(m, x)
	}
	return m
}
