# shellcheck shell=bash
# What the checks run on, sourced by scripts/docker-test after lib.sh: the
# engine and base images (scripts/lib/docker.sh), the PostgreSQL image, this
# run's network, the wheelhouse the Python images install from, the dbinit
# images, and the cleanup of all of it at exit.

setup_infra() {
    local start
    docker_ensure_engine
    start="$(date +%s%N)"
    docker_ensure_base_images
    docker_ensure_python_image
    log "base images (and ${DBINIT_PYTHON_IMAGE}) ready in $(elapsed_since "${start}")s"

    if [[ -n "${DBINIT_POSTGRES_IMAGE:-}" ]]; then
        POSTGRES_IMAGE="${DBINIT_POSTGRES_IMAGE}"
        docker_image_present "${POSTGRES_IMAGE}" ||
            docker pull "${POSTGRES_IMAGE}" ||
            { docker_die "DBINIT_POSTGRES_IMAGE=${POSTGRES_IMAGE} is neither local nor pullable"; return 1; }
    else
        POSTGRES_IMAGE="${DBINIT_TEST_LOCAL_POSTGRES_IMAGE}"
        local postgres_base="${DBINIT_BASE_SLIM_IMAGE}"
        if [[ "${DBINIT_TEST_POSTGRES_VERSION}" != 15 ]]; then
            # Debian 13 carries PostgreSQL 17: its own minbase image, made
            # the way the Debian 12 ones are.
            postgres_base=debian:trixie-slim
            (DBINIT_DEBIAN_SUITE=trixie DBINIT_BASE_IMAGE="${postgres_base}" \
                DBINIT_BASE_SLIM_IMAGE="${postgres_base}" docker_ensure_base_images) || return 1
        fi
        start="$(date +%s%N)"
        # shellcheck disable=SC2086 # DBINIT_DOCKER_BUILD_FLAGS is a word list
        docker build -q ${DBINIT_DOCKER_BUILD_FLAGS} \
            --build-arg BASE_IMAGE="${postgres_base}" --build-arg PG_VERSION="${DBINIT_TEST_POSTGRES_VERSION}" \
            -f "${REPO_ROOT}/docker/postgres.Dockerfile" -t "${POSTGRES_IMAGE}" \
            "${REPO_ROOT}/docker" >/dev/null
        log "${POSTGRES_IMAGE} built in $(elapsed_since "${start}")s"
    fi
    docker network create --label "${RUN_ID}" "${NETWORK}" >/dev/null
}

# The wheelhouse the Python images install from, where no registry and no
# PyPI answer inside a build: the pinned wheels of scripts/python-env
# --wheelhouse (the images' Python, 3.13) and the dbinit wheel of this
# machine's architecture from DBINIT_TEST_WHEEL_DIR (scripts/build-wheels),
# served by python3 -m http.server on 127.0.0.1, which builds on the host's
# network reach. Sets PYTHON_BUILD_ARGS: the Dockerfiles' PYTHON_IMAGE and
# pip's own settings (PIP_NO_INDEX, PIP_FIND_LINKS) as build arguments. Once
# per run; cleanup stops the server.
WHEELHOUSE_PID=""
PYTHON_BUILD_ARGS=()
start_wheelhouse() {
    [[ -z "${WHEELHOUSE_PID}" ]] || return 0
    local served="${WORK_DIR}/wheelhouse" wheels port="${DBINIT_TEST_WHEELHOUSE_PORT}"
    wheels="$("${REPO_ROOT}/scripts/python-env" --wheelhouse 2>"${WORK_DIR}/python-env.log")" ||
        { show_file "${WORK_DIR}/python-env.log"; docker_die "scripts/python-env --wheelhouse failed"; return 1; }
    mkdir -p "${served}"
    ln -s "${wheels}"/*.whl "${served}/"
    local -a dbinit_wheel
    mapfile -t dbinit_wheel < <(find "${DBINIT_TEST_WHEEL_DIR}" -maxdepth 1 -name "dbinit_pg-*-py3-none-*$(uname -m)*.whl" 2>/dev/null)
    if ((${#dbinit_wheel[@]} == 1)); then
        ln -sf "${dbinit_wheel[0]}" "${served}/"
        log "wheelhouse: ${wheels} and ${dbinit_wheel[0]##*/}"
    else
        log "wheelhouse: no single dbinit wheel in ${DBINIT_TEST_WHEEL_DIR} (scripts/build-wheels); images that pip install dbinit-pg will fail"
    fi
    # A fixed port keeps the pip layers' cache keys (their build arguments)
    # the same from one run to the next; a free one if it is taken.
    if ! python3 -c 'import socket, sys; socket.socket().bind(("127.0.0.1", int(sys.argv[1])))' "${port}" 2>/dev/null; then
        port="$(free_port)"
        log "wheelhouse: port ${DBINIT_TEST_WHEELHOUSE_PORT} is taken, serving on ${port} (the pip layers are rebuilt)"
    fi
    python3 -m http.server --bind 127.0.0.1 --directory "${served}" "${port}" >"${WORK_DIR}/wheelhouse.log" 2>&1 &
    WHEELHOUSE_PID=$!
    local deadline=$((SECONDS + 10))
    until curl -fs -o /dev/null "http://127.0.0.1:${port}/"; do
        if ((SECONDS >= deadline)) || ! kill -0 "${WHEELHOUSE_PID}" 2>/dev/null; then
            show_file "${WORK_DIR}/wheelhouse.log"
            docker_die "the wheelhouse server did not answer on 127.0.0.1:${port}"
            return 1
        fi
        sleep 0.2
    done
    PYTHON_BUILD_ARGS=(--network host --build-arg PYTHON_IMAGE="${DBINIT_PYTHON_IMAGE}"
        --build-arg PIP_NO_INDEX=1 --build-arg PIP_FIND_LINKS="http://127.0.0.1:${port}/")
}

# docker build of one Dockerfile stage with the local base images.
build_stage() { # TARGET TAG [MORE DOCKER BUILD OPTIONS...]
    local target="$1" tag="$2"
    shift 2
    # shellcheck disable=SC2086 # DBINIT_DOCKER_BUILD_FLAGS is a word list
    docker build ${DBINIT_DOCKER_BUILD_FLAGS} "$@" \
        --build-arg BUILD_IMAGE="${DBINIT_BASE_IMAGE}" \
        "${PYTHON_BUILD_ARGS[@]}" \
        --build-arg UNIT_TESTS="${DBINIT_TEST_IMAGE_UNIT_TESTS}" \
        --target "${target}" -t "${tag}" "${REPO_ROOT}"
}

# The Dockerfile's demo stage up to its first RUN (the Python stack), which
# needs nothing of dbinit: its FROM, ARGs, COPY of requirements.txt and that
# RUN, word for word, so that the layers it makes are the ones the demo
# stage finds in the build cache.
demo_runtime_dockerfile() {
    awk '/^ARG PYTHON_IMAGE=/ { print }
         /^FROM \$\{PYTHON_IMAGE\} AS demo$/ { in_stage = 1 }
         in_stage { print; if (/^RUN /) in_run = 1; if (in_run && !/\\$/) exit }' "${REPO_ROOT}/Dockerfile"
}

build_dbinit_images() {
    local start runtime_pid runtime_dir="${WORK_DIR}/demo-runtime"
    start_wheelhouse
    start="$(date +%s%N)"
    log "building ${DBINIT_TEST_DEMO_IMAGE} and ${DBINIT_TEST_SCRATCH_IMAGE} (static dbinit, unit tests)"
    # The demo's Python stack is mostly downloads and unpacking, the build
    # stage mostly compiling: side by side (the legacy builder runs a
    # Dockerfile's stages one after another). If this fails, the demo stage
    # installs the stack itself, and the log says why.
    mkdir -p "${runtime_dir}/demo/chatbot"
    demo_runtime_dockerfile >"${runtime_dir}/Dockerfile"
    cp "${REPO_ROOT}/demo/chatbot/requirements.txt" "${runtime_dir}/demo/chatbot/"
    # shellcheck disable=SC2086 # DBINIT_DOCKER_BUILD_FLAGS is a word list
    docker build -q ${DBINIT_DOCKER_BUILD_FLAGS} "${PYTHON_BUILD_ARGS[@]}" \
        "${runtime_dir}" >"${runtime_dir}/build.log" 2>&1 &
    runtime_pid=$!
    build_stage build "${DBINIT_TEST_BUILD_IMAGE}"
    wait "${runtime_pid}" || show_file "${runtime_dir}/build.log"
    build_stage demo "${DBINIT_TEST_DEMO_IMAGE}"
    # Every stage this needs is cached by now.
    build_stage dbinit "${DBINIT_TEST_SCRATCH_IMAGE}" -q >/dev/null
    log "dbinit images built in $(elapsed_since "${start}")s"
}

# The EXIT trap: the compose project (compose.sh), every container labelled
# RUN_ID (their logs first, for scripts/check-secrets), the network, the
# scratch files, and the dockerd if docker_ensure_engine started it.
cleanup() {
    local status=$?
    compose_down
    local -a ids
    mapfile -t ids < <(docker ps -aq --filter "label=${RUN_ID}" 2>/dev/null || true)
    # DBINIT_TEST_LOG_DIR is set by scripts/test.
    if [[ -n "${DBINIT_TEST_LOG_DIR:-}" ]]; then
        local id
        for id in "${ids[@]}"; do
            docker logs "${id}" >>"${DBINIT_TEST_LOG_DIR}/docker-containers.log" 2>&1 || true
        done
    fi
    if ((${#ids[@]} > 0)); then
        docker rm -fv "${ids[@]}" >/dev/null 2>&1 || true
    fi
    docker network rm "${NETWORK}" >/dev/null 2>&1 || true
    if [[ -n "${WHEELHOUSE_PID}" ]]; then
        kill "${WHEELHOUSE_PID}" 2>/dev/null || true
        wait "${WHEELHOUSE_PID}" 2>/dev/null || true
    fi
    if [[ -n "${WORK_DIR}" ]]; then
        rm -rf -- "${WORK_DIR}"
    fi
    if [[ "${DBINIT_KEEP_ENGINE:-0}" != 1 ]]; then
        docker_stop_engine_if_started
    fi
    exit "${status}"
}
