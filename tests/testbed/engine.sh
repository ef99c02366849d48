#!/usr/bin/env bash
# Make sure a Docker engine answers on this machine.
# An engine that already answers is left alone. Otherwise Debian's docker.io is
# installed when missing and dockerd is started in the background (no systemd
# here), then we wait until it answers. Safe to run any number of times.
set -euo pipefail

LOG_DIR=${LH_TESTBED_STATE:-/var/tmp/lh-testbed}
DOCKERD_LOG=$LOG_DIR/dockerd.log
DOCKERD_PIDFILE=$LOG_DIR/dockerd.pid
WAIT_SECONDS=${LH_ENGINE_WAIT_SECONDS:-60}

say() { printf '[engine] %s\n' "$*"; }

engine_answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if engine_answers; then
  say "engine already answers (server $(docker version --format '{{.Server.Version}}')); left alone"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  say "no dockerd found: installing Debian's docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
  say "installed docker.io $(dpkg-query -W -f '${Version}' docker.io)"
fi

mkdir -p "$LOG_DIR"
if [ -f "$DOCKERD_PIDFILE" ] && kill -0 "$(cat "$DOCKERD_PIDFILE")" 2>/dev/null; then
  say "dockerd (pid $(cat "$DOCKERD_PIDFILE")) is running but does not answer yet; waiting"
else
  say "starting dockerd (log: $DOCKERD_LOG)"
  setsid dockerd >"$DOCKERD_LOG" 2>&1 </dev/null &
  echo $! >"$DOCKERD_PIDFILE"
fi

for _ in $(seq 1 $((WAIT_SECONDS * 2))); do
  if engine_answers; then
    say "engine answers (server $(docker version --format '{{.Server.Version}}'), pid $(cat "$DOCKERD_PIDFILE"))"
    exit 0
  fi
  sleep 0.5
done
say "dockerd did not answer within ${WAIT_SECONDS}s; last lines of $DOCKERD_LOG:" >&2
tail -n 20 "$DOCKERD_LOG" >&2 || true
exit 1
