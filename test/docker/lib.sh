# shellcheck shell=bash
# What every check in test/docker/ uses, sourced by scripts/docker-test
# after scripts/lib/common.sh (free_port and the like): the run's names and
# settings, the verdicts, and containers on this run's network. A check is
# a function check_NAME in NAME.sh that ends with exactly one pass or fail;
# the driver calls it outside errexit, so it judges each command's result
# itself.

: "${DBINIT_TEST_DEMO_IMAGE:=dbinit-demo:test}"
: "${DBINIT_TEST_SCRATCH_IMAGE:=dbinit:test-scratch}"
# The PostgreSQL the containers run, built locally (docker/postgres.Dockerfile):
# 17 from Debian 13 by default; DBINIT_TEST_POSTGRES_VERSION=15 builds 15
# from Debian 12.
: "${DBINIT_TEST_POSTGRES_VERSION:=17}"
: "${DBINIT_TEST_LOCAL_POSTGRES_IMAGE:=dbinit-postgres:${DBINIT_TEST_POSTGRES_VERSION}}"
# The Dockerfile's build stage, tagged so that its layers (toolchain, static
# libpq) are not untagged leftovers that `docker image prune` deletes.
: "${DBINIT_TEST_BUILD_IMAGE:=dbinit-build:test}"
# Where test/static/check-static-libpq keeps its static libpq between runs.
: "${DBINIT_TEST_STATIC_BUILD_DIR:=${REPO_ROOT}/build-static}"
# The largest dbinit binary static_binary accepts, in bytes: 6.0 MiB.
: "${DBINIT_TEST_MAX_BINARY_BYTES:=6291456}"
# Host port the demo is published on, on loopback only; a free one if unset,
# so that two runs on one machine do not collide.
: "${DBINIT_TEST_PORT:=}"
# Extra flags for every `docker build`, e.g. "--network host" on a machine
# whose bridge network cannot reach the Debian mirror.
: "${DBINIT_DOCKER_BUILD_FLAGS:=}"
# The Dockerfile's UNIT_TESTS: "off" when the caller ran the unit tests
# already (scripts/test does), which saves building them statically again.
: "${DBINIT_TEST_IMAGE_UNIT_TESTS:=on}"
# Column of dbinit_schema_history that identifies a migration.
: "${DBINIT_TEST_HISTORY_KEY:=version}"
# Where hf_space finds the dbinit wheel it installs (scripts/build-wheels
# writes them into dist/, scripts/release calls it).
: "${DBINIT_TEST_WHEEL_DIR:=${REPO_ROOT}/dist}"
# The loopback port the wheelhouse is served on to image builds (setup.sh).
: "${DBINIT_TEST_WHEELHOUSE_PORT:=17863}"

# Every container and network of this run carries RUN_ID as a label and a
# name prefix; cleanup removes them by it.
readonly RUN_ID="dbinit-test-$$"
readonly NETWORK="${RUN_ID}"
readonly DB_USER=chatbot DB_NAME=chatbot DB_PASSWORD=test-password

PASSED=0
FAILED=0
FAILED_NAMES=()
# Scratch files of this run (logs, the extracted binary); removed at exit.
# shellcheck disable=SC2034 # set by the driver, used by setup.sh and checks
WORK_DIR=""
# The PostgreSQL image the databases run; set by setup_infra.
POSTGRES_IMAGE=""

# A blank line before each: the checks' own output comes between.
log() { printf '\ndocker-test: %s\n' "$*" >&2; }
pass() { PASSED=$((PASSED + 1)); printf 'PASS %s\n' "$1"; }
fail() { # CHECK REASON
    FAILED=$((FAILED + 1))
    FAILED_NAMES+=("$1")
    printf 'FAIL %s: %s\n' "$1" "$2"
}

elapsed_since() { # START_NS -> seconds with a decimal, for messages
    local now
    now="$(date +%s%N)"
    printf '%d.%01d' $(((now - $1) / 1000000000)) $((((now - $1) / 100000000) % 10))
}

# docker run -d with this run's label and network; prints the container id.
run_container() {
    local name="$1"
    shift
    docker run -d --name "${RUN_ID}-${name}" --label "${RUN_ID}" --network "${NETWORK}" "$@"
}

remove_container() {
    docker rm -fv "${RUN_ID}-$1" >/dev/null 2>&1 || true
}

# Starts PostgreSQL as container NAME, reachable on the network as NAME.
start_db() {
    local name="$1"
    shift
    run_container "${name}" \
        -e POSTGRES_USER="${DB_USER}" -e POSTGRES_DB="${DB_NAME}" -e POSTGRES_PASSWORD="${DB_PASSWORD}" \
        --health-cmd "pg_isready -h 127.0.0.1 -U ${DB_USER} -d ${DB_NAME}" \
        --health-interval 1s --health-timeout 3s --health-retries 60 \
        "$@" "${POSTGRES_IMAGE}" >/dev/null
}

database_url() { # DB_CONTAINER_NAME
    printf 'postgresql://%s:%s@%s:5432/%s' "${DB_USER}" "${DB_PASSWORD}" "$1" "${DB_NAME}"
}

wait_healthy() { # NAME TIMEOUT_S
    local container="${RUN_ID}-$1" deadline=$((SECONDS + $2)) status
    while ((SECONDS < deadline)); do
        status="$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{end}} {{.State.Status}}' "${container}" 2>/dev/null || echo "missing")"
        case "${status}" in
            "healthy "*) return 0 ;;
            *" exited" | *" dead" | missing) return 1 ;;
        esac
        sleep 0.5
    done
    return 1
}

# psql inside the db container; prints unaligned, tuples-only output.
db_query() { # DB_NAME_OF_CONTAINER SQL
    docker exec "${RUN_ID}-$1" psql -X -q -At -v ON_ERROR_STOP=1 -U "${DB_USER}" -d "${DB_NAME}" -c "$2"
}

show_logs() { # NAME
    printf -- '--- logs of %s ---\n' "$1"
    docker logs --tail 40 "${RUN_ID}-$1" 2>&1 | sed 's/^/    /' || true
}

show_file() { # PATH [LAST_N_LINES]
    printf -- '--- %s ---\n' "${1##*/}"
    tail -n "${2:-40}" "$1" 2>&1 | sed 's/^/    /' || true
}
