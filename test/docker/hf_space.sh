# shellcheck shell=bash
# Check hf_space: examples/hf-space as a Hugging Face Space builds and runs
# it: built from a copy with its links followed, from the Python base image
# (PYTHON_IMAGE), with `pip install -r requirements.txt` taking dbinit as
# dbinit-pg, the wheel scripts/build-wheels made and the app's pins from the
# wheelhouse; run as user 1000 with a read-only root file system and a tmpfs
# on /tmp; the chatbot answers POST /chat, the message is stored, and dbinit
# used the set bundled from the Space's sql/. The image's size is printed.
#
# Why: the example is what a Space user copies, and its Dockerfile is how a
# Python app's image is built: pip and a requirements file. Its chatbot and
# sql are links into this repository, which a Space's git repository cannot
# hold; a Space runs the container as user 1000, and nothing in it may write
# to the image's file system, which the read-only root shows. Its pins are
# the demo's, plus dbinit-pg: a drift between the two fails here.

check_hf_space() {
    local context="${WORK_DIR}/hf-space" tag="${RUN_ID}-space" port start
    local example="${REPO_ROOT}/examples/hf-space"
    if [[ "$(grep -v '^dbinit-pg==' "${example}/requirements.txt" | grep -E '^[A-Za-z]')" != \
        "$(grep -E '^[A-Za-z]' "${REPO_ROOT}/demo/chatbot/requirements.txt")" ]]; then
        fail hf_space "examples/hf-space/requirements.txt's pins differ from demo/chatbot/requirements.txt's"
        return
    fi
    local pinned version
    pinned="$(sed -n 's/^dbinit-pg==//p' "${example}/requirements.txt")"
    version="$(cat "${REPO_ROOT}/VERSION")"
    if [[ "${pinned}" != "${version}" ]]; then
        fail hf_space "examples/hf-space/requirements.txt pins dbinit-pg==${pinned}, VERSION is ${version}"
        return
    fi
    if ! cp -rL "${example}" "${context}"; then
        fail hf_space "cannot copy examples/hf-space"
        return
    fi
    start_wheelhouse || { fail hf_space "no wheelhouse to install from"; return; }
    start="$(date +%s%N)"
    # shellcheck disable=SC2086 # DBINIT_DOCKER_BUILD_FLAGS is a word list
    if ! docker build ${DBINIT_DOCKER_BUILD_FLAGS} "${PYTHON_BUILD_ARGS[@]}" -t "${tag}" "${context}" \
        >"${WORK_DIR}/hf-space.log" 2>&1; then
        show_file "${WORK_DIR}/hf-space.log"
        fail hf_space "docker build of examples/hf-space failed"
        return
    fi
    printf 'hf_space: image built in %ss, %s bytes (%s)\n' "$(elapsed_since "${start}")" \
        "$(docker image inspect -f '{{.Size}}' "${tag}")" "${DBINIT_PYTHON_IMAGE}"
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
    local stored
    stored="$(db_query space-db "SELECT string_agg(role, ',' ORDER BY id) FROM messages
        WHERE conversation_id = (SELECT conversation_id FROM messages WHERE content = 'hello space')" 2>&1)"
    if [[ "${stored}" != "user,assistant" ]]; then
        fail hf_space "the conversation holds '${stored}', not the message and its reply (user,assistant)"
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
