# shellcheck shell=bash
# Check publish: the release's publishing rehearsed (test/publish/run):
# scripts/publish to a PyPI stand-in and an image registry on loopback, then
# pip install of dbinit-pg and of examples/hf-space/requirements.txt from
# that index alone, skopeo inspect --raw of the pushed tag (one index,
# amd64 and arm64), and examples/hf-space/image.Dockerfile built from that
# registry. Needs the whole dist/ of scripts/release --check.
#
# Why: nothing else in the suite installs dbinit the way a user gets it,
# by name from an index or by tag from a registry; the other checks take
# the wheel from a directory and the image from this engine.

check_publish() {
    local output="${WORK_DIR}/publish.log"
    if "${REPO_ROOT}/test/publish/run" "${DBINIT_TEST_WHEEL_DIR}" >"${output}" 2>&1; then
        grep -E 'stand-ins:|took|from the stand-in index|skopeo inspect|built from|passed in' "${output}" |
            sed 's/^publish-test/publish/'
        pass publish
    else
        show_file "${output}"
        fail publish "test/publish/run ${DBINIT_TEST_WHEEL_DIR} failed"
    fi
}
