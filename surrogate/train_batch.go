package surrogate

import "math"

// sampleBatch draws Batch windows and fills t.host with their graphs,
// joined per step, and their normalised targets.
func (t *Trainer) sampleBatch() {
	k, h := t.Cfg.Window, t.Feat.History
	for s := 0; s < k; s++ {
		g := &t.host.graphs[s]
		g.N = 0
		g.Nodes, g.Senders, g.Receivers, g.Edges = g.Nodes[:0], g.Senders[:0], g.Receivers[:0], g.Edges[:0]
		g.WallReceivers, g.Walls = g.WallReceivers[:0], g.Walls[:0]
		t.host.targets[s] = t.host.targets[s][:0]
	}
	for w := 0; w < t.Cfg.Batch; w++ {
		seq := t.seqs[t.rng.IntN(len(t.seqs))]
		// Steps t0..t0+k-1 need h velocities before them and a frame after.
		t0 := h + t.rng.IntN(len(seq.Frames)-h-k)
		for s := 0; s < k; s++ {
			t.addStep(s, seq, t0+s)
		}
	}
}

// addStep appends step ts of seq to the joined graph and targets of
// window step s.
func (t *Trainer) addStep(s int, seq *Sequence, ts int) {
	h := t.Feat.History
	frame := &seq.Frames[ts]
	n := frame.N()

	// Velocity history with random-walk noise: the k-th oldest velocity
	// gets the sum of k independent draws of variance σ²/h, so the newest
	// has variance σ² (σ = Noise·std of the velocity).
	vels := make([][]float64, h)
	noise := make([]float64, 3*n)
	for j := 0; j < h; j++ {
		vels[j] = make([]float64, 3*n)
		for i := 0; i < n; i++ {
			seq.velocity(ts-h+1+j, i, vels[j][3*i:3*i+3])
			for d := 0; d < 3; d++ {
				if t.Cfg.Noise > 0 {
					noise[3*i+d] += t.rng.NormFloat64() * t.Cfg.Noise * t.Norm.Vel.Std[d] / math.Sqrt(float64(h))
				}
				vels[j][3*i+d] += noise[3*i+d]
			}
		}
	}
	t.Feat.Build(&t.host.part, frame, vels, &t.Norm)
	appendGraph(&t.host.graphs[s], &t.host.part)

	// Targets: the acceleration that takes the noisy current velocity to
	// the recorded next one, as in GNS, and the gradient change.
	acc, dgrad := make([]float64, 3*n), make([]float64, 9*n)
	seq.Target(ts, acc, dgrad)
	for i := 0; i < n; i++ {
		for d := 0; d < 3; d++ {
			a := acc[3*i+d] - noise[3*i+d]/seq.Dt
			t.host.targets[s] = append(t.host.targets[s], t.Norm.Acc.Normalise(d, a))
		}
		for j := 0; j < 9; j++ {
			t.host.targets[s] = append(t.host.targets[s], t.Norm.DGrad.Normalise(j, dgrad[9*i+j]))
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
