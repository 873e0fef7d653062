#!/usr/bin/env bash
# Throughput of `patina generate` against what the same machine does without
# patina, measured in the same run (docs/benchmarks.md explains each line):
#
#   Parquet     patina, TPC-H lineitem profile, SF 1 rows   vs  tpchgen-cli writing lineitem SF 1
#   PostgreSQL  patina into a bare table (no keys), through  vs  server-side COPY of patina's own CSV
#               one session and with --sessions 2             (two sessions, half the file each,
#                                                               into a bare table)
#               and patina --create-schema --defer-indexes (primary key built after the load)
#   MariaDB     patina into a bare table                    vs  LOAD DATA INFILE of the same CSV
#               and patina --create-schema --defer-indexes
#   Memory      peak RSS at 6M and 60M rows (Parquet)
#   Threads     --threads 1 against --threads 2 (Parquet), beside tpchgen-cli's
#               --num-threads 1 against 2: what a second core gives on this machine
#
# Each timing is the median of RUNS runs (default 3), taken in rounds that run
# each command of a section once, so patina and its baseline share the
# machine's moods; ratios are patina's median over the baseline's. Beside each
# wall time: the fastest and slowest run, the CPU seconds the timed command
# used itself and the whole machine's busy CPU seconds (from /proc/stat; the
# difference is mostly the database server), which show what bounds a run.
# Needs psql, createdb, dropdb, mariadb, python3 and tpchgen-cli (installed
# with `cargo install tpchgen-cli --locked` when missing); loads TPC-H SF 1
# into the local PostgreSQL once (benches/lib.sh).
# A benchmark, not a test. Usage: benches/throughput.sh [parquet] [postgres] [mariadb]
# (all three when none is named; the others' lines are left out of the report).
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib.sh
export PGHOST=${PGHOST:-127.0.0.1} PGUSER=${PGUSER:-postgres}
PG=postgres://$PGUSER@$PGHOST:5432
MY=${PATINA_BENCH_MYSQL:-mysql://root@127.0.0.1:3306}
RUNS=${RUNS:-3}
SECTIONS=" ${*:-parquet postgres mariadb} "
want() { [[ $SECTIONS == *" $1 "* ]]; }
for s in $SECTIONS; do
  case $s in parquet | postgres | mariadb) ;; *) echo "unknown section: $s" >&2; exit 2 ;; esac
done
ROWS=6001215 # lineitem at TPC-H scale factor 1
WORK=${THROUGHPUT_WORK:-/tmp/patina-throughput}
mysql_cli() { mariadb -uroot -h127.0.0.1 "$@"; }
mkdir -p "$WORK"
rm -f "$WORK"/result.* "$WORK"/runs.*
chmod a+rx "$WORK" # the servers read the ready files themselves

command -v tpchgen-cli >/dev/null || cargo install tpchgen-cli --locked
cargo build --release --quiet
BIN=$PWD/target/release/patina
load_tpch 1 tpch_sf1 "$WORK"

# The profile: TPC-H SF 1 as patina reads it, narrowed to lineitem (its
# foreign keys dropped, since the other tables are not generated).
if [ ! -s "$WORK/lineitem.json" ]; then
  "$BIN" profile --source "$PG/tpch_sf1" --out "$WORK/tpch_sf1.json" --quiet 2>/dev/null
  python3 - "$WORK/tpch_sf1.json" "$WORK/lineitem.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["schema"]["tables"] = [t for t in p["schema"]["tables"] if t["name"]["name"] == "lineitem"]
p["tables"] = [t for t in p["tables"] if t["table"]["name"] == "lineitem"]
for t in p["schema"]["tables"]:
    t["foreign_keys"] = []
for t in p["tables"]:
    t["foreign_keys"] = []
json.dump(p, open(sys.argv[2], "w"))
PY
fi
PROFILE=$WORK/lineitem.json
GEN=("$BIN" generate "$PROFILE" --rows "lineitem=$ROWS" --quiet)

busy() { # the machine's busy CPU seconds since boot
  awk -v hz="$(getconf CLK_TCK)" '/^cpu /{print ($2+$3+$4+$7+$8) / hz}' /proc/stat
}
# time_run NAME SETUP COMMAND...: runs SETUP (untimed) then COMMAND once;
# appends the run's "seconds peak_kib own_cpu machine_cpu" to $WORK/runs.NAME.
# Each section runs its commands in RUNS rounds, each command once a round,
# so a patina run and its baseline's run are minutes apart at most and a
# neighbour's load on this shared machine falls on both alike.
time_run() {
  local name=$1 setup=$2 before after; shift 2
  eval "$setup" >/dev/null 2>&1
  before=$(busy)
  /usr/bin/time -f '%e %M %U %S' -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr" \
    || { cat "$WORK/stderr" >&2; exit 1; }
  after=$(busy)
  awk -v b="$before" -v a="$after" '{printf "%s %s %.1f %.1f\n", $1, $2, $3 + $4, a - b}' \
    "$WORK/time" >>"$WORK/runs.$name"
}
# median NAME...: each NAME's median run (by seconds) into $WORK/result.NAME.
median() {
  local name n
  for name in "$@"; do
    n=$(wc -l <"$WORK/runs.$name")
    sort -n "$WORK/runs.$name" | sed -n "$(( (n + 1) / 2 ))p" >"$WORK/result.$name"
  done
}
field() { cut -d' ' -f"$2" "$WORK/result.$1"; }
secs() { field "$1" 1; }
mib() { echo $(( $(field "$1" 2) / 1024 )); }
ratio() { # patina's result, baseline's result, label, target
  [ -s "$WORK/result.$1" ] && [ -s "$WORK/result.$2" ] || return 0
  printf '  %-38s %s  %s\n' "$3" "$(python3 -c "print(f'{$(secs "$1") / $(secs "$2"):.2f}')")" "${4:-}"
}
spread() { # the fastest and the slowest run's seconds
  sort -n "$WORK/runs.$1" | sed -n '1s/ .*//p;$s/ .*//p' | paste -sd- -
}
row() { # label, result: nothing when that line was not measured
  [ -s "$WORK/result.$2" ] || return 0
  printf '%-56s %7s s %5s MiB  cpu: own %5s s, machine %5s s  (runs %s s)\n' \
    "$1" "$(secs "$2")" "$(mib "$2")" "$(field "$2" 3)" "$(field "$2" 4)" "$(spread "$2")"
}

# --- Parquet -----------------------------------------------------------------
if want parquet; then
TPCHGEN=(tpchgen-cli parquet -s 1 --tables lineitem --output-dir "$WORK/tpchgen")
for _ in $(seq "$RUNS"); do
  time_run tpchgen "rm -rf $WORK/tpchgen" "${TPCHGEN[@]}"
  time_run parquet "rm -rf $WORK/parquet" "${GEN[@]}" --out "$WORK/parquet"
  # What two threads give on this machine, measured on the baseline.
  time_run tpchgen1 "rm -rf $WORK/tpchgen" "${TPCHGEN[@]}" --num-threads 1
  time_run parquet1 "rm -rf $WORK/parquet" "${GEN[@]}" --out "$WORK/parquet" --threads 1
done
time_run parquet60 "rm -rf $WORK/parquet" "$BIN" generate "$PROFILE" --rows "lineitem=$((ROWS * 10))" --quiet --out "$WORK/parquet"
median tpchgen parquet tpchgen1 parquet1 parquet60
rm -rf "$WORK/parquet" "$WORK/tpchgen"
fi

# --- The ready file both servers load: patina's own rows as CSV --------------
if want postgres || want mariadb; then
rm -rf "$WORK/csv"
"${GEN[@]}" --out "$WORK/csv" --format csv 2>/dev/null
tail -n +2 "$WORK/csv/lineitem.csv" >"$WORK/csv/body.csv"
(cd "$WORK/csv" && split -n l/2 -d body.csv half. && rm lineitem.csv)
chmod a+r "$WORK"/csv/*
fi

# --- PostgreSQL --------------------------------------------------------------
if want postgres; then
bare_pg() { # a fresh database holding lineitem's columns, no keys
  dropdb --if-exists bench_throughput; createdb bench_throughput
  "$BIN" generate "$PROFILE" --rows 'lineitem=0' --target "$PG/bench_throughput" --create-schema --quiet
  psql -qd bench_throughput -c 'ALTER TABLE lineitem DROP CONSTRAINT lineitem_pkey'
}
pg_copy() {
  psql -qd bench_throughput -c "COPY lineitem FROM '$WORK/csv/half.00' (FORMAT csv)" &
  psql -qd bench_throughput -c "COPY lineitem FROM '$WORK/csv/half.01' (FORMAT csv)" &
  wait
}
export -f pg_copy; export WORK
for _ in $(seq "$RUNS"); do
  time_run pg_copy bare_pg bash -c pg_copy
  [ "$(psql -tAd bench_throughput -c 'select count(*) from lineitem')" = "$ROWS" ]
  time_run pg_bare bare_pg "${GEN[@]}" --target "$PG/bench_throughput"
  time_run pg_sessions bare_pg "${GEN[@]}" --target "$PG/bench_throughput" --sessions 2
  time_run pg_defer "dropdb --if-exists bench_throughput; createdb bench_throughput" \
    "${GEN[@]}" --target "$PG/bench_throughput" --create-schema --defer-indexes
done
median pg_copy pg_bare pg_sessions pg_defer
dropdb bench_throughput
fi

# --- MariaDB -----------------------------------------------------------------
if want mariadb; then
fresh_my() { mysql_cli -e 'DROP DATABASE IF EXISTS bench_throughput; CREATE DATABASE bench_throughput'; }
bare_my() {
  fresh_my
  "$BIN" generate "$PROFILE" --rows 'lineitem=0' --target "$MY/bench_throughput" --create-schema --quiet
  mysql_cli bench_throughput -e 'ALTER TABLE lineitem DROP PRIMARY KEY'
}
for _ in $(seq "$RUNS"); do
  time_run my_load bare_my mariadb -uroot -h127.0.0.1 bench_throughput -e \
    "LOAD DATA INFILE '$WORK/csv/body.csv' INTO TABLE lineitem FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"'"
  [ "$(mysql_cli -N bench_throughput -e 'select count(*) from lineitem')" = "$ROWS" ]
  time_run my_bare bare_my "${GEN[@]}" --target "$MY/bench_throughput"
  time_run my_defer fresh_my "${GEN[@]}" --target "$MY/bench_throughput" --create-schema --defer-indexes
done
median my_load my_bare my_defer
mysql_cli -e 'DROP DATABASE bench_throughput'
fi
rm -rf "$WORK/csv"

# --- Report ------------------------------------------------------------------
echo "lineitem, $ROWS rows, medians of $RUNS runs ($(nproc) cores)"
row "tpchgen-cli parquet (baseline)" tpchgen
row "patina -> Parquet" parquet
row "tpchgen-cli parquet --num-threads 1" tpchgen1
row "patina -> Parquet, --threads 1" parquet1
row "patina -> Parquet, 60M rows (one run)" parquet60
row "PostgreSQL: server COPY, 2 sessions, no keys (baseline)" pg_copy
row "patina -> PostgreSQL, no keys" pg_bare
row "patina -> PostgreSQL, no keys, --sessions 2" pg_sessions
row "patina -> PostgreSQL --create-schema --defer-indexes" pg_defer
row "MariaDB: LOAD DATA INFILE, no keys (baseline)" my_load
row "patina -> MariaDB, no keys" my_bare
row "patina -> MariaDB --create-schema --defer-indexes" my_defer
echo "ratios (patina / baseline; target in brackets):"
ratio parquet tpchgen "Parquet / tpchgen-cli" "[<= 1.2]"
ratio pg_sessions pg_copy "PostgreSQL --sessions 2 / server COPY" "[<= 1.15]"
ratio pg_bare pg_copy "PostgreSQL, one session / server COPY"
ratio pg_defer pg_copy "PostgreSQL with PK after / COPY"
ratio my_bare my_load "MariaDB no keys / LOAD DATA INFILE" "[<= 1.5]"
ratio my_defer my_load "MariaDB with PK after / LOAD DATA"
ratio parquet1 parquet "1 thread / 2 threads" "[>= 1.8]"
ratio tpchgen1 tpchgen "tpchgen-cli 1 thread / 2 (the machine)"
if [ -s "$WORK/result.parquet60" ]; then
  echo "  peak memory: $(mib parquet) MiB at 6M rows, $(mib parquet60) MiB at 60M rows  [< 300 MB]"
fi
