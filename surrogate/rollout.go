package surrogate

import (
	"context"
	"fmt"
	"math"

	"github.com/neusim/neusim/kernels"
)

// RolloutState is the coarse state a rollout advances, in SI units.
type RolloutState struct {
	Step  int     // coarse steps taken
	Time  float64 // simulated time, s
	Frame EntityFrame
	// Vels holds the last History finite-difference velocities, each N×3
	// in m/s, oldest first; Vels[len-1] is the current velocity.
	Vels [][]float64
}

// NewRolloutState starts a rollout at frame t of seq, which needs
// t ≥ history. The frame is copied.
func NewRolloutState(seq *Sequence, t, history int) (*RolloutState, error) {
	if t < history || t >= len(seq.Frames) {
		return nil, fmt.Errorf("surrogate: rollout: start frame %d of sequence %q, want %d to %d", t, seq.Name, history, len(seq.Frames)-1)
	}
	f := seq.Frames[t]
	s := &RolloutState{Step: 0, Frame: EntityFrame{
		Pos: clone(f.Pos), Grad: clone(f.Grad), Shape: clone(f.Shape), Radius: clone(f.Radius),
		Material: clone(f.Material), Design: clone(f.Design), Senders: append([]int32(nil), f.Senders...),
		Receivers: append([]int32(nil), f.Receivers...), Walls: append([]WallEdge(nil), f.Walls...)}}
	if f.Senders == nil {
		s.Frame.Senders, s.Frame.Receivers = nil, nil
	}
	for j := 0; j < history; j++ {
		v := make([]float64, 3*f.N())
		for i := 0; i < f.N(); i++ {
			seq.velocity(t-history+1+j, i, v[3*i:3*i+3])
		}
		s.Vels = append(s.Vels, v)
	}
	return s, nil
}

func clone(v []float64) []float64 { return append([]float64(nil), v...) }

// Predictor predicts the N×3 accelerations (m/s²) and N×9 affine-gradient
// changes over one step (1/s) of a state.
type Predictor interface {
	Predict(s *RolloutState, acc, dgrad []float64) error
}

// Updater advances a state by one coarse step dt (s) with the predicted
// accelerations and gradient changes. It is where prolongation to
// particles, wall constraints and outlet removal attach.
type Updater interface {
	Advance(s *RolloutState, acc, dgrad []float64, dt float64) error
}

// Neighbourhood refreshes the entity graph and the wall edges of a state
// (Frame.Senders, Frame.Receivers and Frame.Walls) before each prediction.
// One that regroups the entities must also resize the state and call
// ModelPredictor.Regroup, for example with RemapFromGrouping.
type Neighbourhood interface {
	Update(s *RolloutState) error
}

// RolloutSink receives the state after every step; it must copy what it
// keeps, because the state is reused.
type RolloutSink interface {
	Write(s *RolloutState) error
}

// Rollout advances s by steps coarse steps of dt seconds: refresh the
// neighbourhood (nb may be nil to keep the frame's pairs and walls),
// predict, advance, write. It allocates nothing itself unless the
// entity count changes.
func Rollout(ctx context.Context, s *RolloutState, dt float64, steps int, p Predictor, u Updater, nb Neighbourhood, sink RolloutSink) error {
	n := s.Frame.N()
	acc, dgrad := make([]float64, 3*n), make([]float64, 9*n)
	for range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		if nb != nil {
			if err := nb.Update(s); err != nil {
				return err
			}
		}
		// A regrouping hook may change the entity count; the predictor must
		// have remapped its memory (ModelPredictor.Regroup).
		if m := s.Frame.N(); 3*m != len(acc) {
			acc, dgrad = make([]float64, 3*m), make([]float64, 9*m)
		}
		if err := p.Predict(s, acc, dgrad); err != nil {
			return err
		}
		if err := u.Advance(s, acc, dgrad, dt); err != nil {
			return err
		}
		if sink != nil {
			if err := sink.Write(s); err != nil {
				return err
			}
		}
	}
	return nil
}

// Euler is the semi-implicit Euler update: v += a·dt, x += v·dt,
// B += ΔB, and the shape follows the affine motion over the step,
// Σ ← F·Σ·Fᵀ with F = I + B·dt. It keeps the velocity history.
type Euler struct{}

// Advance implements Updater.
func (Euler) Advance(s *RolloutState, acc, dgrad []float64, dt float64) error {
	f := &s.Frame
	n := f.N()

	// Rotate the velocity history so that the oldest buffer becomes the newest.
	h := len(s.Vels)
	old := s.Vels[0]
	copy(s.Vels, s.Vels[1:])
	s.Vels[h-1] = old
	cur, prev := s.Vels[h-1], s.Vels[max(h-2, 0)]
	if h == 1 {
		prev = cur // the buffer is reused in place
	}
	for i := 0; i < 3*n; i++ {
		v := prev[i] + acc[i]*dt
		cur[i] = v
		f.Pos[i] += v * dt
		if math.IsNaN(f.Pos[i]) || math.IsInf(f.Pos[i], 0) {
			return fmt.Errorf("surrogate: rollout: entity %d position is %g at step %d", i/3, f.Pos[i], s.Step+1)
		}
	}
	for i := 0; i < n; i++ {
		affineShape(f.Shape[6*i:6*i+6], f.Grad[9*i:9*i+9], dt)
	}
	for i := range f.Grad {
		f.Grad[i] += dgrad[i]
	}
	s.Step++
	s.Time += dt
	return nil
}

// affineShape sets the covariance sh (xx xy xz yy yz zz) to F·Σ·Fᵀ with
// F = I + B·dt for the row-major velocity gradient B.
func affineShape(sh, b []float64, dt float64) {
	sig := [3][3]float64{{sh[0], sh[1], sh[2]}, {sh[1], sh[3], sh[4]}, {sh[2], sh[4], sh[5]}}
	var f, fs [3][3]float64
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			f[i][j] = b[3*i+j] * dt
		}
		f[i][i]++
	}
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			for k := 0; k < 3; k++ {
				fs[i][j] += f[i][k] * sig[k][j]
			}
		}
	}
	out := func(i, j int) float64 {
		var v float64
		for k := 0; k < 3; k++ {
			v += fs[i][k] * f[j][k]
		}
		return v
	}
	sh[0], sh[1], sh[2], sh[3], sh[4], sh[5] = out(0, 0), out(0, 1), out(0, 2), out(1, 1), out(1, 2), out(2, 2)
}

// ModelPredictor predicts with a trained float32 model, carrying each
// entity's memory from step to step.
type ModelPredictor struct {
	B     kernels.Backend
	Model *Model[float32]
	Feat  Features
	Norm  Normalisation

	// Members lists further models of Model's architecture, features and
	// normalisation, trained with other seeds. Each prediction is then the
	// mean of all the models, each with its own memory, so it varies less
	// between trainings than one model's. A step costs 1+len(Members) model
	// evaluations, times Turns.
	Members []*Model[float32]

	// Turns, when above 1, makes each prediction the mean of Turns
	// predictions, each on the scene turned about Axis by one of the
	// angles 2πk/Turns and turned back. The physics does not change when
	// the whole scene turns about gravity, but a model that takes vectors
	// in the case's axes can prefer a horizontal direction. In the mean
	// such a bias cancels, and the prediction turns with the scene under
	// those angles. Each turn keeps its own memory, so a step costs Turns
	// model evaluations.
	Turns int
	Axis  [3]float64 // axis of Turns, such as gravity; any length

	host   Graph
	dev    DeviceGraph[float32]
	cache  StepCache[float32]
	mem    [][2]*Memory[float32] // per model and turn: memory before and after the step
	out    []float32
	turned EntityFrame
	vels   [][]float64
}

// Predict implements Predictor.
func (p *ModelPredictor) Predict(s *RolloutState, acc, dgrad []float64) error {
	n := s.Frame.N()
	turns := max(p.Turns, 1)
	if turns > 1 && p.Axis == [3]float64{} {
		return fmt.Errorf("surrogate: rollout: %d turns about a zero axis; set Axis to a direction such as gravity", turns)
	}
	evals := (1 + len(p.Members)) * turns
	if len(p.mem) != evals {
		p.mem = make([][2]*Memory[float32], evals)
	}
	w := 1 / float64(evals)
	clear(acc[:3*n])
	clear(dgrad[:9*n])
	for e := range evals {
		m, k := p.model(e/turns), e%turns
		frame, vels := &s.Frame, s.Vels
		var back rotation
		if k > 0 {
			r := rotationAbout(p.Axis, 2*math.Pi*float64(k)/float64(turns))
			back = r.transpose()
			rotateFrame(&p.turned, &s.Frame, r)
			if len(p.vels) != len(s.Vels) {
				p.vels = make([][]float64, len(s.Vels))
			}
			for j, v := range s.Vels {
				p.vels[j] = rotateVectors(p.vels[j], v, r)
			}
			frame, vels = &p.turned, p.vels
		}
		if err := p.evaluate(m, frame, vels, &p.mem[e], s.Step); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			var a [3]float64
			var g [9]float64
			for d := range a {
				a[d] = p.Norm.Acc.Denormalise(d, float64(p.out[OutWidth*i+d]))
			}
			for j := range g {
				g[j] = p.Norm.DGrad.Denormalise(j, float64(p.out[OutWidth*i+3+j]))
			}
			if k > 0 {
				back.vec(a[:], a[:])
				back.tensor(g[:], g[:])
			}
			for d, v := range a {
				acc[3*i+d] += w * v
			}
			for j, v := range g {
				dgrad[9*i+j] += w * v
			}
		}
	}
	for i, a := range acc {
		if math.IsNaN(a) || math.IsInf(a, 0) {
			return fmt.Errorf("surrogate: rollout: predicted acceleration of entity %d is %g at step %d", i/3, a, s.Step)
		}
	}
	return nil
}

// model returns model i of the ensemble: Model for 0, else Members[i-1].
func (p *ModelPredictor) model(i int) *Model[float32] {
	if i == 0 {
		return p.Model
	}
	return p.Members[i-1]
}

// evaluate runs model m once on frame with the velocity history vels,
// advancing the memory pair mem, and leaves the normalised outputs in
// p.out.
func (p *ModelPredictor) evaluate(m *Model[float32], frame *EntityFrame, vels [][]float64, mem *[2]*Memory[float32], step int) error {
	n := frame.N()
	// Build and upload the graph.
	p.Feat.Build(&p.host, frame, vels, &p.Norm)
	if err := p.host.Validate(m.Cfg); err != nil {
		return err
	}
	p.dev.Upload(p.B, &p.host, m.Cfg)

	// Run the model with the memory of the previous step.
	if mem[0] == nil && m.Mem != nil {
		mem[0], mem[1] = m.NewMemory(p.B, n), m.NewMemory(p.B, n)
	}
	if mem[0] != nil && mem[0].Tensors[0].Rows() != n {
		return fmt.Errorf("surrogate: rollout: %d entities but memory for %d at step %d; call Regroup after regrouping",
			n, mem[0].Tensors[0].Rows(), step)
	}
	out := m.Forward(p.B, &p.cache, &p.dev, mem[0], mem[1])
	mem[0], mem[1] = mem[1], mem[0]
	if cap(p.out) < out.Len() {
		p.out = make([]float32, out.Len())
	}
	p.out = p.out[:out.Len()]
	p.B.Download(p.out, out)
	return nil
}

// ResetMemory sets every entity's memory back to the zero initial state.
func (p *ModelPredictor) ResetMemory() {
	p.mem = nil
}

// Regroup remaps every entity's memory after a regrouping (see Remap).
func (p *ModelPredictor) Regroup(r *Remap) error {
	turns := len(p.mem) / (1 + len(p.Members))
	for e, mem := range p.mem {
		if mem[0] == nil {
			continue
		}
		m := p.model(e / turns)
		s, err := m.RemapMemory(p.B, mem[0], r)
		if err != nil {
			return err
		}
		p.mem[e] = [2]*Memory[float32]{s, m.NewMemory(p.B, len(r.Offsets)-1)}
	}
	return nil
}
