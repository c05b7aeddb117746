// Package sdk turns a solvers.Solver into a neusim solver plugin: an
// executable that neusim starts as a separate process and runs through
// hashicorp/go-plugin over gRPC.
//
// # Writing a plugin
//
// Implement solvers.Solver (Name and Run) and call Serve from main:
//
//	package main
//
//	import "github.com/neusim/neusim/solvers/plugin/sdk"
//
//	func main() {
//		sdk.Serve(&mySolver{log: sdk.Logger()}, sdk.Info{
//			Version:     "0.1.0",
//			Description: "my solver in one line",
//			Features:    []string{sdk.FeatureParticles, sdk.FeatureOutlets},
//		})
//	}
//
// Build it as neusim-solver-NAME, where NAME is what Name returns, and put
// it on the plugin path. The path is the folders given with --plugin-dir,
// the NEUSIM_PLUGIN_PATH list, $XDG_DATA_HOME/neusim/plugins
// (~/.local/share/neusim/plugins when XDG_DATA_HOME is unset) and the
// folder of the neusim executable. "neusim solvers" then lists it and
// "neusim run --solver NAME" runs it. examples/plugin-ballistic in the
// neusim repository is a complete plugin of about a hundred lines.
//
// # What Run receives and must do
//
// Run gets the resolved case exactly as the host resolved it, with every
// parameter applied, paths absolute and STL triangles loaded. It must keep
// the solvers.Solver contract. It sends a frame at time 0 and at every
// output interval, in time order, each with the cumulative OutletCount and
// OutletMass of the case's outlets, and returns ctx.Err() after a
// cancellation. The SDK
// encodes each frame as an Arrow record batch and sends it before the
// sink returns, so a frame may be reused after WriteFrame. The host checks
// every frame (column lengths, finite positions, velocities, radii and
// masses, valid material indices, unique ids, non-decreasing time) and
// stops the run with an error naming the plugin when one is malformed.
//
// Call the progress function at least every few seconds during long
// steps: the host treats a plugin that sends neither frame nor progress
// for its --plugin-timeout as hung, and kills it.
//
// A case feature that the solver does not implement is an error from
// Run that names the feature, such as "ballistic: wall hopper (cone): walls
// are not supported". Info.Features lists what is supported, for "neusim
// solvers"; the Feature constants give the names.
//
// # Logging and output
//
// Logger returns a slog.Logger that writes to the plugin's standard error,
// which the host logs line by line with the plugin's name. Standard output
// is forwarded the same way. A plugin must not close or redirect either
// before Serve returns, because go-plugin uses them.
//
// # Versions
//
// Host and plugin must speak the same protocol version (go-plugin's
// handshake checks it) and agree on the case encoding: a plugin built
// against a neusim whose cases.Case lacks a field that the host sends
// rejects the case and asks to be rebuilt. Rebuild plugins when neusim is
// upgraded.
package sdk
