#!/usr/bin/env bash
# Times neusim's DEM solver against LIGGGHTS 3.8 on the same settling box
# (box.yaml in this folder), starting both from neusim's initial packing.
#
# Usage, from the repository root:
#
#   bench/dem-vs-liggghts/run.sh
#   N=2000 STEPS=2000 bench/dem-vs-liggghts/run.sh     # quick check
#
# Environment:
#   N        particles (default: the case's 20000)
#   STEPS    steps (default: the case's 20000)
#   WORKERS  DEM workers for the whole-machine run (default: nproc)
#   LIGGGHTS LIGGGHTS executable (default: liggghts)
#
# It prints particle-steps per second of stepping and the peak resident
# memory of each run, then
#   ratio_machine = neusim on WORKERS workers / LIGGGHTS on one process
#   ratio_core    = neusim on one worker / LIGGGHTS on one process
# Stepping time excludes start-up: neusim is timed from its first frame to
# its last, LIGGGHTS by the "Loop time" it reports. Both write four frames.
set -euo pipefail

N=${N:-0}
STEPS=${STEPS:-0}
WORKERS=${WORKERS:-$(nproc)}
LIGGGHTS=${LIGGGHTS:-liggghts}
CASE=bench/dem-vs-liggghts/box.yaml

if [[ ! -f $CASE ]]; then
	echo "run.sh: $CASE not found; run from the repository root" >&2
	exit 1
fi
command -v "$LIGGGHTS" >/dev/null || { echo "run.sh: $LIGGGHTS not found; apt-get install liggghts or set LIGGGHTS" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "run.sh: /usr/bin/time not found; apt-get install time" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/liggghts"

go build -o "$work/bench" ./bench/dem-vs-liggghts

# peak_kb FILE: the maximum resident set size GNU time reported, in kB.
peak_kb() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }
# value KEY FILE: the value of the last KEY=value line.
value() { sed -n "s/^$1=//p" "$2" | tail -n 1; }

echo "== neusim DEM, $WORKERS workers"
/usr/bin/time -v "$work/bench" -case "$CASE" -n "$N" -steps "$STEPS" -workers "$WORKERS" \
	-liggghts-dir "$work/liggghts" >"$work/dem_all.txt" 2>"$work/dem_all.time"
cat "$work/dem_all.txt"
dem_all=$(value particle_steps_per_s "$work/dem_all.txt")
echo "peak_rss_kb=$(peak_kb "$work/dem_all.time")"

echo "== neusim DEM, 1 worker"
/usr/bin/time -v "$work/bench" -case "$CASE" -n "$N" -steps "$STEPS" -workers 1 \
	>"$work/dem_one.txt" 2>"$work/dem_one.time"
cat "$work/dem_one.txt"
dem_one=$(value particle_steps_per_s "$work/dem_one.txt")
echo "peak_rss_kb=$(peak_kb "$work/dem_one.time")"

echo "== LIGGGHTS, 1 process"
(cd "$work/liggghts" && /usr/bin/time -v "$LIGGGHTS" -in in.neusim -echo none -log log.liggghts \
	>stdout.txt 2>"$work/liggghts.time") || {
	grep -h ERROR "$work/liggghts/log.liggghts" "$work/liggghts/stdout.txt" >&2 || true
	exit 1
}
# "Loop time of T on 1 procs for S steps with N atoms"; the run has one
# loop when the case has no outlets and no wall removals.
read -r loop steps atoms < <(awk '/^Loop time of/ {t += $4; s += $9; n = $12} END {print t, s, n}' "$work/liggghts/log.liggghts")
lig=$(awk -v t="$loop" -v s="$steps" -v n="$atoms" 'BEGIN {printf "%.4g", n * s / t}')
echo "particles=$atoms steps=$steps stepping_s=$loop"
echo "particle_steps_per_s=$lig"
echo "peak_rss_kb=$(peak_kb "$work/liggghts.time")"

echo "== ratios"
awk -v a="$dem_all" -v o="$dem_one" -v l="$lig" 'BEGIN {printf "ratio_machine=%.3g\nratio_core=%.3g\n", a / l, o / l}'
