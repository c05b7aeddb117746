//go:build slow

// Run with: go test -tags slow -run 'Energy|Beverloo' -v ./solvers/dem/

package dem

func init() { energySteps = 100000 }
