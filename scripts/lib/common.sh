# shellcheck shell=bash
# What the scripts share: their log lines, failing with a reason, a free
# loopback port, a step whose output is shown only when it fails, Debian
# packages installed when missing, checks counted, and throwaway PostgreSQL
# clusters (scripts/lib/pg-scratch).
#
#   source "$REPO/scripts/lib/common.sh" PREFIX   # log lines read "PREFIX: ..."
#
# The caller owns `set -euo pipefail`. scripts/build-static-libpq,
# scripts/fetch-boost-source and scripts/lib/debian-source.sh stay apart:
# the Dockerfile copies them alone into its build stage, and the first two
# are the keys of what they cache.

common_prefix=${1:?usage: source scripts/lib/common.sh PREFIX}
common_lib=${BASH_SOURCE[0]%/*}
[[ "$common_lib" == /* ]] || common_lib=$PWD/$common_lib

log() { printf '%s: %s\n' "$common_prefix" "$*" >&2; }
die() { printf '%s: error: %s\n' "$common_prefix" "$*" >&2; exit 1; }
need_root() { ((EUID == 0)) || die "run as root: $*"; }

# A TCP port nothing listens on at the moment, on 127.0.0.1.
free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# run_logged LOG WHAT COMMAND...: COMMAND with its output in LOG; when it
# fails, the log's last lines and "WHAT failed".
run_logged() {
  local output=$1 what=$2
  shift 2
  "$@" > "$output" 2>&1 || { tail -n 30 "$output" >&2; die "$what failed"; }
}

# missing_packages PACKAGE...: those not installed, one a line. A name
# without an architecture counts as installed for this machine's (or all);
# libssl-dev:arm64 for arm64's alone.
missing_packages() {
  local native installed package name arch
  native=$(dpkg --print-architecture)
  # One query for all: setup runs before nearly every script.
  installed=$(dpkg-query -W -f='${Package} ${Architecture} ${Status}\n' "$@" 2> /dev/null || true)
  for package in "$@"; do
    name=${package%%:*} arch=$native
    [[ "$package" != *:* ]] || arch=${package##*:}
    grep -qxF -e "$name $arch install ok installed" -e "$name all install ok installed" <<< "$installed" ||
      printf '%s\n' "$package"
  done
}

# install_packages PACKAGE...: apt-get installs those missing, waiting for
# another apt-get to let go of the lock; quiet when none is.
install_packages() {
  local missing=()
  mapfile -t missing < <(missing_packages "$@")
  ((${#missing[@]})) || return 0
  need_root "it installs ${missing[*]}"
  log "installing ${missing[*]}"
  local apt=(apt-get -o DPkg::Lock::Timeout=600 -qq)
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" update
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends "${missing[@]}" > /dev/null
}

# expect WHAT ACTUAL EXPECTED: logs "WHAT: ok", or what was expected and
# what came, counting the latter in $failures.
failures=0
expect() {
  if [[ "$2" == "$3" ]]; then
    log "$1: ok"
  else
    log "$1: expected '$3', got '$2'"
    failures=$((failures + 1))
  fi
}

# pg_scratch COMMAND ARG...: scripts/lib/pg-scratch (start, stop, psql ...).
pg_scratch() { "$common_lib/pg-scratch" "$@"; }

# pg_scratch_new ARRAY [OPTION...]: a throwaway PostgreSQL (pg-scratch new),
# its dir, port, url, log, data and socket in the associative array ARRAY,
# its directory remembered for pg_scratch_remove_all.
pg_scratch_dirs=()
pg_scratch_new() {
  # The caller's own declare -A ARRAY, or else a global one.
  declare -p "$1" &> /dev/null || declare -gA "$1"
  local -n pg_scratch_into=$1
  shift
  local lines key value
  lines=$(pg_scratch new "$@") || return
  while IFS='=' read -r key value; do pg_scratch_into[$key]=$value; done <<< "$lines"
  pg_scratch_dirs+=("${pg_scratch_into[dir]}")
}

# Every cluster pg_scratch_new made, stopped and removed: for the caller's
# EXIT trap.
pg_scratch_remove_all() {
  ((${#pg_scratch_dirs[@]} == 0)) || pg_scratch remove "${pg_scratch_dirs[@]}"
  pg_scratch_dirs=()
}
