// Package pipeline joins neusim's parts into the surrogate workflow:
// generate DEM training data over sampled design variants, train a
// surrogate on it, run the surrogate as a solver, and compare it with DEM.
//
// # Data
//
// GenerateData samples design variants of a case by Latin hypercube inside
// the parameters' ranges, runs the DEM solver on each (several jobs at
// once, the cores shared between them) and stores one trajectory per
// variant. It is resumable: a finished trajectory of the same parameter
// values is reused.
//
// # Training
//
// Train cuts each trajectory, from the handover time on (see Solver), into
// short sequences of coarse frames. Each sequence is grouped into entities
// at its first frame (grouping.FitSettings) and every frame is restricted
// to entity states. A member that leaves through an outlet within the
// sequence is continued in free fall from its last recorded state, so its
// entity's centre does not jump (Settings.DropLeaving leaves such entities
// out instead). The surrogate is trained on the sequences of all but the held-out variants,
// whose one-step error against the constant-velocity baseline is logged as
// the validation loss. The checkpoint records the case and its hash, the
// trained parameter ranges, the pipeline Settings, the normalisation, the
// seed and a summary of the data.
//
// # Solver
//
// Solver implements solvers.Solver: DEM up to the handover, then the
// surrogate advancing entities with the particles carried along (in free
// fall below every wall), projections that keep particles out of each
// other and of the walls, outlet removal (with departed members kept as free-fall
// ghosts until the next regrouping, as in training) and regrouping. See
// Solver for the details.
//
// # Comparison
//
// Compare runs DEM and the surrogate on one variant and writes a report as
// Markdown, JSON and PNG plots. It holds the relative errors of the mass
// flow rate and the discharge time, a solid-fraction field error over
// time, particle position errors and the wall times.
//
// # Fluid cases
//
// TrainFluid, FluidSolver and CompareFluid are the same chain for a 2D
// fluid case whose sides are walls (the lid-driven cavity). LBM runs on
// each training value of the case's parameters. The grid nodes are
// grouped into super-nodes (grouping.GroupPoints) and every frame is
// restricted to them by least squares. The graph network with mLSTM
// memory learns the change of the super-node velocity over one large
// step, with the parameters, wall distances and Fourier features of
// position as node inputs and the lid as wall edges. The solver rolls the
// super-nodes from the case's initial velocity to the steady state and
// interpolates back to the grid nodes. The comparison runs LBM on the
// same grid and reports relative L2 errors of the velocity over the
// domain and along the centrelines, wall times and the speed-up.
//
// # Errors
//
// Bad input (an unknown case, a model for another case, an output interval
// that is not a multiple of the model's time step) is returned as an error
// that starts with "pipeline:" and names the value and the fix.
package pipeline
