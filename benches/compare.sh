#!/usr/bin/env bash
# Compares two builds of patina where wall times cannot: by the instructions
# they execute (valgrind's cachegrind counts them, whatever the neighbours on a
# shared machine do) and by whether they write the same bytes. For a change
# meant to make generation cheaper and change nothing else.
#
#   instructions  `generate` of a sixtieth of lineitem's chunks (--shard 0/60,
#                 about 100k rows, the table at its full 6M-row size), one
#                 thread, Parquet; and the shipped Chinook profile at --scale 20
#   same bytes    the files each build writes, compared file by file: lineitem
#                 (CSV, realistic mess; Parquet, hostile mess), Chinook at
#                 --scale 3 (Parquet hostile, seed 2; CSV realistic), and all of
#                 TPC-H SF 1's profile at --scale 0.02 (CSV; Parquet hostile,
#                 seed 9)
#
# Usage: benches/compare.sh OLD_BIN [NEW_BIN]   (NEW_BIN: target/release/patina)
# Build OLD_BIN first, e.g. from a worktree of the commit to compare with:
#   git worktree add /tmp/old HEAD~3 && (cd /tmp/old && cargo build --release)
# Needs valgrind and the TPC-H profiles benches/throughput.sh writes into
# THROUGHPUT_WORK (/tmp/patina-throughput: lineitem.json and tpch_sf1.json;
# `benches/throughput.sh parquet` makes them); without them only Chinook runs.
# Prints one line per measure; exits 1 when any output differs. Parquet files
# name patina's version, so builds of two versions differ there.
# A developer's measure, not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
OLD=$(realpath "$1")
NEW=$(realpath "${2:-target/release/patina}")
for bin in "$OLD" "$NEW"; do
  [ -x "$bin" ] || { echo "error: $bin is not an executable" >&2; exit 2; }
done
command -v valgrind >/dev/null || { echo "error: valgrind is needed (apt-get install valgrind)" >&2; exit 2; }
THROUGHPUT=${THROUGHPUT_WORK:-/tmp/patina-throughput}
LINEITEM=$THROUGHPUT/lineitem.json TPCH=$THROUGHPUT/tpch_sf1.json
CHINOOK=$PWD/profiles/chinook.json
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ ! -s "$LINEITEM" ] || [ ! -s "$TPCH" ]; then
  echo "note: no TPC-H profiles in $THROUGHPUT (benches/throughput.sh parquet writes them); Chinook only" >&2
  LINEITEM= TPCH=
fi

# instructions BIN ARGS...: the instructions `BIN generate ARGS` executes.
instructions() {
  local bin=$1; shift
  rm -rf "$WORK/out"
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    "$bin" generate "$@" --out "$WORK/out" --threads 1 --quiet 2>&1 >/dev/null |
    awk '/I *refs:/ { gsub(",", "", $NF); print $NF }'
}
# measure NAME ARGS...: one line, the old and new counts and their change.
measure() {
  local name=$1 old new; shift
  old=$(instructions "$OLD" "$@") new=$(instructions "$NEW" "$@")
  awk -v n="$name" -v o="$old" -v w="$new" \
    'BEGIN { printf "%-44s %7.3f -> %7.3f G instructions (%+.1f%%)\n", n, o / 1e9, w / 1e9, (w / o - 1) * 100 }'
}
[ -z "$LINEITEM" ] || measure "lineitem, a sixtieth, Parquet" "$LINEITEM" --rows lineitem=6001215 --shard 0/60
measure "Chinook --scale 20, Parquet" "$CHINOOK" --scale 20

# The same runs for both builds, into old/ and new/.
status=0
same() { # NAME ARGS...
  local name=$1; shift
  for side in old new; do
    local bin=$OLD
    [ $side = new ] && bin=$NEW
    "$bin" generate "$@" --out "$WORK/$side/$name" --quiet >/dev/null 2>&1 ||
      { echo "$name: $side build failed: $bin generate $*" >&2; status=1; return; }
  done
  if diff -r -q "$WORK/old/$name" "$WORK/new/$name" >/dev/null; then
    printf '%-44s same bytes\n' "$name"
  else
    printf '%-44s DIFFERENT\n' "$name"; status=1
  fi
}
if [ -n "$LINEITEM" ]; then
  same lineitem-realistic-csv "$LINEITEM" --rows lineitem=300000 --mess realistic --format csv
  same lineitem-hostile-parquet "$LINEITEM" --rows lineitem=200000 --mess hostile --format parquet
fi
same chinook-hostile-parquet "$CHINOOK" --scale 3 --mess hostile --seed 2 --format parquet
same chinook-realistic-csv "$CHINOOK" --scale 3 --mess realistic --format csv
if [ -n "$TPCH" ]; then
  small=(--scale 0.02 --rows public.region=5 --rows public.nation=25)
  same tpch-csv "$TPCH" "${small[@]}" --format csv
  same tpch-hostile-parquet "$TPCH" "${small[@]}" --mess hostile --seed 9 --format parquet
fi
exit $status
