// Package fields coarse-grains particle frames into continuum fields on
// a regular grid: solid fraction, bulk density (kg/m^3), velocity (m/s)
// and kinetic stress (Pa), with a Gaussian or Lucy kernel whose width is
// given in m.
//
// The contact part of the stress, which needs the contact forces, is not
// computed: frames carry no forces.
//
// Bad options (a kernel narrower than the grid spacing, a non-finite
// width) are errors; a frame whose slices differ in length is an error.
package fields
