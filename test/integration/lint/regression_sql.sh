#!/usr/bin/env bash
# dbinit-lint over PostgreSQL's own regression-test scripts, 17's (from
# scripts/libpg-query-17, the release dbinit-lint's parser comes from) and
# 15's (the postgresql-15 source package): every file goes through the
# parser and the rules without a crash. Prints, for each, how many files
# PostgreSQL 17's parser accepted, the findings per rule and the time the
# run took. psql's backslash commands are not SQL and are left out; each
# file becomes a no-transaction migration (the scripts hold BEGIN and
# COMMIT), in one set, in name order.
#
#   test/integration/lint/regression_sql.sh BUILD_DIR   (scripts/test runs it)
#   DBINIT_LINT=PATH ... BUILD_DIR                      another dbinit-lint (a bench's "before")
set -euo pipefail
cd "$(dirname "$0")/../../.."
build_dir=${1:?usage: $0 BUILD_DIR}
lint="${DBINIT_LINT:-$build_dir/dbinit-lint}"
[[ -x "$lint" ]] || { echo "regression-sql: $lint is not built" >&2; exit 1; }

find_source_15() {
  # scripts/fuzz --real-sql fetches the same package into build-fuzz/.
  find "$build_dir/postgresql-src" build-fuzz/postgresql-src -mindepth 1 -maxdepth 1 -type d -name 'postgresql-*' \
    2> /dev/null | head -n 1 || true
}
source_15=$(find_source_15)
if [[ -z "$source_15" ]]; then
  # shellcheck source=scripts/lib/debian-source.sh
  source scripts/lib/debian-source.sh
  mkdir -p "$build_dir/postgresql-src"
  source_15=$(fetch_debian_source postgresql-15 "$build_dir/postgresql-src")
fi
regress_17="$(scripts/libpg-query-17)/regress"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

make_set() { # DIR SCRIPT...
  local set=$1 version=0 file name
  shift
  mkdir -p "$set"
  for file in "$@"; do
    version=$((version + 1))
    name=$(basename "$file" .sql | tr 'A-Z' 'a-z' | tr -c 'a-z0-9_\n' '_')
    # -a: collate.windows.win1252.sql is not UTF-8, and is text all the same.
    { echo "-- dbinit:no-transaction"; grep -av '^\s*\\' "$file" || true; } > "$(printf '%s/%04d_%s.up.sql' "$set" "$version" "$name")"
  done
}

status_all=0
run_set() { # LABEL SET_DIR
  local label=$1 set=$2 status=0 started ended
  started=$(date +%s%N)
  "$lint" --migrations-dir "$set" > "$work/out" 2> "$work/err" || status=$?
  ended=$(date +%s%N)
  # 0 clean, 1 findings, 2 some file refused by the parser; anything else
  # (a signal, an abort) is a crash, and so is a sanitizer's report, whose
  # exit code (1) would pass for findings.
  if ((status > 2)) || grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$work/err"; then
    tail -n 20 "$work/err" >&2
    echo "regression-sql: dbinit-lint ended with status $status over $label" >&2
    status_all=1
    return
  fi
  echo "regression-sql: $label: $(sed -n 's/^dbinit lint: //p' "$work/err"), in $(((ended - started) / 1000000)) ms"
  echo "regression-sql: $label: findings per rule:" \
    "$(sed -n 's/^[^:]*:[0-9]*: \([a-z-]*\): .*/\1/p' "$work/out" | sort | uniq -c | sort -rn |
       awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1}')"
}

make_set "$work/pg17" "$regress_17"/*.sql
make_set "$work/pg15" "$source_15"/src/test/regress/sql/*.sql
run_set "PostgreSQL 17's scripts ($(sed -n 's/^regression scripts: //p' "$regress_17/../SOURCES"))" "$work/pg17"
run_set "PostgreSQL 15's scripts ($(basename "$source_15"))" "$work/pg15"
exit "$status_all"
