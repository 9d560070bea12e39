# shellcheck shell=bash
# Check scratch_wait: `dbinit wait` in the FROM-scratch image
# (DBINIT_TEST_SCRATCH_IMAGE: /dbinit and nothing else) reaches the database
# by its container name and exits 0.
#
# Why: the released binary is meant to run with nothing beside it (no libc,
# no /etc/nsswitch.conf); resolving the database's name and connecting from
# an empty image shows that it needs none of them.

check_scratch_wait() {
    start_db scratch-db
    wait_healthy scratch-db 60 || { show_logs scratch-db; fail scratch_wait "db not healthy"; return; }
    local output
    if ! output="$(docker run --rm --label "${RUN_ID}" --network "${NETWORK}" \
        -e DATABASE_URL="$(database_url "${RUN_ID}-scratch-db")" \
        "${DBINIT_TEST_SCRATCH_IMAGE}" wait 2>&1)"; then
        printf '%s\n' "${output}" | sed 's/^/    /'
        fail scratch_wait "dbinit wait failed in the scratch image"
        return
    fi
    pass scratch_wait
}
