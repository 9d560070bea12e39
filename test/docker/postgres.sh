# shellcheck shell=bash
# Check postgres: the PostgreSQL image (docker/postgres.Dockerfile, or
# DBINIT_POSTGRES_IMAGE) starts, turns healthy, and takes a password login.
#
# Why: every other check runs its database from this image, so this one
# tells a broken image apart from a broken dbinit. It is also all that
# `scripts/docker-test --infra-only` runs.

check_postgres() {
    start_db pg
    if ! wait_healthy pg 60; then
        show_logs pg
        fail postgres "${POSTGRES_IMAGE} did not turn healthy within 60s"
        return
    fi
    if [[ "$(db_query pg 'SELECT 1')" != 1 ]]; then
        fail postgres "SELECT 1 did not answer 1"
        return
    fi
    pass postgres
}
