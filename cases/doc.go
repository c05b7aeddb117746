// Package cases reads case files, the YAML descriptions of families of
// simulations, and resolves them with parameter values into a validated
// Case.
//
// # Case files
//
// A case file maps onto Case with snake_case keys. The top-level keys are
// name, description, parameters, gravity (default [0, 0, -9.80665] m/s^2),
// domain, materials, interactions, contact, geometry (walls and outlets),
// particles, solver and observables; `neusim cases show hopper` prints a
// complete, commented example. All values are SI: m, s, kg, Pa, rad.
//
// Design parameters are declared with a default, an inclusive range and a
// unit, and any number elsewhere may be an expression that uses them:
//
//	parameters:
//	  outlet_diameter: {default: 0.018, min: 0.012, max: 0.024, unit: m}
//	...
//	radius: ${outlet_diameter} / 2
//
// Expressions take + - * /, parentheses, unary signs, numbers such as
// 2.5e-3, the constant pi and the functions sqrt, sin, cos, tan, asin,
// acos, atan, exp, log, abs, floor, ceil, round, pow, min and max. A
// vector is a list of three numbers or expressions. Options.Set overrides
// parameter values ("name=value", as given to --set); a value outside the
// parameter's range is an error unless Options.AllowExtrapolation is set,
// in which case the parameter is listed in Case.Extrapolated.
//
// Paths in a case file, such as the file of an stl wall, are relative to
// the directory of the case file. An stl wall may instead list its
// triangles inline; either way its scale and offset are applied at load,
// x = scale * x_file + offset, and triangles of zero area are dropped.
//
// # Fluid cases
//
// A case with a fluid section is a lattice Boltzmann run on a structured
// grid (see Fluid): grid, collision, time_step (a step in s or auto),
// duration, output_interval, viscosity, density, body_acceleration,
// initial_velocity, faces (x-, x+, y-, y+, z-, z+: wall, periodic,
// velocity or pressure), characteristic_speed, max_mach, steady and
// obstacles. A velocity face may take profile: parabolic, and its top-level
// observables are force (on a named obstacle), pressure_difference and
// profile (see FluidObservable). Such a case may leave out materials,
// particles, domain and solver, and its walls need no material. `neusim cases show cavity`
// prints an example.
//
// # Errors
//
// Bad input is an error, never a panic. Load returns an Errors value that
// lists every independent problem, each an *Error naming the file, line
// and column, the field path, the value and what is allowed:
//
//	hopper.yaml:14:14: materials.glass.poisson: 0.7 is out of range: Poisson's ratio must be in [0, 0.5)
//
// Unknown keys, names and choices come with the closest allowed spelling.
// A panic from this package is a bug in it, or an embedded case that no
// longer loads.
package cases
