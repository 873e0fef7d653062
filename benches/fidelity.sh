#!/usr/bin/env bash
# Scores how much patina's generated data looks like the real data, with the
# independent judge in ../shared/tools/judge (SDMetrics, written by nobody on
# this project). For each database (default: Chinook, Northwind and world from
# ../shared/datasets, loaded into the local PostgreSQL as benches/datasets.sh
# loads them, and TPC-H SF 0.1 as tpch_sf01, loaded with tpchgen-cli if it is not
# there yet, skipped without tpchgen-cli): export every table to CSV, profile the
# database, generate it as CSV at --scale 1, and judge the synthetic tables
# against the real ones. The judge is told the true schema (primary keys and
# foreign keys, from the profile) instead of guessing it from column names.
# Prints one line per database: the overall quality score, its properties, the
# diagnostic score and how long each step took; then the first line of `patina
# verify`'s report, when the binary has that command.
#
# A developer's measure of fidelity, not a test. The judge needs its venv, once:
#   python3 -m venv ~/judge-venv && ~/judge-venv/bin/pip install -r ../shared/tools/judge/requirements-lock.txt
# Usage: benches/fidelity.sh [DATABASE ...]
# Environment: JUDGE_DIR (../shared/tools/judge), JUDGE_PYTHON (~/judge-venv/bin/python),
# DATASETS (../shared/datasets), PATINA_BENCH_POSTGRES, PATINA_BIN (target/release/patina),
# PII_AS_TEXT=1 (declare the columns the profile classes as identifying as personal text,
# which the judge does not score), OPEN=1 (profile with the privacy rules lifted: every column
# named in --allow-values and --min-count 1, so a profile keeps every value of the sample, up to its
# per-column limit; says what generation loses apart from what privacy withholds), PROFILE_ARGS (extra flags for patina profile, e.g. --min-count or --allow-values for
# reviewed reference columns), NO_BUILD=1 skips the build, KEEP=1 keeps the work directory (per database: real/
# and synth/ CSV, profile.json, metadata.json, judge.txt and judge.json, verify.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib.sh
DATA=${DATASETS:-../shared/datasets}
PG=${PATINA_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
export PGHOST=127.0.0.1 PGUSER=postgres
JUDGE_DIR=${JUDGE_DIR:-../shared/tools/judge}
JUDGE_PYTHON=${JUDGE_PYTHON:-$HOME/judge-venv/bin/python}
if [ ! -f "$JUDGE_DIR/judge.py" ]; then
  echo "error: no judge.py in $JUDGE_DIR; set JUDGE_DIR to the judge's directory" >&2; exit 1
fi
JUDGE_DIR=$(cd "$JUDGE_DIR" && pwd)
if ! "$JUDGE_PYTHON" -c 'import sdmetrics' >/dev/null 2>&1; then
  echo "error: $JUDGE_PYTHON cannot import sdmetrics. Set up the judge's venv once:" >&2
  echo "  python3 -m venv ~/judge-venv && ~/judge-venv/bin/pip install -r $JUDGE_DIR/requirements-lock.txt" >&2
  echo "or point JUDGE_PYTHON at a Python that has it." >&2
  exit 1
fi
WORK=$(mktemp -d)
if [ "${KEEP:-}" = 1 ]; then echo "work files in $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi
[ "${NO_BUILD:-}" = 1 ] || cargo build --release --quiet
BIN=${PATINA_BIN:-$PWD/target/release/patina}
DATABASES=(chinook northwind world tpch_sf01)
[ $# -eq 0 ] || DATABASES=("$@")

# tables PROFILE: one line per table, "schema<TAB>name<TAB>file<TAB>select list". The file
# is the bare table name, or schema.name when two schemas share a name. Booleans and
# blank-padded chars are exported as text (true/false, unpadded), as patina writes them.
tables() {
  python3 - "$1" <<'PY'
import collections, json, sys
tables = json.load(open(sys.argv[1]))["schema"]["tables"]
count = collections.Counter(t["name"]["name"] for t in tables)
q = lambda s: '"' + s.replace('"', '""') + '"'
for t in tables:
    schema, name = t["name"].get("schema") or "public", t["name"]["name"]
    file = name if count[name] == 1 else f"{schema}.{name}"
    cols = ", ".join(f'{q(c["name"])}::text as {q(c["name"])}'
                     if c["logical_type"]["kind"] in ("boolean", "char") else q(c["name"])
                     for c in t["columns"])
    print(f"{schema}\t{name}\t{file}\tselect {cols} from {q(schema)}.{q(name)}")
PY
}

# metadata PROFILE REAL_DIR OUT: SDMetrics metadata with the true keys. Columns of a primary
# or foreign key are ids; every other column gets the kind the judge itself infers (as if
# it were not named like a key; a text column of digits as text, not as a number). A
# single-column primary key is the table's primary_key; each single-column foreign key to
# one is a relationship. judge.py handles neither composite keys nor composite
# relationships, and SDMetrics' Intertable Trends fails on a table that references
# itself, so those are left out (their columns stay ids).
metadata() {
  "$JUDGE_PYTHON" - "$JUDGE_DIR" "$@" <<'PY'
import collections, json, os, sys
judge_dir, profile, real_dir, out = sys.argv[1:]
sys.path.insert(0, judge_dir)
import judge
NUMERIC = {"int16", "int32", "int64", "float32", "float64", "decimal"}
loaded = json.load(open(profile))
tables = loaded["schema"]["tables"]
# PII_AS_TEXT=1: columns the profiler classed as identifying (whose values the privacy
# rules never keep) are declared personal text, which SDMetrics does not score.
IDENTIFYING = {"email", "person_name", "phone", "address", "url", "uuid", "ip", "free_text", "identifier"}
pii = {((s["table"].get("schema") or "public"), s["table"]["name"], c["column"])
       for s in loaded["tables"] for c in s["columns"]
       if os.environ.get("PII_AS_TEXT") == "1" and c.get("semantic") in IDENTIFYING}
count = collections.Counter(t["name"]["name"] for t in tables)
qual = lambda n: (n.get("schema") or "public", n["name"])
file_of = {qual(t["name"]): (t["name"]["name"] if count[t["name"]["name"]] == 1
                             else "%s.%s" % qual(t["name"])) for t in tables}
pk_of = {qual(t["name"]): (t.get("primary_key") or {}).get("columns", []) for t in tables}
real = {f: judge.normalize_frame(judge.read_table(p)) for f, p in judge.table_files(real_dir).items()}
meta, left_out, self_refs = {"tables": {}, "relationships": []}, [], []
for t in tables:
    f, pk = file_of[qual(t["name"])], pk_of[qual(t["name"])]
    keys = set(pk) | {c for fk in t["foreign_keys"] for c in fk["columns"]}
    df, cols = real[f], {}
    for c in t["columns"]:
        name, kind = c["name"], c["logical_type"]["kind"]
        if name not in df:
            continue
        if name in keys:
            cols[name] = {"sdtype": "id"}
            continue
        s = df[name]
        if kind == "boolean":
            cols[name] = {"sdtype": "boolean"}
            continue
        if qual(t["name"]) + (name,) in pii:
            cols[name] = {"sdtype": "text"}
            continue
        m = judge.infer_column("value", s, 1000, 0.5)
        if m["sdtype"] == "numerical" and kind not in NUMERIC:
            m = judge.infer_column("value", s.map(lambda v: None if judge._is_nan(v) else str(v)), 1000, 0.5)
        cols[name] = m
    meta["tables"][f] = {"columns": cols}
    if len(pk) == 1:
        meta["tables"][f]["primary_key"] = pk[0]
    elif pk:
        left_out.append(f"primary key {f}({', '.join(pk)})")
    for fk in t["foreign_keys"]:
        parent = qual(fk["referenced_table"])
        where = f"{f}({', '.join(fk['columns'])})"
        if parent == qual(t["name"]):
            self_refs.append(where)
        elif len(fk["columns"]) == 1 and fk["referenced_columns"] == pk_of.get(parent):
            meta["relationships"].append({
                "parent_table_name": file_of[parent], "parent_primary_key": fk["referenced_columns"][0],
                "child_table_name": f, "child_foreign_key": fk["columns"][0]})
        else:
            left_out.append(f"foreign key {where}")
json.dump(meta, open(out, "w"), indent=2)
if left_out:
    print("composite, not given to the judge: " + "; ".join(left_out) + ".")
if self_refs:
    print("self-references, not given to the judge: " + "; ".join(self_refs) + ".")
PY
}

# summary JUDGE_JSON: the overall quality score and its properties, and the diagnostic score.
summary() {
  python3 - "$1" <<'PY'
import json, sys
S = json.load(open(sys.argv[1]))
pct = lambda x: "n/a" if x is None else f"{100 * x:.2f}%"
short = {"Column Shapes": "shapes", "Column Pair Trends": "pairs", "Cardinality": "cardinality",
         "Intertable Trends": "intertable"}
props = "  ".join(f"{short.get(p, p)} {pct(v)}" for p, v in S["quality"]["properties"].items())
print(f"quality {pct(S['quality']['overall'])}  ({props})  diagnostic {pct(S['diagnostic']['overall'])}")
PY
}

secs() { python3 -c "print(f'{$2 - $1:.1f}')"; }

run() { # database: prints its line, or the failing step's error; returns 1 on failure
  local db=$1 w=$WORK/$1 t0 t1 t2 t3 t4 t5 line schema name file sql
  mkdir -p "$w/real" "$w/synth"
  t0=$EPOCHREALTIME
  # shellcheck disable=SC2086 # PROFILE_ARGS is a list of flags
  "$BIN" profile --source "$PG/$db" --out "$w/profile.json" --quiet ${PROFILE_ARGS:-} >/dev/null 2>"$w/profile.err" \
    || { echo "$db: patina profile failed:"; sed 's/^/  /' "$w/profile.err"; return 1; }
  if [ "${OPEN:-}" = 1 ]; then # again, every column named as reviewed and k = 1
    local open=()
    mapfile -t open < <(python3 - "$w/profile.json" <<'PY'
import json, sys
for t in json.load(open(sys.argv[1]))["schema"]["tables"]:
    n = t["name"]
    for c in t["columns"]:
        print("--allow-values")
        print(".".join(filter(None, [n.get("schema"), n["name"], c["name"]])))
PY
)
    # shellcheck disable=SC2086
    "$BIN" profile --source "$PG/$db" --out "$w/profile.json" --quiet --min-count 1 "${open[@]}" ${PROFILE_ARGS:-} \
      >/dev/null 2>"$w/profile.err" \
      || { echo "$db: patina profile (OPEN=1) failed:"; sed 's/^/  /' "$w/profile.err"; return 1; }
  fi
  t1=$EPOCHREALTIME
  tables "$w/profile.json" >"$w/tables.tsv" || return 1
  while IFS=$'\t' read -r schema name file sql; do
    psql -q -v ON_ERROR_STOP=1 -d "$db" -c "\\copy ($sql) to '$w/real/$file.csv' with (format csv, header)" \
      || { echo "$db: export of $schema.$name failed"; return 1; }
  done <"$w/tables.tsv"
  t2=$EPOCHREALTIME
  "$BIN" generate "$w/profile.json" --out "$w/synth" --format csv --quiet >/dev/null 2>"$w/generate.err" \
    || { echo "$db: patina generate failed:"; sed 's/^/  /' "$w/generate.err"; return 1; }
  t3=$EPOCHREALTIME
  while IFS=$'\t' read -r schema name file sql; do # both directories name a table alike
    [ -f "$w/synth/$file.csv" ] && continue
    local other
    for other in "$schema.$name" "${schema}_$name" "$name"; do
      if [ -f "$w/synth/$other.csv" ]; then mv "$w/synth/$other.csv" "$w/synth/$file.csv"; continue 2; fi
    done
    echo "$db: patina wrote no file for $schema.$name in $w/synth"; return 1
  done <"$w/tables.tsv"
  metadata "$w/profile.json" "$w/real" "$w/metadata.json" >"$w/metadata.out" 2>&1 \
    || { echo "$db: metadata failed:"; sed 's/^/  /' "$w/metadata.out"; return 1; }
  "$JUDGE_PYTHON" "$JUDGE_DIR/judge.py" --real "$w/real" --synthetic "$w/synth" --metadata "$w/metadata.json" \
    --json "$w/judge.json" >"$w/judge.txt" 2>"$w/judge.err" \
    || { echo "$db: judge failed ($w/judge.err):"; tail -n 3 "$w/judge.err" | sed 's/^/  /'; return 1; }
  t4=$EPOCHREALTIME
  line=$(summary "$w/judge.json")
  printf '%-10s %s\n' "$db" "$line"
  printf '%-10s time: profile %s s, export %s s, generate %s s, judge %s s' "" \
    "$(secs "$t0" "$t1")" "$(secs "$t1" "$t2")" "$(secs "$t2" "$t3")" "$(secs "$t3" "$t4")"
  [ -s "$w/metadata.out" ] && printf '; %s' "$(tr '\n' ' ' <"$w/metadata.out")"
  echo
  if "$BIN" verify --help >/dev/null 2>&1; then
    t4=$EPOCHREALTIME
    "$BIN" verify "$w/profile.json" --target "$w/synth" >"$w/verify.txt" 2>&1 \
      || echo "           patina verify exited $?:"
    t5=$EPOCHREALTIME
    printf '%-10s verify (%s s): %s\n' "" "$(secs "$t4" "$t5")" "$(head -n 1 "$w/verify.txt")"
  fi
}

for db in "${DATABASES[@]}"; do
  case $db in chinook|northwind|world) load_samples "$DATA"; break;; esac
done
failed=0
for db in "${DATABASES[@]}"; do
  if [ "$db" = tpch_sf01 ] && ! psql -d tpch_sf01 -c 'select 1 from lineitem limit 1' >/dev/null 2>&1; then
    if ! command -v tpchgen-cli >/dev/null; then
      echo "tpch_sf01: skipped, not loaded and no tpchgen-cli (cargo install tpchgen-cli)"; continue
    fi
    load_tpch 0.1 tpch_sf01 "$WORK"
  fi
  run "$db" || failed=1
done
exit $failed
