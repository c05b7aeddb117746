package pipeline

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/grouping"
	"github.com/neusim/neusim/mesh"
	"github.com/neusim/neusim/solvers/lbm"
	"github.com/neusim/neusim/surrogate"
)

// Identification of fluid surrogate files: the __metadata__ key of the
// safetensors file and the format and version of FluidMeta.
const (
	fluidMetaKey       = "neusim-fluid"
	FluidFormat        = "neusim-fluid-surrogate"
	FluidFormatVersion = 1
)

// Widths of the fluid surrogate's edge and wall features. The node
// width is 2 (velocity) + design parameters + 4 (wall distances) + 4 per
// Fourier frequency (see fluidGraph).
const (
	fluidEdgeIn = 5 // offset d/h (2), |d|/h, velocity difference / (U·VelStd) (2)
	fluidWallIn = 7 // offset to the wall / h (2), distance / h, wall normal (2), wall velocity − velocity, / (U·VelStd) (2)
)

// FluidSettings are the choices of a fluid surrogate that are not the
// network's. The zero value means the defaults.
type FluidSettings struct {
	// Target is the number of mesh points per super-node; default 9, a
	// 3 × 3 patch on a 2D grid.
	Target int `json:"target"`
	// Dt is the surrogate time step, s; default 5 L / U, five passes of
	// the flow across the domain (L the largest side of the grid, U the
	// case's characteristic speed).
	Dt float64 `json:"dt_s"`
	// Duration is the simulated time of every training sequence, s;
	// default the case's duration. A variant that becomes steady earlier
	// is continued with its steady frame.
	Duration float64 `json:"duration_s"`
}

// FluidMeta records what a fluid surrogate was trained on. It travels as
// JSON in the safetensors __metadata__ under the key "neusim-fluid".
type FluidMeta struct {
	Format        string `json:"format"`  // FluidFormat
	Version       int    `json:"version"` // FluidFormatVersion
	NeusimVersion string `json:"neusim_version"`
	Created       string `json:"created"` // RFC 3339 UTC

	Architecture surrogate.Config `json:"architecture"`
	Settings     FluidSettings    `json:"settings"`

	Case     string `json:"case"`
	CaseHash string `json:"case_hash"`
	Solver   string `json:"solver"` // solver of the training data, lbm

	// Params are the design parameters the network sees, in node-feature
	// order. Each enters as (ln value − LogCentre) / LogHalfWidth, from
	// the case's range of the parameter.
	Params       []string  `json:"params"`
	LogCentre    []float64 `json:"log_centre"`
	LogHalfWidth []float64 `json:"log_half_width"`
	// ParamRanges maps each parameter to the [min, max] of the trained
	// values; TrainValues lists the variants trained on.
	ParamRanges map[string][2]float64 `json:"param_ranges"`
	TrainValues []map[string]float64  `json:"train_values"`

	GridNodes  [3]int  `json:"grid_nodes"`
	SuperNodes int     `json:"super_nodes"`
	Speed      float64 `json:"velocity_scale_m_per_s"` // U, the case's characteristic speed
	Length     float64 `json:"length_m"`               // L, the largest side of the grid's box
	// VelStd is the standard deviation of u/U over the training frames
	// and OutStd that of the change of u/U over one step, per component.
	VelStd float64    `json:"velocity_std"`
	OutStd [2]float64 `json:"step_change_std"`

	// MemoryWindow is the number of steps of a training window and
	// MemoryBurnIn the recorded steps run before it to fill the memory. A
	// rollout restarts the memory from zero every MemoryWindow steps and
	// warms it up on the MemoryBurnIn states before, so that it never
	// sees a longer history than in training.
	MemoryWindow int `json:"memory_window"`
	MemoryBurnIn int `json:"memory_burn_in"`

	Seed     uint64             `json:"seed"`
	Training FluidTrainingStats `json:"training"`
}

// FluidTrainingStats summarises the training run.
type FluidTrainingStats struct {
	Sequences  int     `json:"sequences"`
	Frames     int     `json:"frames"`
	Iterations int     `json:"iterations"`
	FinalLoss  float64 `json:"final_loss"`
	// OneStepRMS is the RMS error of the predicted one-step change of u/U
	// over the training frames, inputs recorded and memory carried from
	// frame 0; PersistenceRMS is that of predicting no change.
	OneStepRMS     float64 `json:"one_step_rms"`
	PersistenceRMS float64 `json:"persistence_rms"`
	DataWallS      float64 `json:"data_wall_time_s"`  // LBM runs
	TrainWallS     float64 `json:"train_wall_time_s"` // optimiser steps
}

// fluidGraph is the fixed super-node graph of one grid: super-nodes,
// their links and wall edges, and the node features that do not change.
type fluidGraph struct {
	grid  *mesh.Grid
	group *grouping.PointGrouping
	h     float64 // mean link length, m

	senders, receivers []int32   // directed links, sorted by receiver
	edgeGeom           []float64 // per link: d/h (2), |d|/h
	wallRecv           []int32
	wallGeom           []float64 // per wall edge: offset/h (2), distance/h, normal (2)
	wallVel            []float64 // per wall edge: wall velocity / U (2)
	distances          []float64 // per super-node: distances to x-, x+, y-, y+ / L
	// fourier holds per super-node sin(k π a/L) and cos(k π a/L) for
	// a = x, y measured from the x- and y- walls and k in fluidFrequencies.
	fourier []float64
}

// fluidFrequencies are the wave numbers, in half waves per L, of the
// Fourier features of position. Plain coordinates make an MLP learn
// smooth fields first and sharp ones (the lid's boundary layer) late
// (Tancik et al. 2020, "Fourier features let networks learn high
// frequency functions in low dimensional domains").
var fluidFrequencies = []float64{1, 2, 4, 8}

// checkFluidCase reports why the fluid surrogate cannot run case c: it
// handles 2D grids whose four side faces are walls (moving or not), with
// no solid nodes inside.
func checkFluidCase(c *cases.Case, g *mesh.Grid) error {
	if c.Fluid == nil {
		return fmt.Errorf("case %s has no fluid section", c.Name)
	}
	if !g.Is2D() {
		return fmt.Errorf("case %s: the fluid surrogate handles 2D grids, and fluid.grid has %d nodes along z", c.Name, g.Dims[2])
	}
	for k := 0; k < 4; k++ {
		if t := c.Fluid.Faces[k].Type; t != cases.FaceWall && t != "" {
			return fmt.Errorf("case %s: fluid.faces.%s is %s; the fluid surrogate handles wall faces only (a lid-driven cavity)", c.Name, cases.FluidFaceNames[k], t)
		}
	}
	if g.SolidCount() > 0 {
		return fmt.Errorf("case %s: %d grid nodes are inside walls or obstacles; the fluid surrogate handles grids without solid nodes", c.Name, g.SolidCount())
	}
	if !(c.Fluid.CharacteristicSpeed > 0) {
		return fmt.Errorf("case %s: fluid.characteristic_speed is %g m/s; the fluid surrogate scales velocities by it, so set it to the lid speed", c.Name, c.Fluid.CharacteristicSpeed)
	}
	return nil
}

// fluidGridOf returns the LBM configuration of c with its grid checked for
// the fluid surrogate.
func fluidGridOf(c *cases.Case, workers int) (lbm.Config, error) {
	cfg, err := lbm.ConfigFromCase(c, workers, nil)
	if err != nil {
		return cfg, err
	}
	return cfg, checkFluidCase(c, cfg.Grid)
}

// newFluidGraph groups the nodes of g into super-nodes of about target
// points and builds their graph. faces are the case's grid faces, u the
// velocity scale U (m/s) and length the scale L (m).
func newFluidGraph(g *mesh.Grid, faces [6]cases.FluidFace, target int, u, length float64) (*fluidGraph, error) {
	pts, nbr := grouping.GridPoints(g)
	pg, err := grouping.GroupPoints(pts, nbr, target)
	if err != nil {
		return nil, err
	}
	fg := &fluidGraph{grid: g, group: pg}
	n := pg.Len()

	// Links between super-nodes that share a mesh link, both directions.
	linked := make([]map[int32]bool, n)
	for i := range linked {
		linked[i] = map[int32]bool{}
	}
	for i, list := range nbr {
		for _, j := range list {
			a, b := pg.Node[i], pg.Node[j]
			if a != b {
				linked[a][b], linked[b][a] = true, true
			}
		}
	}
	var total float64
	for r := 0; r < n; r++ {
		for s := int32(0); s < int32(n); s++ {
			if linked[r][s] {
				fg.senders = append(fg.senders, s)
				fg.receivers = append(fg.receivers, int32(r))
				total += r3.Norm(r3.Sub(pg.Centre[s], pg.Centre[r]))
			}
		}
	}
	if len(fg.senders) == 0 {
		return nil, fmt.Errorf("the grid of %d nodes forms one super-node at %d points per super-node; lower the target", g.Len(), target)
	}
	fg.h = total / float64(len(fg.senders))
	for e := range fg.senders {
		d := r3.Sub(pg.Centre[fg.senders[e]], pg.Centre[fg.receivers[e]])
		fg.edgeGeom = append(fg.edgeGeom, d.X/fg.h, d.Y/fg.h, r3.Norm(d)/fg.h)
	}

	// Wall edges from every super-node within h of a side face. The faces
	// lie half a spacing beyond the outer nodes (halfway bounce-back).
	lo, hi := g.Extent()
	half := g.Spacing / 2
	planes := [4]struct {
		axis   int
		at     float64
		normal float64
	}{{0, lo.X - half, 1}, {0, hi.X + half, -1}, {1, lo.Y - half, 1}, {1, hi.Y + half, -1}}
	for c := 0; c < n; c++ {
		x := [2]float64{pg.Centre[c].X, pg.Centre[c].Y}
		for k, p := range planes {
			d := (p.at - x[p.axis]) * -p.normal // distance, positive inside
			fg.distances = append(fg.distances, d/length)
			if k == 0 || k == 2 { // x- and y-: the coordinate from the wall
				for _, f := range fluidFrequencies {
					fg.fourier = append(fg.fourier, math.Sin(f*math.Pi*d/length), math.Cos(f*math.Pi*d/length))
				}
			}
			if d > fg.h {
				continue
			}
			var off, nrm [2]float64
			off[p.axis] = p.at - x[p.axis]
			nrm[p.axis] = p.normal
			fg.wallRecv = append(fg.wallRecv, int32(c))
			fg.wallGeom = append(fg.wallGeom, off[0]/fg.h, off[1]/fg.h, d/fg.h, nrm[0], nrm[1])
			fg.wallVel = append(fg.wallVel, faces[k].Velocity.X/u, faces[k].Velocity.Y/u)
		}
	}
	return fg, nil
}

// appendGraph appends the graph of one state to dst as a disconnected
// component: s is the N×2 super-node velocity divided by U and params the
// normalised design parameters. Edges stay sorted by receiver because the
// appended receivers all follow dst's.
func (fg *fluidGraph) appendGraph(dst *surrogate.Graph, s, params []float64, velStd float64) {
	n := fg.group.Len()
	off := int32(dst.N)
	dst.N += n
	for c := 0; c < n; c++ {
		dst.Nodes = append(dst.Nodes, float32(s[2*c]/velStd), float32(s[2*c+1]/velStd))
		for _, p := range params {
			dst.Nodes = append(dst.Nodes, float32(p))
		}
		for _, d := range fg.distances[4*c : 4*c+4] {
			dst.Nodes = append(dst.Nodes, float32(d))
		}
		nf := 4 * len(fluidFrequencies)
		for _, f := range fg.fourier[nf*c : nf*(c+1)] {
			dst.Nodes = append(dst.Nodes, float32(f))
		}
	}
	for e := range fg.senders {
		snd, rcv := fg.senders[e], fg.receivers[e]
		dst.Senders = append(dst.Senders, snd+off)
		dst.Receivers = append(dst.Receivers, rcv+off)
		gm := fg.edgeGeom[3*e : 3*e+3]
		dst.Edges = append(dst.Edges, float32(gm[0]), float32(gm[1]), float32(gm[2]),
			float32((s[2*snd]-s[2*rcv])/velStd), float32((s[2*snd+1]-s[2*rcv+1])/velStd))
	}
	for w, c := range fg.wallRecv {
		dst.WallReceivers = append(dst.WallReceivers, c+off)
		gm := fg.wallGeom[5*w : 5*w+5]
		dst.Walls = append(dst.Walls, float32(gm[0]), float32(gm[1]), float32(gm[2]), float32(gm[3]), float32(gm[4]),
			float32((fg.wallVel[2*w]-s[2*c])/velStd), float32((fg.wallVel[2*w+1]-s[2*c+1])/velStd))
	}
}

// restrict returns the super-node velocities, divided by u, of the mesh
// velocity field vel (3 per node, m/s), by least squares (see
// grouping.RestrictPointsLeastSquares).
func (fg *fluidGraph) restrict(vel []float64, u float64) []float64 {
	n := fg.grid.Len()
	uv := make([]float64, 2*n)
	for i := 0; i < n; i++ {
		uv[2*i], uv[2*i+1] = vel[3*i]/u, vel[3*i+1]/u
	}
	return fg.group.RestrictPointsLeastSquares(uv, 2)
}

// prolong writes the mesh velocity (3 per node, m/s) of the super-node
// velocities s (N×2, divided by u) into vel.
func (fg *fluidGraph) prolong(s []float64, u float64, vel []float64) {
	uv := fg.group.ProlongPoints(s, 2)
	for i := 0; i < fg.grid.Len(); i++ {
		vel[3*i], vel[3*i+1], vel[3*i+2] = uv[2*i]*u, uv[2*i+1]*u, 0
	}
}

// fluidParamFeatures returns the normalised design parameters of values.
func fluidParamFeatures(meta *FluidMeta, values map[string]float64) []float64 {
	out := make([]float64, len(meta.Params))
	for i, name := range meta.Params {
		out[i] = (math.Log(values[name]) - meta.LogCentre[i]) / meta.LogHalfWidth[i]
	}
	return out
}

// fluidModelConfig returns cfg with the fluid feature widths for p
// design parameters.
func fluidModelConfig(cfg surrogate.Config, p int) surrogate.Config {
	cfg.NodeIn, cfg.EdgeIn, cfg.WallIn = 2+p+4+4*len(fluidFrequencies), fluidEdgeIn, fluidWallIn
	return cfg.Defaults()
}

// outsideTrained returns, in name order, the parameters whose value in
// values lies outside the range the model was trained on.
func (m *FluidMeta) outsideTrained(values map[string]float64) []string {
	var out []string
	for _, name := range slices.Sorted(maps.Keys(m.ParamRanges)) {
		if r, v := m.ParamRanges[name], values[name]; v < r[0] || v > r[1] {
			out = append(out, name)
		}
	}
	return out
}

// validate reports an inconsistent fluid metadata record.
func (m *FluidMeta) validate(path string) error {
	switch {
	case m.Format != FluidFormat || m.Version < 1 || m.Version > FluidFormatVersion:
		return fmt.Errorf("pipeline: fluid model %s: format %q version %d, want %q version 1 to %d", path, m.Format, m.Version, FluidFormat, FluidFormatVersion)
	case len(m.LogCentre) != len(m.Params) || len(m.LogHalfWidth) != len(m.Params):
		return fmt.Errorf("pipeline: fluid model %s: %d parameters with %d centres and %d widths", path, len(m.Params), len(m.LogCentre), len(m.LogHalfWidth))
	case !(m.Speed > 0) || !(m.Length > 0) || !(m.VelStd > 0) || !(m.OutStd[0] > 0) || !(m.OutStd[1] > 0) || !(m.Settings.Dt > 0) || m.Settings.Target < 1:
		return fmt.Errorf("pipeline: fluid model %s: speed %g m/s, length %g m, velocity std %g, step std %v, dt %g s and target %d must be positive",
			path, m.Speed, m.Length, m.VelStd, m.OutStd, m.Settings.Dt, m.Settings.Target)
	}
	for i, w := range m.LogHalfWidth {
		if !(w > 0) {
			return fmt.Errorf("pipeline: fluid model %s: parameter %s has log half-width %g, want a positive value", path, m.Params[i], w)
		}
	}
	if got := fluidModelConfig(m.Architecture, len(m.Params)); got != m.Architecture {
		return fmt.Errorf("pipeline: fluid model %s: architecture input widths %d/%d/%d, want %d/%d/%d for %d parameters",
			path, m.Architecture.NodeIn, m.Architecture.EdgeIn, m.Architecture.WallIn, got.NodeIn, got.EdgeIn, got.WallIn, len(m.Params))
	}
	return nil
}

// IsFluidModel reports whether the safetensors file path holds a fluid
// surrogate (written by TrainFluid) rather than an entity surrogate.
func IsFluidModel(path string) bool {
	js, _, err := surrogate.ReadWeightsMetadata(path, fluidMetaKey)
	return err == nil && json.Valid(js)
}
