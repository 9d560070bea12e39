# Fetching a Debian 13 (trixie) source package on the Debian 12 machine,
# through an apt configuration of dbinit's own: trixie's deb-src entries,
# indexes and cache live under ${DBINIT_CACHE_DIR:-/var/cache/dbinit}/trixie-apt
# and the machine's apt sources are never touched (mixing trixie into them
# would offer its packages to every apt-get upgrade). apt-get verifies every
# file against trixie's signed Sources index, with the keys of Debian 12's
# debian-archive-keyring, which holds trixie's. Needs root (the cache), and
# dpkg-dev to unpack.
#
#   src="$(download_trixie_source PACKAGE WORK_DIR [--upstream-if-needed])"
#       prints the unpacked tree; WORK_DIR also holds the .dsc and tarballs.
#       With --upstream-if-needed, a mirror that serves the upstream tarball
#       (.orig.tar.*) but not the .dsc or Debian's patches still does: the
#       tarball is checked against the Sha256 of trixie's Sources index and
#       unpacked alone, without Debian's patches, and a line says so.
#
# The indexes are fetched once and again only when the package is not in
# them or none of its listed versions can be downloaded (a point release or
# a security update replaced it). Versions are tried newest first: a mirror
# may list a version (typically the security suite's) without serving it.

trixie_source_log() { printf 'trixie-source: %s\n' "$*" >&2; }

# The private apt configuration's directory, made on first use.
trixie_apt_dir() {
    local dir="${DBINIT_CACHE_DIR:-/var/cache/dbinit}/trixie-apt" mirror security
    if [[ ! -s "${dir}/sources.list" ]]; then
        mkdir -p "${dir}/sources.list.d" "${dir}/lists/partial" "${dir}/cache/archives/partial" || return 1
        # The machine's own mirror serves trixie too.
        mirror=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
        security=$(awk '/^URIs:/ && $2 ~ /security/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
        mirror="${mirror:-http://deb.debian.org/debian}"
        security="${security:-http://deb.debian.org/debian-security}"
        local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
        printf '%s\n' \
            "deb-src [signed-by=${keyring}] ${mirror} trixie main" \
            "deb-src [signed-by=${keyring}] ${mirror} trixie-updates main" \
            "deb-src [signed-by=${keyring}] ${security} trixie-security main" >"${dir}/sources.list.tmp" &&
            mv "${dir}/sources.list.tmp" "${dir}/sources.list" || return 1
    fi
    printf '%s\n' "${dir}"
}

# apt-get or apt-cache (first argument) with the private configuration alone:
# no source list, preference or configuration part of the machine's.
trixie_apt() { # apt-get|apt-cache ARGS...
    local tool="$1" dir
    shift
    dir="$(trixie_apt_dir)" || return 1
    "${tool}" -o Dir::Etc::SourceList="${dir}/sources.list" -o Dir::Etc::SourceParts="${dir}/sources.list.d" \
        -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts="${dir}/sources.list.d" \
        -o Dir::State::Lists="${dir}/lists" -o Dir::Cache="${dir}/cache" \
        -o Acquire::Retries=3 -o APT::Sandbox::User=root "$@"
}

trixie_source_versions() { # PACKAGE
    trixie_apt apt-cache showsrc --only-source "$1" 2>/dev/null | sed -n 's/^Version: //p' | sort -rV | uniq
}

trixie_source_update() {
    local dir
    dir="$(trixie_apt_dir)" || return 1
    trixie_source_log "apt-get update (trixie source indexes, ${dir})"
    # Two scripts may fetch at once (the fuzzer's corpus, the static libpq).
    (flock 9 && trixie_apt apt-get -qq update >&2) 9>"${dir}.lock"
}

# The upstream tarball of PACKAGE VERSION that apt-get left in WORK_DIR,
# checked against the signed index and unpacked alone; prints the tree.
trixie_source_upstream_only() { # PACKAGE VERSION WORK_DIR
    local package="$1" version="$2" work_dir="$3" upstream tarball expected tree
    upstream="${version#*:}"
    upstream="${upstream%-*}"
    tarball=$(find "${work_dir}" -mindepth 1 -maxdepth 1 -type f -name "${package}_${upstream}.orig.tar.*" | head -n 1)
    [[ -n "${tarball}" ]] || return 1
    expected=$(trixie_apt apt-cache showsrc --only-source "${package}" 2>/dev/null |
        awk -v version="${version}" -v file="${tarball##*/}" '
            /^Version:/ { this = ($2 == version) }
            /^[^ ]/ { sha = ($1 == "Checksums-Sha256:") }
            this && sha && $3 == file { print $1; exit }')
    [[ -n "${expected}" && "$(sha256sum "${tarball}" | cut -d' ' -f1)" == "${expected}" ]] || {
        trixie_source_log "  ${tarball##*/} does not match trixie's Sources index"
        return 1
    }
    tree="${work_dir}/${package}-${upstream}"
    rm -rf "${tree}" && mkdir -p "${tree}" && tar -xf "${tarball}" -C "${tree}" --strip-components=1 || return 1
    trixie_source_log "  the mirror serves only ${tarball##*/} of ${package} ${version}: unpacked without Debian's patches"
    printf '%s\n' "${tree}"
}

download_trixie_source() { # PACKAGE WORK_DIR [--upstream-if-needed]
    local package="$1" work_dir candidate attempt upstream_ok=false
    work_dir="$(cd "$2" && pwd)" || return 1
    [[ "${3:-}" == --upstream-if-needed ]] && upstream_ok=true
    [[ "$(id -u)" -eq 0 ]] || { trixie_source_log "run as root: the indexes are cached under ${DBINIT_CACHE_DIR:-/var/cache/dbinit}"; return 1; }
    command -v dpkg-source >/dev/null || {
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends dpkg-dev >/dev/null || return 1
    }
    local -a versions
    for attempt in cached updated; do
        if [[ "${attempt}" == updated ]] || [[ -z "$(trixie_source_versions "${package}")" ]]; then
            trixie_source_update || return 1
        fi
        mapfile -t versions < <(trixie_source_versions "${package}")
        for candidate in "${versions[@]}"; do
            trixie_source_log "fetching trixie source ${package} ${candidate}"
            if (cd "${work_dir}" && trixie_apt apt-get -qq source "${package}=${candidate}" \
                >"${work_dir}/apt-source.log" 2>&1); then
                find "${work_dir}" -mindepth 1 -maxdepth 1 -type d -name "${package}-*" | head -n 1
                return 0
            fi
            trixie_source_log "  not served by the mirror: $(grep -m1 '^E:' "${work_dir}/apt-source.log" || true)"
            if ${upstream_ok} && trixie_source_upstream_only "${package}" "${candidate}" "${work_dir}"; then
                return 0
            fi
            find "${work_dir}" -mindepth 1 -maxdepth 1 ! -name apt-source.log -exec rm -rf -- {} +
        done
        [[ "${attempt}" == cached ]] && trixie_source_log "trying again with fresh indexes"
    done
    trixie_source_log "could not fetch ${package} from trixie (${versions[*]:-no version listed})"
    return 1
}
