#!/usr/bin/env bash
# Installs what the neusim tests need on a Debian machine with Go: the
# Debian packages of the reference readers and solvers, the Node.js
# packages of the independent Arrow and Parquet readers, and the Go
# modules. Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: VTK's Python readers check the .vtp/.vtu/.vti/.pvd
# files, LIGGGHTS 3.8.0 is the reference DEM code. The readers' tests use
# vtk.util.numpy_support, which needs NumPy; python3-vtk9 only suggests
# python3-numpy, so it is asked for by name.
# The checks run from / because Python imports from the working
# directory first, and the repository's vtk/ folder would pass for VTK.
need=()
(cd / && /usr/bin/python3 -c 'import vtk; vtk.vtkVersion.GetVTKVersion()') 2>/dev/null || need+=(python3-vtk9)
(cd / && /usr/bin/python3 -c 'import numpy') 2>/dev/null || need+=(python3-numpy)
command -v liggghts >/dev/null 2>&1 || command -v lmp_auto >/dev/null 2>&1 || need+=(liggghts)
# clang 19 compiles the embedded CUDA kernels to PTX for sm_90, standing in
# for NVRTC on machines without a GPU (kernels/cuda).
command -v clang-19 >/dev/null 2>&1 || need+=(clang-19)
if ((${#need[@]})); then
	if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# Node.js readers of Arrow and Parquet files, used by the trajectory and
# table tests as readers independent of the Go code.
if [ -f tools/arrowcheck/package-lock.json ] && command -v npm >/dev/null 2>&1; then
	(cd tools/arrowcheck && npm ci --no-audit --no-fund --loglevel=error)
fi

go mod download
