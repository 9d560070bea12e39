# shellcheck shell=bash
# Check hf_space: examples/hf-space as a Hugging Face Space runs it: built
# from a copy with its links followed, on the scratch image as the released
# dbinit; run as user 1000 with a read-only root file system and a tmpfs on
# /tmp; the chatbot answers POST /chat, with the migration set bundled from
# the Space's sql/.
#
# Why: the example is what a Space user copies. Its chatbot and sql are links
# into this repository, which a Space's git repository cannot hold; a Space
# runs the container as user 1000, and nothing in it may write to the
# image's file system, which the read-only root shows.

check_hf_space() {
    local context="${WORK_DIR}/hf-space" tag="${RUN_ID}-space" port
    if ! cp -rL "${REPO_ROOT}/examples/hf-space" "${context}"; then
        fail hf_space "cannot copy examples/hf-space"
        return
    fi
    # shellcheck disable=SC2086 # DBINIT_DOCKER_BUILD_FLAGS is a word list
    if ! docker build ${DBINIT_DOCKER_BUILD_FLAGS} --build-arg DBINIT_IMAGE="${DBINIT_TEST_SCRATCH_IMAGE}" \
        --build-arg BASE_IMAGE="${DBINIT_BASE_SLIM_IMAGE}" -t "${tag}" "${context}" >"${WORK_DIR}/hf-space.log" 2>&1; then
        show_file "${WORK_DIR}/hf-space.log"
        fail hf_space "docker build of examples/hf-space failed"
        return
    fi
    start_db space-db
    wait_healthy space-db 60 || { show_logs space-db; fail hf_space "its database did not turn healthy"; return; }
    port="$(free_port)"
    run_container space-app --user 1000 --read-only --tmpfs /tmp -p "127.0.0.1:${port}:7860" \
        -e DATABASE_URL="$(database_url "${RUN_ID}-space-db")" "${tag}" >/dev/null
    local reply="" deadline=$((SECONDS + 90))
    until reply="$(curl -fsS --max-time 5 -H 'Content-Type: application/json' \
        -d '{"user_id": "space", "message": "hello space"}' "http://127.0.0.1:${port}/chat" 2>&1)"; do
        if ((SECONDS >= deadline)); then
            show_logs space-app
            fail hf_space "POST /chat did not answer within 90s (last: ${reply})"
            return
        fi
        sleep 0.3
    done
    docker rmi -f "${tag}" >/dev/null 2>&1 || true  # after cleanup removed the container; a leftover costs disk only
    if [[ "${reply}" != *'"reply":"You said: hello space'* ]]; then
        fail hf_space "POST /chat answered ${reply}"
        return
    fi
    # Captured first: grep -q would end the pipe early and fail it under pipefail.
    local logs
    logs="$(docker logs "${RUN_ID}-space-app" 2>&1)"
    if [[ "${logs}" != *"migration set: bundled"* ]]; then
        show_logs space-app
        fail hf_space "dbinit did not use the set bundled from the Space's sql/"
        return
    fi
    pass hf_space
}
