# shellcheck shell=bash
# Check static_binary: /dbinit as shipped in the scratch image is statically
# linked (file and ldd say so), no larger than DBINIT_TEST_MAX_BINARY_BYTES,
# and passes test/static's scripts: check-static-nss (resolving names from
# an empty root) and check-static-libpq (connecting with TLS from one, to
# PostgreSQL 15 and to 17).
#
# Why: the binary is copied into images of any base, and into none, so it
# must depend on nothing there; being small is part of what it is for. The
# binary comes out of the image rather than build/: it is the one users get.
# Needs root (test/static chroots into empty roots).

check_static_binary() {
    local binary="${WORK_DIR}/dbinit"
    if ! docker create --label "${RUN_ID}" --name "${RUN_ID}-static" "${DBINIT_TEST_SCRATCH_IMAGE}" >/dev/null ||
        ! docker cp "${RUN_ID}-static:/dbinit" "${binary}"; then
        remove_container static
        fail static_binary "cannot copy /dbinit out of ${DBINIT_TEST_SCRATCH_IMAGE}"
        return
    fi
    remove_container static

    local file_says ldd_says size
    local -a problems=()
    file_says="$(file -b "${binary}" 2>&1)" || true
    # glibc's ldd exits 1 on a static binary, after saying so.
    ldd_says="$(ldd "${binary}" 2>&1)" || true
    size="$(stat -c %s "${binary}")"
    printf 'static_binary: /dbinit is %d bytes (%s MiB)\n' "${size}" "$(awk -v b="${size}" 'BEGIN { printf "%.2f", b / 1048576 }')"
    printf 'static_binary: file: %s\n' "${file_says}"
    printf 'static_binary: ldd: %s\n' "$(tr -s '\t\n' '  ' <<<"${ldd_says}" | sed 's/^ //; s/ $//')"
    [[ "${file_says}" == *"statically linked"* ]] || problems+=("file does not say 'statically linked'")
    [[ "${ldd_says}" == *"not a dynamic executable"* ]] || problems+=("ldd does not say 'not a dynamic executable'")
    ((size <= DBINIT_TEST_MAX_BINARY_BYTES)) ||
        problems+=("${size} bytes is more than ${DBINIT_TEST_MAX_BINARY_BYTES}")

    run_static_script check-static-nss || problems+=("check-static-nss failed")
    # The static libpq the image was linked with, copied out of its build
    # stage, instead of building it again from source here (minutes).
    local deps="${DBINIT_TEST_STATIC_BUILD_DIR}/static-deps"
    if [[ ! -s "${deps}/libpq/lib/libpq.a" ]]; then
        mkdir -p "${DBINIT_TEST_STATIC_BUILD_DIR}"
        if docker create --label "${RUN_ID}" --name "${RUN_ID}-deps" "${DBINIT_TEST_BUILD_IMAGE}" >/dev/null; then
            docker cp "${RUN_ID}-deps:/src/build-static/static-deps" "${DBINIT_TEST_STATIC_BUILD_DIR}/" ||
                printf 'static_binary: no static libpq in %s; check-static-libpq builds one\n' "${DBINIT_TEST_BUILD_IMAGE}"
        fi
        remove_container deps
    fi
    run_static_script check-static-libpq "${DBINIT_TEST_STATIC_BUILD_DIR}" "${binary}" ||
        problems+=("check-static-libpq failed against PostgreSQL 15")
    # And against PostgreSQL 17, from the Debian 13 root the pg17 tests use.
    local postgres17_root
    if postgres17_root="$("${REPO_ROOT}/scripts/postgres17-root")"; then
        DBINIT_TEST_POSTGRES_ROOT="${postgres17_root}" run_static_script check-static-libpq \
            "${DBINIT_TEST_STATIC_BUILD_DIR}" "${binary}" || problems+=("check-static-libpq failed against PostgreSQL 17")
    else
        problems+=("no PostgreSQL 17 root (scripts/postgres17-root failed)")
    fi

    if ((${#problems[@]} > 0)); then
        local joined
        joined="$(printf '%s; ' "${problems[@]}")"
        fail static_binary "${joined%; }"
        return
    fi
    pass static_binary
}

# Runs one of test/static's scripts; passes when it ends with "N passed, 0
# failed" and exits 0. Prints its summary line, all of its output on failure.
run_static_script() { # NAME ARGS...
    local name="$1" output="${WORK_DIR}/$1.log" status=0 summary
    shift
    "${REPO_ROOT}/test/static/${name}" "$@" >"${output}" 2>&1 || status=$?
    summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "${output}" | tail -n 1)" || true
    printf 'static_binary: %s: %s (exit %d)\n' "${name}" "${summary:-no summary}" "${status}"
    if ((status != 0)) || [[ ! "${summary}" =~ ^[1-9][0-9]*\ passed,\ 0\ failed$ ]]; then
        show_file "${output}" 200
        return 1
    fi
}
