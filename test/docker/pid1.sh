# shellcheck shell=bash
# Check pid1: in the container check_demo started (demo-app), dbinit is PID 1
# and the app (uvicorn) is its child.
#
# Why: as PID 1 (mode auto), dbinit stays as the app's init instead of
# exec'ing it: it forwards signals, reaps zombies and exits with the app's
# code, which it can only do with the app as its child. Needs demo (the
# driver runs demo first whenever pid1 is asked for).

check_pid1() {
    local comm children
    comm="$(docker exec "${RUN_ID}-demo-app" cat /proc/1/comm 2>/dev/null || true)"
    if [[ "${comm}" != dbinit ]]; then
        fail pid1 "PID 1 is '${comm}', not dbinit"
        return
    fi
    children="$(docker exec "${RUN_ID}-demo-app" sh -c 'for c in $(cat /proc/1/task/*/children); do cat /proc/$c/comm; done' 2>/dev/null || true)"
    if [[ "${children}" != *uvicorn* ]]; then
        fail pid1 "the app is not a child of PID 1 (children: ${children:-none})"
        return
    fi
    pass pid1
}
