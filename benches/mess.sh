#!/usr/bin/env bash
# The mess engine on the real sample databases in ../shared/datasets (Chinook,
# Northwind, world): load each into the local PostgreSQL, profile it, then
# generate it with --mess hostile (and --fragment, which hostile implies on
# PostgreSQL and MariaDB) into a fresh PostgreSQL database, MariaDB database
# and SQLite file with every constraint enabled, and run
# `patina verify --manifest` on each: every kind of mess the manifest lists
# must be found again, with no constraint violation.
#
# A developer's check before calling the mess engine done, not a test: the
# project's tests ship their own fixture (schemas/mess.pg.sql).
# Usage: benches/mess.sh [DATASETS_DIR]
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
failed=0
for db in chinook northwind world; do
  $BIN profile --source "$PG/$db" --out "$WORK/$db.json" --quiet 2>/dev/null
  target="mess_${db}"
  dropdb --if-exists "$target" 2>/dev/null; createdb "$target"
  mysql_cli -e "DROP DATABASE IF EXISTS $target; CREATE DATABASE $target"
  rm -f "$WORK/$target.db"
  for url in "$PG/$target" "$MY/$target" "sqlite://$WORK/$target.db"; do
    engine=${url%%:*}
    manifest="$WORK/$db.$engine.manifest.json"
    $BIN generate "$WORK/$db.json" --target "$url" --create-schema --mess hostile \
      --manifest "$manifest" --quiet 2>"$WORK/generate.txt"
    changed=$(grep '^mess hostile' "$WORK/generate.txt" | cut -d: -f2 | cut -d';' -f1)
    if $BIN verify "$WORK/$db.json" --target "$url" --manifest "$manifest" --quiet >"$WORK/verify.txt" 2>&1; then
      verdict=ok
    else
      verdict=FAILED; failed=1
    fi
    found=$(grep '^mess:' "$WORK/verify.txt" | cut -d: -f2)
    violations=$(grep -o '[0-9]* constraint violations' "$WORK/verify.txt" || echo '?')
    printf '%-10s %-9s %s;%s; %s: %s\n' "$db" "$engine" "$changed" "$found" "$violations" "$verdict"
    [ "$verdict" = ok ] || grep -E 'MISSING|VIOLATION|failed' "$WORK/verify.txt" | sed 's/^/    /'
  done
  dropdb --if-exists "$target"
  mysql_cli -e "DROP DATABASE IF EXISTS $target"
done
exit $failed
