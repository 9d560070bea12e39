# shellcheck shell=bash
# Check stop: `docker stop` (SIGTERM, SIGKILL after 10 s) ends the container
# in well under 10 s, with the app's own outcome: 143 for the demo
# (check_demo's demo-app, whose uvicorn shuts down exactly once and then,
# from 0.55 on, ends by the SIGTERM it caught, which dbinit reports as a
# shell does, 128 + 15), 42 for a child that exits 42 on SIGTERM.
#
# Why: as PID 1, dbinit is what receives SIGTERM; unless it forwards it to
# the app, once, and exits with the app's status, every stop waits for the
# SIGKILL and the orchestrator sees the wrong exit code. Needs demo (the
# driver runs demo first whenever stop is asked for).

check_stop() {
    local start took code
    start="$(date +%s%N)"
    docker stop -t 10 "${RUN_ID}-demo-app" >/dev/null
    took="$(elapsed_since "${start}")"
    code="$(docker inspect -f '{{.State.ExitCode}}' "${RUN_ID}-demo-app")"
    if ((${took%.*} >= 5)) || [[ "${code}" != 143 ]]; then
        show_logs demo-app
        fail stop "demo stop took ${took}s with exit code ${code} (want < 5s, 143)"
        return
    fi
    # uvicorn's graceful shutdown ran, once: the SIGTERM reached it once.
    local shutdowns
    shutdowns="$(docker logs "${RUN_ID}-demo-app" 2>&1 | grep -c 'Shutting down' || true)"
    if [[ "${shutdowns}" != 1 ]]; then
        show_logs demo-app
        fail stop "uvicorn logged 'Shutting down' ${shutdowns} times, not once"
        return
    fi

    run_container stop42 -e DATABASE_URL="$(database_url "${RUN_ID}-demo-db")" "${DBINIT_TEST_DEMO_IMAGE}" \
        python3 -c 'import signal, sys, time
signal.signal(signal.SIGTERM, lambda *_: sys.exit(42))
print("ready", flush=True)
time.sleep(300)' >/dev/null
    local deadline=$((SECONDS + 60))
    until [[ "$(docker logs "${RUN_ID}-stop42" 2>/dev/null)" == *ready* ]]; do
        if ((SECONDS >= deadline)); then
            show_logs stop42
            fail stop "the exit-42 child never started"
            return
        fi
        sleep 0.5
    done
    start="$(date +%s%N)"
    docker stop -t 10 "${RUN_ID}-stop42" >/dev/null
    took="$(elapsed_since "${start}")"
    code="$(docker inspect -f '{{.State.ExitCode}}' "${RUN_ID}-stop42")"
    if ((${took%.*} >= 5)) || [[ "${code}" != 42 ]]; then
        show_logs stop42
        fail stop "exit-42 child: stop took ${took}s with exit code ${code} (want < 5s, 42)"
        return
    fi
    pass stop
}
