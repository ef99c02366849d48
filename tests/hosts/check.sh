#!/usr/bin/env bash
# usage: tests/hosts/check.sh [N | A-B]    (after tests/hosts/up.sh with that range; without one, every
#                                          host up; two hosts or more check isolation between hosts)
#
# Self-test of the simulated hosts: Ansible reaches every host over SSH, each host's engine
# answers on its own socket with its own identity, and a container published on the first host
# answers at its address — from the machine and from the second host — and NOT at the second's
# address; the address of a host that is not up, and $LHSIM_UNREACHABLE, fail at once from the machine.
set -euo pipefail
# shellcheck source=tests/hosts/lib.sh
. "$(dirname "$0")/lib.sh"
ENV=$LHSIM_STATE/env.sh
if [ -n "${1:-}" ]; then
  lhsim_parse_range "$1" || die "usage: $0 [N | A-B]"
  ENV=$(lhsim_range_dir "$LHSIM_FIRST" "$LHSIM_LAST")/env.sh
fi
[ -f "$ENV" ] || die "no simulated hosts there: $ENV (run tests/hosts/up.sh ${1:-N} first)"
# shellcheck disable=SC1090
. "$ENV"
export PATH=$LHSIM_REPO/.venv/bin:$PATH
read -r -a HOSTS <<<"$LHSIM_HOSTS"
fail=0
ok()  { say "ok   $*"; }
bad() { say "FAIL $*"; fail=1; }

say "ansible -m ping ${HOSTS[*]}"
if ansible -i "$LHSIM_INVENTORY" lhsim -m ping; then ok "ssh + python on every host"; else bad "ansible ping"; fi

declare -A seen=()
for h in "${HOSTS[@]}"; do
  n=${h#lhsim}
  id=$(lhsim_docker "$n" info --format '{{.ID}} {{.Name}} {{.DockerRootDir}}') || { bad "$h: engine"; continue; }
  [ -z "${seen[${id%% *}]:-}" ] && ok "$h: engine $id" || bad "$h: engine ID shared with ${seen[${id%% *}]}"
  seen[${id%% *}]=$h
done

# A one-line TCP responder (the dashboard double's image has python3 with socket only).
SERVER='import socket,os
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("", 8080)); s.listen(5)
while True:
    c,_=s.accept(); c.sendall(("hello from "+os.environ["WHO"]+"\n").encode()); c.close()'
PROBE_IMAGE=$(lhsim_images | awk '{print $3}')
A=${HOSTS[0]#lhsim}; IP1=$(lhsim_ip "$A")
# The hosts start without images (up.sh): load the probe's from its archive when the first host lacks it.
if ! lhsim_docker "$A" image inspect "$PROBE_IMAGE" >/dev/null 2>&1; then
  lhsim_docker "$A" load -q -i "$(lhsim_archive "$PROBE_IMAGE")" >/dev/null || bad "lhsim$A: docker load of $PROBE_IMAGE"
fi
lhsim_docker "$A" rm -f lhsim-check >/dev/null 2>&1 || true
lhsim_docker "$A" run -d --name lhsim-check -e WHO="lhsim$A" -p "$IP1:18080:8080" \
  --entrypoint python3 "$PROBE_IMAGE" -c "$SERVER" >/dev/null
trap 'lhsim_docker "$A" rm -f lhsim-check >/dev/null 2>&1 || true' EXIT
fetch() { # [netns] ip port -> the first line, or nothing
  local pre=()
  [ "$1" = - ] || pre=(ip netns exec "$1")
  "${pre[@]}" timeout 3 bash -c "exec 3<>/dev/tcp/$2/$3 && head -n1 <&3" 2>/dev/null || true
}
got=""
for _ in $(seq 1 20); do got=$(fetch - "$IP1" 18080); [ -n "$got" ] && break; sleep 0.25; done
[ "$got" = "hello from lhsim$A" ] && ok "machine -> $IP1:18080 (lhsim$A's container): '$got'" \
  || bad "machine -> $IP1:18080 answered '$got'"
if [ ${#HOSTS[@]} -ge 2 ]; then
  B=${HOSTS[1]#lhsim}; IP2=$(lhsim_ip "$B")
  got=$(fetch "lhsim$B" "$IP1" 18080)
  [ "$got" = "hello from lhsim$A" ] && ok "lhsim$B -> $IP1:18080: '$got'" || bad "lhsim$B -> $IP1:18080 answered '$got'"
  got=$(fetch - "$IP2" 18080)
  [ -z "$got" ] && ok "machine -> $IP2:18080 (lhsim$B's address): no answer, as it must be" \
    || bad "machine -> $IP2:18080 answered '$got' (lhsim$A's container leaks onto lhsim$B)"
  got=$(fetch "lhsim$B" 127.0.0.1 18080)
  [ -z "$got" ] && ok "lhsim$B -> its own 127.0.0.1:18080: no answer" || bad "lhsim$B localhost answered '$got'"
else
  say "skip cross-host checks (one host; run up.sh 2 for them)"
fi
got=$(fetch - 127.0.0.1 18080)
[ -z "$got" ] && ok "machine -> 127.0.0.1:18080: no answer (nothing published in the root namespace)" \
  || bad "machine 127.0.0.1:18080 answered '$got'"

# An address no namespace of ours holds is refused by the machine's own routing table at once (no
# packet leaves): the first host number that is not up, and the reserved $LHSIM_UNREACHABLE.
for n in $(seq 1 $LHSIM_MAX_HOSTS); do ip netns pids "$(lhsim_ns "$n")" >/dev/null 2>&1 || break; done
for ip in "$(lhsim_ip "$n")" "$LHSIM_UNREACHABLE"; do
  route=$(ip route get "$ip" 2>&1 || true)
  case $route in
    *"No route to host"*|unreachable*) ok "machine -> $ip (no host has it): unreachable ($route)" ;;
    *) bad "machine -> $ip routes ($route): a test could dial an address no namespace holds" ;;
  esac
done

[ $fail = 0 ] && say "check: all passed" || { say "check: FAILED"; exit 1; }
