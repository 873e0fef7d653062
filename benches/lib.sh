# Sourced by the bench scripts: loads the sample databases in ../shared/datasets
# and TPC-H into PostgreSQL, each only when it is not there yet, with psql,
# createdb and dropdb as the caller's PGHOST and PGUSER say, and tpchgen-cli
# (cargo install tpchgen-cli) for TPC-H.
BENCHES=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

load() { # name, script, (createdb first?)
  local db=$1 script=$2 create=$3
  if ! psql -d "$db" -c 'select 1' >/dev/null 2>&1; then
    if [ "$create" = yes ]; then createdb "$db"; psql -q -v ON_ERROR_STOP=1 -d "$db" -f "$script" >/dev/null
    else psql -q -v ON_ERROR_STOP=1 -d postgres -f "$script" >/dev/null; fi
  fi
}

load_samples() { # datasets dir: Chinook, Northwind and world as databases chinook, northwind, world
  local data=$1
  load chinook "$data/chinook/Chinook_PostgreSql.sql" no
  load northwind "$data/northwind/northwind.sql" yes
  load world "$data/world/world.sql" yes
}

load_tpch() { # scale factor, database, scratch dir: TPC-H with keys (benches/tpch.sql)
  local sf=$1 db=$2 work=$3/tpch-sf$1
  if ! psql -d "$db" -c 'select 1 from lineitem limit 1' >/dev/null 2>&1; then
    echo "loading TPC-H SF $sf into $db"
    rm -rf "$work"; mkdir -p "$work"
    tpchgen-cli csv -s "$sf" --output-dir="$work"
    dropdb --if-exists "$db"; createdb "$db"
    psql -q -v ON_ERROR_STOP=1 -d "$db" -f "$BENCHES/tpch.sql"
    for t in region nation part supplier partsupp customer orders lineitem; do
      psql -q -v ON_ERROR_STOP=1 -d "$db" -c "\\copy $t FROM '$work/$t.csv' WITH (FORMAT csv, HEADER true)"
    done
    psql -q -d "$db" -c 'VACUUM ANALYZE'
    rm -rf "$work"
  fi
}
