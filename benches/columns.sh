#!/usr/bin/env bash
# What each column of one table costs to generate: for every column, the CPU
# seconds of `patina generate` on a copy of the profile narrowed to that table's
# key columns plus the column, less those of the key columns alone (one thread,
# Parquet, --mess none). Shows where generation time goes before profiling with
# perf; the columns' costs add up to about the whole table's (what is left is
# what relations between columns add). A developer's measure, not a test.
#
# Usage: benches/columns.sh PROFILE TABLE [ROWS]   (ROWS default 3000000)
# Environment: RUNS (default 3; each figure is a median), PATINA_BIN
# (target/release/patina, built when missing). Example, TPC-H lineitem as
# benches/throughput.sh profiles it:
#   benches/columns.sh /tmp/patina-throughput/lineitem.json lineitem
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
PROFILE=$1 TABLE=$2 ROWS=${3:-3000000} RUNS=${RUNS:-3}
BIN=${PATINA_BIN:-target/release/patina}
[ -x "$BIN" ] || cargo build --release --quiet
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# One profile per column: the table alone, its primary key's columns, and the
# column; relations and CHECKs that name a dropped column are left out.
python3 - "$PROFILE" "$TABLE" "$WORK" <<'PY'
import copy, json, sys
profile, name, work = sys.argv[1:]
p = json.load(open(profile))
schema = [t for t in p["schema"]["tables"] if t["name"]["name"] == name]
stats = [t for t in p["tables"] if t["table"]["name"] == name]
if not schema or not stats:
    sys.exit(f"no table {name} in {profile}")
columns = [c["name"] for c in schema[0]["columns"]]
key = set((schema[0].get("primary_key") or {}).get("columns", []))
def narrowed(keep):
    q = copy.deepcopy(p)
    s, t = copy.deepcopy(schema[0]), copy.deepcopy(stats[0])
    s["columns"] = [c for c in s["columns"] if c["name"] in keep]
    s["foreign_keys"], t["foreign_keys"] = [], []
    t["columns"] = [c for c in t["columns"] if c["column"] in keep]
    dropped = set(columns) - keep
    named = lambda x: any(f'"{d}"' in json.dumps(x) for d in dropped)
    for k in ("associations", "bandings", "correlations", "time_order"):
        if isinstance(t.get(k), list):
            t[k] = [x for x in t[k] if not named(x)]
    s["checks"] = [x for x in s.get("checks", []) if not named(x)]
    s["uniques"] = [x for x in s.get("uniques", []) if not named(x)]
    q["schema"]["tables"], q["tables"] = [s], [t]
    return q
order = ["(key)"] + [c for c in columns if c not in key] + ["(all)"]
for i, c in enumerate(order):
    keep = set(columns) if c == "(all)" else key | ({c} if c != "(key)" else set())
    json.dump(narrowed(keep), open(f"{work}/{i}.json", "w"))
open(f"{work}/names", "w").write("\n".join(order) + "\n")
PY

cpu() { # median user+system seconds of generating profile $1
  local runs=()
  for _ in $(seq "$RUNS"); do
    rm -rf "$WORK/out"
    /usr/bin/time -f '%U %S' -o "$WORK/time" "$BIN" generate "$1" --rows "$TABLE=$ROWS" \
      --out "$WORK/out" --format parquet --threads 1 --mess none --quiet >/dev/null 2>"$WORK/err" \
      || { cat "$WORK/err" >&2; exit 1; }
    runs+=("$(awk '{printf "%.2f", $1 + $2}' "$WORK/time")")
  done
  printf '%s\n' "${runs[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
}

echo "$TABLE, $ROWS rows, one thread, Parquet, --mess none; CPU seconds, median of $RUNS"
i=0 base=0
while read -r name; do
  s=$(cpu "$WORK/$i.json")
  case $name in
    "(key)") base=$s; printf '  %-24s %7s s\n' "key columns alone" "$s" ;;
    "(all)") printf '  %-24s %7s s\n' "every column" "$s" ;;
    *) printf '  %-24s %7s s  (+%s s)\n' "$name" "$s" "$(awk -v a="$s" -v b="$base" 'BEGIN{printf "%.2f", a - b}')" ;;
  esac
  i=$((i + 1))
done <"$WORK/names"
