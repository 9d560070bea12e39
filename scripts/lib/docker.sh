# shellcheck shell=bash
# Sourced helpers for scripts that need a Docker engine and Debian base images
# on a machine that reaches Debian's package mirror but no image registry.
#
#   source scripts/lib/docker.sh
#   trap docker_stop_engine_if_started EXIT
#   docker_ensure_engine
#   docker_ensure_base_images
#
# Everything is named through variables so callers and tests can override it.
# The caller owns `set -euo pipefail`; every function returns non-zero on
# failure after saying why on stderr.

: "${DBINIT_CACHE_DIR:=/var/cache/dbinit}"
# Public names, so the same Dockerfile builds unchanged where a registry works.
: "${DBINIT_BASE_IMAGE:=debian:bookworm}"
: "${DBINIT_BASE_SLIM_IMAGE:=debian:bookworm-slim}"
: "${DBINIT_DEBIAN_SUITE:=bookworm}"
: "${DBINIT_DOCKERD_LOG:=${DBINIT_CACHE_DIR}/dockerd.log}"
# Seconds to wait for a started dockerd to answer, and for `docker pull` to
# fail when no registry is reachable (it should fail at once on DNS).
: "${DBINIT_DOCKERD_START_TIMEOUT:=60}"
: "${DBINIT_DOCKER_PULL_TIMEOUT:=20}"
# Set to 1 to skip `docker pull` entirely and go straight to debootstrap.
: "${DBINIT_DOCKER_NO_PULL:=0}"
# The Python base image of the app images (the Dockerfile's PYTHON_IMAGE):
# python:3.13-slim where a registry answers; without one, a local stand-in
# under this tag, Debian 13 (whose python3 is 3.13) with python3-venv.
: "${DBINIT_PYTHON_IMAGE:=dbinit-python:3.13-slim}"
: "${DBINIT_PYTHON_SUITE:=trixie}"

# PID of the dockerd this shell started; empty when the engine was already up.
DBINIT_DOCKERD_PID="${DBINIT_DOCKERD_PID:-}"

docker_log() {
    printf 'docker.sh: %s\n' "$*" >&2
}

docker_die() {
    printf '\ndocker.sh: ERROR: %s\n\n' "$*" >&2
    return 1
}

# Installs Debian packages, waiting for another apt/dpkg to let go of the lock.
# `apt-get update` is run only when the first attempt fails (stale lists).
docker_apt_install() {
    local -a apt=(apt-get -o DPkg::Lock::Timeout=600 -y -q)
    if DEBIAN_FRONTEND=noninteractive "${apt[@]}" install --no-install-recommends "$@" >&2; then
        return 0
    fi
    docker_log "apt-get install $* failed; running apt-get update and retrying"
    "${apt[@]}" update >&2 || return 1
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install --no-install-recommends "$@" >&2
}

docker_engine_answers() {
    timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# Makes sure `docker` talks to a running engine: installs docker.io,
# debootstrap, iptables and (without Compose v2) docker-compose when missing,
# starts dockerd in the background when nothing answers, and remembers that we
# did so for docker_stop_engine_if_started.
docker_ensure_engine() {
    local -a missing=()
    command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
    command -v docker >/dev/null 2>&1 || missing+=(docker.io)
    command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
    # dockerd needs iptables for the bridge network's NAT.
    command -v iptables >/dev/null 2>&1 || missing+=(iptables)
    # Compose v2 (a CLI plugin) where it exists, else Debian's v1.
    if ! docker_compose_v2_works && ! command -v docker-compose >/dev/null 2>&1; then
        missing+=(docker-compose)
    fi
    if ((${#missing[@]} > 0)); then
        docker_log "installing ${missing[*]}"
        # docker.io twice is harmless to apt.
        docker_apt_install "${missing[@]}" ||
            { docker_die "could not install ${missing[*]} with apt-get"; return 1; }
    fi

    if docker_engine_answers; then
        docker_log "engine already running ($(docker version --format '{{.Server.Version}}'))"
        return 0
    fi
    if [[ -S /var/run/docker.sock ]] && pgrep -x dockerd >/dev/null 2>&1; then
        docker_die "a dockerd is running but does not answer on /var/run/docker.sock; not starting a second one"
        return 1
    fi

    mkdir -p "$(dirname "${DBINIT_DOCKERD_LOG}")"
    docker_log "starting dockerd (log: ${DBINIT_DOCKERD_LOG})"
    # setsid: the engine must not receive the caller's terminal signals; we stop
    # it ourselves, in order, from docker_stop_engine_if_started.
    setsid dockerd >>"${DBINIT_DOCKERD_LOG}" 2>&1 </dev/null &
    DBINIT_DOCKERD_PID=$!
    export DBINIT_DOCKERD_PID

    local waited=0
    until docker_engine_answers; do
        if ! kill -0 "${DBINIT_DOCKERD_PID}" 2>/dev/null; then
            tail -n 30 "${DBINIT_DOCKERD_LOG}" >&2 || true
            DBINIT_DOCKERD_PID=""
            docker_die "dockerd exited during start-up (last lines of ${DBINIT_DOCKERD_LOG} above)"
            return 1
        fi
        if ((waited >= DBINIT_DOCKERD_START_TIMEOUT)); then
            tail -n 30 "${DBINIT_DOCKERD_LOG}" >&2 || true
            docker_stop_engine_if_started
            docker_die "dockerd did not answer within ${DBINIT_DOCKERD_START_TIMEOUT}s (last lines of ${DBINIT_DOCKERD_LOG} above)"
            return 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
    docker_log "engine up after ${waited}s ($(docker version --format '{{.Server.Version}}'))"
}

# Stops the dockerd that docker_ensure_engine started, if it started one; a
# no-op otherwise, so it is safe in an EXIT trap.
docker_stop_engine_if_started() {
    local pid="${DBINIT_DOCKERD_PID:-}"
    [[ -n "${pid}" ]] || return 0
    DBINIT_DOCKERD_PID=""
    kill -0 "${pid}" 2>/dev/null || return 0
    docker_log "stopping the dockerd we started (pid ${pid})"
    kill -TERM "${pid}" 2>/dev/null || true
    local waited=0
    # dockerd stops its containers (10 s each at most) and its containerd.
    while kill -0 "${pid}" 2>/dev/null; do
        if ((waited >= 60)); then
            docker_log "dockerd ${pid} still running after 60s; sending SIGKILL"
            kill -KILL "${pid}" 2>/dev/null || true
            break
        fi
        sleep 1
        waited=$((waited + 1))
    done
}

docker_compose_v2_works() {
    command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1
}

# Sets the array DBINIT_COMPOSE to the Compose command to use: `docker
# compose` (v2) when that works, else `docker-compose` (v1, Debian bookworm's
# package, which docker_ensure_engine installs). Both read the same file.
docker_compose_command() {
    # shellcheck disable=SC2034 # DBINIT_COMPOSE is the caller's
    if docker_compose_v2_works; then
        DBINIT_COMPOSE=(docker compose)
    elif command -v docker-compose >/dev/null 2>&1 && docker-compose version >/dev/null 2>&1; then
        DBINIT_COMPOSE=(docker-compose)
    else
        docker_die "neither \`docker compose\` nor \`docker-compose\` works (apt-get install docker-compose)"
        return 1
    fi
}

docker_image_present() {
    docker image inspect "$1" >/dev/null 2>&1
}

# The first URIs: line of the host's deb822 sources, i.e. the mirror apt uses.
docker_debian_mirror() {
    local sources=/etc/apt/sources.list.d/debian.sources mirror=""
    if [[ -r "${sources}" ]]; then
        mirror="$(awk '/^URIs:/ { print $2; exit }' "${sources}")"
    fi
    printf '%s\n' "${mirror:-http://deb.debian.org/debian}"
}

# Builds (once per machine) a minbase rootfs tarball of DBINIT_DEBIAN_SUITE
# and prints its path. Concurrent callers wait on a lock instead of racing.
# With NAME and PACKAGES (comma-separated), debootstrap includes those
# packages and the tarball is debian-SUITE-NAME-ARCH.tar.
docker_base_rootfs_tarball() { # [NAME PACKAGES]
    local arch tarball name="${1:-minbase}" include="${2:-}"
    arch="$(dpkg --print-architecture)"
    tarball="${DBINIT_CACHE_DIR}/debian-${DBINIT_DEBIAN_SUITE}-${name}-${arch}.tar"
    mkdir -p "${DBINIT_CACHE_DIR}"
    (
        set -euo pipefail
        exec 9>"${tarball}.lock"
        flock 9
        [[ -s "${tarball}" ]] && exit 0

        local mirror rootfs start
        mirror="$(docker_debian_mirror)"
        rootfs="$(mktemp -d "${DBINIT_CACHE_DIR}/rootfs.XXXXXX")"
        # Removes the half-built tree however this subshell ends.
        trap 'rm -rf "${rootfs}" "${tarball}.tmp"' EXIT
        start=${SECONDS}
        docker_log "debootstrap --variant=minbase ${include:+--include=${include} }${DBINIT_DEBIAN_SUITE} from ${mirror} (a few minutes, once per machine)"
        local debootstrap_log="${DBINIT_CACHE_DIR}/debootstrap-${DBINIT_DEBIAN_SUITE}-${name}.log"
        debootstrap --variant=minbase --arch="${arch}" ${include:+"--include=${include}"} \
            "${DBINIT_DEBIAN_SUITE}" "${rootfs}" "${mirror}" >"${debootstrap_log}" 2>&1 ||
            { tail -n 30 "${debootstrap_log}" >&2; docker_die "debootstrap failed (log: ${debootstrap_log})"; exit 1; }

        # Same apt sources as the official image: release, updates, security.
        rm -f "${rootfs}/etc/apt/sources.list"
        cat >"${rootfs}/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: ${mirror}
Suites: ${DBINIT_DEBIAN_SUITE} ${DBINIT_DEBIAN_SUITE}-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror%/debian}/debian-security
Suites: ${DBINIT_DEBIAN_SUITE}-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
        # Keep images small the way the official ones do: no package lists,
        # no downloaded .debs, no caches; apt-get update is the image user's job.
        cat >"${rootfs}/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";
EOF
        rm -rf "${rootfs:?}"/var/lib/apt/lists/* "${rootfs}"/var/cache/apt/*.bin \
            "${rootfs}"/var/cache/apt/archives/*.deb "${rootfs}"/var/log/bootstrap.log \
            "${rootfs:?}"/dev/* "${rootfs:?}"/proc/* "${rootfs:?}"/sys/* "${rootfs:?}"/tmp/*
        printf '%s\n' "${DBINIT_DEBIAN_SUITE}-${name}" >"${rootfs}/etc/hostname"

        tar --numeric-owner --xattrs -C "${rootfs}" -cf "${tarball}.tmp" .
        mv "${tarball}.tmp" "${tarball}"
        docker_log "rootfs tarball ${tarball} built in $((SECONDS - start))s"
    ) || return 1
    printf '%s\n' "${tarball}"
}

# Makes DBINIT_BASE_IMAGE and DBINIT_BASE_SLIM_IMAGE available locally: as
# they are, else from `docker pull`, else from a cached debootstrap rootfs
# imported once and tagged under both names (minbase is already slim).
docker_ensure_base_images() {
    local image tarball="" imported=""
    for image in "${DBINIT_BASE_IMAGE}" "${DBINIT_BASE_SLIM_IMAGE}"; do
        if docker_image_present "${image}"; then
            continue
        fi
        if [[ "${DBINIT_DOCKER_NO_PULL}" != 1 ]] &&
            timeout "${DBINIT_DOCKER_PULL_TIMEOUT}" docker pull -q "${image}" >/dev/null 2>&1; then
            docker_log "pulled ${image}"
            continue
        fi
        if [[ -z "${imported}" ]]; then
            tarball="$(docker_base_rootfs_tarball)" || return 1
            local start=${SECONDS}
            imported="$(docker import \
                --change 'CMD ["bash"]' \
                --message "debootstrap --variant=minbase ${DBINIT_DEBIAN_SUITE}" \
                "${tarball}")" ||
                { docker_die "docker import ${tarball} failed"; return 1; }
            docker_log "imported ${tarball} as ${imported} in $((SECONDS - start))s"
        fi
        docker tag "${imported}" "${image}" ||
            { docker_die "docker tag ${imported} ${image} failed"; return 1; }
        docker_log "${image} <- ${tarball}"
    done
}

# Makes DBINIT_PYTHON_IMAGE available locally: as it is, else from `docker
# pull`, else as a stand-in for python:3.13-slim imported from a cached
# debootstrap rootfs of DBINIT_PYTHON_SUITE with python3, python3-venv (pip
# comes into each venv from ensurepip) and ca-certificates. The Dockerfiles
# use only what both have: python3, and python3 -m venv.
docker_ensure_python_image() {
    local image="${DBINIT_PYTHON_IMAGE}" tarball start
    docker_image_present "${image}" && return 0
    if [[ "${DBINIT_DOCKER_NO_PULL}" != 1 ]] &&
        timeout "${DBINIT_DOCKER_PULL_TIMEOUT}" docker pull -q "${image}" >/dev/null 2>&1; then
        docker_log "pulled ${image}"
        return 0
    fi
    tarball="$(DBINIT_DEBIAN_SUITE="${DBINIT_PYTHON_SUITE}" \
        docker_base_rootfs_tarball python3 python3,python3-venv,ca-certificates)" || return 1
    start=${SECONDS}
    docker import --change 'ENV LANG=C.UTF-8' --change 'CMD ["python3"]' \
        --message "debootstrap --variant=minbase ${DBINIT_PYTHON_SUITE} + python3 python3-venv" \
        "${tarball}" "${image}" >/dev/null ||
        { docker_die "docker import ${tarball} failed"; return 1; }
    docker_log "${image} <- ${tarball} in $((SECONDS - start))s"
}
