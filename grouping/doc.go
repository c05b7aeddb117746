// Package grouping fits coarse entities to particle trajectories and mesh
// points, and moves state between the particles and the entities.
//
// An entity is a group of particles that move together: a grain, a clump,
// a plug of material in a silo. The surrogate advances entities instead of
// particles, and the particles are rebuilt from them. Every grouping is
// fitted to data and its reconstruction error is measured and reported.
//
// # Fitting
//
// Fit takes a window of frames and groups the particles of its first
// frame. Each particle gets a feature vector of six numbers. The first
// three are its position divided by the length d n^(1/3) of a compact
// entity, with d the mean particle diameter and n the target size. The
// last three are its window-mean velocity minus the mean over all
// particles, divided by the RMS of that deviation and multiplied by the
// coherence weight. Groups are then split in two, recursively, across the
// principal axis of their features. This is principal direction divisive
// partitioning (Boley, Data Mining and Knowledge Discovery 2, 1998), except
// that the cut is placed by one-dimensional two-means, so that a coherent
// clump meets the cut at its gap to the rest.
//
// Splitting runs in two phases. First every group above 4n particles is
// split. Then the split that most lowers the total error of the best
// affine reconstruction of each group is applied, repeatedly, until there
// are N/n groups, never making a group below n/4. Quiet regions thus keep entities of up to 4n particles
// and high-shear regions, such as the flow above a hopper outlet, get
// entities down to n/4.
//
// Fit repeats this for each candidate coherence weight (DefaultWeights)
// and keeps the grouping with the smallest reconstruction error among
// those whose mean elongation stays below DefaultMaxElongation. The result
// is the same for any number of workers: splits of disjoint groups run in
// parallel, and the error-driven phase visits groups in a fixed order.
//
// # Reconstruction error
//
// The reported errors are mass-weighted RMS residuals of the best affine
// reconstruction. Positions in frame t are reconstructed from the first
// frame as c(t) + F(t)(X - C), with each entity's least-squares
// deformation F(t), which bounds what any surrogate that predicts the
// entity motion can achieve; this error grows with the window length as
// non-affine motion accumulates. Velocities in frame t are reconstructed
// as v(t) + L(t)(x - c(t)) with the gradient restriction computes.
//
// # Entity state, restriction and prolongation
//
// Entities holds, in structure-of-arrays form, each entity's member count,
// mass, centre of mass, velocity, angular velocity (from the angular
// momentum about the centre, including member spin), affine velocity
// gradient L (mass-weighted least-squares fit of v_i ≈ v + L (x_i - c)),
// shape (mass-weighted covariance of member centres), mean radius and
// material mass fractions. Binding.Restrict computes it from a frame and
// conserves mass and momentum to rounding error.
//
// Binding.Prolong moves members from one entity state to the next over a
// step dt: x_i' = c' + exp(dt (L + L')/2) (x_i - c), v_i' = v' + L'(x_i' - c').
// The matrix exponential makes a pure rotation (antisymmetric L) a
// rotation matrix to rounding error, so a rigid clump stays rigid, and an
// affine motion is reproduced exactly.
//
// # Regrouping
//
// During a rollout, Regroup splits entities that become too elongated or
// whose member velocities spread too much, merges small coherent
// neighbours, drops entities whose members all left, and groups inserted
// particles. It returns the new grouping, its state (restricted from the
// same particles, so mass and momentum are unchanged) and a Remap whose
// mass-weighted parent weights carry per-entity recurrent state through
// RemapState or RemapRows.
//
// # Neighbours and walls
//
// NeighborGraph links entities whose extents (sqrt(5 λ_max) of the shape
// plus the mean radius, the radius of a uniform ball with that covariance)
// come closer than a cutoff, using a cell list; tests compare it with a
// brute-force search. WallFeatures lists, for each entity, the walls within
// a cutoff through mesh.Surface.Nearest, so planes, boxes, cylinders,
// cones and STL meshes are treated alike; walls whose Active method
// reports false are skipped.
//
// # Mesh points
//
// GroupPoints groups mesh points with neighbour lists into super-nodes that
// are connected through those links, and builds interpolation weights back
// to the points that sum to 1 and reproduce linear fields exactly (see
// GroupPoints for the exception). GridPoints gives the points and links of
// a structured mesh.Grid.
//
// # Errors
//
// Bad input (a non-positive mass, invalid settings, a frame that does not
// match its binding, a neighbour index out of range) is returned as an
// error that starts with "grouping:" and names the value. Shape mismatches
// between slices the caller sized (entity states of another grouping, a
// state vector of the wrong width) are programmer errors and panic.
//
// # Reconstruction error on the hopper
//
// The embedded hopper case (4484 glass beads of 2 mm in the bin at
// t = 0.40 s, 0.1 s after the gate opens) was run with the DEM solver and
// grouped over a window of 8 frames, 0.07 s. d is the mean diameter and U
// the RMS particle speed over the window (0.206 m/s). The last two columns
// are the errors of the position-only grouping (coherence weight 0).
//
//	| target | entities | compression | pos_rms/d | pos_rms m | vel_rms/U | weight | elongation | pos-only pos/d | pos-only vel/U |
//	|      8 |      561 |        7.99 |    0.1174 |  0.000235 |    0.0714 |      8 |       2.09 |         0.1246 |         0.0731 |
//	|     16 |      280 |       16.01 |    0.1786 |  0.000357 |    0.1065 |      8 |       2.36 |         0.2015 |         0.1106 |
//	|     32 |      140 |       32.03 |    0.2331 |  0.000466 |    0.1370 |      8 |       2.44 |         0.2741 |         0.1409 |
//	|     64 |       70 |       64.06 |    0.2667 |  0.000533 |    0.1535 |     16 |       2.41 |         0.3360 |         0.1621 |
//	|    128 |       35 |      128.11 |    0.3055 |  0.000611 |    0.1659 |     32 |       2.24 |         0.3919 |         0.1755 |
//
// Made with
//
//	go test -tags slow -run TestHopperCompressionTable -v -timeout 60m ./grouping/
//
// which runs the DEM solver for 0.48 s of simulated time (about 85 s on
// two shared cores) before fitting.
//
// # Performance
//
// Measured with
//
//	go test -run XXX -bench . -benchtime 1x -count 3 ./grouping/
//
// on two cores of an AMD EPYC shared with other jobs (load average about
// 13), so wall times vary by up to a factor of three between runs. The
// process CPU time per particle, summed over threads, is steadier. The
// data is a sheared jittered lattice, 32 particles per entity, and a fit
// of one coherence weight over two frames (Fit tries eight).
//
//	                      N = 1e4      1e5      1e6    wall slope   CPU slope
//	fit, wall (min)        9.4 ms   230 ms   3.51 s    N^1.29
//	fit, CPU ns/particle    990     1180-1690  1490-1620            N^1.10
//	restrict, wall (min)  0.28 ms   5.6 ms    90 ms    N^1.26
//	restrict, CPU ns/p     30-41     57-72     67-69                N^1.12
//
// Restriction gathers each entity's members, so at 1e6 particles it is
// bound by cache misses. Prolongation of 1e6 particles for one step takes
// 24 CPU ns per particle (41 ns wall at best); copying the same position,
// velocity and spin arrays takes 6.5 CPU ns per particle in the same
// process, so prolongation costs about 3.6 such copies.
package grouping
