#!/usr/bin/env bash
# Measures how the hopper surrogate's entity size and time step trade
# accuracy for speed. TARGETS lists entity sizes (particles per entity) and
# STRIDES surrogate time steps (in output intervals of the DEM data). For
# every pair it trains a model on the same DEM variants and compares it
# with DEM on one variant outside the training data. It then prints one
# table row per pair.
#
# Usage, from the repository root:
#
#   bench/hopper-tradeoff/run.sh
#   TARGETS="32" STRIDES="1 2 4" bench/hopper-tradeoff/run.sh
#
# Environment:
#   TARGETS     particles per entity, space-separated (default "32 64")
#   STRIDES     output intervals per surrogate step (default "1 2")
#   VARIANTS    DEM training variants, the last one held out (default 8)
#   ITERATIONS  training iterations (default 2500)
#   SET         the compared variant, as --set arguments
#               (default "outlet_diameter=0.0155 friction=0.45")
#   DURATION    simulated time of each compare run, s (default 4.5)
#   DATA        DEM trajectories, reused when present (default out/hopper-data)
#   OUT         models and reports (default out/hopper-tradeoff)
#
# An error reads "none" when the surrogate run did not empty the hopper
# within DURATION, so that its discharge time is unknown.
#
# A model already in OUT is not trained again, so an interrupted run
# resumes; delete OUT to start over. On two cores, training one pair took 5
# to 19 minutes and each compare 2 to 3 minutes. Simulating the DEM
# variants that DATA lacks takes about 7 minutes.
set -euo pipefail

TARGETS=${TARGETS:-32 64}
STRIDES=${STRIDES:-1 2}
VARIANTS=${VARIANTS:-8}
ITERATIONS=${ITERATIONS:-2500}
SET=${SET:-outlet_diameter=0.0155 friction=0.45}
DURATION=${DURATION:-4.5}
DATA=${DATA:-out/hopper-data}
OUT=${OUT:-out/hopper-tradeoff}

[[ -f go.mod ]] || { echo "run.sh: run from the repository root" >&2; exit 1; }
command -v python3 >/dev/null || { echo "run.sh: python3 not found; it reads the reports" >&2; exit 1; }

mkdir -p "$OUT"
bin=$OUT/neusim
go build -o "$bin" ./cmd/neusim

sets=()
for s in $SET; do
	sets+=(--set "$s")
done

for target in $TARGETS; do
	for stride in $STRIDES; do
		dir=$OUT/t$target-s$stride
		if [[ ! -f $dir/model.safetensors ]]; then
			echo "== training: $target particles per entity, stride $stride" >&2
			"$bin" --log-level warn train hopper --variants "$VARIANTS" --iterations "$ITERATIONS" \
				--target "$target" --stride "$stride" --data "$DATA" --out "$dir"
		fi
		if [[ ! -f $dir/compare/report.json ]]; then
			echo "== comparing: $target particles per entity, stride $stride" >&2
			"$bin" --log-level warn compare hopper "${sets[@]}" --duration "$DURATION" \
				--model "$dir/model.safetensors" --out "$dir/compare" >/dev/null
		fi
	done
done

python3 - "$OUT" $TARGETS -- $STRIDES <<'EOF'
import json, os, sys

out = sys.argv[1]
sep = sys.argv.index("--")
targets, strides = sys.argv[2:sep], sys.argv[sep + 1:]
print("| particles per entity | time step (s) | mass flow rate error | discharge time error | field error "
      "| surrogate wall time (s) | speed-up, whole run | speed-up after handover | training wall time (s) |")
print("|---|---|---|---|---|---|---|---|---|")
for t in targets:
    for s in strides:
        d = os.path.join(out, f"t{t}-s{s}")
        rep = json.load(open(os.path.join(d, "compare", "report.json")))
        meta = json.load(open(os.path.join(d, "metadata.json")))
        train = json.load(open(os.path.join(d, "model.train.json")))
        pct = lambda x: "none" if x is None else f"{100 * x:.0f} %"
        print(f"| {t} | {meta['training']['dt']:g} | {pct(rep['mass_flow_rate_error'])} "
              f"| {pct(rep['discharge_time_error'])} | {rep['field_error']:.3f} "
              f"| {rep['wall_time_surrogate_s']:.1f} | {rep['speedup']:.1f} | {rep['speedup_after_handover']:.1f} "
              f"| {train['wall_s']:.0f} |")
EOF
