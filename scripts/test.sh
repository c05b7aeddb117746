#!/usr/bin/env bash
# Sets up the machine and runs neusim's default test suite: go vet and
# every package's tests. Slow checks (Beverloo discharge, long training)
# are behind the "slow" build tag: go test -tags slow ./solvers/dem/
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
go vet ./...
go test -timeout 15m ./...

# The Slurm backend of sweeps runs against a real single-node cluster on
# this machine, which needs root to start its daemons.
if [ "$(id -u)" -eq 0 ]; then
	bash .ci/slurm.sh
	go test -tags slurm -run Slurm -count=1 ./sweep/
else
	echo "test.sh: not root, so the Slurm cluster test did not run (it needs to start slurmctld and slurmd)"
fi

# LIGGGHTS 3.8 (installed by setup.sh) as the reference DEM code: the
# default hopper's mass flow rate from neusim's DEM against LIGGGHTS, and
# the LIGGGHTS solver plugin against the in-process solver. The hopper
# runs took 24 minutes on two cores shared with other jobs (DEM 6, LIGGGHTS
# 18).
go test -tags liggghts -run 'CompareHopperLIGGGHTS|LIGGGHTSPluginBitIdentical' -count=1 -timeout 60m ./cmd/neusim/ ./solvers/plugin/
