package surrogate

import (
	"fmt"
	"math"
)

// Widths of the edge and wall features that Features builds.
const (
	EdgeFeatures = 9  // d/R (3), |d|/R, Δv (3, normalised), sender and receiver radius / R
	WallFeatures = 10 // d/R (3), |d|/R, wall normal (3), wall velocity - entity velocity (3, normalised)
)

// Features turns entity frames into normalised graph inputs.
//
// Node features, NodeIn() wide: the last History finite-difference
// velocities (oldest first, 3 each), the affine velocity gradient (9), the
// shape covariance (6) and the mean radius (1), all normalised with the
// training statistics, then the material fractions (Materials), then the
// design parameters (Design), each mapped from its trained range onto
// [-1, 1]. Positions enter only as differences, so the model is
// translation invariant.
//
// NOTE: vectors and tensors enter in the case's axes, so the model is not
// invariant to rotations about gravity. It can learn a preferred
// direction: a surrogate of the default hopper drained the +x side of its
// axisymmetric bed last. ModelPredictor.Turns averages each prediction
// over turns about gravity, which removes the preference at one model
// evaluation per turn. TrainConfig.RotateAbout turns the training windows
// at random, but on that hopper it made the flow up to 26 % too slow.
type Features struct {
	History   int     // velocities per node, ≥ 1; GNS uses 5
	Materials int     // number of materials, ≥ 1
	Radius    float64 // connectivity radius R of the entity graph and of wall edges, m

	// Design lists the case's design parameters given to every node,
	// such as the sliding friction coefficient, which no other feature
	// carries. Empty for models that see none.
	Design []DesignParam `json:"design_params,omitempty"`
}

// DesignParam is a design parameter fed to every node, mapped from [Min, Max]
// onto [-1, 1].
type DesignParam struct {
	Name string  `json:"name"`
	Min  float64 `json:"min"` // in the parameter's unit
	Max  float64 `json:"max"` // in the parameter's unit
}

// NodeIn returns the width of the node features.
func (f Features) NodeIn() int { return 3*f.History + 9 + 6 + 1 + f.Materials + len(f.Design) }

// Validate reports an error for unusable settings.
func (f Features) Validate() error {
	if f.History < 1 || f.Materials < 1 || !(f.Radius > 0) || math.IsInf(f.Radius, 0) {
		return fmt.Errorf("surrogate: features: history %d, materials %d, radius %g m; want history ≥ 1, materials ≥ 1 and a positive finite radius",
			f.History, f.Materials, f.Radius)
	}
	for _, p := range f.Design {
		if p.Name == "" || !(p.Max > p.Min) || math.IsInf(p.Max-p.Min, 0) {
			return fmt.Errorf("surrogate: features: parameter %q has range [%g, %g]; want a name and finite min < max", p.Name, p.Min, p.Max)
		}
	}
	return nil
}

// DesignValues returns the values of f.Design taken from values, a map
// from parameter name to value such as a resolved case's, in the order
// of f.Design. A missing name is an error.
func (f Features) DesignValues(values map[string]float64) ([]float64, error) {
	out := make([]float64, len(f.Design))
	for i, p := range f.Design {
		v, ok := values[p.Name]
		if !ok {
			return nil, fmt.Errorf("surrogate: the model needs the design parameter %q, which the case does not define", p.Name)
		}
		out[i] = v
	}
	return out, nil
}

// ModelConfig returns cfg with the feature widths set for f.
func (f Features) ModelConfig(cfg Config) Config {
	cfg.NodeIn, cfg.EdgeIn, cfg.WallIn = f.NodeIn(), EdgeFeatures, WallFeatures
	return cfg
}

// Build fills g for frame, given its History finite-difference velocities
// (each N×3 in m/s, oldest first). It reuses the storage of g.
func (f Features) Build(g *Graph, frame *EntityFrame, vels [][]float64, nz *Normalisation) {
	n := frame.N()
	if len(vels) != f.History {
		panic(fmt.Sprintf("surrogate: Features.Build: %d velocity frames, want %d", len(vels), f.History))
	}
	if len(frame.Design) != len(f.Design) {
		panic(fmt.Sprintf("surrogate: Features.Build: frame has %d parameter values, want %d", len(frame.Design), len(f.Design)))
	}
	vNow := vels[f.History-1]
	g.N = n

	// Nodes.
	g.Nodes = g.Nodes[:0]
	for i := 0; i < n; i++ {
		for _, v := range vels {
			for d := 0; d < 3; d++ {
				g.Nodes = append(g.Nodes, float32(nz.Vel.Normalise(d, v[3*i+d])))
			}
		}
		for j := 0; j < 9; j++ {
			g.Nodes = append(g.Nodes, float32(nz.Grad.Normalise(j, frame.Grad[9*i+j])))
		}
		for j := 0; j < 6; j++ {
			g.Nodes = append(g.Nodes, float32(nz.Shape.Normalise(j, frame.Shape[6*i+j])))
		}
		g.Nodes = append(g.Nodes, float32(nz.Radius.Normalise(0, frame.Radius[i])))
		for j := 0; j < f.Materials; j++ {
			g.Nodes = append(g.Nodes, float32(frame.Material[f.Materials*i+j]))
		}
		for j, p := range f.Design {
			g.Nodes = append(g.Nodes, float32(2*(frame.Design[j]-p.Min)/(p.Max-p.Min)-1))
		}
	}

	// Edges, sorted by receiver.
	g.Senders, g.Receivers, g.Edges = g.Senders[:0], g.Receivers[:0], g.Edges[:0]
	if frame.Senders == nil {
		// NOTE: this brute-force search is O(N²); the grouping package's
		// entity graph is meant to supply the pairs for large N.
		for r := 0; r < n; r++ {
			for s := 0; s < n; s++ {
				if s != r && dist(frame.Pos, s, r) < f.Radius {
					f.addEdge(g, frame, vNow, nz, int32(s), int32(r))
				}
			}
		}
	} else {
		// Stable counting sort of the given pairs by receiver.
		g.counts = resizeZero(g.counts, n+1)
		for _, r := range frame.Receivers {
			g.counts[r+1]++
		}
		for r := 0; r < n; r++ {
			g.counts[r+1] += g.counts[r]
		}
		g.order = resizeZero(g.order, len(frame.Receivers))
		for i, r := range frame.Receivers {
			g.order[g.counts[r]] = int32(i)
			g.counts[r]++
		}
		for _, i := range g.order {
			f.addEdge(g, frame, vNow, nz, frame.Senders[i], frame.Receivers[i])
		}
	}

	// Wall edges.
	g.WallReceivers, g.Walls = g.WallReceivers[:0], g.Walls[:0]
	for _, w := range frame.Walls {
		i := int(w.Entity)
		g.WallReceivers = append(g.WallReceivers, w.Entity)
		d := math.Sqrt(w.ToWall[0]*w.ToWall[0] + w.ToWall[1]*w.ToWall[1] + w.ToWall[2]*w.ToWall[2])
		for k := 0; k < 3; k++ {
			g.Walls = append(g.Walls, float32(w.ToWall[k]/f.Radius))
		}
		g.Walls = append(g.Walls, float32(d/f.Radius))
		for k := 0; k < 3; k++ {
			g.Walls = append(g.Walls, float32(w.Normal[k]))
		}
		for k := 0; k < 3; k++ {
			g.Walls = append(g.Walls, float32((w.WallVel[k]-vNow[3*i+k])/nz.Vel.Std[k]))
		}
	}
}

func (f Features) addEdge(g *Graph, frame *EntityFrame, v []float64, nz *Normalisation, s, r int32) {
	g.Senders = append(g.Senders, s)
	g.Receivers = append(g.Receivers, r)
	p := frame.Pos
	for k := 0; k < 3; k++ {
		g.Edges = append(g.Edges, float32((p[3*s+int32(k)]-p[3*r+int32(k)])/f.Radius))
	}
	g.Edges = append(g.Edges, float32(dist(p, int(s), int(r))/f.Radius))
	for k := 0; k < 3; k++ {
		g.Edges = append(g.Edges, float32((v[3*s+int32(k)]-v[3*r+int32(k)])/nz.Vel.Std[k]))
	}
	g.Edges = append(g.Edges, float32(frame.Radius[s]/f.Radius), float32(frame.Radius[r]/f.Radius))
}

func dist(p []float64, a, b int) float64 {
	dx, dy, dz := p[3*a]-p[3*b], p[3*a+1]-p[3*b+1], p[3*a+2]-p[3*b+2]
	return math.Sqrt(dx*dx + dy*dy + dz*dz)
}
