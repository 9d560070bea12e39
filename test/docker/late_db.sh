# shellcheck shell=bash
# Check late_db: an app container started 5 s before its database exists is
# still waiting then, comes up once the database does, and the migrations
# are applied.
#
# Why: containers start in no guaranteed order (and the database's name does
# not even resolve until its container exists); the wait phase must ride
# that out instead of exiting.

check_late_db() {
    local url
    url="$(database_url "${RUN_ID}-late-db")"
    run_container late-app -e DATABASE_URL="${url}" "${DBINIT_TEST_DEMO_IMAGE}" >/dev/null
    sleep 5
    if [[ "$(docker inspect -f '{{.State.Running}}' "${RUN_ID}-late-app")" != true ]]; then
        show_logs late-app
        fail late_db "app container gave up before the database existed"
        return
    fi
    start_db late-db
    if ! wait_healthy late-app 120; then
        show_logs late-app
        fail late_db "app did not come up after the database did"
        return
    fi
    if [[ "$(db_query late-db "SELECT to_regclass('messages') IS NOT NULL")" != t ]]; then
        fail late_db "migrations were not applied"
        return
    fi
    pass late_db
}
