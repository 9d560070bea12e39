# shellcheck shell=bash
# Check sql_rebuild: a change to sql/ alone rebuilds the demo image without
# compiling: the build stage (the generic dbinit) comes out identical to
# DBINIT_TEST_BUILD_IMAGE, only the bundle step runs, and the new /dbinit
# carries the changed set. The time the rebuild takes is printed.
#
# Why: migrations change far more often than dbinit; the Dockerfile keeps
# sql/ out of the compile so that an app's new migration costs seconds, and
# a Dockerfile change that lets sql/ reach the compile would go unnoticed
# until a build is slow. The context is the repository's tracked files (as
# CI checks them out), with one migration changed: untracked sources in the
# work tree, which the first build saw, make the build stages differ.

check_sql_rebuild() {
    local context="${WORK_DIR}/context" tag="${RUN_ID}-rebuild" start seconds generic rebuilt old_set new_set
    mkdir -p "${context}"
    # The build context as CI checks it out, with one migration changed.
    if ! (cd "${REPO_ROOT}" && git ls-files -z | xargs -0 cp -d --parents -t "${context}"); then
        fail sql_rebuild "cannot copy the repository's files to ${context}"
        return
    fi
    printf '\n-- changed by docker-test %s\n' "${RUN_ID}" >>"${context}/sql/0002_create_messages.up.sql"
    start_wheelhouse || { fail sql_rebuild "no wheelhouse for the demo stage's pip install"; return; }
    generic="$(docker image inspect -f '{{.Id}}' "${DBINIT_TEST_BUILD_IMAGE}")" ||
        { fail sql_rebuild "no ${DBINIT_TEST_BUILD_IMAGE} to compare with"; return; }
    start="$(date +%s%N)"
    # shellcheck disable=SC2086 # DBINIT_DOCKER_BUILD_FLAGS is a word list
    if ! docker build -q ${DBINIT_DOCKER_BUILD_FLAGS} --build-arg BUILD_IMAGE="${DBINIT_BASE_IMAGE}" \
        "${PYTHON_BUILD_ARGS[@]}" \
        --build-arg UNIT_TESTS="${DBINIT_TEST_IMAGE_UNIT_TESTS}" --target demo -t "${tag}" "${context}" >/dev/null; then
        fail sql_rebuild "docker build after a change to sql/ failed"
        return
    fi
    seconds="$(elapsed_since "${start}")"
    # shellcheck disable=SC2086 # DBINIT_DOCKER_BUILD_FLAGS is a word list
    rebuilt="$(docker build -q ${DBINIT_DOCKER_BUILD_FLAGS} --build-arg BUILD_IMAGE="${DBINIT_BASE_IMAGE}" \
        "${PYTHON_BUILD_ARGS[@]}" \
        --build-arg UNIT_TESTS="${DBINIT_TEST_IMAGE_UNIT_TESTS}" --target build "${context}")"
    old_set="$(docker run --rm --entrypoint dbinit "${DBINIT_TEST_DEMO_IMAGE}" --version | tail -n 1)"
    new_set="$(docker run --rm --entrypoint dbinit "${tag}" --version | tail -n 1)"
    docker rmi -f "${tag}" >/dev/null 2>&1 || true  # a leftover tag only costs disk
    printf 'sql_rebuild: image rebuilt in %ss after a change to sql/ alone\n' "${seconds}"
    printf 'sql_rebuild: before: %s\nsql_rebuild: after:  %s\n' "${old_set}" "${new_set}"
    if [[ "${rebuilt}" != "${generic}" ]]; then
        fail sql_rebuild "the build stage was rebuilt (${rebuilt} is not ${generic}): sql/ reaches the compile"
        return
    fi
    if [[ "${old_set}" == "${new_set}" || "${new_set}" != *"bundled, 3 migrations"* ]]; then
        fail sql_rebuild "the rebuilt image does not carry the changed set"
        return
    fi
    pass sql_rebuild
}
