// Package cases reads case files, the YAML descriptions of families of
// simulations, and resolves them with parameter values into a validated
// Case.
package cases
