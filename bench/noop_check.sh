#!/usr/bin/env bash
# The hand-written alternative to `dbinit migrate` on a current database: wait
# with pg_isready (with backoff), then check with psql that the database holds
# exactly the expected migrations (version and checksum, as dbinit does).
#
#   DATABASE_URL=postgresql://... EXPECTED_HISTORY='1:<sha256>,2:<sha256>' noop_check.sh
set -euo pipefail

url="${DATABASE_URL:?DATABASE_URL is not set}"
expected="${EXPECTED_HISTORY:?EXPECTED_HISTORY is not set}"
deadline=$((SECONDS + 60))
delay=0.2

until pg_isready --quiet --dbname="$url"; do
  if ((SECONDS >= deadline)); then
    echo "noop_check: database not ready within 60s" >&2
    exit 3
  fi
  sleep "$delay"
  delay=$(awk -v d="$delay" 'BEGIN { d *= 2; print (d > 5 ? 5 : d) }')
done

actual=$(psql --no-psqlrc --tuples-only --no-align --quiet --set=ON_ERROR_STOP=1 --dbname="$url" \
  --command="SELECT string_agg(version || ':' || checksum, ',' ORDER BY version) FROM dbinit_schema_history WHERE state = 'applied'")
if [[ "$actual" != "$expected" ]]; then
  echo "noop_check: migrations pending or different (have '$actual')" >&2
  exit 1
fi
