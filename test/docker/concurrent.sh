# shellcheck shell=bash
# Check concurrent: two app containers started at once on a fresh database
# both come up, and each migration is recorded in dbinit_schema_history
# exactly once (DBINIT_TEST_HISTORY_KEY names the column to count by).
#
# Why: replicas of one service start together; the advisory lock must make
# one of them migrate and the other find the work done, not fail or apply a
# migration twice.

check_concurrent() {
    start_db conc-db
    wait_healthy conc-db 60 || { show_logs conc-db; fail concurrent "db not healthy"; return; }
    local url
    url="$(database_url "${RUN_ID}-conc-db")"
    # Wait for these two only: a bare `wait` would also wait for the dockerd
    # that docker_ensure_engine may have started in the background.
    local -a starters=()
    run_container conc-app1 -e DATABASE_URL="${url}" "${DBINIT_TEST_DEMO_IMAGE}" >/dev/null &
    starters+=("$!")
    run_container conc-app2 -e DATABASE_URL="${url}" "${DBINIT_TEST_DEMO_IMAGE}" >/dev/null &
    starters+=("$!")
    wait "${starters[@]}"
    local app
    for app in conc-app1 conc-app2; do
        if ! wait_healthy "${app}" 90; then
            show_logs "${app}"
            fail concurrent "${app} did not turn healthy"
            return
        fi
    done
    local counts
    counts="$(db_query conc-db "SELECT count(*) || ' ' || count(DISTINCT ${DBINIT_TEST_HISTORY_KEY}) FROM dbinit_schema_history")" ||
        { fail concurrent "cannot read dbinit_schema_history"; return; }
    local total="${counts% *}" distinct="${counts#* }"
    if [[ "${total}" != "${distinct}" || "${total}" -lt 1 ]]; then
        show_logs conc-app1
        show_logs conc-app2
        fail concurrent "dbinit_schema_history has ${total} rows for ${distinct} migrations"
        return
    fi
    pass concurrent
}
