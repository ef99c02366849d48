#!/usr/bin/env bash
# usage: tests/hosts/engine.sh N stop|start
#
# Stop or start the Docker engine of simulated host N, as an outage and its end would (the
# host's address and sshd stay). `stop` ends the host's dockerd by the pid it recorded
# (SIGTERM, then SIGKILL after 60 s); `start` starts a new dockerd inside the host's namespaces
# (those of the host's first process, see host-init.sh) with the same settings, and waits until
# it answers. Containers come back as their restart policy and Docker decide; bringing the
# cluster back is the playbooks' job.
set -euo pipefail
# shellcheck source=tests/hosts/lib.sh
. "$(dirname "$0")/lib.sh"
N=${1:-}; ACTION=${2:-}
[[ $N =~ ^[0-9]+$ ]] && [[ $ACTION =~ ^(stop|start)$ ]] || die "usage: $0 N stop|start"
run=$(lhsim_run "$N"); data=$(lhsim_data "$N"); init=$(pid_from "$(lhsim_hostdir "$N")/init.pid")
pid_alive "$init" || die "host $N is not up (tests/hosts/up.sh $N)"
engine_pid() { local pid; pid=$(pid_from "$run/docker.pid")
  pid_alive "$pid" && tr '\0' ' ' </proc/"$pid"/cmdline | grep -q -- "--data-root $data" && echo "$pid"; }

case $ACTION in
  stop)
    pid=$(engine_pid || true)
    [ -n "$pid" ] || { say "host $N: engine not running"; exit 0; }
    t=$(date +%s.%N)
    kill -TERM "$pid"
    for _ in $(seq 1 300); do pid_alive "$pid" || break; sleep 0.2; done
    pid_alive "$pid" && { say "host $N: dockerd $pid still running after 60s: SIGKILL"; kill -KILL "$pid"; }
    say "host $N: engine stopped (pid $pid) in $(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s"
    ;;
  start)
    if [ -n "$(engine_pid || true)" ]; then say "host $N: engine already running"; exit 0; fi
    t=$(date +%s.%N)
    # The host's own view (/run is its run dir there) through its first process's namespaces.
    setsid nsenter -t "$init" -m -n -u dockerd --data-root "$data" --exec-root /run/docker \
      -H unix:///run/docker.sock --pidfile /run/docker.pid --cgroup-parent "lhsim-host$N" \
      </dev/null >>"$run/dockerd.log" 2>&1 &
    for _ in $(seq 1 240); do
      lhsim_docker "$N" version >/dev/null 2>&1 && {
        say "host $N: engine answers (pid $(cat "$run/docker.pid")) in $(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s"
        exit 0; }
      sleep 0.25
    done
    tail -n 20 "$run/dockerd.log" >&2; die "host $N: engine did not answer within 60s"
    ;;
esac
