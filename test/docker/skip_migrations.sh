# shellcheck shell=bash
# Check skip_migrations: with DBINIT_SKIP_MIGRATIONS=true the app starts on
# an empty database, and the schema is left alone (no table is created).
#
# Why: the switch is for deployments that migrate elsewhere; it must skip
# the migrate phase entirely, while the wait and the hand-off still happen.

check_skip_migrations() {
    start_db skip-db
    wait_healthy skip-db 60 || { show_logs skip-db; fail skip_migrations "db not healthy"; return; }
    # /health needs only SELECT 1, so the app turns healthy without tables.
    run_container skip-app -e DBINIT_SKIP_MIGRATIONS=true \
        -e DATABASE_URL="$(database_url "${RUN_ID}-skip-db")" "${DBINIT_TEST_DEMO_IMAGE}" >/dev/null
    if ! wait_healthy skip-app 90; then
        show_logs skip-app
        fail skip_migrations "app did not come up"
        return
    fi
    local tables
    tables="$(db_query skip-db "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")"
    if [[ "${tables}" != 0 ]]; then
        fail skip_migrations "${tables} tables exist in the database"
        return
    fi
    pass skip_migrations
}
