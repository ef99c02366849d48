# Shared settings of the simulated-hosts harness (sourced by up.sh, down.sh, check.sh).
#
# A simulated host N is:
#   network namespace  lhsimN, address $LHSIM_NET.(10+N)/24 on the bridge br-lhsim ($LHSIM_NET.1)
#   Docker engine      data-root /var/lib/lhsim-hostN, socket unix:///run/lhsim-hostN/docker.sock
#   sshd               $LHSIM_NET.(10+N):22, root with the harness's key only
# all inside one private mount + UTS namespace per host (hostname lhsimN), whose /run and
# /etc/docker are per-host directories. Everything else of the filesystem is shared with the
# machine (see README.md).

LHSIM_NET=${LHSIM_NET:-10.79.0}            # the /24 the harness owns (not 10.77.0.0/24, not 192.0.2.0/24)
LHSIM_BRIDGE=br-lhsim
LHSIM_STATE=${LHSIM_STATE:-/var/lib/lhsim}     # keys, configs, pids, inventory, env (removed by down.sh)
LHSIM_CACHE=${LHSIM_CACHE:-/var/cache/lhsim}   # unpacked sshd, saved images (kept by down.sh unless --purge)
LHSIM_ARCHIVES=$LHSIM_CACHE/images        # one 'docker save' archive per test bed image (up.sh)
LHSIM_MAX_HOSTS=40
LHSIM_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

lhsim_ip()       { echo "$LHSIM_NET.$((10 + $1))"; }
lhsim_ns()       { echo "lhsim$1"; }
lhsim_run()      { echo "/run/lhsim-host$1"; }
lhsim_data()     { echo "/var/lib/lhsim-host$1"; }
lhsim_hostdir()  { echo "$LHSIM_STATE/host$1"; }
lhsim_sock()     { echo "unix://$(lhsim_run "$1")/docker.sock"; }
lhsim_docker()   { local n=$1; shift; docker -H "$(lhsim_sock "$n")" "$@"; }

# The archive of an image: lh-testbed/kafka:4.1.1 -> $LHSIM_ARCHIVES/kafka-4.1.1.tar
lhsim_archive()  { local name=${1#lh-testbed/}; echo "$LHSIM_ARCHIVES/${name//[:\/]/-}.tar"; }

say()  { printf '[lhsim] %s\n' "$*"; }
die()  { printf '[lhsim] ERROR: %s\n' "$*" >&2; exit 1; }

pid_alive() { # running and not a zombie waiting to be reaped
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]
}
pid_from()  { [ -f "$1" ] && cat "$1" 2>/dev/null || true; }

# The host numbers that have state (started at some point and not torn down).
lhsim_known_hosts() {
  local d
  for d in "$LHSIM_STATE"/host*; do
    [ -d "$d" ] || continue
    echo "${d##*/host}"
  done | sort -n
}

# The images every simulated host gets (the test bed's images, versions from tests/images/versions.env).
lhsim_images() {
  if [ -n "${LHSIM_IMAGES:-}" ]; then echo "$LHSIM_IMAGES"; return; fi
  local env_kafka=${KAFKA_VERSION:-} env_lh=${LH_VERSION:-} env_haproxy=${HAPROXY_VERSION:-}
  local env_kafka_previous=${KAFKA_PREVIOUS_VERSION:-} env_keycloak=${KEYCLOAK_VERSION:-}
  local KAFKA_VERSION=4.1.1 LH_VERSION=1.2.1 HAPROXY_VERSION=3.0 KAFKA_PREVIOUS_VERSION=4.0.2 KEYCLOAK_VERSION=26.5.6
  # shellcheck disable=SC1091
  [ -f "$LHSIM_REPO/tests/images/versions.env" ] && . "$LHSIM_REPO/tests/images/versions.env"
  KAFKA_VERSION=${env_kafka:-$KAFKA_VERSION}; LH_VERSION=${env_lh:-$LH_VERSION}   # as make passes them
  HAPROXY_VERSION=${env_haproxy:-$HAPROXY_VERSION}; KAFKA_PREVIOUS_VERSION=${env_kafka_previous:-$KAFKA_PREVIOUS_VERSION}
  KEYCLOAK_VERSION=${env_keycloak:-$KEYCLOAK_VERSION}
  # check.sh takes the third (the dashboard double) as its probe image: append new images at the end.
  # The last two are what the multi-host scenario upgrades from and to: the older Kafka and the
  # "patched" server image (build.sh builds both with `all`); then the identity provider of the secure scenario.
  echo "lh-testbed/kafka:$KAFKA_VERSION lh-testbed/lh-server:$LH_VERSION lh-testbed/lh-dashboard-double:$LH_VERSION" \
    "lh-testbed/haproxy:$HAPROXY_VERSION lh-testbed/kafka:$KAFKA_PREVIOUS_VERSION lh-testbed/lh-server:$LH_VERSION-p1" \
    "lh-testbed/keycloak:$KEYCLOAK_VERSION"
}
