// Package liggghts runs LIGGGHTS-PUBLIC 3.8 as a reference solver for
// neusim DEM cases and imports LIGGGHTS dump files.
//
// Translate turns a resolved case into a LIGGGHTS input script plus the
// files it reads (STL meshes for walls, a data file for an initial
// packing). ReadDump and ImportDumps parse "dump custom" text files into
// particles.Frame values. New returns a solvers.Solver that writes the
// input into a temporary directory, runs the LIGGGHTS executable there
// and streams its dumps to a sink.
//
// # Mapping
//
// Material i of the case is LIGGGHTS atom type i+1, for particles and
// walls alike, and the contact coefficients of each type pair come from
// cases.Case.Interaction. The Hertz model is "model hertz tangential
// history" and the linear model is "model hooke/stiffness"; both clip the
// normal force at zero (limitForce on). Constant-torque rolling friction
// is "rolling_friction cdt" and the elastic-plastic spring-dashpot model
// is "rolling_friction epsd".
//
// LIGGGHTS derives the contact damping from the restitution coefficient
// e as if the normal force could turn attractive. With the force clipped
// at zero an impact then rebounds faster than e (0.55 instead of 0.5 for
// a Hertz wall impact). neusim's DEM solver calibrates the damping so the
// rebound is e, and the translation passes LIGGGHTS the coefficient that
// yields the same damping, unless ScriptOptions.RawRestitution is set.
//
// Axis-aligned planes and boxes are LIGGGHTS primitive walls. A cylinder
// along a coordinate axis that spans the domain along that axis is a
// primitive cylinder. Every other wall (tilted planes, short or tilted
// cylinders, cylinder caps, cones, STL files, and any moving wall) is a
// triangle mesh read by fix mesh/surface, moved by fix move/mesh. A wall
// with a removal time is unfixed when the run reaches that step.
//
// Outlets delete the particles whose centres lie inside their region
// every OutletInterval steps and print the count and mass removed, which
// the solver accumulates into the frames' outlet counters.
//
// # Restrictions
//
//   - LIGGGHTS 3.8 particle templates have constant radii only, so uniform
//     and normal radius distributions are replaced by RadiusBins discrete
//     radii at the bin centres, weighted by each bin's number probability.
//   - The hooke/stiffness model takes its damping coefficient per type
//     pair, so the linear model reproduces the restitution coefficient
//     exactly only for the mean particle mass of each material.
//   - Mesh walls are faceted: a circle of radius R becomes a polygon whose
//     flat sides lie up to R (1 - cos(pi/n)) inside it, n = Segments.
//   - LIGGGHTS cylinder regions are axis-aligned, so insertion and outlet
//     regions must be boxes or cylinders along x, y or z.
//   - LIGGGHTS bins the whole domain by the neighbour cutoff. A domain
//     thousands of cutoffs wide exhausts memory; LIGGGHTS 3.8 crashed
//     with a segmentation fault on a 2 m cube with 1 mm particles.
//   - Removing a mesh wall rebuilds the one fix wall/gran shared by all
//     mesh walls, which drops the tangential history of contacts with the
//     other meshes at that step.
package liggghts
