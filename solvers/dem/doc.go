// Package dem is neusim's discrete element solver for spherical
// particles: the ground truth the surrogate learns from.
//
// # Contact law
//
// Particle-particle and particle-wall contacts share one contact law. It
// is split into parts as LIGGGHTS 3.x splits it: normal (Hertz or linear
// spring), damping, tangential (a Mindlin or linear spring with history,
// Coulomb limited) and rolling resistance (constant directional torque or
// the elastic-plastic spring-dashpot model of Ai et al. 2011).
//
// The dashpots have LIGGGHTS' form, but their damping ratio is calibrated
// so that a normal impact rebounds with the input restitution. LIGGGHTS'
// own ratio, ln e / sqrt(ln^2 e + pi^2), rebounds too fast once the force
// is clipped at zero (0.325 instead of 0.2, 0.808 instead of 0.8).
//
// A wall is a body of infinite mass and radius with its material's
// Young's modulus and Poisson's ratio, so a wall material with an
// infinite Young's modulus is rigid.
//
// # Integration
//
// Velocity Verlet for translation and rotation, spheres with moment of
// inertia 2/5 m r^2. Forces at the end of a step use the half-step
// velocities, as in LIGGGHTS. The time step is the case's or, when that is
// zero, a fraction of the Rayleigh time of the smallest particle.
//
// # Determinism
//
// Forces are computed on all workers but summed per particle in a fixed
// order. Each particle's row of the neighbour list sums the forces on it
// in list order and leaves each partner's share in a per-pair buffer.
// Every partner then adds those shares in ascending pair order. So
// trajectories are bit for bit the same for any number of workers.
//
// # Errors
//
// Bad case input and numerical trouble (a blow-up: a non-finite position
// or velocity, or an overlap above MaxOverlapFraction of the smaller
// radius) are returned as errors that name the step, the time and the
// particle. Panics are reserved for programmer errors.
//
// # Restrictions
//
//   - Spheres only; no cohesion, no twisting resistance.
//   - Particles that enter an outlet or leave the domain along a
//     non-periodic axis are removed when the neighbour list is rebuilt or
//     a frame is written, whichever comes first, so a removed particle may
//     travel up to half the neighbour skin past the boundary first.
//   - Rolling resistance against a rotating wall uses the particle's own
//     angular velocity: the wall's rotation is not part of mesh.Contact.
package dem
