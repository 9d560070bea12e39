# dbinit's version, from the one file that holds it (VERSION at the
# repository's root; CMakeLists.txt's project() and python/pyproject.toml
# read the same file). Sourced by the release scripts and tests.
#
#   version="$(dbinit_version REPO)"   fails, saying why, on a malformed file

dbinit_version() { # REPO
    local file="$1/VERSION" version
    version="$(cat "${file}" 2>/dev/null)" || { printf 'version: %s is missing\n' "${file}" >&2; return 1; }
    # X.Y.Z: what CMake's project() accepts and PEP 440 writes the same way.
    if [[ ! "${version}" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
        printf 'version: %s holds "%s", not one line X.Y.Z\n' "${file}" "${version}" >&2
        return 1
    fi
    printf '%s\n' "${version}"
}
