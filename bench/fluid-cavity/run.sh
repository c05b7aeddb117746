#!/usr/bin/env bash
# Compares the shipped cavity surrogate (models/cavity) with LBM on the
# 65 x 65 cavity at the Reynolds numbers 70, 140, 260, 335 and 390: inside
# its range 50 to 400, between its training values, and fixed before the
# model was trained. Then at one it was trained on (100) and at one
# outside its range (600). Run it from the repository root; each report
# goes to models/cavity/compare/reN (report.md, report.json, PNG plots).
# Wall times depend on the machine and its load.
set -euo pipefail

go build -o /tmp/neusim-bench ./cmd/neusim
for re in 70 140 260 335 390 100; do
	/tmp/neusim-bench compare cavity --set "reynolds=$re" --out "models/cavity/compare/re$re"
done
/tmp/neusim-bench compare cavity --set reynolds=600 --allow-extrapolation --out models/cavity/compare/re600
