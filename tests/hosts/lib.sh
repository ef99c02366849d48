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
# The one address of the range that no host ever has: the machine's route to it is `unreachable`
# (while the bridge exists), for tests that need a host nobody can reach (molecule/multi-host).
LHSIM_UNREACHABLE=$LHSIM_NET.254
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

# A host range, as up.sh/down.sh/check.sh take it: "N" (hosts 1..N, as before ranges) or "A-B"
# (hosts A..B; "A-A" is host A alone). Sets LHSIM_FIRST, LHSIM_LAST; returns 1 if it is not one.
lhsim_parse_range() {
  if [[ $1 =~ ^([0-9]+)$ ]]; then LHSIM_FIRST=1 LHSIM_LAST=${BASH_REMATCH[1]}
  elif [[ $1 =~ ^([0-9]+)-([0-9]+)$ ]]; then LHSIM_FIRST=${BASH_REMATCH[1]} LHSIM_LAST=${BASH_REMATCH[2]}
  else return 1; fi
  LHSIM_FIRST=$((10#$LHSIM_FIRST)) LHSIM_LAST=$((10#$LHSIM_LAST))
  [ "$LHSIM_FIRST" -ge 1 ] && [ "$LHSIM_FIRST" -le "$LHSIM_LAST" ] && [ "$LHSIM_LAST" -le $LHSIM_MAX_HOSTS ]
}
# A range's own inventory, env file and SSH control sockets (scenarios that run at once each use their own).
lhsim_range_dir() { echo "$LHSIM_STATE/range-$1-$2"; }

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

# Rewrite a file in place only when its content (stdin) differs (the hosts bind-mount some: keep the inode).
write_if_changed() {
  local new; new=$(cat)
  if [ ! -f "$1" ] || [ "$(cat "$1")" != "$new" ]; then
    printf '%s\n' "$new" >"$1"; say "wrote $1"
  fi
}

# The Ansible inventory of some hosts: lhsim_inventory CONTROL_DIR N... (group lhsim; on stdout).
lhsim_inventory() {
  local control=$1 n; shift
  echo "# Simulated hosts (tests/hosts/up.sh). Each is a network namespace with its own Docker"
  echo "# engine and sshd; reach it over SSH at ansible_host, its engine from the machine at lhsim_docker_host."
  echo "lhsim:"
  echo "  hosts:"
  for n in "$@"; do
    echo "    lhsim$n:"
    echo "      ansible_host: $(lhsim_ip "$n")"
    echo "      lhsim_docker_host: $(lhsim_sock "$n")"
  done
  echo "  vars:"
  echo "    ansible_connection: ssh"
  echo "    ansible_user: root"
  echo "    ansible_ssh_private_key_file: $LHSIM_STATE/id_ed25519"
  echo "    ansible_ssh_common_args: -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -o LogLevel=ERROR"
  echo "    ansible_control_path_dir: $control"
  echo "    ansible_python_interpreter: /usr/bin/python3"
}

# The env file of some hosts: lhsim_env INVENTORY N... (on stdout).
lhsim_env() {
  local inventory=$1 n img archives=(); shift
  for img in $(lhsim_images); do archives+=("$(lhsim_archive "$img")"); done
  echo "# . ${inventory%/*}/env.sh   (written by tests/hosts/up.sh)"
  echo "export LHSIM_INVENTORY=$inventory"
  echo "export LHSIM_HOSTS=\"$(for n in "$@"; do printf 'lhsim%s ' "$n"; done | sed 's/ $//')\""
  for n in "$@"; do
    echo "export LHSIM${n}_ADDRESS=$(lhsim_ip "$n") LHSIM${n}_DOCKER_HOST=$(lhsim_sock "$n")"
  done
  echo "export LHSIM_IMAGE_ARCHIVES=\"${archives[*]}\""
  echo "export LHSIM_UNREACHABLE=$LHSIM_UNREACHABLE"
  echo "export ANSIBLE_HOST_KEY_CHECKING=False"
}

# The machine-wide inventory and env ($LHSIM_STATE/inventory.yml, env.sh): every host with state. For tools
# that use every host up (bench/run.sh, check.sh without a range); scenarios use their range's own.
lhsim_write_all_hosts_files() {
  local hosts; hosts=$(lhsim_known_hosts)
  # shellcheck disable=SC2086
  lhsim_inventory "$LHSIM_STATE/ssh-cp" $hosts | write_if_changed "$LHSIM_STATE/inventory.yml"
  # shellcheck disable=SC2086
  lhsim_env "$LHSIM_STATE/inventory.yml" $hosts | write_if_changed "$LHSIM_STATE/env.sh"
}

# The machine's route to a host's address while the host is down is `unreachable`: nothing dials an
# address that no namespace of ours holds (a connection there fails at once, no ARP on the bridge).
lhsim_block()   { ip route replace unreachable "$(lhsim_ip "$1")/32"; }
lhsim_unblock() { ip route del unreachable "$(lhsim_ip "$1")/32" 2>/dev/null || true; }

# The images every simulated host gets: the test bed's images, named in tests/testbed/images.yml.
# check.sh takes the third (the dashboard double) as its probe image: append new images at the end.
# Then what the multi-host scenario upgrades from and to: the older Kafka and the "patched" server
# image (build.sh builds both with `all`); then the identity provider of the secure scenario.
lhsim_images() {
  if [ -n "${LHSIM_IMAGES:-}" ]; then echo "$LHSIM_IMAGES"; return; fi
  local key names=()
  for key in kafka_image server_image dashboard_image load_balancer_image kafka_previous_image \
             server_patched_image keycloak_image; do
    names+=("$(sed -n "s/^$key: *//p" "$LHSIM_REPO/tests/testbed/images.yml")")
  done
  echo "${names[*]}"
}
