#!/usr/bin/env bash
# usage: tests/hosts/down.sh [--purge] [N | A-B]
#
# Undo tests/hosts/up.sh: per simulated host remove its containers, stop its sshd and dockerd
# (the pids up.sh recorded), delete its namespace, data-root and run dir. Without a range, every
# host; with one (N is 1-N, as up.sh takes it), only hosts A..B, and the inventories of ranges that
# held one of them. When no host is left: the iptables rule, the routes, the bridge and the state dir
# /var/lib/lhsim go too. The cache (/var/cache/lhsim: unpacked sshd, saved images) is kept for the
# next up.sh unless --purge (only when no host is left). Safe to run any number of times.
set -uo pipefail
# shellcheck source=tests/hosts/lib.sh
. "$(dirname "$0")/lib.sh"
PURGE=0 FIRST=1 LAST=$LHSIM_MAX_HOSTS
if [ "${1:-}" = --purge ]; then PURGE=1; shift; fi
if [ -n "${1:-}" ]; then
  lhsim_parse_range "$1" || die "usage: $0 [--purge] [N | A-B]  (hosts 1..$LHSIM_MAX_HOSTS)"
  FIRST=$LHSIM_FIRST LAST=$LHSIM_LAST
fi
in_range() { [ "$1" -ge "$FIRST" ] && [ "$1" -le "$LAST" ]; }
[ "$(id -u)" = 0 ] || die "must run as root"
mkdir -p "$LHSIM_CACHE"; exec 9>"$LHSIM_CACHE/.lock"
flock -w 600 9 || die "another up.sh/down.sh holds $LHSIM_CACHE/.lock"

stop_pid() { # pid what seconds [cmdline-pattern]: SIGTERM, wait, then SIGKILL — only this pid
  local pid=$1 what=$2 secs=${3:-30} pat=${4:-} i
  pid_alive "$pid" || return 0
  if [ -n "$pat" ] && ! tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null | grep -q -- "$pat"; then
    say "$what: recorded pid $pid is no longer ours (pid reused); left alone"; return 0
  fi
  say "stop $what (pid $pid)"
  kill -TERM "$pid" 2>/dev/null
  for i in $(seq 1 $((secs * 5))); do pid_alive "$pid" || return 0; sleep 0.2; done
  say "$what (pid $pid) still running after ${secs}s: SIGKILL"
  kill -KILL "$pid" 2>/dev/null; sleep 0.5
}

# Hosts: those with state, plus any namespace/run dir of ours left from an interrupted run.
hosts=$( { lhsim_known_hosts
           ip netns list 2>/dev/null | awk '{print $1}' | sed -n 's/^lhsim\([0-9]\+\)$/\1/p'
           for d in /run/lhsim-host*; do [ -d "$d" ] && echo "${d##*/lhsim-host}"; done
         } | sort -nu | while read -r n; do in_range "$n" && echo "$n"; done)

# The ranges that hold one of these hosts (their inventories go with them).
ranges=()
for d in "$LHSIM_STATE"/range-*-*; do
  [[ -d $d && ${d##*/} =~ ^range-([0-9]+)-([0-9]+)$ ]] || continue
  [ "${BASH_REMATCH[2]}" -lt "$FIRST" ] || [ "${BASH_REMATCH[1]}" -gt "$LAST" ] || ranges+=("$d")
done

# Ansible's ssh master connections into the hosts (control sockets in those ranges' dirs, and with
# every host in the machine-wide one) end first, so no sshd session process keeps a namespace alive.
control_dirs=()
for d in "${ranges[@]}"; do control_dirs+=("$d/ssh-cp"); done
[ "$FIRST" = 1 ] && [ "$LAST" = $LHSIM_MAX_HOSTS ] && control_dirs+=("$LHSIM_STATE/ssh-cp")
for dir in "${control_dirs[@]}"; do
  for sock in "$dir"/*; do
    [ -S "$sock" ] || continue
    say "ssh -O exit ($sock)"
    ssh -o ControlPath="$sock" -O exit lhsim >/dev/null 2>&1 || true
  done
done

for n in $hosts; do
  ns=$(lhsim_ns "$n"); run=$(lhsim_run "$n"); data=$(lhsim_data "$n"); hd=$(lhsim_hostdir "$n")
  say "host $n ($(lhsim_ip "$n")):"
  if [ -S "$run/docker.sock" ] && lhsim_docker "$n" version >/dev/null 2>&1; then
    ids=$(lhsim_docker "$n" ps -aq)
    if [ -n "$ids" ]; then
      say "  remove $(echo "$ids" | wc -w) container(s) on host $n's engine"
      # shellcheck disable=SC2086
      lhsim_docker "$n" rm -f $ids >/dev/null
    fi
  fi
  stop_pid "$(pid_from "$run/sshd.pid")" "  sshd of host $n" 10 "$(lhsim_hostdir "$n")/sshd_config"
  stop_pid "$(pid_from "$run/docker.pid")" "  dockerd of host $n" 60 "--data-root $data"
  stop_pid "$(pid_from "$hd/init.pid")" "  init of host $n" 10 "host-init.sh $n "
  # Whatever still runs in the namespace was started inside it by the host's sshd or dockerd
  # (an ssh session, a containerd shim); name it, give it a moment, then end it by pid.
  if ip netns pids "$ns" >/dev/null 2>&1; then
    for _ in 1 2 3 4 5 6 7 8 9 10; do [ -z "$(ip netns pids "$ns")" ] && break; sleep 0.5; done
    for pid in $(ip netns pids "$ns"); do
      stop_pid "$pid" "  leftover in $ns: $(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null | cut -c1-80)" 10
    done
    say "  ip netns del $ns"
    ip netns del "$ns"
  fi
  ip link del "veth-$ns" 2>/dev/null && say "  ip link del veth-$ns"
  if grep -q -e " $data" -e " $run" /proc/self/mountinfo; then
    say "  WARNING: mounts under $data or $run remain in this namespace; not removing them"
  else
    for d in "$data" "$run"; do [ -e "$d" ] && { say "  rm -rf $d"; rm -rf "$d"; }; done
  fi
  [ -d "$hd" ] && { say "  rm -rf $hd"; rm -rf "$hd"; }
  ip link show "$LHSIM_BRIDGE" >/dev/null 2>&1 && lhsim_block "$n"
done
for d in "${ranges[@]}"; do say "rm -rf $d"; rm -rf "$d"; done

# Hosts of other ranges still up: the bridge, the rule, the routes and the shared state stay.
left=$( { lhsim_known_hosts; ip netns list 2>/dev/null | awk '{print $1}' | sed -n 's/^lhsim\([0-9]\+\)$/\1/p'; } | sort -nu)
if [ -n "$left" ]; then
  [ -f "$LHSIM_STATE/env.sh" ] && lhsim_write_all_hosts_files
  [ $PURGE = 1 ] && say "kept the cache $LHSIM_CACHE (--purge): other hosts are up"
  say "down: hosts $FIRST-$LAST done; still up: $(echo $left | sed 's/[0-9]\+/lhsim&/g')"
  exit 0
fi

FWD=(FORWARD -i "$LHSIM_BRIDGE" -o "$LHSIM_BRIDGE" -j ACCEPT)
while iptables -C "${FWD[@]}" 2>/dev/null; do
  say "iptables -D ${FWD[*]}"; iptables -D "${FWD[@]}"
done
if ip route show type unreachable | grep -F " $LHSIM_NET." >/dev/null; then  # not -q: an early exit of grep can fail the pipe (pipefail)
  say "ip route del the unreachable routes of $LHSIM_NET.0/24"
  for n in $(seq 1 $LHSIM_MAX_HOSTS); do lhsim_unblock "$n"; done
  ip route del unreachable "$LHSIM_UNREACHABLE/32" 2>/dev/null || true
fi
if ip link show "$LHSIM_BRIDGE" >/dev/null 2>&1; then
  say "ip link del $LHSIM_BRIDGE"; ip link del "$LHSIM_BRIDGE"
fi
[ -d "$LHSIM_STATE" ] && { say "rm -rf $LHSIM_STATE"; rm -rf "$LHSIM_STATE"; }
if [ $PURGE = 1 ]; then
  [ -d "$LHSIM_CACHE" ] && { say "rm -rf $LHSIM_CACHE (--purge)"; rm -rf "$LHSIM_CACHE"; }
elif [ -d "$LHSIM_CACHE" ]; then
  say "kept the cache $LHSIM_CACHE ($(du -sh "$LHSIM_CACHE" | cut -f1); down.sh --purge removes it)"
fi
say "down: done"
