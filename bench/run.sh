#!/usr/bin/env bash
# Runs inside scripts/with-postgres: builds the databases and times every tool. Results go to
# $BENCH_RESULTS as tab-separated lines: scale, tool, median seconds, peak RSS (KB), note.
set -euo pipefail
runs="${BENCH_RUNS:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

measure() { # measure NAME SCALE COMMAND… → median wall time and max RSS over $runs runs
  local name=$1 scale=$2
  shift 2
  local times=() rss=0 status=0
  for _ in $(seq "$runs"); do
    status=0
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || status=$?
    read -r seconds kb < <(tail -n 1 "$work/time")
    times+=("$seconds")
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%s\t%s\t%s\t%s\t%s\n' "$scale" "$name" "$median" "$rss" "exit $status" >>"$BENCH_RESULTS"
  echo "  $name: ${median}s, $((rss / 1024)) MB (exit $status)" >&2
}

for scale in "$@"; do
  echo "bench: $scale tenants — building databases" >&2
  base="bench_base_$scale" drifted="bench_drifted_$scale"
  started=$(date +%s)
  createdb "$base"
  psql -X -q -v ON_ERROR_STOP=1 -v tenants="$scale" -d "$base" -f bench/generate.sql >/dev/null
  createdb -T "$base" "$drifted"
  psql -X -q -v ON_ERROR_STOP=1 -d "$drifted" -f bench/drift.sql
  echo "  built in $(($(date +%s) - started)) s" >&2
  counts=$(psql -X -tA -d "$base" -c "SELECT (SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relnamespace <> 'pg_catalog'::regnamespace AND relnamespace <> 'information_schema'::regnamespace) || ' tables, ' || (SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relnamespace::regnamespace::text NOT IN ('pg_catalog', 'information_schema', 'pg_toast')) || ' indexes, ' || (SELECT count(*) FROM pg_constraint WHERE connamespace::regnamespace::text <> 'pg_catalog') || ' constraints'")
  printf '%s\tshape\t0\t0\t%s\n' "$scale" "$counts" >>"$BENCH_RESULTS"

  measure "envdrift compare" "$scale" "$ENVDRIFT_BIN" compare "base=dbname=$base" \
    "drifted=dbname=$drifted" --format json --output "$work/findings.json" --force
  measure "envdrift compare --jobs 1 (one environment at a time)" "$scale" "$ENVDRIFT_BIN" compare \
    "base=dbname=$base" "drifted=dbname=$drifted" --jobs 1 --format json --output "$work/serial.json" --force
  measure "envdrift snapshot" "$scale" "$ENVDRIFT_BIN" snapshot "base=dbname=$base" \
    --output "$work/base.json" --force
  "$ENVDRIFT_BIN" snapshot "drifted=dbname=$drifted" --output "$work/drifted.json" --force >/dev/null
  measure "envdrift compare (snapshot files)" "$scale" "$ENVDRIFT_BIN" compare \
    "base=$work/base.json" "drifted=$work/drifted.json" --format json --output "$work/files.json" --force
  # The engine's own time, from --timings: the median of three runs, like every other row.
  for run in 1 2 3; do
    "$ENVDRIFT_BIN" compare "base=$work/base.json" "drifted=$work/drifted.json" --format json \
      --output "$work/timed.json" --force --timings 2>"$work/timings" >/dev/null || true
    awk '/^compare:/ {print $2}' "$work/timings"
  done >"$work/engine"
  engine=$(sort -n "$work/engine" | sed -n 2p)
  printf '%s\tcomparison engine alone\t%s\t0\tfrom --timings\n' "$scale" "$engine" >>"$BENCH_RESULTS"
  measure "pg_dump --schema-only" "$scale" pg_dump --schema-only -d "$base" -f "$work/dump.sql"
  if [ -n "$MIGRA_BIN" ]; then
    measure "migra" "$scale" "$MIGRA_BIN" --unsafe \
      "postgresql:///$base?host=$PGHOST&port=$PGPORT&user=$PGUSER" \
      "postgresql:///$drifted?host=$PGHOST&port=$PGPORT&user=$PGUSER"
  fi

  python3 - "$work/findings.json" "$scale" >>"$BENCH_RESULTS" <<'PY'
import json, sys
findings = json.load(open(sys.argv[1]))["findings"]
envs = [f for f in findings if f["scope"] == "environments"]
def has(kind, schema=None, name=None):
    return any(f["kind"] == kind and (schema is None or f["schema"] == schema)
               and (name is None or f["name"] == name or f.get("renamedTo") == name) for f in envs)
checks = {
    "missing migration rows (3 tenants)": sum(1 for f in envs if f["kind"] == "migration.missing" and f["name"] == "finance.0004_auto_4") == 3,
    "renamed index": has("index.renamed", "tenant_0001", "crm_account_owner_id_9d5e78c8"),
    "dropped index": has("index.missing", "tenant_0002", "hr_employee_owner_id_1579a32e"),
    "added column": has("column.missing", "tenant_0004", "tracking_code"),
    "changed column type": has("column.changed", "tenant_0005", "status"),
    "missing table": has("table.missing", "tenant_0007", "reports_schedule"),
    "missing tenant schema": has("schema.missing", None, "tenant_0008"),
    "extra extension": has("extension.missing", None, "pg_trgm"),
}
for name, ok in checks.items():
    print(f"{sys.argv[2]}\tcheck\t{1 if ok else 0}\t0\t{name}")
    print(f"  {'found' if ok else 'MISSED'}: {name}", file=sys.stderr)
PY
  # explain: one error answered from both databases, and with the code.
  measure "envdrift explain (one error, two databases)" "$scale" "$ENVDRIFT_BIN" explain \
    'ERROR:  relation "reports_schedule" does not exist' "base=dbname=$base" \
    "drifted=dbname=$drifted"
  "$ENVDRIFT_BIN" explain 'ERROR:  relation "reports_schedule" does not exist' \
    "base=dbname=$base" "drifted=dbname=$drifted" >"$work/explain.txt" || true
  ok=0
  grep -qF "lacks it: tenant_0007" "$work/explain.txt" && ok=1
  printf '%s\tcheck\t%s\t0\t%s\n' "$scale" "$ok" \
    "explain: the missing table is placed in tenant_0007 of the drifted copy" >>"$BENCH_RESULTS"

  # verify: the code that made the databases against them, names only.
  code="$work/code"
  rm -rf "$code"
  python3 bench/django_code.py "$code"
  measure "envdrift verify (names only)" "$scale" "$ENVDRIFT_BIN" verify "$code" "base=dbname=$base"
  measure "envdrift verify of the drifted copy" "$scale" "$ENVDRIFT_BIN" verify "$code" \
    "drifted=dbname=$drifted"
  status=0
  "$ENVDRIFT_BIN" verify "$code" "drifted=dbname=$drifted" >"$work/verify.txt" || status=$?
  check() { # check NAME PATTERN: whether verify's output on the drifted copy holds the line
    local ok=0
    grep -qF -- "$2" "$work/verify.txt" && ok=1
    printf '%s\tcheck\t%s\t0\t%s\n' "$scale" "$ok" "$1" >>"$BENCH_RESULTS"
    echo "  $([ $ok = 1 ] && echo found || echo MISSED): $1" >&2
  }
  check "verify: missing migration rows are pending" "tenant_0003: pending: finance.0004_auto_4"
  check "verify: the missing table is an unfulfilled migration" \
    "tenant_0007: applied, effect absent: reports.0001_initial: table reports_schedule is absent"
  check "verify: the added column is unexplained" \
    "tenant_0004: made by no migration: column orders_order.tracking_code"
  printf '%s\tcheck\t%s\t0\t%s\n' "$scale" "$([ $status = 1 ] && echo 1 || echo 0)" \
    "verify: exit 1 on the drifted copy" >>"$BENCH_RESULTS"
  if [ -n "${DJANGO_PYTHON:-}" ]; then
    # Django's check needs its own framework apps' real history: a copy records contenttypes'
    # two migrations in place of the generated rows (auth is not installed in the project).
    django="bench_django_$scale"
    createdb -T "$base" "$django"
    psql -X -q -v ON_ERROR_STOP=1 -d "$django" <<'SQL'
    DO $$ DECLARE s text; BEGIN
      FOR s IN SELECT table_schema FROM information_schema.tables
               WHERE table_name = 'django_migrations' LOOP
        EXECUTE format('DELETE FROM %I.django_migrations WHERE app IN (''contenttypes'', ''auth'')', s);
        EXECUTE format('INSERT INTO %I.django_migrations (app, name, applied) VALUES'
          ' (''contenttypes'', ''0001_initial'', now()),'
          ' (''contenttypes'', ''0002_remove_content_type_name'', now())', s);
      END LOOP;
    END $$;
SQL
    # One run: at 1,000 tenants it takes minutes.
    runs=1 measure "Django migrate_schemas --check (one run)" "$scale" env BENCH_DATABASE="$django" \
      "$DJANGO_PYTHON" "$code/manage.py" migrate_schemas --check
    dropdb "$django"
  fi

  dropdb "$drifted"
  dropdb "$base"
done
