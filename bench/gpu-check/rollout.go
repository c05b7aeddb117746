package main

import (
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"runtime"
	"time"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/grouping"
	"github.com/neusim/neusim/kernels"
	"github.com/neusim/neusim/kernels/cuda"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/surrogate"
)

// Synthetic scene: glass beads of 2 mm diameter on a jittered cubic
// lattice, flowing down with a shear, grouped into blocks of 4×4×2
// particles, the shipped model's target entity size of 32.
const (
	beadDiameter = 0.002  // m
	beadDensity  = 2500.0 // kg/m³
)

// scene is the state of the synthetic rollout.
type scene struct {
	frame *particles.Frame
	bind  *grouping.Binding
	ents  *grouping.Entities
	state *surrogate.RolloutState
	feat  surrogate.Features
	norm  surrogate.Normalisation
	dt    float64 // coarse step, s
}

// newScene places about n particles and groups them.
func newScene(n int, meta surrogate.Metadata, seed uint64) (*scene, error) {
	feat, dt := meta.Features, meta.Training.Dt
	rng := rand.New(rand.NewPCG(seed, 2))
	side := int(math.Round(math.Cbrt(float64(n))))
	nx, ny := (side+3)/4*4, (side+3)/4*4
	nz := (n/(nx*ny) + 1) / 2 * 2
	total := nx * ny * nz
	f := &particles.Frame{ID: make([]int64, total), Pos: make([]r3.Vec, total), Vel: make([]r3.Vec, total),
		Omega: make([]r3.Vec, total), Radius: make([]float64, total), Mass: make([]float64, total),
		Material: make([]int32, total)}
	mass := beadDensity * math.Pi / 6 * math.Pow(beadDiameter, 3)

	// Particles, and their entity: the 4×4×2 block of lattice sites.
	bx, by := nx/4, ny/4
	members := make([][]int64, bx*by*(nz/2))
	i := 0
	for z := 0; z < nz; z++ {
		for y := 0; y < ny; y++ {
			for x := 0; x < nx; x++ {
				jitter := func() float64 { return 0.05 * beadDiameter * (2*rng.Float64() - 1) }
				p := r3.Vec{X: float64(x)*beadDiameter + jitter(), Y: float64(y)*beadDiameter + jitter(), Z: float64(z)*beadDiameter + jitter()}
				f.ID[i], f.Pos[i] = int64(i), p
				f.Vel[i] = r3.Vec{Z: -0.3 - 5*p.X}
				f.Radius[i], f.Mass[i], f.Material[i] = beadDiameter/2, mass, int32(i%max(feat.Materials, 1))
				k := (z/2)*bx*by + (y/4)*bx + x/4
				members[k] = append(members[k], int64(i))
				i++
			}
		}
	}
	g, err := grouping.NewGrouping(members)
	if err != nil {
		return nil, err
	}
	s := &scene{frame: f, bind: g.Bind(f), ents: &grouping.Entities{}, feat: feat, norm: meta.Normalisation, dt: dt}
	if err := s.bind.Restrict(f, feat.Materials, s.ents); err != nil {
		return nil, err
	}
	s.state = &surrogate.RolloutState{}
	v := velocities(s.ents)
	for range feat.History {
		s.state.Vels = append(s.state.Vels, append([]float64(nil), v...))
	}
	return s, nil
}

func velocities(e *grouping.Entities) []float64 {
	v := make([]float64, 3*e.Len())
	for k, u := range e.Vel {
		v[3*k], v[3*k+1], v[3*k+2] = u.X, u.Y, u.Z
	}
	return v
}

// phaseTimes are the wall times of the phases of the timed steps, s.
type phaseTimes struct {
	graph, predict, advance, prolong, restrict float64
}

func (p phaseTimes) total() float64 { return p.graph + p.predict + p.advance + p.prolong + p.restrict }

// pairSearch lists the entity pairs closer than radius, as
// kernels.RadiusPairs does.
type pairSearch func(pos []float64, radius float64) (senders, receivers []int32)

// step advances the scene by one coarse step with predictor pred, as the
// surrogate solver does without walls and regrouping. The phases are the
// entity frame and graph (search), the prediction (features on the host,
// the model on pred's backend), the Euler update, the prolongation to the
// particles and the restriction back to entities.
func (s *scene) step(pred *surrogate.ModelPredictor, search pairSearch, workers int, t *phaseTimes, sync func()) error {
	n := s.ents.Len()
	acc, dgrad := make([]float64, 3*n), make([]float64, 9*n)

	// Entity frame and graph: the pairs closer than the model's radius,
	// the same pairs in the same order as the brute-force search of
	// Features.Build, which the surrogate solver still uses.
	t0 := time.Now()
	s.state.Frame = surrogate.FrameFromGrouping(s.ents, nil, nil)
	s.state.Frame.Senders, s.state.Frame.Receivers = search(s.state.Frame.Pos, s.feat.Radius)
	t1 := time.Now()
	if err := pred.Predict(s.state, acc, dgrad); err != nil {
		return err
	}
	sync()
	t2 := time.Now()
	if err := (surrogate.Euler{}).Advance(s.state, acc, dgrad, s.dt); err != nil {
		return err
	}
	next := s.ents.Clone()
	cur := s.state.Vels[len(s.state.Vels)-1]
	for k := 0; k < n; k++ {
		p := s.state.Frame.Pos[3*k : 3*k+3]
		next.Centre[k] = r3.Vec{X: p[0], Y: p[1], Z: p[2]}
		next.Vel[k] = r3.Vec{X: cur[3*k], Y: cur[3*k+1], Z: cur[3*k+2]}
		copy(next.Grad[k][:], s.state.Frame.Grad[9*k:9*k+9])
		next.Omega[k] = next.Grad[k].Axial()
	}
	next.Time = s.ents.Time + s.dt
	t3 := time.Now()
	s.bind.Reach = s.feat.Radius // as the pipeline's rollout
	s.bind.Prolong(s.frame, s.ents, next, s.dt, workers)
	t4 := time.Now()
	var ents grouping.Entities
	if err := s.bind.Restrict(s.frame, s.feat.Materials, &ents); err != nil {
		return err
	}
	s.ents = &ents
	t5 := time.Now()

	t.graph += t1.Sub(t0).Seconds()
	t.predict += t2.Sub(t1).Seconds()
	t.advance += t3.Sub(t2).Seconds()
	t.prolong += t4.Sub(t3).Seconds()
	t.restrict += t5.Sub(t4).Seconds()
	return nil
}

// rolloutResult is the throughput of one backend.
type rolloutResult struct {
	name     string
	entities int
	steps    int
	phases   phaseTimes
	train    float64 // s per training step
}

// measureRollout times the synthetic rollout and a training step on the
// GPU and on the CPU backend with o.cpuWorkers workers (GOMAXPROCS set to
// the same, so the host phases get that many cores too).
func measureRollout(r *report, gpu *cuda.Backend, o options, log *slog.Logger) error {
	cpuModel, meta, err := loadModel(o.model, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(r.w, "model %s: latent %d, %d message-passing steps, %s memory with %d heads, %d parameters; entity radius %.4f m\n",
		o.model, cpuModel.Cfg.Latent, cpuModel.Cfg.Steps, cpuModel.Cfg.Memory, cpuModel.Cfg.Heads, cpuModel.Params.Count(), meta.Features.Radius)

	gpuModel, _, err := loadModel(o.model, gpu)
	if err != nil {
		return err
	}
	res := []rolloutResult{}
	gr, err := timeRollout("GPU "+gpu.Name(), gpu, gpuModel, meta, o, o.steps, runtime.NumCPU(), gpu.RadiusPairs, gpu.Synchronize, true)
	if err != nil {
		return fmt.Errorf("on the GPU: %w", err)
	}
	res = append(res, gr)

	prev := runtime.GOMAXPROCS(o.cpuWorkers)
	cpu := kernels.NewCPU[float32](o.cpuWorkers)
	cpuModel, _, err = loadModel(o.model, cpu)
	if err == nil {
		var cr rolloutResult
		search := func(pos []float64, radius float64) ([]int32, []int32) {
			return kernels.RadiusPairs(pos, radius, o.cpuWorkers)
		}
		cr, err = timeRollout(fmt.Sprintf("CPU %s, %d workers", cpu.Name(), o.cpuWorkers), cpu, cpuModel, meta, o, o.cpuSteps, o.cpuWorkers, search, func() {}, false)
		res = append(res, cr)
	}
	cpu.Close()
	runtime.GOMAXPROCS(prev)
	if err != nil {
		return fmt.Errorf("on the CPU: %w", err)
	}

	fmt.Fprintf(r.w, "%-34s %9s %12s %14s %9s %9s %9s %9s %9s %12s\n", "backend", "entities", "entity-st/s", "particle fr/s",
		"graph ms", "predict", "euler ms", "prolong", "restrict", "train step")
	for _, x := range res {
		per := func(v float64) float64 { return 1e3 * v / float64(x.steps) }
		step := x.phases.total() / float64(x.steps)
		fmt.Fprintf(r.w, "%-34s %9d %12.3g %14.3g %9.1f %9.1f %9.1f %9.1f %9.1f %10.1f ms\n", x.name, x.entities,
			float64(x.entities)/step, 1/step, per(x.phases.graph), per(x.phases.predict), per(x.phases.advance),
			per(x.phases.prolong), per(x.phases.restrict), 1e3*x.train)
	}
	g, c := res[0], res[1]
	whole := (c.phases.total() / float64(c.steps)) / (g.phases.total() / float64(g.steps))
	model := (c.phases.predict / float64(c.steps)) / (g.phases.predict / float64(g.steps))
	status := "met"
	if whole < 50 {
		status = "NOT met"
	}
	fmt.Fprintf(r.w, "speed-up of a whole step: %.1fx (target >= 50x: %s); of the prediction alone: %.1fx; of a training step: %.1fx\n",
		whole, status, model, c.train/g.train)
	fmt.Fprintln(r.w, "NOTE: on the GPU row the radius search (graph) and the model run on the device; features (inside predict), Euler, prolongation and restriction run on the host in both rows.")
	return nil
}

func loadModel(path string, b kernels.Backend) (*surrogate.Model[float32], surrogate.Metadata, error) {
	if b == nil {
		cpu := kernels.NewCPU[float32](1)
		defer cpu.Close()
		b = cpu
	}
	return surrogate.LoadCheckpoint(path, b)
}

// timeRollout builds the scene, takes steps timed steps and times a
// training step on the graph after them. With warm set, one untimed step
// and one untimed training step come first, which the device needs (the
// first calls allocate and load); the CPU baseline, whose steps take
// seconds at a million particles, skips them to fit the time limit.
func timeRollout(name string, b kernels.Backend, m *surrogate.Model[float32], meta surrogate.Metadata, o options,
	steps, workers int, search pairSearch, sync func(), warm bool) (rolloutResult, error) {
	s, err := newScene(o.particles, meta, o.seed)
	if err != nil {
		return rolloutResult{}, err
	}
	pred := &surrogate.ModelPredictor{B: b, Model: m, Feat: meta.Features, Norm: meta.Normalisation}
	if warm {
		var untimed phaseTimes
		if err := s.step(pred, search, workers, &untimed, sync); err != nil {
			return rolloutResult{}, err
		}
	}
	res := rolloutResult{name: name, entities: s.ents.Len(), steps: steps}
	for range steps {
		if err := s.step(pred, search, workers, &res.phases, sync); err != nil {
			return res, err
		}
	}
	reps := 1
	if warm {
		reps = 5
	}
	res.train, err = timeTrainStep(b, m, s, search, sync, reps, warm)
	return res, err
}

// timeTrainStep times forward, backward with a unit output gradient, and
// an AdamW update of every parameter, on the scene's current graph: the
// work of one training step on one window frame of that size.
func timeTrainStep(b kernels.Backend, m *surrogate.Model[float32], s *scene, search pairSearch, sync func(), reps int, warm bool) (float64, error) {
	var host surrogate.Graph
	var dev surrogate.DeviceGraph[float32]
	var cache surrogate.StepCache[float32]
	frame := surrogate.FrameFromGrouping(s.ents, nil, nil)
	frame.Senders, frame.Receivers = search(frame.Pos, s.feat.Radius)
	s.feat.Build(&host, &frame, s.state.Vels, &s.norm)
	if err := host.Validate(m.Cfg); err != nil {
		return 0, err
	}
	dev.Upload(b, &host, m.Cfg)
	n := host.N
	s0, s1, ds := m.NewMemory(b, n), m.NewMemory(b, n), m.NewMemoryGrad(b, n)
	dout := b.NewTensor(n, surrogate.OutWidth)
	ones := make([]float32, dout.Len())
	for i := range ones {
		ones[i] = 1
	}
	b.Upload(dout, ones)
	iteration := 0
	step := func() {
		iteration++
		m.Params.ZeroGrad(b)
		m.Forward(b, &cache, &dev, s0, s1)
		m.Backward(b, &cache, dout, ds)
		for _, p := range m.Params.List {
			b.AdamW(p.Value, p.Grad, p.M, p.V, kernels.AdamWStep{LR: 1e-6, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, Step: iteration})
		}
	}
	if !warm {
		start := time.Now()
		step()
		sync()
		return time.Since(start).Seconds() / float64(reps), nil
	}
	return timeIt(reps, sync, step), nil
}
