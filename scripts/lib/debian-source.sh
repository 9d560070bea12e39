# Fetching a Debian source package (sourced by scripts/build-static-libpq,
# scripts/fetch-boost-source and scripts/fuzz): deb-src entries are added,
# mirroring the configured deb ones, in a file of dbinit's own when none
# exist, and versions are tried newest first, since a mirror may list a source
# version in its index (typically the security suite's) without serving its
# files. apt-get verifies every file against the signed Sources index.
#
#   src="$(fetch_debian_source PACKAGE WORK_DIR)"   the unpacked tree; WORK_DIR
#                                                   also holds PACKAGE_VERSION.dsc
#   download_debian_source PACKAGE VERSION WORK_DIR  that one version's files
#                                                   (.dsc, tarballs), not unpacked
#   fetch_pinned_source PACKAGE VERSION DSC_SHA256 WORK_DIR
#                                                   another release's package,
#                                                   pinned (below)

readonly DBINIT_DEB_SRC_LIST="/etc/apt/sources.list.d/dbinit-deb-src.sources"
readonly DBINIT_APT_OPTS=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)

debian_source_log() { printf 'debian-source: %s\n' "$*" >&2; }

deb_src_configured() {
    grep -rqsE '^[[:space:]]*(Types:.*[[:space:]]deb-src([[:space:]]|$)|Types:[[:space:]]*deb-src|deb-src[[:space:]])' \
        /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources
}

add_deb_src() {
    local tmp="${DBINIT_DEB_SRC_LIST}.tmp"
    if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
        sed -E 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >"${tmp}"
    elif grep -qsE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list; then
        # One-line format: translate each "deb [opts] URI suite comps" line.
        sed -nE 's/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+)[[:space:]]+([^[:space:]]+)[[:space:]]+(.*)$/Types: deb-src\nURIs: \2\nSuites: \3\nComponents: \4\n/p' \
            /etc/apt/sources.list >"${tmp}"
    else
        debian_source_log "no Debian apt source found to derive a deb-src entry from"
        return 1
    fi
    mv "${tmp}" "${DBINIT_DEB_SRC_LIST}"
    debian_source_log "added ${DBINIT_DEB_SRC_LIST}"
}

# Makes apt know PACKAGE's source versions: adds deb-src entries if there are
# none, and updates the indexes if they do not list PACKAGE yet.
ensure_source_index() { # PACKAGE
    local package="$1" need_update=0 showsrc
    if ! deb_src_configured; then
        add_deb_src || return 1
        need_update=1
    fi
    # Captured rather than piped into grep -q, which would SIGPIPE apt-cache
    # and fail the pipeline under pipefail.
    showsrc="$(apt-cache showsrc --only-source "${package}" 2>/dev/null || true)"
    [[ "${showsrc}" == *"Package: ${package}"* ]] || need_update=1
    if ((need_update)); then
        debian_source_log "apt-get update (source indexes)"
        apt-get "${DBINIT_APT_OPTS[@]}" -qq update >&2 || return 1
    fi
}

download_debian_source() { # PACKAGE VERSION WORK_DIR
    local package="$1" version="$2" work_dir
    work_dir="$(cd "$3" && pwd)" || return 1
    ensure_source_index "${package}" || return 1
    debian_source_log "downloading source ${package} ${version}"
    # The _apt sandbox user cannot write into a root-owned build tree.
    if ! (cd "${work_dir}" && apt-get "${DBINIT_APT_OPTS[@]}" -qq -o APT::Sandbox::User=root \
        source --download-only "${package}=${version}" >"${work_dir}/apt-source.log" 2>&1); then
        debian_source_log "the mirror does not serve ${package} ${version}: $(grep -m1 '^E:' "${work_dir}/apt-source.log" || true)"
        return 1
    fi
}

fetch_debian_source() { # PACKAGE WORK_DIR
    local package="$1" work_dir candidate
    work_dir="$(cd "$2" && pwd)" || return 1
    ensure_source_index "${package}" || return 1
    local -a versions
    mapfile -t versions < <(apt-cache showsrc --only-source "${package}" | sed -n 's/^Version: //p' | sort -rV | uniq)
    ((${#versions[@]})) || { debian_source_log "apt-cache knows no source package ${package}"; return 1; }
    for candidate in "${versions[@]}"; do
        debian_source_log "fetching source ${package} ${candidate}"
        # The _apt sandbox user cannot write into a root-owned build tree; the
        # files are verified against the signed Sources index either way.
        if (cd "${work_dir}" && apt-get "${DBINIT_APT_OPTS[@]}" -qq -o APT::Sandbox::User=root \
            source "${package}=${candidate}" >"${work_dir}/apt-source.log" 2>&1); then
            find "${work_dir}" -mindepth 1 -maxdepth 1 -type d -name "${package%-*}-*" | head -n 1
            return 0
        fi
        debian_source_log "  not served by the mirror: $(grep -m1 '^E:' "${work_dir}/apt-source.log" || true)"
        find "${work_dir}" -mindepth 1 -maxdepth 1 ! -name apt-source.log -exec rm -rf -- {} +
    done
    debian_source_log "could not fetch any version of ${package} (${versions[*]})"
    return 1
}

# A source package of another Debian release (PostgreSQL 17 comes from Debian
# 13, trixie), fetched without adding that release to this machine's apt
# sources: VERSION is pinned in the caller with the sha256 of its .dsc, so
# the files are as verified as apt would make them (the .dsc names the
# tarballs' sha256, which dpkg-source checks), and a build is the same on
# every machine. Pinned because a mirror may list a version in its index and
# serve only older ones. Bumping: take a version the mirror serves
# (pool/main/<p>/<package>/), check its .dsc's signature with
# `gpgv --keyring /usr/share/keyrings/debian-keyring.gpg`, pin its sha256.
#
#   src="$(fetch_pinned_source PACKAGE VERSION DSC_SHA256 WORK_DIR)"  the unpacked tree
fetch_pinned_source() { # PACKAGE VERSION DSC_SHA256 WORK_DIR
    local package="$1" version="$2" dsc_sha256="$3" work_dir mirror pool dsc file
    work_dir="$(cd "$4" && pwd)" || return 1
    mirror="$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
    [[ -n "${mirror}" ]] || mirror="$(awk '$1 == "deb" && $2 !~ /^\[/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)"
    mirror="${mirror:-http://deb.debian.org/debian}"
    pool="${mirror%/}/pool/main/${package:0:1}/${package}"
    [[ "${package}" == lib* ]] && pool="${mirror%/}/pool/main/${package:0:4}/${package}"
    dsc="${package}_${version#*:}.dsc"
    command -v curl >/dev/null && command -v dpkg-source >/dev/null ||
        { debian_source_log "fetch_pinned_source needs curl and dpkg-dev"; return 1; }
    debian_source_log "fetching source ${package} ${version} from ${pool}"
    curl -fsS --retry 3 -o "${work_dir}/${dsc}" "${pool}/${dsc//+/%2b}" ||
        { debian_source_log "the mirror does not serve ${pool}/${dsc}"; return 1; }
    if [[ "$(sha256sum "${work_dir}/${dsc}" | cut -d' ' -f1)" != "${dsc_sha256}" ]]; then
        debian_source_log "${dsc} does not have the pinned sha256 ${dsc_sha256}"
        return 1
    fi
    # The files the .dsc lists (its Files: section), each checked by dpkg-source.
    for file in $(awk '/^Files:/ { on = 1; next } /^[^ ]/ { on = 0 } on && NF == 3 { print $3 }' "${work_dir}/${dsc}"); do
        curl -fsS --retry 3 -o "${work_dir}/${file}" "${pool}/${file//+/%2b}" ||
            { debian_source_log "the mirror does not serve ${pool}/${file}"; return 1; }
    done
    (cd "${work_dir}" && dpkg-source -x "${dsc}" "${package}-src" >"${work_dir}/dpkg-source.log" 2>&1) || {
        tail -n 5 "${work_dir}/dpkg-source.log" >&2
        debian_source_log "unpacking ${dsc} failed"
        return 1
    }
    echo "${work_dir}/${package}-src"
}
