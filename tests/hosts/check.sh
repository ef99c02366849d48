#!/usr/bin/env bash
# usage: tests/hosts/check.sh      (after tests/hosts/up.sh N; N >= 2 checks isolation between hosts)
#
# Self-test of the simulated hosts: Ansible reaches every host over SSH, each host's engine
# answers on its own socket with its own identity, and a container published on host1 answers
# at host1's address — from the machine and from host2 — and NOT at host2's address.
set -euo pipefail
# shellcheck source=tests/hosts/lib.sh
. "$(dirname "$0")/lib.sh"
[ -f "$LHSIM_STATE/env.sh" ] || die "no simulated hosts (run tests/hosts/up.sh N first)"
# shellcheck disable=SC1091
. "$LHSIM_STATE/env.sh"
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
IP1=$(lhsim_ip 1)
# The hosts start without images (up.sh): load the probe's from its archive when host1 lacks it.
if ! lhsim_docker 1 image inspect "$PROBE_IMAGE" >/dev/null 2>&1; then
  lhsim_docker 1 load -q -i "$(lhsim_archive "$PROBE_IMAGE")" >/dev/null || bad "lhsim1: docker load of $PROBE_IMAGE"
fi
lhsim_docker 1 rm -f lhsim-check >/dev/null 2>&1 || true
lhsim_docker 1 run -d --name lhsim-check -e WHO=lhsim1 -p "$IP1:18080:8080" \
  --entrypoint python3 "$PROBE_IMAGE" -c "$SERVER" >/dev/null
trap 'lhsim_docker 1 rm -f lhsim-check >/dev/null 2>&1 || true' EXIT
fetch() { # [netns] ip port -> the first line, or nothing
  local pre=()
  [ "$1" = - ] || pre=(ip netns exec "$1")
  "${pre[@]}" timeout 3 bash -c "exec 3<>/dev/tcp/$2/$3 && head -n1 <&3" 2>/dev/null || true
}
got=""
for _ in $(seq 1 20); do got=$(fetch - "$IP1" 18080); [ -n "$got" ] && break; sleep 0.25; done
[ "$got" = "hello from lhsim1" ] && ok "machine -> $IP1:18080 (host1's container): '$got'" \
  || bad "machine -> $IP1:18080 answered '$got'"
if [ ${#HOSTS[@]} -ge 2 ]; then
  IP2=$(lhsim_ip 2)
  got=$(fetch lhsim2 "$IP1" 18080)
  [ "$got" = "hello from lhsim1" ] && ok "host2 -> $IP1:18080: '$got'" || bad "host2 -> $IP1:18080 answered '$got'"
  got=$(fetch - "$IP2" 18080)
  [ -z "$got" ] && ok "machine -> $IP2:18080 (host2's address): no answer, as it must be" \
    || bad "machine -> $IP2:18080 answered '$got' (host1's container leaks onto host2)"
  got=$(fetch lhsim2 127.0.0.1 18080)
  [ -z "$got" ] && ok "host2 -> its own 127.0.0.1:18080: no answer" || bad "host2 localhost answered '$got'"
else
  say "skip cross-host checks (one host; run up.sh 2 for them)"
fi
got=$(fetch - 127.0.0.1 18080)
[ -z "$got" ] && ok "machine -> 127.0.0.1:18080: no answer (nothing published in the root namespace)" \
  || bad "machine 127.0.0.1:18080 answered '$got'"

[ $fail = 0 ] && say "check: all passed" || { say "check: FAILED"; exit 1; }
