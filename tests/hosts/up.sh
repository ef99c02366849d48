#!/usr/bin/env bash
# usage: tests/hosts/up.sh [--load-images] [N | A-B]     (default 1: host 1)
#
# Make the simulated hosts lhsim1..N, or lhsimA..B (see lib.sh and README.md), without images: save
# the test bed's images into one archive each ($LHSIM_ARCHIVES, for littlehorse_image_archives; with
# --load-images also load them into each host's engine), and write an Ansible inventory and an env
# file of the range's own:
#   /var/lib/lhsim/range-A-B/inventory.yml   group `lhsim`, hosts lhsimA..B (ansible_host = the host's address)
#   /var/lib/lhsim/range-A-B/env.sh          `. /var/lib/lhsim/range-A-B/env.sh` before ansible/molecule
# (N is the range 1-N), and the same for every host up, /var/lib/lhsim/inventory.yml and env.sh.
# Ranges that do not overlap are independent: scenarios on them run at the same time.
# Idempotent: what already exists and works is left alone (and said so).
set -euo pipefail
# shellcheck source=tests/hosts/lib.sh
. "$(dirname "$0")/lib.sh"

LOAD_IMAGES=0
if [ "${1:-}" = --load-images ]; then LOAD_IMAGES=1; shift; fi
lhsim_parse_range "${1:-1}" || die "usage: $0 [--load-images] [N | A-B]  (hosts 1..$LHSIM_MAX_HOSTS)"
FIRST=$LHSIM_FIRST LAST=$LHSIM_LAST
RANGE_DIR=$(lhsim_range_dir "$FIRST" "$LAST")
[ "$(id -u)" = 0 ] || die "must run as root (namespaces, bridge, iptables, dockerd)"
mkdir -p "$LHSIM_CACHE"; exec 9>"$LHSIM_CACHE/.lock"
flock -w 600 9 || die "another up.sh/down.sh holds $LHSIM_CACHE/.lock"
for cmd in ip iptables nsenter unshare dockerd docker ssh ssh-keygen apt-get dpkg-deb python3; do
  command -v "$cmd" >/dev/null || die "missing command: $cmd"
done
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 \
  || die "the machine's Docker engine does not answer (run tests/testbed/engine.sh)"
T0=$(date +%s.%N)
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

mkdir -p "$LHSIM_STATE" "$LHSIM_CACHE"

# --- sshd: unpacked from Debian's packages into the cache (not installed: installing would start
# an sshd in the machine's own namespace). The client tools (ssh, ssh-keygen) are the machine's.
SSHROOT=$LHSIM_CACHE/sshroot
if [ -x "$SSHROOT/usr/sbin/sshd" ]; then
  say "sshd: unpacked in $SSHROOT (kept)"
else
  say "sshd: apt-get download openssh-server openssh-sftp-server libwrap0 -> $SSHROOT"
  rm -rf "$LHSIM_CACHE/debs" "$SSHROOT.tmp"; mkdir -p "$LHSIM_CACHE/debs"
  (cd "$LHSIM_CACHE/debs" && apt-get download -q openssh-server openssh-sftp-server libwrap0 2>&1 \
     | grep -v -e 'unsandboxed' || true)
  for deb in "$LHSIM_CACHE"/debs/*.deb; do dpkg-deb -x "$deb" "$SSHROOT.tmp"; done
  mv "$SSHROOT.tmp" "$SSHROOT"
fi
[ -x "$SSHROOT/usr/sbin/sshd" ] || die "sshd was not unpacked into $SSHROOT"

# --- the managed node's Python: the hosts share the machine's filesystem, so the collection's
# module requirements (requirements.txt: docker>=7.1.0 — Debian's python3-docker is 5.0.3, too
# old) are installed for /usr/bin/python3 with pip, into /usr/local (Debian's packages untouched).
if /usr/bin/python3 - <<'EOF' 2>/dev/null
import docker, requests
major, minor = (int(x) for x in docker.__version__.split(".")[:2])
raise SystemExit(0 if (major, minor) >= (7, 1) else 1)
EOF
then
  say "managed-node python: /usr/bin/python3 has docker $(/usr/bin/python3 -c 'import docker; print(docker.__version__)') (kept)"
else
  say "managed-node python: pip install -r requirements.txt for /usr/bin/python3 (into /usr/local)"
  /usr/bin/python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore \
    --break-system-packages -r "$LHSIM_REPO/requirements.txt"
fi

# --- shared state: SSH key, passwd with sshd's privilege-separation user, /etc/hosts for the hosts
if [ ! -f "$LHSIM_STATE/id_ed25519" ]; then
  say "ssh key: $LHSIM_STATE/id_ed25519"
  ssh-keygen -q -t ed25519 -N '' -C lhsim -f "$LHSIM_STATE/id_ed25519"
fi
cp "$LHSIM_STATE/id_ed25519.pub" "$LHSIM_STATE/authorized_keys"
{ grep -v '^sshd:' /etc/passwd; echo 'sshd:x:150:65534::/run/sshd:/usr/sbin/nologin'; } \
  | write_if_changed "$LHSIM_STATE/passwd"
{
  echo "127.0.0.1 localhost"
  echo "$LHSIM_NET.1 lhsim-gateway"
  # every name a host can have, so that no later range rewrites the file under hosts that read it
  for n in $(seq 1 $LHSIM_MAX_HOSTS); do echo "$(lhsim_ip "$n") lhsim$n"; done
} | write_if_changed "$LHSIM_STATE/hosts"

# --- network: bridge, one forwarding rule, one namespace + veth per host
if ip link show "$LHSIM_BRIDGE" >/dev/null 2>&1; then
  say "bridge $LHSIM_BRIDGE: present"
else
  say "bridge $LHSIM_BRIDGE: $LHSIM_NET.1/24"
  ip link add "$LHSIM_BRIDGE" type bridge
  ip addr add "$LHSIM_NET.1/24" dev "$LHSIM_BRIDGE"
  ip link set "$LHSIM_BRIDGE" up
fi
# The machine's dockerd sets FORWARD's policy to DROP; bridged host-to-host traffic passes
# FORWARD (br_netfilter), so let traffic that stays on our bridge through.
FWD=(FORWARD -i "$LHSIM_BRIDGE" -o "$LHSIM_BRIDGE" -j ACCEPT)
if iptables -C "${FWD[@]}" 2>/dev/null; then
  say "iptables: ${FWD[*]} present"
else
  say "iptables -I ${FWD[*]}"
  iptables -I "${FWD[0]}" 1 "${FWD[@]:1}"
fi
# The addresses of the hosts that are not up, and the one no host has, are unreachable from the
# machine (see lhsim_block); a host's own route goes when it starts.
ip route replace unreachable "$LHSIM_UNREACHABLE/32"
for n in $(seq 1 $LHSIM_MAX_HOSTS); do
  ip netns pids "$(lhsim_ns "$n")" >/dev/null 2>&1 || lhsim_block "$n"
done

host_up() { # N: engine answers and sshd listens
  local n=$1 pid
  pid=$(pid_from "$(lhsim_hostdir "$n")/init.pid")
  pid_alive "$pid" && lhsim_docker "$n" version >/dev/null 2>&1 \
    && pid_alive "$(pid_from "$(lhsim_run "$n")/sshd.pid")" \
    && timeout 2 bash -c "exec 3<>/dev/tcp/$(lhsim_ip "$n")/22" 2>/dev/null
}

start_host() {
  local n=$1 ns ip hd run
  ns=$(lhsim_ns "$n"); ip=$(lhsim_ip "$n"); hd=$(lhsim_hostdir "$n"); run=$(lhsim_run "$n")
  if ! ip netns pids "$ns" >/dev/null 2>&1; then
    say "host $n: namespace $ns, $ip/24, veth-$ns on $LHSIM_BRIDGE"
    ip netns add "$ns"
    ip link add "veth-$ns" type veth peer name eth0 netns "$ns"
    ip link set "veth-$ns" master "$LHSIM_BRIDGE" up
    ip -n "$ns" addr add "$ip/24" dev eth0
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 up
    ip -n "$ns" route add default via "$LHSIM_NET.1"
  fi
  lhsim_unblock "$n"
  if pid_alive "$(pid_from "$hd/init.pid")"; then
    die "host $n: its processes run (pid $(cat "$hd/init.pid")) but it does not answer; see $run/dockerd.log $run/sshd.log, or tests/hosts/down.sh"
  fi
  mkdir -p "$hd/etc-docker" "$run" "$(lhsim_data "$n")"
  [ -f "$hd/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C "lhsim$n" -f "$hd/ssh_host_ed25519_key"
  cat >"$hd/sshd_config" <<EOF
# sshd of simulated host $n (written by tests/hosts/up.sh)
ListenAddress $ip:22
HostKey $hd/ssh_host_ed25519_key
PidFile none
AuthorizedKeysFile $LHSIM_STATE/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
StrictModes no
PrintMotd no
PrintLastLog no
MaxStartups 50:30:100
MaxSessions 50
Subsystem sftp $SSHROOT/usr/lib/openssh/sftp-server
EOF
  say "host $n: starting dockerd (data-root $(lhsim_data "$n"), $(lhsim_sock "$n")) and sshd ($ip:22)"
  setsid nsenter --net="/run/netns/$ns" unshare --mount --uts --propagation private \
    "$LHSIM_REPO/tests/hosts/host-init.sh" "$n" "$LHSIM_STATE" "$SSHROOT" \
    </dev/null >"$hd/init.log" 2>&1 9>&- &
  echo $! >"$hd/init.pid"
}

wait_host() {
  local n=$1 i t; t=$(date +%s.%N)
  for i in $(seq 1 120); do
    host_up "$n" && { say "host $n: ready (engine + sshd) in $(since "$t")s"; return 0; }
    pid_alive "$(pid_from "$(lhsim_hostdir "$n")/init.pid")" || break
    sleep 0.25
  done
  echo "--- $(lhsim_hostdir "$n")/init.log"; tail -n 20 "$(lhsim_hostdir "$n")/init.log" || true
  echo "--- $(lhsim_run "$n")/dockerd.log"; tail -n 20 "$(lhsim_run "$n")/dockerd.log" || true
  echo "--- $(lhsim_run "$n")/sshd.log"; tail -n 20 "$(lhsim_run "$n")/sshd.log" || true
  die "host $n did not come up"
}

started=()
for n in $(seq "$FIRST" "$LAST"); do
  if host_up "$n"; then
    say "host $n: up ($(lhsim_ip "$n"), pid $(cat "$(lhsim_hostdir "$n")/init.pid")) — left alone"
  else
    start_host "$n"; started+=("$n")
  fi
done
for n in "${started[@]}"; do wait_host "$n"; done

# --- images: the hosts start WITHOUT the test bed's images, as machines that reach no registry.
# Each image is saved once from the machine's engine into its own archive, $LHSIM_ARCHIVES/<name>.tar
# (lh-testbed/kafka:4.1.1 -> kafka-4.1.1.tar), kept while the image id is the one recorded next to
# it (<name>.tar.id). The scenarios hand these archives to the collection (littlehorse_image_archives),
# which copies and loads what each host misses. --load-images loads them into each host here instead
# (for tools that run containers on the hosts without the collection).
read -r -a IMAGES <<<"$(lhsim_images)"
mkdir -p "$LHSIM_ARCHIVES"
rm -f "$LHSIM_CACHE"/images-*.tar "$LHSIM_CACHE"/images-*.tar.tmp   # the earlier all-in-one archive
archives=()
for img in "${IMAGES[@]}"; do
  id=$(docker image inspect --format '{{.Id}}' "$img" 2>/dev/null) \
    || die "image $img is missing on the machine's engine (make images)"
  tar=$(lhsim_archive "$img")
  archives+=("$tar")
  if [ -f "$tar" ] && [ "$(cat "$tar.id" 2>/dev/null)" = "$id" ]; then
    say "image archive: $tar (kept, ${id:7:12})"
  else
    s=$(date +%s)
    rm -f "$tar" "$tar.id"
    docker save -o "$tar.tmp" "$img" && mv "$tar.tmp" "$tar" && echo "$id" >"$tar.id"
    say "image archive: docker save $img -> $tar ($(( $(date +%s) - s ))s)"
  fi
done
if [ "$LOAD_IMAGES" = 1 ]; then
  for n in $(seq "$FIRST" "$LAST"); do
    for i in "${!IMAGES[@]}"; do
      have=$(lhsim_docker "$n" image inspect --format '{{.Id}}' "${IMAGES[$i]}" 2>/dev/null || true)
      [ "$have" = "$(cat "${archives[$i]}.id")" ] && continue
      s=$(date +%s)
      lhsim_docker "$n" load -q -i "${archives[$i]}" >/dev/null
      say "host $n: docker load ${IMAGES[$i]} ($(( $(date +%s) - s ))s)"
    done
  done
fi

# --- inventory and env for Ansible: the range's own, and every host's (each host with state)
mkdir -p "$RANGE_DIR"
# shellcheck disable=SC2046
lhsim_inventory "$RANGE_DIR/ssh-cp" $(seq "$FIRST" "$LAST") | write_if_changed "$RANGE_DIR/inventory.yml"
# shellcheck disable=SC2046
lhsim_env "$RANGE_DIR/inventory.yml" $(seq "$FIRST" "$LAST") | write_if_changed "$RANGE_DIR/env.sh"
lhsim_write_all_hosts_files

say "up: $((LAST - FIRST + 1)) host(s) [lhsim$FIRST..lhsim$LAST] in $(since "$T0")s; inventory $RANGE_DIR/inventory.yml, env $RANGE_DIR/env.sh (every host up: $(lhsim_known_hosts | sed 's/^/lhsim/' | tr '\n' ' ')in $LHSIM_STATE/inventory.yml)"
