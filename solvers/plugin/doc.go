// Package plugin runs numerical solvers that live in separate executables,
// through hashicorp/go-plugin over gRPC, behind the solvers.Solver
// contract. The other side is written with the sdk package.
//
// # Discovery
//
// The plugin of solver NAME is an executable file named
// neusim-solver-NAME. SearchPath lists the folders searched, first match
// winning: --plugin-dir folders, the NEUSIM_PLUGIN_PATH list,
// $XDG_DATA_HOME/neusim/plugins (~/.local/share/neusim/plugins when
// XDG_DATA_HOME is unset), and the folder of the running neusim
// executable. Discover lists what is there; Lookup finds one name.
//
// # Protocol
//
// The host starts the plugin process with go-plugin's handshake, which
// checks a magic cookie and the protocol version. A plugin of another
// version is rejected with ErrStart and a request to rebuild it. The host
// then calls the neusim.solver.v1.Solver gRPC service defined in
// internal/solverpb/solver.proto:
//
//   - Describe returns the name, version, description and supported case
//     features, for "neusim solvers".
//   - Run sends the resolved case as the JSON encoding of cases.Case, so
//     the plugin gets the host's case bit for bit: parameters applied,
//     paths absolute, STL triangles loaded, and changes such as a
//     shortened duration kept. The plugin streams back progress and
//     frames. Each frame is
//     one Arrow IPC stream with the trajectory schema and one record batch
//     (trajectory.EncodeFrame), so float64 values cross unchanged.
//
// The JSON of cases.Case, rather than the case YAML and the parameter
// values, is sent because the host may change a resolved case before the
// run, and a plugin must simulate the same case as an in-process solver.
//
// # Failures
//
// Every Run and Describe starts a fresh process and kills it before
// returning, so a plugin that failed does not affect the next run. A
// failure is an *Error naming the plugin and its executable, with the
// plugin's last lines of standard error, and one of these kinds:
//
//   - ErrStart: the process did not start or complete the handshake within
//     Options.StartTimeout, or speaks another protocol version.
//   - ErrCrashed: the process exited during a call.
//   - ErrTimeout: the plugin sent neither frame nor progress for
//     Options.Timeout (--plugin-timeout); it is killed.
//   - ErrMalformedFrame: a frame that does not decode, or fails the checks
//     of column lengths, finite values, positive radii and masses, valid
//     material indices, unique ids, outlet counters and time order.
//   - ErrSolver: the solver in the plugin returned an error, such as a case
//     feature it does not support.
//
// Frames passed to the sink before a failure stay there: a trajectory
// writer keeps them in its file. A cancelled context cancels the plugin's
// run and kills the process; Run then returns ctx.Err().
//
// The plugin's standard error and output are logged line by line, with
// the plugin's name, to Options.Logger.
package plugin
