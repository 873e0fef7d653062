#!/usr/bin/env bash
# Runs patina on the real sample databases in ../shared/datasets (Chinook,
# Northwind, world): load each into the local PostgreSQL (and Chinook's MySQL
# edition into the local MariaDB), profile it, and generate it with
# --create-schema into a fresh PostgreSQL database, MariaDB database and
# SQLite file at --scale 1 and 10, checking every table's row count and (for
# SQLite) PRAGMA foreign_key_check. Then times Chinook at scale 10 into
# PostgreSQL, MariaDB and Parquet, with peak memory from /usr/bin/time.
#
# A developer's check before calling a capability done, not a test: the
# project's tests ship their own fixtures. Usage: benches/datasets.sh [DATASETS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib.sh
DATA=${1:-../shared/datasets}
PG=${PATINA_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
MY=${PATINA_BENCH_MYSQL:-mysql://root@127.0.0.1:3306}
mysql_cli() { mariadb -uroot -h127.0.0.1 "$@"; }
export PGHOST=127.0.0.1 PGUSER=postgres
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cargo build --release --quiet
BIN=target/release/patina

load_samples "$DATA"
if ! mysql_cli -e 'select 1 from Chinook.Track limit 1' >/dev/null 2>&1; then
  mysql_cli < "$DATA/chinook/Chinook_MySql.sql"
fi

$BIN profile --source "$MY/Chinook" --out "$WORK/chinook_mysql.json" --quiet 2>/dev/null
for db in chinook northwind world chinook_mysql; do
  [ "$db" = chinook_mysql ] || $BIN profile --source "$PG/$db" --out "$WORK/$db.json" --quiet 2>/dev/null
  for scale in 1 10; do
    target="bench_${db}_s${scale}"
    dropdb --if-exists "$target" 2>/dev/null; createdb "$target"
    mysql_cli -e "DROP DATABASE IF EXISTS $target; CREATE DATABASE $target"
    $BIN generate "$WORK/$db.json" --target "$PG/$target" --create-schema --scale "$scale" --quiet
    $BIN generate "$WORK/$db.json" --target "$MY/$target" --create-schema --scale "$scale" --quiet
    $BIN generate "$WORK/$db.json" --target "sqlite://$WORK/$target.db" --create-schema --scale "$scale" --quiet
    # Every table holds round(source rows x scale), in all three engines.
    python3 - "$WORK/$db.json" "$scale" "$target" "$WORK/$target.db" <<'PY'
import json, sqlite3, subprocess, sys
profile, scale, target, lite = json.load(open(sys.argv[1])), float(sys.argv[2]), sys.argv[3], sys.argv[4]
con = sqlite3.connect(lite)
assert con.execute("PRAGMA foreign_key_check").fetchall() == [], "foreign-key violations in SQLite"
bad = 0
for t in profile["tables"]:
    want = round(t["row_count"] * scale)
    schema, name = t["table"].get("schema", "public"), t["table"]["name"]
    pg = int(subprocess.check_output(["psql", "-tAd", target, "-c", f'select count(*) from "{schema}"."{name}"']))
    my = int(subprocess.check_output(["mariadb", "-uroot", "-h127.0.0.1", "-N", "-e", f"select count(*) from `{target}`.`{name}`"]))
    lt = con.execute(f'select count(*) from "{name}"').fetchone()[0]
    if pg != want or lt != want or my != want:
        bad += 1
        print(f"  MISMATCH {schema}.{name}: want {want}, postgres {pg}, mariadb {my}, sqlite {lt}")
print(f"{target}: {len(profile['tables'])} tables, {'all counts match' if not bad else f'{bad} mismatches'}")
sys.exit(1 if bad else 0)
PY
    dropdb "$target"; mysql_cli -e "DROP DATABASE $target"
  done
done

echo
ROWS=$(python3 -c "import json,sys; print(sum(round(t['row_count']*10) for t in json.load(open(sys.argv[1]))['tables']))" "$WORK/chinook.json")
echo "Chinook at scale 10 ($ROWS rows), 3 runs each, median:"
measure() { # label, command...
  local label=$1; shift
  local times=() mems=()
  for _ in 1 2 3; do
    "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err"; exit 1; }
    local secs mem
    secs=$(grep -oP 'in \K[0-9.]+(?= s)' "$WORK/err" | tail -1)
    mem=$(grep -oP 'Maximum resident set size \(kbytes\): \K[0-9]+' "$WORK/err")
    times+=("$secs"); mems+=("$mem")
  done
  local mt mm
  mt=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
  mm=$(printf '%s\n' "${mems[@]}" | sort -n | sed -n 2p)
  python3 -c "print(f'  {\"$label\":<12} {$ROWS/$mt:>10,.0f} rows/s  ({$mt:.3f} s)  peak RSS {$mm/1024:.1f} MiB')"
}
pg_once() { dropdb --if-exists bench_pg 2>/dev/null; createdb bench_pg;
  /usr/bin/time -v $BIN generate "$WORK/chinook.json" --target "$PG/bench_pg" --create-schema --scale 10 --quiet; }
my_once() { mysql_cli -e "DROP DATABASE IF EXISTS bench_my; CREATE DATABASE bench_my";
  /usr/bin/time -v $BIN generate "$WORK/chinook.json" --target "$MY/bench_my" --create-schema --scale 10 --quiet; }
pq_once() { rm -rf "$WORK/pq";
  /usr/bin/time -v $BIN generate "$WORK/chinook.json" --out "$WORK/pq" --format parquet --scale 10 --quiet; }
measure PostgreSQL pg_once
measure MariaDB my_once
measure Parquet pq_once
dropdb --if-exists bench_pg; mysql_cli -e "DROP DATABASE IF EXISTS bench_my"
