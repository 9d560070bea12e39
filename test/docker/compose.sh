# shellcheck shell=bash
# Check compose: docker-compose.yml as a user runs it, with Compose v2 or v1:
# `up -d`, then the app answers POST /chat on the published port (the time
# that takes is printed), and the message is in `messages`. The project is
# taken down with its volume after.
#
# Why: docs/operations.md sends users to `docker compose up`; this runs the
# real file, not a copy of it, with this run's images, as project
# COMPOSE_PROJECT on a loopback port of its own. DBINIT_COMPOSE (the Compose
# command) is set by the driver when this check is asked for. compose_down
# is also the EXIT trap's (setup.sh): an interrupted run leaves no project.

# The Compose project check_compose has up, if any, and its host port.
COMPOSE_PROJECT=""
COMPOSE_PORT=""

check_compose() {
    COMPOSE_PORT="$(free_port)" || { fail compose "no free port on 127.0.0.1"; return; }
    COMPOSE_PROJECT="${RUN_ID}-compose"
    compose_round_trip || true
    compose_down
}

# The check up to its verdict; check_compose takes the project down after it,
# whichever way it ended.
compose_round_trip() {
    local -a up=(up -d)
    # The image the build stage made is the one compose's `image:` names.
    if docker_image_present "${DBINIT_TEST_DEMO_IMAGE}"; then
        up+=(--no-build)
    else
        log "compose: ${DBINIT_TEST_DEMO_IMAGE} is missing; building it with ${DBINIT_COMPOSE[*]} (not timed)"
        compose build app >"${WORK_DIR}/compose-build.log" 2>&1 ||
            { show_file "${WORK_DIR}/compose-build.log"; fail compose "compose build app failed"; return; }
    fi

    local start took
    start="$(date +%s%N)"
    if ! compose "${up[@]}" >"${WORK_DIR}/compose-up.log" 2>&1; then
        show_file "${WORK_DIR}/compose-up.log"
        fail compose "${DBINIT_COMPOSE[*]} ${up[*]} failed"
        return
    fi
    # Until then the port is refused or reset (docker-proxy accepts, nothing
    # listens behind it), or the request times out.
    local url="http://127.0.0.1:${COMPOSE_PORT}/chat" message="hello from compose ${RUN_ID}"
    local reply="" code="" deadline=$((SECONDS + 120))
    while :; do
        reply="$(curl -sS --max-time 5 -w '\n%{http_code}' -H 'Content-Type: application/json' \
            -d "{\"user_id\": \"docker-test\", \"message\": \"${message}\"}" "${url}" 2>&1)" || true
        code="${reply##*$'\n'}"
        [[ "${code}" == 200 ]] && break
        if ((SECONDS >= deadline)); then
            compose ps 2>&1 | sed 's/^/    /'
            compose logs --no-color --tail 40 2>&1 | sed 's/^/    /'
            fail compose "POST /chat did not answer 200 within 120s of up -d (last: ${code:-none}: ${reply%$'\n'*})"
            return
        fi
        sleep 0.2
    done
    took="$(elapsed_since "${start}")"
    printf 'compose: app answered after %ss (%s, up -d to POST /chat 200)\n' "${took}" "${DBINIT_COMPOSE[*]}"

    local conversation_id counts
    conversation_id="$(python3 -c 'import json, sys; print(json.load(sys.stdin)["conversation_id"])' <<<"${reply%$'\n'*}")" ||
        { fail compose "POST /chat answered without a conversation_id: ${reply%$'\n'*}"; return; }
    if ! counts="$(compose_db_query "SELECT count(*) FILTER (WHERE role = 'user' AND content = '${message}') || ' '
            || count(*) FILTER (WHERE role = 'assistant') FROM messages WHERE conversation_id = ${conversation_id}" 2>&1)"; then
        fail compose "cannot query messages through the db service: ${counts}"
        return
    fi
    if [[ "${counts}" != "1 1" ]]; then
        fail compose "conversation ${conversation_id} has '${counts}' (user message, assistant replies), not '1 1'"
        return
    fi
    pass compose
}

# Compose (v2 or v1) on the real docker-compose.yml, as project
# COMPOSE_PROJECT, with this run's images and a loopback port of its own.
compose() {
    DBINIT_POSTGRES_IMAGE="${POSTGRES_IMAGE}" \
        DBINIT_DEMO_IMAGE="${DBINIT_TEST_DEMO_IMAGE}" \
        DBINIT_BUILD_IMAGE="${DBINIT_BASE_IMAGE}" \
        DBINIT_PYTHON_IMAGE="${DBINIT_PYTHON_IMAGE}" \
        DBINIT_DEMO_PASSWORD="${DB_PASSWORD}" \
        DBINIT_DEMO_PORT="127.0.0.1:${COMPOSE_PORT}" \
        "${DBINIT_COMPOSE[@]}" -f "${REPO_ROOT}/docker-compose.yml" -p "${COMPOSE_PROJECT}" "$@"
}

# `down -v` of the project check_compose started; a no-op when none is up, so
# both the check and the EXIT trap call it.
compose_down() {
    [[ -n "${COMPOSE_PROJECT}" ]] || return 0
    local output left
    if [[ -n "${DBINIT_TEST_LOG_DIR:-}" ]]; then
        compose logs --no-color >>"${DBINIT_TEST_LOG_DIR}/docker-compose.log" 2>&1 || true
    fi
    if ! output="$(compose down -v --remove-orphans -t 10 2>&1)"; then
        printf '%s\n' "${output}" | sed 's/^/    /' >&2
        log "${DBINIT_COMPOSE[*]} -p ${COMPOSE_PROJECT} down -v failed"
    fi
    left="$({
        docker ps -aq --filter "label=com.docker.compose.project=${COMPOSE_PROJECT}"
        docker volume ls -q --filter "label=com.docker.compose.project=${COMPOSE_PROJECT}"
    } 2>/dev/null)" || true
    if [[ -n "${left}" ]]; then
        log "left behind by compose project ${COMPOSE_PROJECT}: $(tr '\n' ' ' <<<"${left}")"
    fi
    COMPOSE_PROJECT=""
}

# psql in the compose project's db service.
compose_db_query() { # SQL
    compose exec -T db psql -X -q -At -v ON_ERROR_STOP=1 -U "${DB_USER}" -d "${DB_NAME}" -c "$1"
}
