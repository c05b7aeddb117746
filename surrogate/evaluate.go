package surrogate

import "fmt"

// OneStepError is the mean squared one-step acceleration error over the
// usable steps of some sequences, in (m/s²)², for a predictor and for the
// constant-velocity baseline that predicts zero acceleration.
type OneStepError struct {
	Model, ConstantVelocity float64
	Samples                 int // entity-steps averaged over
}

// EvaluateOneStep runs p through every sequence with recorded inputs
// (teacher forcing), carrying memory, and compares the predicted
// accelerations with the targets. reset, if not nil, is called at the
// start of every sequence (ModelPredictor.ResetMemory).
func EvaluateOneStep(p Predictor, reset func(), seqs []*Sequence, history int) (OneStepError, error) {
	var e OneStepError
	var sumModel, sumBase float64
	for _, seq := range seqs {
		if reset != nil {
			reset()
		}
		for t := history; t < len(seq.Frames)-1; t++ {
			s, err := NewRolloutState(seq, t, history)
			if err != nil {
				return e, err
			}
			n := s.Frame.N()
			acc, dgrad := make([]float64, 3*n), make([]float64, 9*n)
			want, wantG := make([]float64, 3*n), make([]float64, 9*n)
			if err := p.Predict(s, acc, dgrad); err != nil {
				return e, fmt.Errorf("surrogate: evaluate: sequence %q step %d: %w", seq.Name, t, err)
			}
			seq.Target(t, want, wantG)
			for i := range acc {
				d := acc[i] - want[i]
				sumModel += d * d
				sumBase += want[i] * want[i]
			}
			e.Samples += n
		}
	}
	if e.Samples == 0 {
		return e, fmt.Errorf("surrogate: evaluate: no usable steps")
	}
	e.Model = sumModel / float64(e.Samples)
	e.ConstantVelocity = sumBase / float64(e.Samples)
	return e, nil
}
