#!/usr/bin/env bash
# Builds gpu-check on a development machine and runs it on a GPU machine.
#
# Usage, from the repository root:
#
#   bench/gpu-check/run.sh build     # here: CGO_ENABLED=0 build into bin/gpu-check
#   bench/gpu-check/run.sh device    # on the GPU machine: run it with a time limit
#
# "device" needs no network, no Go toolchain and installs nothing. It
# needs the NVIDIA driver (libcuda.so.1) and NVRTC (libnvrtc.so.12 or
# .13); cuBLAS (libcublas) is used when present, else the tiled Gemm
# kernel. Set NEUSIM_CUDA_LIBS to a directory holding NVRTC or cuBLAS when
# the dynamic linker does not find them. bin/ is ignored by git, so carry
# it to the GPU machine with the working tree.
#
# Environment of "device":
#   LIMIT  time limit of the whole check, s (default 480)
#   OUT    directory for gpu-check.txt (default: the current directory)
#   ARGS   extra gpu-check flags, e.g. "-particles 200000 -hopper=false"
set -euo pipefail

BIN=bin/gpu-check

case ${1:-} in
build)
	mkdir -p bin
	CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -ldflags="-s -w" -o "$BIN" ./bench/gpu-check
	echo "built $BIN ($(du -h "$BIN" | cut -f1)); carry bin/ to the GPU machine"
	;;
device)
	LIMIT=${LIMIT:-480}
	OUT=${OUT:-.}
	mkdir -p "$OUT"
	if [[ ! -x $BIN ]]; then
		echo "$BIN missing: run 'bench/gpu-check/run.sh build' on the development machine and carry bin/" >&2
		exit 1
	fi
	{
		echo "== host"
		date -u
		nproc
		command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.memory --format=csv || echo "nvidia-smi not found"
		echo "CUDA libraries known to the dynamic linker:"
		ldconfig -p | grep -E 'libcuda\.so|libnvrtc\.so|libcublas\.so' || echo "  none"
	} 2>&1 | tee "$OUT/gpu-check.txt"
	# shellcheck disable=SC2086
	timeout "$LIMIT" "$BIN" -model models/hopper_cone/model.safetensors ${ARGS:-} 2>&1 | tee -a "$OUT/gpu-check.txt"
	exit "${PIPESTATUS[0]}"
	;;
*)
	echo "usage: $0 build|device" >&2
	exit 2
	;;
esac
