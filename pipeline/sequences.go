package pipeline

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/grouping"
	"github.com/neusim/neusim/mesh"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/surrogate"
	"github.com/neusim/neusim/trajectory"
)

// Settings are the pipeline choices a checkpoint records (as JSON in
// surrogate.Metadata.Grouping) so that the solver rebuilds entities and
// graphs exactly as training did.
type Settings struct {
	// Grouping fits the entities. Its Window is forced to 1: the solver
	// groups from the current frame alone, without future frames, and
	// training does the same.
	Grouping grouping.Settings `json:"grouping"`

	// Stride is the number of the trajectory's output intervals per
	// coarse step. The coarse step is Stride times the output interval.
	Stride int `json:"stride"`

	// Chunk is the number of coarse frames per training sequence and
	// ChunkStride the number of the trajectory's output intervals between
	// the starts of two sequences. Each sequence is grouped afresh at its
	// first frame. With Stride > 1 and ChunkStride 1, a sequence starts at
	// every output frame, so the coarse steps sample every phase of the
	// trajectory. That gives Stride times the sequences of one start per
	// coarse step.
	Chunk       int `json:"chunk"`
	ChunkStride int `json:"chunk_stride"`

	// RegroupEvery is the number of coarse steps between regroupings of
	// the solver; an entity whose members all left is dropped at once.
	RegroupEvery int `json:"regroup_every"`

	// DropLeaving leaves entities that lose a member within a sequence out
	// of it. When false, the default, a member that left through an
	// outlet or the domain boundary is continued in free fall from its
	// last recorded state (a ghost). Entities in the outlet throat, where
	// the flow rate is set, thus stay in the training data.
	DropLeaving bool `json:"drop_leaving"`

	// HandoverDelay is how long DEM keeps running after the last wall
	// removal before the surrogate takes over, s. A gate opening starts
	// the flow within a few surrogate steps, a transient that training
	// windows rarely see, so DEM resolves it. Training starts at the
	// handover as the solver does. Zero hands over at the removal.
	HandoverDelay float64 `json:"handover_delay_s,omitempty"`
}

// DefaultSettings returns the settings used when TrainOptions leaves them
// zero.
func DefaultSettings() Settings {
	return Settings{Grouping: grouping.Settings{TargetSize: 32, Window: 1, Seed: 1}, Stride: 1, Chunk: 8, ChunkStride: 1, RegroupEvery: 5}
}

func (s Settings) withDefaults() Settings {
	d := DefaultSettings()
	if s.Grouping.TargetSize == 0 {
		s.Grouping.TargetSize = d.Grouping.TargetSize
	}
	s.Grouping.Window = 1
	if s.Stride == 0 {
		s.Stride = d.Stride
	}
	if s.Chunk == 0 {
		s.Chunk = d.Chunk
	}
	if s.ChunkStride == 0 {
		s.ChunkStride = d.ChunkStride
	}
	if s.RegroupEvery == 0 {
		s.RegroupEvery = d.RegroupEvery
	}
	return s
}

// caseWalls builds the mesh walls of c.
func caseWalls(c *cases.Case) ([]mesh.Surface, error) {
	walls := make([]mesh.Surface, 0, len(c.Walls))
	for _, w := range c.Walls {
		m, err := mesh.NewWall(w)
		if err != nil {
			return nil, fmt.Errorf("pipeline: case %s: %w", c.Name, err)
		}
		walls = append(walls, m)
	}
	return walls, nil
}

// handoverTime returns when the surrogate takes over from DEM in case c:
// delay seconds after the latest wall removal (a hopper's gate), but no
// earlier than history coarse steps of dt seconds, rounded up to a
// multiple of dt. A case without a removable wall ignores delay.
// Training sequences start history steps before it, so that the first
// target is the first step the surrogate will take.
func handoverTime(c *cases.Case, dt float64, history int, delay float64) float64 {
	t := float64(history) * dt
	for _, w := range c.Walls {
		if w.RemovedAt > 0 {
			t = math.Max(t, w.RemovedAt+delay)
		}
	}
	return math.Ceil(t/dt-1e-9) * dt
}

// readFrames reads every frame of a trajectory.
func readFrames(path string) ([]*particles.Frame, trajectory.Meta, error) {
	r, err := trajectory.Open(path)
	if err != nil {
		return nil, trajectory.Meta{}, fmt.Errorf("pipeline: %w", err)
	}
	defer r.Close()
	frames := make([]*particles.Frame, 0, r.Len())
	for {
		f, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, trajectory.Meta{}, fmt.Errorf("pipeline: %s: %w", path, err)
		}
		frames = append(frames, f)
	}
	return frames, r.Meta(), nil
}

// entityFrame converts the entities listed in keep into an EntityFrame
// with the wall edges of wt. The entity graph is left to the radius
// search of surrogate.Features.
func entityFrame(e *grouping.Entities, keep []int32, wt *grouping.WallTable) surrogate.EntityFrame {
	n, m := len(keep), e.Materials
	f := surrogate.EntityFrame{Pos: make([]float64, 3*n), Grad: make([]float64, 9*n), Shape: make([]float64, 6*n),
		Radius: make([]float64, n), Material: make([]float64, m*n)}
	for i, k := range keep {
		c := e.Centre[k]
		f.Pos[3*i], f.Pos[3*i+1], f.Pos[3*i+2] = c.X, c.Y, c.Z
		copy(f.Grad[9*i:9*i+9], e.Grad[k][:])
		copy(f.Shape[6*i:6*i+6], e.Shape[k][:])
		f.Radius[i] = e.MeanRadius[k]
		copy(f.Material[m*i:m*i+m], e.MaterialMix[m*int(k):m*int(k)+m])
		if wt == nil {
			continue
		}
		for _, wf := range wt.Of(int(k)) {
			f.Walls = append(f.Walls, surrogate.WallEdge{Entity: int32(i),
				ToWall:  [3]float64{wf.Vector.X, wf.Vector.Y, wf.Vector.Z},
				Normal:  [3]float64{wf.Normal.X, wf.Normal.Y, wf.Normal.Z},
				WallVel: [3]float64{wf.Velocity.X, wf.Velocity.Y, wf.Velocity.Z}})
		}
	}
	return f
}

// allEntities lists 0..n-1.
func allEntities(n int) []int32 {
	keep := make([]int32, n)
	for i := range keep {
		keep[i] = int32(i)
	}
	return keep
}

// seqStats counts what sequence building kept and dropped.
type seqStats struct {
	Sequences, Frames, EntitySteps int
	Entities, Dropped              int // entities seen at chunk starts, and those dropped because members left
	Ghosts                         int // particle-frames continued in free fall
}

// variantSequences cuts the frames of one variant, from history coarse
// steps before the handover on, into sequences of st.Chunk coarse frames.
// Each sequence is grouped at its first frame. Entities that lose a member
// through an outlet or the domain boundary within the sequence are left
// out of it, because their centre would jump as members leave.
func variantSequences(name string, frames []*particles.Frame, c *cases.Case, walls []mesh.Surface, st Settings, feat surrogate.Features, workers int) ([]*surrogate.Sequence, seqStats, error) {
	var stats seqStats
	if len(frames) < 2 {
		return nil, stats, fmt.Errorf("pipeline: %s: %d frames; want at least 2", name, len(frames))
	}
	out := frames[1].Time - frames[0].Time
	dt := out * float64(st.Stride)
	start := handoverTime(c, dt, feat.History, st.HandoverDelay) - float64(feat.History)*dt
	first := int(math.Round(start / out))
	materials := len(c.Materials)

	var seqs []*surrogate.Sequence
	span := (st.Chunk - 1) * st.Stride
	for s := first; s+span < len(frames); s += st.ChunkStride {
		if frames[s].Len() < st.Grouping.TargetSize {
			break
		}
		g, _, err := grouping.FitSettings(frames[s:s+1], st.Grouping, workers)
		if err != nil {
			return nil, stats, fmt.Errorf("pipeline: %s frame %d: %w", name, s, err)
		}
		ents := make([]grouping.Entities, st.Chunk)
		full := make([]bool, g.Len())
		for k := range full {
			full[k] = true
		}
		var ghosts *ghostTracker
		if !st.DropLeaving {
			ghosts = newGhostTracker(frames[s], c.Gravity)
		}
		for j := range ents {
			f := frames[s+j*st.Stride]
			if ghosts != nil {
				var n int
				f, n = ghosts.complete(f)
				stats.Ghosts += n
			}
			if err := g.Bind(f).Restrict(f, materials, &ents[j]); err != nil {
				return nil, stats, fmt.Errorf("pipeline: %s frame %d: %w", name, s+j*st.Stride, err)
			}
			for k := range full {
				full[k] = full[k] && int(ents[j].Count[k]) == len(g.Members(k))
			}
		}
		var keep []int32
		for k, ok := range full {
			if ok {
				keep = append(keep, int32(k))
			}
		}
		stats.Entities += g.Len()
		stats.Dropped += g.Len() - len(keep)
		if len(keep) == 0 {
			continue
		}
		seq := &surrogate.Sequence{Name: fmt.Sprintf("%s@%d", name, s), Dt: dt, Frames: make([]surrogate.EntityFrame, st.Chunk)}
		for j := range ents {
			wt := grouping.WallFeatures(&ents[j], walls, frames[s+j*st.Stride].Time, feat.Radius, workers)
			seq.Frames[j] = entityFrame(&ents[j], keep, wt)
		}
		seqs = append(seqs, seq)
		stats.Sequences++
		stats.Frames += st.Chunk
		stats.EntitySteps += len(keep) * max(st.Chunk-1-feat.History, 0)
	}
	return seqs, stats, nil
}

// ghostTracker continues the particles of a sequence's first frame that
// later frames lack (removed through an outlet or the domain boundary) in
// free fall from the last frame that had them: x = x₀ + v₀τ + g τ²/2,
// v = v₀ + g τ. Below a hopper outlet the particles fall freely, so this
// is what DEM would give there without the removal, apart from collisions
// within the falling stream.
type ghostTracker struct {
	gravity r3.Vec
	last    map[int64]ghost
}

type ghost struct {
	t               float64
	pos, vel, omega r3.Vec
	radius, mass    float64
	material        int32
}

func newGhostTracker(f *particles.Frame, gravity r3.Vec) *ghostTracker {
	g := &ghostTracker{gravity: gravity, last: make(map[int64]ghost, f.Len())}
	for i, id := range f.ID {
		g.last[id] = ghost{f.Time, f.Pos[i], f.Vel[i], f.Omega[i], f.Radius[i], f.Mass[i], f.Material[i]}
	}
	return g
}

func (g *ghostTracker) record(f *particles.Frame) {
	for i, id := range f.ID {
		if _, ok := g.last[id]; ok {
			g.last[id] = ghost{f.Time, f.Pos[i], f.Vel[i], f.Omega[i], f.Radius[i], f.Mass[i], f.Material[i]}
		}
	}
}

// complete returns f with the tracked particles it lacks appended in free
// fall, and how many it appended. f itself is not changed.
func (g *ghostTracker) complete(f *particles.Frame) (*particles.Frame, int) {
	g.record(f)
	present := make(map[int64]bool, f.Len())
	for _, id := range f.ID {
		present[id] = true
	}
	// Ghosts are appended in id order, so that restriction sums in the
	// same order on every run.
	var missing []int64
	for id := range g.last {
		if !present[id] {
			missing = append(missing, id)
		}
	}
	slices.Sort(missing)
	out := f
	n := 0
	for _, id := range missing {
		gh := g.last[id]
		if n == 0 {
			out = f.Clone()
		}
		tau := f.Time - gh.t
		out.ID = append(out.ID, id)
		out.Pos = append(out.Pos, r3.Add(gh.pos, r3.Add(r3.Scale(tau, gh.vel), r3.Scale(tau*tau/2, g.gravity))))
		out.Vel = append(out.Vel, r3.Add(gh.vel, r3.Scale(tau, g.gravity)))
		out.Omega = append(out.Omega, gh.omega)
		out.Radius = append(out.Radius, gh.radius)
		out.Mass = append(out.Mass, gh.mass)
		out.Material = append(out.Material, gh.material)
		if out.Entity != nil {
			out.Entity = append(out.Entity, particles.NoEntity)
		}
		n++
	}
	return out, n
}
