// Package vtk writes VTK XML files for ParaView: PolyData (.vtp) for
// particles, UnstructuredGrid (.vtu) for wall triangles, ImageData (.vti)
// for fields on a regular grid, and ParaView data collections (.pvd) that
// tie one file per frame into a time series.
//
// Arrays are stored as raw binary in an appended section (encoding="raw",
// header_type="UInt64", in the machine's byte order), or inline as base64
// with the Base64 encoding. Every file records the simulated time as the
// field-data array TimeValue (s), and its unit system twice: as an XML
// comment at the top and as a field-data string array "units" with
// "name=unit" entries. Units are SI.
//
// Every file is written to a temporary name in the same directory and
// renamed when complete, so ParaView never opens a partial file. Series
// writes a run frame by frame and rewrites its .pvd files as frames
// arrive, so a killed run leaves series that open up to the last frame
// recorded.
//
// Bad input (slices of different lengths, out-of-range triangle indices,
// fields that do not match their grid) is an error naming the file.
package vtk
