#!/usr/bin/env bash
# Times `patina profile` on TPC-H loaded into the local PostgreSQL, at the
# scale factors given (default 1), with peak memory. Needs `tpchgen-cli`
# (cargo install tpchgen-cli) and psql. A benchmark, not a test.
# Usage: benches/tpch-profile.sh [SF ...]
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib.sh
export PGHOST=${PGHOST:-127.0.0.1} PGUSER=${PGUSER:-postgres}
cargo build --release --quiet
BIN=$PWD/target/release/patina
WORK=${TPCH_WORK:-/tmp/patina-tpch}
mkdir -p "$WORK"
for sf in "${@:-1}"; do
  db="tpch_sf${sf//./_}"
  load_tpch "$sf" "$db" "$WORK"
  rows=$(psql -tAd "$db" -c "select sum(n_live_tup) from pg_stat_user_tables")
  times=()
  for _ in 1 2 3; do
    /usr/bin/time -f '%e %M' -o "$WORK/time" "$BIN" profile --source "postgres://$PGUSER@$PGHOST:5432/$db" \
      --out "$WORK/$db.json" --quiet >/dev/null 2>&1
    times+=("$(cat "$WORK/time")")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
  echo "SF $sf ($rows rows): profile median $(cut -d' ' -f1 <<<"$median") s, peak RSS $(( $(cut -d' ' -f2 <<<"$median") / 1024 )) MiB"
done
