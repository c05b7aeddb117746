// Package trajectory stores particle frames in Arrow IPC files and reads
// them back.
//
// # File format
//
// A trajectory is an Arrow IPC stream (the format without a footer, often
// named .arrows) with one record batch per frame. The stream format is
// used, not the IPC file format, because a stream cut short by a killed run
// stays readable up to its last whole message.
//
// Columns, one row per particle:
//
//	id                int64                          1
//	position          fixed_size_list<float64>[3]    m
//	velocity          fixed_size_list<float64>[3]    m/s
//	angular_velocity  fixed_size_list<float64>[3]    rad/s
//	radius            float64                        m
//	mass              float64                        kg
//	material          int32                          1 (index into the case's materials)
//	entity            int32                          1 (coarse entity index, -1 for none)
//
// The entity column exists only when the first frame written has entity
// ids, and then every frame of the file must have them.
//
// Frame scalars are stored in the custom metadata of each record batch, not
// as columns, so that a frame with no particles left still keeps its step
// and time:
//
//	neusim.step          solver step, decimal integer
//	neusim.time          simulated time in s, shortest decimal that parses back to the same float64
//	neusim.outlet_count  JSON array of cumulative particle counts per outlet
//	neusim.outlet_mass   JSON array of cumulative masses per outlet, kg
//
// pyarrow 11 and later returns them with
// pyarrow.ipc.open_stream(path).iter_batches_with_custom_metadata(), and
// the apache-arrow npm package as RecordBatch.metadata. Open the file as
// a stream (pyarrow.ipc.open_stream, not open_file).
//
// Schema metadata holds the keys neusim.format_version, neusim.case,
// neusim.case_source, neusim.parameters (JSON object of parameter values),
// neusim.parameter_units (JSON object), neusim.units (JSON object mapping
// each column and frame scalar to its SI unit), neusim.solver,
// neusim.version and neusim.outlets (JSON array of outlet names), plus any
// Meta.Extra keys under the neusim.extra. prefix.
//
// # Unfinished files
//
// A Writer writes to PATH.tmp and renames it to PATH on Close, so PATH
// always holds a finished trajectory. A run that is killed leaves PATH.tmp
// behind. Open(PATH) falls back to PATH.tmp when PATH does not exist and
// records a warning, and Open also accepts the .tmp name directly; the
// frames up to the last whole one are returned. To keep such a file, rename
// it: mv PATH.tmp PATH.
//
// # Errors
//
// Bad input (a missing column, a wrong type, null values, corrupt metadata)
// is an error that names the file. Compressed and dictionary-encoded
// batches, which neusim never writes, are rejected. A truncated tail is not an error: it is
// dropped and reported by Reader.Warnings.
package trajectory
