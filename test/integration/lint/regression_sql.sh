#!/usr/bin/env bash
# dbinit-lint over PostgreSQL 15's own regression-test scripts (the
# postgresql-15 source package): every file goes through the parser and
# the rules without a crash. Prints how many files PostgreSQL's parser
# accepted and the findings per rule. psql's backslash commands are not SQL
# and are left out; each file becomes a no-transaction migration (the
# scripts hold BEGIN and COMMIT), in one set, in name order.
#
#   test/integration/lint/regression_sql.sh BUILD_DIR   (scripts/test runs it)
set -euo pipefail
cd "$(dirname "$0")/../../.."
build_dir=${1:?usage: $0 BUILD_DIR}
lint="$build_dir/dbinit-lint"
[[ -x "$lint" ]] || { echo "regression-sql: $lint is not built" >&2; exit 1; }

find_source() {
  # scripts/fuzz --real-sql fetches the same package into build-fuzz/.
  find "$build_dir/postgresql-src" build-fuzz/postgresql-src -mindepth 1 -maxdepth 1 -type d -name 'postgresql-*' \
    2> /dev/null | head -n 1 || true
}
source_dir=$(find_source)
if [[ -z "$source_dir" ]]; then
  # shellcheck source=scripts/lib/debian-source.sh
  source scripts/lib/debian-source.sh
  mkdir -p "$build_dir/postgresql-src"
  source_dir=$(fetch_debian_source postgresql-15 "$build_dir/postgresql-src")
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/set"
version=0
for file in "$source_dir"/src/test/regress/sql/*.sql; do
  version=$((version + 1))
  name=$(basename "$file" .sql | tr 'A-Z' 'a-z' | tr -c 'a-z0-9_\n' '_')
  { echo "-- dbinit:no-transaction"; grep -v '^\s*\\' "$file" || true; } > "$(printf '%s/set/%04d_%s.up.sql' "$work" "$version" "$name")"
done

status=0
"$lint" --migrations-dir "$work/set" > "$work/out" 2> "$work/err" || status=$?
# 0 clean, 1 findings, 2 some file refused by the parser; anything else
# (a signal, an abort) is a crash, and so is a sanitizer's report, whose
# exit code (1) would pass for findings.
if ((status > 2)) || grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$work/err"; then
  tail -n 20 "$work/err" >&2
  echo "regression-sql: dbinit-lint ended with status $status over $version files of $(basename "$source_dir")" >&2
  exit 1
fi
echo "regression-sql: $(sed -n 's/^dbinit lint: //p' "$work/err") ($(basename "$source_dir"))"
echo "regression-sql: findings per rule:" \
  "$(sed -n 's/^[^:]*:[0-9]*: \([a-z-]*\): .*/\1/p' "$work/out" | sort | uniq -c | sort -rn |
     awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1}')"
