// Package lbm is a lattice Boltzmann solver for weakly compressible
// isothermal flow on a structured mesh.Grid: D2Q9 on 2D grids and D3Q19 on
// 3D grids, with the BGK or the two-relaxation-time (TRT) collision
// operator.
//
// Boundaries: halfway bounce-back walls at solid nodes and on the faces
// of the grid, where a wall lies half a spacing beyond the last node.
// Moving walls use Ladd's correction, velocity inlets a bounce-back with
// the inflow momentum, and pressure outlets non-equilibrium extrapolation.
// Faces may be periodic, and a uniform body force enters by Guo's forcing.
//
// Units. A Config is in SI units. The lattice spacing is the grid spacing
// dx (m) and the lattice time step dt (s) is Config.TimeStep; the
// relaxation time is tau = 1/2 + 3 nu dt / dx^2 and lattice speeds are
// u dt / dx. Two limits follow and are checked by New: tau must exceed
// 1/2 (BGK becomes unreliable below about 0.51), and the Mach number
// sqrt(3) u dt / dx must stay below Config.MaxMach (0.3 by default).
// Compressibility errors grow as the square of the Mach number, so they
// are of order 1 percent at 0.1. Refining the grid at fixed tau
// (diffusive scaling, dt ~ dx^2) lowers the Mach number. Shortening dt on
// a fixed grid lowers it too, but moves tau toward 1/2.
//
// Output. Run sends the velocity (m/s), the gauge pressure
// p = c_s^2 (rho - rho_0) (Pa), the density (kg/m^3) and the solid mask
// at the grid nodes to a FieldSink at every output interval. A step
// updates every node from the previous state only, so the result is the
// same bit for bit for any number of workers. Solver.BodyForce returns the
// force on a group of solid nodes by momentum exchange, and an Observer
// evaluates a fluid case's observables (force with drag and lift
// coefficients, pressure difference, velocity profile) on each frame.
//
// Restrictions: the solid mask is fixed, so walls inside the grid do not
// move, and curved walls are resolved as a staircase of nodes (geometry
// accurate to first order in dx). The fluid is single-phase and
// isothermal, with no turbulence model; there is no MRT operator.
//
// Verification: go test ./solvers/lbm/ runs Poiseuille, Taylor-Green and
// square-duct convergence, inlet and outlet channels and the 65 x 65
// lid-driven cavity against Ghia, Ghia & Shin (1982). The 129 x 129 cavity
// runs with go test -tags slow -run Ghia129 ./solvers/lbm/, and the
// throughput benchmarks with go test -run '^$' -bench Lattice
// ./solvers/lbm/.
//
// Errors and panics: invalid configurations and diverged solutions are
// returned as errors that name the value and the fix. Panics are reserved
// for programming errors such as a node index outside the grid.
package lbm
