package surrogate

import "math"

// window is one sampled training window: entities of seq from frame t0 on,
// at rows offset.. of the joined batch graph, with the state its inputs
// are built from.
type window struct {
	seq    *Sequence
	t0     int
	offset int
	pos    []float64   // N×3 current positions, m
	vels   [][]float64 // History×(N×3) velocities, oldest first, m/s
	grad   []float64   // N×9 current affine gradients, 1/s
	frame  EntityFrame // the recorded frame with pos and grad swapped in
}

// sampleWindows draws Batch windows for the next optimiser step.
func (t *Trainer) sampleWindows() {
	k, h := t.Cfg.Window, t.Feat.History
	t.windows = t.windows[:0]
	off := 0
	for w := 0; w < t.Cfg.Batch; w++ {
		seq := t.seqs[t.rng.IntN(len(t.seqs))]
		// Steps t0-BurnIn..t0+k-1 need h velocities before them and a frame after.
		b := t.Cfg.BurnIn
		t0 := h + b + t.rng.IntN(len(seq.Frames)-h-b-k)
		if t.Cfg.RotateAbout != ([3]float64{}) {
			// The window reads frames t0-b-h (the oldest velocity) to
			// t0+k (the last target).
			r := rotationAbout(t.Cfg.RotateAbout, 2*math.Pi*t.rng.Float64())
			seq = rotatedFrames(seq, t0-b-h, t0+k, r)
			t0 = b + h
		}
		n := seq.Frames[t0].N()
		win := window{seq: seq, t0: t0, offset: off, pos: make([]float64, 3*n), grad: make([]float64, 9*n)}
		for j := 0; j < h; j++ {
			win.vels = append(win.vels, make([]float64, 3*n))
		}
		t.windows = append(t.windows, win)
		off += n
	}
}

// resetToRecorded sets the window state to recorded frame ts with
// random-walk noise on the velocity history: the j-th oldest velocity gets
// the sum of j independent draws of variance σ²/h, so the newest has
// variance σ² (σ = Noise·std of the velocity; Sanchez-Gonzalez et al. 2020).
func (t *Trainer) resetToRecorded(w *window, ts int) {
	h := t.Feat.History
	f := &w.seq.Frames[ts]
	n := f.N()
	copy(w.pos, f.Pos)
	copy(w.grad, f.Grad)
	noise := make([]float64, 3*n)
	for j := 0; j < h; j++ {
		for i := 0; i < n; i++ {
			w.seq.velocity(ts-h+1+j, i, w.vels[j][3*i:3*i+3])
			for d := 0; d < 3; d++ {
				if t.Cfg.Noise > 0 {
					noise[3*i+d] += t.rng.NormFloat64() * t.Cfg.Noise * t.Norm.Vel.Std[d] / math.Sqrt(float64(h))
				}
				w.vels[j][3*i+d] += noise[3*i+d]
			}
		}
	}
}

// buildStep fills the joined graph and the normalised targets of window
// step s. With teacher forcing, and always at s = 0, each window starts
// again from the recorded frame; with Pushforward it keeps the state
// advanced by the model's own predictions.
func (t *Trainer) buildStep(s int) {
	t.buildFrames(s, s, s == 0 || !t.Cfg.Pushforward)
}

// buildFrames fills slot s of the host graphs and targets from frame
// t0+delta of every window, reset to the recorded frame when recorded is
// set.
func (t *Trainer) buildFrames(s, delta int, recorded bool) {
	g := &t.host.graphs[s]
	g.N = 0
	g.Nodes, g.Senders, g.Receivers, g.Edges = g.Nodes[:0], g.Senders[:0], g.Receivers[:0], g.Edges[:0]
	g.WallReceivers, g.Walls = g.WallReceivers[:0], g.Walls[:0]
	t.host.targets[s] = t.host.targets[s][:0]
	for i := range t.windows {
		w := &t.windows[i]
		ts := w.t0 + delta
		if recorded {
			t.resetToRecorded(w, ts)
		}
		// NOTE: pairs and wall edges stay those of the recorded frame, also
		// when Pushforward has moved the positions; the edge features use
		// the moved positions.
		w.frame = w.seq.Frames[ts]
		w.frame.Pos, w.frame.Grad = w.pos, w.grad
		t.Feat.Build(&t.host.part, &w.frame, w.vels, &t.Norm)
		appendGraph(g, &t.host.part)
		t.appendTargets(s, w, ts)
	}
}

// appendTargets appends the targets that take the window state at frame ts
// to the recorded frame ts+1 under semi-implicit Euler: the acceleration
// a = (x_{ts+1} - x)/Dt² - v/Dt and the gradient change B_{ts+1} - B. With
// recorded x this is the recorded acceleration minus the velocity noise
// divided by Dt, as in GNS.
func (t *Trainer) appendTargets(s int, w *window, ts int) {
	next := &w.seq.Frames[ts+1]
	dt := w.seq.Dt
	v := w.vels[len(w.vels)-1]
	for i := 0; i < next.N(); i++ {
		for d := 0; d < 3; d++ {
			a := (next.Pos[3*i+d]-w.pos[3*i+d])/(dt*dt) - v[3*i+d]/dt
			t.host.targets[s] = append(t.host.targets[s], t.Norm.Acc.Normalise(d, a))
		}
		for j := 0; j < 9; j++ {
			t.host.targets[s] = append(t.host.targets[s], t.Norm.DGrad.Normalise(j, next.Grad[9*i+j]-w.grad[9*i+j]))
		}
	}
}

// advanceWindows moves every window state one step with the normalised
// predictions out (joined batch, N×OutWidth), by semi-implicit Euler. No
// gradient flows through this update.
func (t *Trainer) advanceWindows(out []float64) {
	for i := range t.windows {
		w := &t.windows[i]
		dt := w.seq.Dt
		h := len(w.vels)
		prev := w.vels[h-1]
		cur := w.vels[0]
		copy(w.vels, w.vels[1:])
		w.vels[h-1] = cur
		for e := 0; e < len(w.pos)/3; e++ {
			row := out[(w.offset+e)*OutWidth:]
			for d := 0; d < 3; d++ {
				v := prev[3*e+d] + t.Norm.Acc.Denormalise(d, row[d])*dt
				cur[3*e+d] = v
				w.pos[3*e+d] += v * dt
			}
			for j := 0; j < 9; j++ {
				w.grad[9*e+j] += t.Norm.DGrad.Denormalise(j, row[3+j])
			}
		}
	}
}

// appendGraph appends src to dst as a disconnected component. Edges stay
// sorted by receiver because src's receivers all follow dst's.
func appendGraph(dst, src *Graph) {
	off := int32(dst.N)
	dst.N += src.N
	dst.Nodes = append(dst.Nodes, src.Nodes...)
	for i := range src.Senders {
		dst.Senders = append(dst.Senders, src.Senders[i]+off)
		dst.Receivers = append(dst.Receivers, src.Receivers[i]+off)
	}
	dst.Edges = append(dst.Edges, src.Edges...)
	for _, r := range src.WallReceivers {
		dst.WallReceivers = append(dst.WallReceivers, r+off)
	}
	dst.Walls = append(dst.Walls, src.Walls...)
}
