#!/usr/bin/env bash
# First start: create the cluster in PGDATA with a password-protected role and
# database, using a server that listens on its Unix socket only, so a TCP
# pg_isready (the healthcheck) says "ready" only once the real server is up.
# Then exec the server as PID 1.
set -euo pipefail

: "${PGDATA:=/var/lib/postgresql/data}"
: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=${POSTGRES_USER}}"

log() { printf 'postgres-entrypoint: %s\n' "$*" >&2; }

if [[ "${1:-}" != postgres ]]; then
    exec "$@"
fi

if [[ ! -s "${PGDATA}/PG_VERSION" ]]; then
    if [[ -z "${POSTGRES_PASSWORD:-}" ]]; then
        log "error: POSTGRES_PASSWORD is not set (the database would be reachable without one)"
        exit 1
    fi
    log "initialising ${PGDATA} for user ${POSTGRES_USER}, database ${POSTGRES_DB}"
    pwfile="$(mktemp)"
    trap 'rm -f "${pwfile}"' EXIT
    printf '%s\n' "${POSTGRES_PASSWORD}" >"${pwfile}"
    initdb --pgdata="${PGDATA}" --username="${POSTGRES_USER}" --pwfile="${pwfile}" \
        --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "${pwfile}"
    printf '%s\n' "host all all all scram-sha-256" >>"${PGDATA}/pg_hba.conf"
    printf '%s\n' "listen_addresses = '*'" >>"${PGDATA}/postgresql.conf"

    pg_ctl --pgdata="${PGDATA}" --wait --silent -o "-c listen_addresses=''" start
    if [[ "${POSTGRES_DB}" != postgres ]]; then
        psql --no-psqlrc --quiet --set ON_ERROR_STOP=1 --username="${POSTGRES_USER}" --dbname=postgres \
            --set db="${POSTGRES_DB}" <<<'CREATE DATABASE :"db";'
    fi
    pg_ctl --pgdata="${PGDATA}" --wait --silent --mode=fast stop
    log "initialised"
fi

exec "$@"
