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
