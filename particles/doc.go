// Package particles holds particle state in structure-of-arrays form and the
// neighbour search over it.
//
// A Frame stores one instant of a particle system. Every per-particle slice
// has the same length, the number of particles in the frame, and index i in
// each slice describes the same particle. Particles are identified across
// frames by ID, never by index, because solvers remove particles (outlets)
// and insert them (pouring) during a run.
//
// Units are SI: metres, seconds, kilograms, radians.
package particles
