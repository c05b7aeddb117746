// Package mesh holds the geometry shared by the solvers: rigid walls
// (planes, boxes, cylinders, cones and triangle meshes) with their
// prescribed motion, and structured grids for fields.
//
// Walls answer two queries. Contacts finds where a sphere touches a wall,
// one contact per touching feature, for the DEM contact law. Nearest finds
// the closest wall point to any point, for the surrogate's wall features.
// Both take the simulated time, because moving walls are evaluated where
// their motion has carried them.
package mesh
