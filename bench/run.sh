#!/usr/bin/env bash
# usage: bench/run.sh          (make bench)
#
# Deploy benchmark; PRINTS figures, asserts nothing. In one run, on this machine's engine:
#  (a) cold deploy of the default topology (1 Kafka, 3 servers) with `ansible-playbook site.yml`
#      (inventories/local + bench/local-vars.yml: prefix lhbench, ports 33xxx) until every
#      server's /readiness answers 200, against `docker compose up` of bench/compose.yml (same
#      images and settings) plus the same readiness wait; the ratio (goal <= 1.2);
#  (b) a no-change re-run of site.yml (goal <= 15 % of the cold deploy);
#  (c) resident memory of the running cluster (sum over its containers).
# Everything it makes is named lhbench-*; it removes that before and after (and only that).
# Each step is bounded by LHBENCH_STEP_TIMEOUT seconds (default 600).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
export PATH=$REPO/.venv/bin:$PATH
export ANSIBLE_CONFIG=${ANSIBLE_CONFIG:-$REPO/ansible.cfg}
export ANSIBLE_COLLECTIONS_PATH=${ANSIBLE_COLLECTIONS_PATH:-$REPO/build/collections}
# shellcheck disable=SC1091
. tests/images/versions.env 2>/dev/null || true
export LHBENCH_KAFKA_IMAGE=${LHBENCH_KAFKA_IMAGE:-lh-testbed/kafka:${KAFKA_VERSION:-4.1.1}}
export LHBENCH_SERVER_IMAGE=${LHBENCH_SERVER_IMAGE:-lh-testbed/lh-server:${LH_VERSION:-1.2.1}}
STEP_TIMEOUT=${LHBENCH_STEP_TIMEOUT:-600}
PHASES=${LHBENCH_PHASES:-compose ansible}     # e.g. LHBENCH_PHASES=compose to time compose alone
HEALTH_PORTS=(33822 33832 33842)
INVENTORY=${LHBENCH_INVENTORY:-inventories/local/hosts.yml}
VARS=bench/local-vars.yml
LOG_DIR=${LHBENCH_LOG_DIR:-$REPO/build/bench}
mkdir -p "$LOG_DIR"

say() { printf '[bench] %s\n' "$*"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# --- the compose tool: the engine's plugin, else Debian's docker-compose (installed if missing).
# Debian's docker-compose 1.29 needs Debian's python3-docker 5 / requests / urllib3; the managed
# node requirements put newer ones into /usr/local, which come first on sys.path — so it runs
# with Debian's dist-packages first.
if docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose)
else
  if ! command -v docker-compose >/dev/null; then
    say "no compose: apt-get install docker-compose (Debian $(apt-cache policy docker-compose | awk '/Candidate/ {print $2}'))"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
  fi
  COMPOSE=(env PYTHONPATH=/usr/lib/python3/dist-packages docker-compose)
fi
COMPOSE+=(-p lhbench -f bench/compose.yml)

clean() {
  local ids
  ids=$(docker ps -aq --filter name=^lhbench-)
  # shellcheck disable=SC2086
  [ -z "$ids" ] || { say "remove containers: $(docker inspect -f '{{.Name}}' $ids | tr -d / | tr '\n' ' ')"; docker rm -f -v $ids >/dev/null; }
  ids=$(docker volume ls -q --filter name=^lhbench-)
  # shellcheck disable=SC2086
  [ -z "$ids" ] || { say "remove volumes: $(echo $ids)"; docker volume rm $ids >/dev/null; }
  ids=$(docker network ls -q --filter name=^lhbench)
  # shellcheck disable=SC2086
  [ -z "$ids" ] || { say "remove networks: $(docker network inspect -f '{{.Name}}' $ids | tr '\n' ' ')"; docker network rm $ids >/dev/null; }
}
trap 'say "cleaning up"; clean' EXIT

wait_ready() { # until every server's /readiness is 200, bounded
  local deadline port pending
  deadline=$(( $(date +%s) + STEP_TIMEOUT ))
  while :; do
    pending=()
    for port in "${HEALTH_PORTS[@]}"; do
      [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/readiness")" = 200 ] || pending+=("$port")
    done
    [ ${#pending[@]} = 0 ] && return 0
    [ "$(date +%s)" -lt "$deadline" ] || { say "not ready after ${STEP_TIMEOUT}s: health ports ${pending[*]}"; return 1; }
    sleep 0.25
  done
}

memory() { # sum of the lhbench-* containers' memory: docker stats (usage - cache) and cgroup RSS
  local names ids
  names=$(docker ps --filter name=^lhbench- --format '{{.Names}}' | sort)
  [ -n "$names" ] || { echo "no containers"; return; }
  # shellcheck disable=SC2086
  docker stats --no-stream --format '{{.Name}} {{.MemUsage}}' $names | awk '
    function mib(v) { n = v + 0; u = v; gsub(/[0-9.]/, "", u)
      if (u == "GiB") return n * 1024; if (u == "KiB" || u == "kB") return n / 1024
      if (u == "B") return n / 1048576; if (u == "GB") return n * 953.7; if (u == "MB") return n * 0.9537; return n }
    { m = mib($2); t += m; printf "    %-22s %8.1f MiB\n", $1, m }
    END { printf "    %-22s %8.1f MiB  (docker stats --no-stream, usage without page cache)\n", "total", t }'
  # shellcheck disable=SC2086
  ids=$(docker inspect -f '{{.Id}} {{.HostConfig.CgroupParent}}' $names)
  echo "$ids" | while read -r id parent; do
    f=/sys/fs/cgroup/memory/${parent:-docker}/$id/memory.stat
    [ -f "$f" ] && awk '$1 == "total_rss" { print $2 }' "$f"
  done | awk '{ t += $1 } END { if (NR) printf "    %-22s %8.1f MiB  (cgroup memory.stat total_rss, %d containers)\n", "rss total", t / 1048576, NR }'
}

run_step() { # name logfile cmd... : bounded, output to the log, prints the tail on failure
  local name=$1 log=$2; shift 2
  if ! timeout "$STEP_TIMEOUT" "$@" >"$log" 2>&1; then
    say "$name FAILED (log $log); last lines:"; tail -n 25 "$log"; return 1
  fi
}

say "images: $LHBENCH_KAFKA_IMAGE $LHBENCH_SERVER_IMAGE; compose: ${COMPOSE[*]:0:3}; logs in $LOG_DIR"
clean

t_compose=0 t_ansible=0 t_rerun=0
# --- (a1) docker compose up + readiness
if [[ " $PHASES " == *" compose "* ]]; then
say "(a) compose: up -d + wait for /readiness of 3 servers"
t0=$(now)
run_step "compose up" "$LOG_DIR/compose-up.log" "${COMPOSE[@]}" up -d
wait_ready
t_compose=$(secs "$t0" "$(now)")
say "    compose cold deploy: ${t_compose}s"
say "(c) memory, compose cluster (ready):"
memory
run_step "compose down" "$LOG_DIR/compose-down.log" "${COMPOSE[@]}" down -v --remove-orphans
clean
fi

# --- (a2) ansible-playbook site.yml + readiness
if [[ " $PHASES " == *" ansible "* ]] && [ ! -f site.yml ]; then
  say "(a) ansible: SKIPPED — no site.yml in this checkout yet"
elif [[ " $PHASES " == *" ansible "* ]]; then
say "(a) ansible: site.yml -i $INVENTORY -e @$VARS + wait for /readiness of 3 servers"
t0=$(now)
run_step "site.yml (cold)" "$LOG_DIR/site-cold.log" ansible-playbook site.yml -i "$INVENTORY" -e "@$VARS"
wait_ready
t_ansible=$(secs "$t0" "$(now)")
say "    ansible cold deploy: ${t_ansible}s   ($(grep -E '^localhost|^[a-z0-9_.-]+ +: ok=' "$LOG_DIR/site-cold.log" | tail -n 3 | tr -s ' ' | paste -sd';'))"
say "(c) memory, ansible cluster (ready):"
memory

# --- (b) no-change re-run
say "(b) ansible: re-run site.yml, nothing to change"
t0=$(now)
run_step "site.yml (re-run)" "$LOG_DIR/site-rerun.log" ansible-playbook site.yml -i "$INVENTORY" -e "@$VARS"
t_rerun=$(secs "$t0" "$(now)")
recap=$(grep -E ' : ok=' "$LOG_DIR/site-rerun.log" | tr -s ' ' | paste -sd';')
say "    re-run: ${t_rerun}s   ($recap)"
fi

echo
say "figures (goals in brackets; printed, not asserted):"
awk -v c="$t_compose" -v a="$t_ansible" -v r="$t_rerun" 'BEGIN {
  printf "    cold deploy   compose %6.1f s   ansible %6.1f s   ratio ansible/compose %s   [<= 1.20]\n", c, a, (c > 0 && a > 0) ? sprintf("%.2f", a / c) : "n/a"
  printf "    no-change re-run        %6.1f s   = %s of the ansible cold deploy      [<= 15 %%]\n", r, (a > 0) ? sprintf("%.0f %%", 100 * r / a) : "n/a" }'
