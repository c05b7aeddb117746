// Package sweep runs a case over many design variants: full grids over
// ranges and lists of parameter values, or Latin hypercube samples inside
// the parameters' ranges.
//
// A sweep lives in one directory. The manifest sweep.json records the
// case, the parameters and every variant, so a sweep restarted with the
// same command resumes: each finished variant has its own result file,
// written atomically, and is skipped on restart. A sweep killed at any
// moment therefore loses no finished result and never writes a variant
// twice. The merged table results.csv is rebuilt from the result files
// whenever the sweep finishes.
package sweep
