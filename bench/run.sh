#!/usr/bin/env bash
# usage: bench/run.sh          (make bench)
#
# Deploy benchmark; PRINTS figures, asserts nothing. In one run:
#  (a) cold deploy of the default topology (1 Kafka, 3 servers) on this machine's engine with
#      `ansible-playbook site.yml` (inventories/local + bench/local-vars.yml: prefix lhbench,
#      ports 33xxx) until every server's /readiness answers 200, against `docker compose up` of
#      bench/compose.yml (the very settings the modules render: same names, KAFKA_*/LHS_*
#      environment, JVM flags, ports) plus the same readiness wait; the ratio (goal <= 1.15);
#      any environment/setting drift between the two deployments is printed (bench/envdiff.py);
#  (b) a no-change re-run of site.yml (goal <= 12 % of the cold deploy), with a per-task timing
#      profile of both runs (bench/callback_plugins/lhbench_profile.py, enabled for these runs
#      only): the ten slowest tasks and the module runs per host of the re-run;
#  (c) memory of each container of both clusters (docker stats, and cgroup anon + shmem: the
#      servers' ZGC heap is shared memory, which cgroup v1's total_rss leaves out), the
#      per-server average and the totals compared;
#  (d) growth (phase multi) on three simulated hosts (tests/hosts/up.sh 3, under an exclusive
#      flock on /var/lock/lhsim-use.lock, skipped when it is not free within 20 minutes):
#      inventories/multi-host.example with 1, 2, 3 servers per host (3, 6, 9 servers, one Kafka
#      node per host): cold deploy, no-change re-run, scale-out by one server per host, teardown
#      with the volumes; cold(9)/cold(3) (goal <= 1.5) and re-run/cold per size (goal <= 20 %);
#      after the re-run, once the cluster settled (every server caught up, the spread unchanged
#      for 10 s; at most 120 s), each server's active and standby tasks of the core and timer
#      topologies (plugins/module_utils/_work_spread.py on each server's /status) and the verdict:
#      the most active core tasks of a server against its share, ceil(partitions / servers) + 1
#      (goal: after settling, no server holds more than its share);
#  (e) throughput by size (phase throughput, bench/throughput.py): the highest steady rate of
#      workflow runs that 1 and 3 servers on this machine's engine (one Kafka node, prefix lhtput,
#      ports 46xxx) COMPLETE, open-loop steps upwards; at most LHBENCH_THROUGHPUT_BUDGET s (900).
# Everything it makes locally is named lhbench-*, on the simulated hosts lhgrow-* (ports 34xxx,
# Kafka 39092/39093); it removes that before and after (and only that), and takes the simulated
# hosts down again only if it brought them up.
# Each step is bounded by LHBENCH_STEP_TIMEOUT seconds (default 600; growth steps
# LHBENCH_MULTI_STEP_TIMEOUT, default 900).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
export PATH=$REPO/.venv/bin:$PATH
export ANSIBLE_CONFIG=${ANSIBLE_CONFIG:-$REPO/ansible.cfg}
export ANSIBLE_COLLECTIONS_PATH=${ANSIBLE_COLLECTIONS_PATH:-$REPO/build/collections}
# shellcheck disable=SC1091
. tests/images/versions.env 2>/dev/null || true
# the test bed's images (tests/testbed/images.yml) unless given
export LHBENCH_KAFKA_IMAGE=${LHBENCH_KAFKA_IMAGE:-$(sed -n 's/^kafka_image: *//p' tests/testbed/images.yml)}
export LHBENCH_SERVER_IMAGE=${LHBENCH_SERVER_IMAGE:-$(sed -n 's/^server_image: *//p' tests/testbed/images.yml)}
export LHBENCH_DASHBOARD_IMAGE=${LHBENCH_DASHBOARD_IMAGE:-$(sed -n 's/^dashboard_image: *//p' tests/testbed/images.yml)}
STEP_TIMEOUT=${LHBENCH_STEP_TIMEOUT:-600}
MULTI_STEP_TIMEOUT=${LHBENCH_MULTI_STEP_TIMEOUT:-900}
PHASES=${LHBENCH_PHASES:-compose ansible multi throughput}   # e.g. LHBENCH_PHASES=compose to time compose alone
TPUT_BUDGET=${LHBENCH_THROUGHPUT_BUDGET:-900}       # seconds bench/throughput.py may take in all
MULTI_MAX_PER_HOST=${LHBENCH_MULTI_MAX_PER_HOST:-4}  # servers per host at most (the 9 -> 12 scale-out is 4)
MULTI_SIZES=${LHBENCH_MULTI_SIZES:-1 2 3}            # servers per host of the growth phase's cold deploys
LOCK=/var/lock/lhsim-use.lock
LOCK_WAIT=${LHBENCH_LOCK_WAIT:-1200}
HEALTH_PORTS=(33822 33832 33842)
INVENTORY=${LHBENCH_INVENTORY:-inventories/local/hosts.yml}
VARS=bench/local-vars.yml
# inventories/local names no image (the roles' defaults are the published ones): the bench's are the test bed's
LOCAL_IMAGES=(-e "kafka_image=$LHBENCH_KAFKA_IMAGE" -e "server_image=$LHBENCH_SERVER_IMAGE"
  -e "dashboard_image=$LHBENCH_DASHBOARD_IMAGE")
MULTI_VARS=bench/multi-vars.yml
LOG_DIR=${LHBENCH_LOG_DIR:-$REPO/build/bench}
MULTI_FIGURES=$LOG_DIR/multi-figures.txt
PY=$REPO/.venv/bin/python
mkdir -p "$LOG_DIR"

say() { printf '[bench] %s\n' "$*"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
load() { cut -d' ' -f1 /proc/loadavg; }   # 1-minute load average: others share this machine's 2 cores

run_step() { # name logfile cmd... : bounded (STEP_TIMEOUT), output to the log, prints the tail on failure
  local name=$1 log=$2; shift 2
  if ! timeout "$STEP_TIMEOUT" "$@" >"$log" 2>&1; then
    say "$name FAILED (log $log); last lines:"; tail -n 25 "$log"; return 1
  fi
}

# pb PROFILE: PB becomes the command that runs ansible-playbook with the timing profile (written to
# LOG_DIR/profile-PROFILE.{json,txt}). The callback is enabled here only, through the
# environment of these runs; the collection does not ship it.
pb() {
  PB=(env "ANSIBLE_CALLBACK_PLUGINS=$REPO/bench/callback_plugins${ANSIBLE_CALLBACK_PLUGINS:+:$ANSIBLE_CALLBACK_PLUGINS}"
      "ANSIBLE_CALLBACKS_ENABLED=lhbench_profile${ANSIBLE_CALLBACKS_ENABLED:+,$ANSIBLE_CALLBACKS_ENABLED}"
      "LHBENCH_PROFILE=$LOG_DIR/profile-$1" ansible-playbook)
}
profile_section() { # profile-name section-heading-prefix [max lines]: a section of the profile's summary
  local f=$LOG_DIR/profile-$1.txt
  [ -f "$f" ] || { echo "    (no profile: $f missing)"; return; }
  awk -v h="## $2" -v max="${3:-1000000}" 'index($0, "## ") == 1 { on = (index($0, h) == 1); next }
    on && n < max { print "    " $0; n++ }' "$f"
}
profile_head() { local f=$LOG_DIR/profile-$1.txt; [ -f "$f" ] && sed -n '1s/^# /    /p' "$f"; }
module_runs() { # profile-name: "host N; host N" on one line
  profile_section "$1" "module runs" | sed 's/^ *//' | paste -sd';' | sed 's/;/; /g'
}

# --- memory -----------------------------------------------------------------------------------
mib_of() { # docker stats' MemUsage value (e.g. 652.5MiB) in MiB
  awk -v v="$1" 'BEGIN { n = v + 0; u = v; gsub(/[0-9.]/, "", u)
    if (u == "GiB") n *= 1024; else if (u == "KiB" || u == "kB") n /= 1024; else if (u == "B") n /= 1048576
    else if (u == "GB") n *= 953.7; else if (u == "MB") n *= 0.9537
    printf "%.1f", n }'
}
cgroup_mib() { # anon + shmem of a container by its main pid (cgroup v1 total_rss + total_shmem, v2 anon + shmem)
  local pid=$1 rel f=""
  rel=$(awk -F: '$2 == "memory" { print $3; exit }' "/proc/$pid/cgroup" 2>/dev/null || true)
  if [ -n "$rel" ]; then f=/sys/fs/cgroup/memory$rel/memory.stat
  else rel=$(awk -F: '$1 == "0" { print $3; exit }' "/proc/$pid/cgroup" 2>/dev/null || true); f=/sys/fs/cgroup$rel/memory.stat
  fi
  [ -f "$f" ] || { echo "-"; return; }
  awk '{ a[$1] = $2 } END { b = ("total_rss" in a) ? a["total_rss"] + a["total_shmem"] : a["anon"] + a["shmem"]
    printf "%.1f", b / 1048576 }' "$f"
}
# memory LABEL PREFIX [DOCKER_HOST...]: each PREFIX-* container of the engines (the machine's
# when none is given), Kafka, the per-server average and the total; totals in LOG_DIR/memory-LABEL.
memory() {
  local label=$1 prefix=$2 h names name pid use
  shift 2
  local engines=("$@") raw=$LOG_DIR/memory-$label.raw
  [ ${#engines[@]} -gt 0 ] || engines=("")
  : >"$raw"
  for h in "${engines[@]}"; do
    local d=(docker); [ -z "$h" ] || d=(docker -H "$h")
    names=$("${d[@]}" ps --filter "name=^$prefix-" --format '{{.Names}}' | sort)
    [ -n "$names" ] || continue
    # shellcheck disable=SC2086
    "${d[@]}" stats --no-stream --format '{{.Name}} {{.MemUsage}}' $names | while read -r name use _rest; do
      pid=$("${d[@]}" inspect -f '{{.State.Pid}}' "$name")
      echo "$name $(mib_of "$use") $(cgroup_mib "$pid")"
    done >>"$raw"
  done
  [ -s "$raw" ] || { echo "    no $prefix-* containers"; echo "0 0 0 0 0" >"$LOG_DIR/memory-$label"; return; }
  sort -V "$raw" | awk -v out="$LOG_DIR/memory-$label" '
    { printf "    %-22s %8.1f MiB   %8s MiB\n", $1, $2, $3; t += $2; c += $3
      if ($1 ~ /-server-/) { ns++; s += $2; sc += $3 } else if ($1 ~ /-kafka/) { nk++; k += $2; kc += $3 } }
    END {
      if (nk) printf "    %-22s %8.1f MiB   %8.1f MiB   (%d node%s)\n", "kafka", k, kc, nk, (nk > 1 ? "s" : "")
      if (ns) printf "    %-22s %8.1f MiB   %8.1f MiB   (average of %d)\n", "per server", s / ns, sc / ns, ns
      printf "    %-22s %8.1f MiB   %8.1f MiB   (docker stats --no-stream | cgroup anon+shmem)\n", "total", t, c
      printf "%.1f %.1f %d %.1f %.1f\n", t, c, ns, (ns ? s / ns : 0), (ns ? sc / ns : 0) > out }'
}

wait_urls() { # URL...: until every one answers 200, bounded by STEP_TIMEOUT
  local deadline url pending
  deadline=$(( $(date +%s) + STEP_TIMEOUT ))
  while :; do
    pending=()
    for url in "$@"; do
      [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url")" = 200 ] || pending+=("$url")
    done
    [ ${#pending[@]} = 0 ] && return 0
    [ "$(date +%s)" -lt "$deadline" ] || { say "not ready after ${STEP_TIMEOUT}s: ${pending[*]}"; return 1; }
    sleep 0.25
  done
}
wait_ready() { # every local server's /readiness
  local urls=() port
  for port in "${HEALTH_PORTS[@]}"; do urls+=("http://127.0.0.1:$port/readiness"); done
  wait_urls "${urls[@]}"
}

# =================================================================================================
# (d) growth on three simulated hosts. Runs as `run.sh --multi-locked` under
# `flock -o /var/lock/lhsim-use.lock` (the lock is held by flock for the whole phase; -o keeps it
# away from the daemons and ssh masters the phase starts, so it ends with the phase).
# =================================================================================================
M_ENGINES=() M_ADDRESSES=() M_KNOWN=() M_BROUGHT_UP=0 M_FINGERPRINT=""
M_DIR=$LOG_DIR/multi
M_INV=$M_DIR/hosts.yml
multi_cleanup() { # on exit of the growth phase: anything lhgrow-* left, then the hosts if this run brought them up
  local h ids
  for h in "${M_ENGINES[@]}"; do
    ids=$(docker -H "$h" ps -aq --filter name=^lhgrow- 2>/dev/null || true)
    # shellcheck disable=SC2086
    [ -z "$ids" ] || { say "    remove lhgrow containers on $h"; docker -H "$h" rm -f -v $ids >/dev/null || true; }
    ids=$(docker -H "$h" volume ls -q --filter name=^lhgrow- 2>/dev/null || true)
    # shellcheck disable=SC2086
    [ -z "$ids" ] || { say "    remove lhgrow volumes on $h"; docker -H "$h" volume rm $ids >/dev/null || true; }
    ids=$(docker -H "$h" network ls -q --filter name=^lhgrow 2>/dev/null || true)
    # shellcheck disable=SC2086
    [ -z "$ids" ] || docker -H "$h" network rm $ids >/dev/null 2>&1 || true
  done
  if [ "$M_BROUGHT_UP" = 1 ] && [ -n "$M_FINGERPRINT" ] && [ "$(m_fingerprint)" != "$M_FINGERPRINT" ]; then
    say "(d) simulated hosts left alone: they are no longer the ones this run brought up ($(m_fingerprint | tr '\n' ' '))"
  elif [ "$M_BROUGHT_UP" = 1 ]; then
    say "(d) tests/hosts/down.sh 1-3 (this run brought the simulated hosts up)"
    timeout "$STEP_TIMEOUT" tests/hosts/down.sh 1-3 >"$M_DIR/down.log" 2>&1 \
      || { say "down.sh failed (log $M_DIR/down.log)"; tail -n 10 "$M_DIR/down.log"; }
  else
    say "(d) simulated hosts left up (they were up before this run: ${M_KNOWN[*]/#/lhsim})"
  fi
}
m_fingerprint() { # which incarnation of lhsim1-3 runs: their first processes' pids (up.sh records them)
  local n
  for n in 1 2 3; do printf 'lhsim%s:%s\n' "$n" "$(cat "/var/lib/lhsim/host$n/init.pid" 2>/dev/null || echo gone)"; done
}
m_hosts_ok() { # the hosts are still those of this phase; else say so (someone re-made or removed them)
  [ "$(m_fingerprint)" = "$M_FINGERPRINT" ] && return 0
  say "(d) STOPPED: the simulated hosts changed under this run (was $(echo "$M_FINGERPRINT" | paste -sd' '), now $(m_fingerprint | paste -sd' ')):"
  say "    someone ran tests/hosts/down.sh or up.sh without holding $LOCK"
  return 1
}
m_playbook() { # profile log step-name playbook servers-per-host [more args]: bounded, profiled
  local profile=$1 log=$2 name=$3 book=$4 per=$5; shift 5
  pb "$profile"
  run_step "$name" "$log" "${PB[@]}" "$book" -i "$M_INV" -e "@$MULTI_VARS" \
    -e "kafka_image=$LHBENCH_KAFKA_IMAGE" -e "server_image=$LHBENCH_SERVER_IMAGE" \
    -e "littlehorse_server_count=$per" "$@"
}
m_urls() { # servers per host -> every server's /readiness at its host's address (the plan's health ports)
  local per=$1 a k
  for a in "${M_ADDRESSES[@]}"; do
    for k in $(seq 0 $((per - 1))); do echo "http://$a:$((34822 + 10 * k))/readiness"; done
  done
}
m_left_over() { # lhgrow containers and volumes still on the engines
  local h c=0 v=0
  for h in "${M_ENGINES[@]}"; do
    c=$((c + $(docker -H "$h" ps -aq --filter name=^lhgrow- | wc -l)))
    v=$((v + $(docker -H "$h" volume ls -q --filter name=^lhgrow- | wc -l)))
  done
  echo "$c container(s), $v volume(s)"
}
m_started_at() { # "name StartedAt" of every running lhgrow container, sorted
  local h ids
  for h in "${M_ENGINES[@]}"; do
    ids=$(docker -H "$h" ps -q --filter name=^lhgrow-)
    # shellcheck disable=SC2086
    [ -z "$ids" ] || docker -H "$h" inspect -f '{{.Name}} {{.State.StartedAt}}' $ids
  done | tr -d / | sort
}
# m_spread SERVERS-PER-HOST: once the cluster settled, each server's active and standby tasks of the core and timer
# topologies, read from its /status (plugins/module_utils/_work_spread.py, what lh_server_info spread: true returns),
# one line per server and the verdict against its share, ceil(partitions / servers) + 1. Settled: every server
# caught up (ready, core RUNNING, no restorations) and the spread unchanged for M_SPREAD_STABLE s, polled every 2 s,
# at most M_SPREAD_WAIT s (then the last reading is printed, marked not settled). Writes M_DIR/spread-N.{json,txt}.
M_SPREAD_WAIT=${LHBENCH_SPREAD_WAIT:-120}
M_SPREAD_STABLE=${LHBENCH_SPREAD_STABLE:-10}
m_spread() {
  local per=$1 i k servers=()
  for i in 1 2 3; do
    for k in $(seq 0 $((per - 1))); do
      servers+=("lhgrow-server-$((100 * i + k + 1)),${M_ADDRESSES[$((i - 1))]},$((34822 + 10 * k)),$((100 * i + k + 1))")
    done
  done
  "$PY" - "$ANSIBLE_COLLECTIONS_PATH" "$M_INV" "$M_SPREAD_WAIT" "$M_SPREAD_STABLE" "$M_DIR/spread-$((3 * per))" "${servers[@]}" <<'PYEOF'
import json, sys, time
import yaml
sys.path.insert(0, sys.argv[1])
from ansible_collections.littlehorse.cluster.plugins.module_utils._health import caught_up, describe, read_servers
from ansible_collections.littlehorse.cluster.plugins.module_utils._work_spread import work_spread
inventory, wait, stable, out = sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
servers = [dict(zip(("name", "host", "health_port", "instance_id"), s.split(","))) for s in sys.argv[6:]]
for s in servers:
    s["health_port"], s["instance_id"] = int(s["health_port"]), int(s["instance_id"])
with open(inventory) as handle:
    partitions = int(((yaml.safe_load(handle) or {}).get("all", {}).get("vars") or {}).get("littlehorse_partitions", 12))
began = time.monotonic()
last, since = None, None
while True:
    readings = read_servers(servers)
    spread = work_spread(readings, partitions)
    now = time.monotonic()
    key = json.dumps([s["tasks"] for s in spread["servers"]], sort_keys=True)
    if all(caught_up(r) for r in readings) and all(s["tasks"] for s in spread["servers"]):
        since = now if key != last or since is None else since
    else:
        since = None
    last = key
    settled = since is not None and now - since >= stable
    if settled or now - began >= wait:
        break
    time.sleep(2)
took = (since if settled else now) - began
actives = [(s["tasks"]["core"]["active"]["count"], s["name"]) for s in spread["servers"] if s["tasks"]]
top = max(actives) if actives else (None, None)
verdict = ("%s active core tasks at most per server (%s), share %d = ceil(%d partitions / %d servers) + 1: %s" % (
    top[0], top[1], spread["share"], partitions, spread["server_count"],
    "MORE THAN ITS SHARE: " + ", ".join(spread["over_share"]) if spread["over_share"] else "no server over its share")
    + ("; the tasks of %d server(s) unknown" % (len(servers) - len(actives)) if len(actives) < len(servers) else ""))
head = ("settled after %.1f s (every server caught up, and the spread unchanged from then on for %.0f s)" % (took, stable)
        if settled
        else "NOT settled within %.0f s (last reading below)" % wait)
print("    work spread, %d servers: %s" % (len(servers), head))
for entry, reading in zip(spread["servers"], readings):
    print("      " + entry["summary"] + ("" if caught_up(reading) else "   [not caught up: %s]" % describe(reading)))
print("      verdict: " + verdict)
with open(out + ".json", "w") as handle:
    json.dump({"settled": settled, "seconds": round(took, 1), "spread": spread}, handle, indent=1, sort_keys=True)
with open(out + ".txt", "w") as handle:
    handle.write("%d: max %s active core/server (share %d)%s, %s in %.1f s\n" % (
        len(servers), top[0], spread["share"], ", OVER: " + " ".join(spread["over_share"]) if spread["over_share"] else "",
        "settled" if settled else "NOT settled", took))
PYEOF
}
m_ports_free() { # after a teardown: until no lhgrow port (34xxx, Kafka 39092/39093) listens on the hosts (at most 60 s)
  local t0 n held deadline
  t0=$(now); deadline=$(( $(date +%s) + 60 ))
  while :; do
    held=""
    for n in 1 2 3; do
      held+=$(ip netns exec "lhsim$n" ss -Hltnp '( sport >= :34000 and sport <= :34999 ) or sport = :39092 or sport = :39093' 2>/dev/null \
        | awk -v h="lhsim$n" '{ printf " %s %s %s;", h, $4, $6 }')
    done
    [ -n "$held" ] || { say "    the hosts' lhgrow ports are free ($(secs "$t0" "$(now)")s after the teardown)"; return 0; }
    [ "$(date +%s)" -lt "$deadline" ] || { say "    still listening 60 s after the teardown:$held"; return 1; }
    sleep 1
  done
}
m_recap() { grep -E ' : ok=' "$1" | tr -s ' ' | cut -d' ' -f1-4 | paste -sd';'; }

multi_phase() {
  STEP_TIMEOUT=$MULTI_STEP_TIMEOUT
  local n size total t0 to avail need per_server restarted d av dv retried
  local -A cold=() rerun=() scale=() scale_to=() down=()
  local -a urls=()
  mkdir -p "$M_DIR"; : >"$MULTI_FIGURES"
  rm -f "$LOG_DIR"/memory-multi-* "$LOG_DIR"/profile-multi-* "$M_DIR"/*.log "$M_DIR"/*.txt "$M_DIR"/spread-*.json
  for n in 1 2 3; do  # its range, 1-3 (other ranges' hosts may be up beside it)
    if [ -d "/var/lib/lhsim/host$n" ]; then M_KNOWN+=("$n"); fi
  done
  [ ${#M_KNOWN[@]} -gt 0 ] || M_BROUGHT_UP=1
  trap multi_cleanup EXIT

  say "(d) lock $LOCK held; tests/hosts/up.sh 3 ($([ "$M_BROUGHT_UP" = 1 ] && echo "no simulated host was up" || echo "up before: ${M_KNOWN[*]/#/lhsim}"))"
  t0=$(now)
  # --load-images: the hosts get the images here, so the cold deploy measures the deploy, not image loading
  run_step "tests/hosts/up.sh --load-images 3" "$M_DIR/up.log" tests/hosts/up.sh --load-images 3
  say "    up.sh: $(secs "$t0" "$(now)")s ($(tail -n 1 "$M_DIR/up.log" | sed 's/^\[lhsim\] //'))"
  M_FINGERPRINT=$(m_fingerprint)
  # shellcheck disable=SC1091
  . /var/lib/lhsim/range-1-3/env.sh
  for n in 1 2 3; do
    av=LHSIM${n}_ADDRESS dv=LHSIM${n}_DOCKER_HOST
    M_ADDRESSES+=("${!av}"); M_ENGINES+=("${!dv}")
  done
  # The growth ports lie in Linux's ephemeral range (32768-60999): an outgoing connection of a host (the engine's
  # proxies, ssh, Kafka clients) may take one as its local port, and a server's port then cannot be published on
  # 0.0.0.0 ("address already in use"; the preflight names it). Reserved in the hosts' own network namespaces only.
  for n in 1 2 3; do
    av=$(ip netns exec "lhsim$n" sysctl -n net.ipv4.ip_local_reserved_ports 2>/dev/null || true)
    ip netns exec "lhsim$n" sysctl -qw "net.ipv4.ip_local_reserved_ports=${av:+$av,}34000-34999,39092-39093" \
      || say "    could not reserve the growth ports on lhsim$n"
  done
  say "    ports 34000-34999, 39092, 39093 reserved on lhsim1-3 (net.ipv4.ip_local_reserved_ports in their network namespaces): no outgoing connection takes them"
  # The project's recipe (molecule/multi-host/create.yml): a copy of inventories/multi-host.example
  # with the hosts' addresses put in; the benchmark leaves the dashboard out.
  run_step "make_inventory" "$M_DIR/inventory.log" "$PY" molecule/multi-host/make_inventory.py \
    inventories/multi-host.example/hosts.yml /var/lib/lhsim/range-1-3/inventory.yml "$M_INV" \
    littlehorse_dashboard littlehorse_load_balancer
  say "    inventory $M_INV: $(sed 's/ (engine [^)]*)//' "$M_DIR/inventory.log" | paste -sd',' | sed 's/,/, /g')"
  say "    growth runs use $(grep -E '^(kafka_memory|server_memory|server_stop_timeout):' "$MULTI_VARS" | sed 's/ *#.*//' | tr -d ' ' | paste -sd' ') ($MULTI_VARS; the local runs use the roles' defaults)"

  say "(d) clear any lhgrow-* left on the hosts (playbooks/teardown.yml, volumes purged)"
  m_playbook multi-teardown-before "$M_DIR/teardown-before.log" "teardown (before)" playbooks/teardown.yml \
    "$MULTI_MAX_PER_HOST" -e littlehorse_teardown_purge_volumes=true
  say "    left over: $(m_left_over)"

  for size in $MULTI_SIZES; do
    total=$((3 * size))
    m_hosts_ok || break
    say "(d) $total servers ($size per host, 3 Kafka nodes): cold deploy, site.yml + wait for /readiness of $total servers"
    t0=$(now)
    retried=""
    if ! m_playbook "multi-cold-$total" "$M_DIR/site-cold-$total.log" "site.yml cold ($total)" site.yml "$size"; then
      # a server's published port still held on its host right after the last size's teardown (the engine's proxy of
      # the removed container): once more, timed with the first try, and marked
      grep -q "address already in use" "$M_DIR/site-cold-$total.log" || { m_hosts_ok || true; break; }
      say "    a port was still in use on a host: site.yml once more in 10 s (the cold figure counts both tries)"
      retried=" (two tries: a port still in use)"
      sleep 10
      m_playbook "multi-cold-$total-again" "$M_DIR/site-cold-$total-again.log" "site.yml cold again ($total)" site.yml "$size" \
        || { m_hosts_ok || true; break; }
    fi
    mapfile -t urls < <(m_urls "$size")
    wait_urls "${urls[@]}" || { m_hosts_ok || true; break; }
    cold[$size]=$(secs "$t0" "$(now)")
    say "    cold deploy ($total servers): ${cold[$size]}s$retried   (load average $(load); $(m_recap "$M_DIR/site-cold-$total.log"))"
    say "    memory, $total servers (container, docker stats, cgroup anon+shmem):"
    memory "multi-$total" lhgrow "${M_ENGINES[@]}"

    say "(d) $total servers: no-change re-run of site.yml"
    t0=$(now)
    m_playbook "multi-rerun-$total" "$M_DIR/site-rerun-$total.log" "site.yml re-run ($total)" site.yml "$size" || { m_hosts_ok || true; break; }
    rerun[$size]=$(secs "$t0" "$(now)")
    say "    re-run ($total servers): ${rerun[$size]}s   (load average $(load); $(m_recap "$M_DIR/site-rerun-$total.log"))"
    say "    module runs per host in the re-run: $(module_runs "multi-rerun-$total")"
    say "(d) $total servers: the work spread once settled (each server's /status; at most ${M_SPREAD_WAIT}s)"
    m_spread "$size" || say "    work spread: could not be read (see above)"

    to=$((size + 1))
    avail=$(awk '/^MemAvailable:/ { printf "%d", $2 / 1024 }' /proc/meminfo)
    per_server=$(awk '{ printf "%d", ($5 > $4 ? $5 : $4) }' "$LOG_DIR/memory-multi-$total")
    need=$(( 3 * per_server * 3 / 2 + 1024 ))
    if [ "$to" -gt "$MULTI_MAX_PER_HOST" ]; then
      say "(d) scale-out $total -> $((3 * to)) SKIPPED: LHBENCH_MULTI_MAX_PER_HOST=$MULTI_MAX_PER_HOST"
      to=$size
    elif [ "$avail" -lt "$need" ]; then
      say "(d) scale-out $total -> $((3 * to)) SKIPPED: memory tight (MemAvailable $avail MiB < $need MiB = 1.5 x three servers of $per_server MiB + 1 GiB)"
      to=$size
    else
      say "(d) $total servers: scale-out to $((3 * to)) ($to per host; MemAvailable $avail MiB, about $((3 * per_server)) MiB more needed), site.yml + wait for /readiness of all"
      m_started_at >"$M_DIR/started-before-$total.txt"
      t0=$(now)
      m_playbook "multi-scale-$total" "$M_DIR/site-scale-$total.log" "site.yml scale-out ($total -> $((3 * to)))" site.yml "$to" || { m_hosts_ok || true; break; }
      mapfile -t urls < <(m_urls "$to")
      wait_urls "${urls[@]}" || { m_hosts_ok || true; break; }
      scale[$size]=$(secs "$t0" "$(now)"); scale_to[$size]=$((3 * to))
      m_started_at >"$M_DIR/started-after-$total.txt"
      restarted=$(join "$M_DIR/started-before-$total.txt" "$M_DIR/started-after-$total.txt" | awk '$2 != $3 { print $1 }' | paste -sd' ')
      say "    scale-out $total -> $((3 * to)): ${scale[$size]}s   (load average $(load); $(m_recap "$M_DIR/site-scale-$total.log"); re-started meanwhile: ${restarted:-none of the existing containers})"
      say "    memory, $((3 * to)) servers:"
      memory "multi-$((3 * to))" lhgrow "${M_ENGINES[@]}"
    fi

    say "(d) teardown ($((3 * to)) servers, volumes purged)"
    t0=$(now)
    if ! m_playbook "multi-teardown-$total" "$M_DIR/teardown-$total.log" "teardown ($((3 * to)))" playbooks/teardown.yml \
      "$to" -e littlehorse_teardown_purge_volumes=true; then
      # The simulated hosts share one filesystem: their removals of /etc/littlehorse/<prefix> race (a test-bed effect,
      # no real hosts share /etc). Once more, timed with the first try, when that is what failed.
      grep -q "could not remove path /etc/littlehorse/lhgrow.*No such file or directory" "$M_DIR/teardown-$total.log" \
        || { m_hosts_ok || true; break; }
      say "    teardown failed on the hosts' shared /etc/littlehorse (a test-bed race): once more"
      m_playbook "multi-teardown-$total-again" "$M_DIR/teardown-$total-again.log" "teardown again ($((3 * to)))" \
        playbooks/teardown.yml "$to" -e littlehorse_teardown_purge_volumes=true || { m_hosts_ok || true; break; }
    fi
    down[$size]=$(secs "$t0" "$(now)")
    say "    teardown: ${down[$size]}s; left over: $(m_left_over)"
    m_ports_free || true
  done

  {
    echo "    three simulated hosts, one Kafka node each (KRaft quorum of 3), $(grep -E '^(kafka_memory|server_memory):' "$MULTI_VARS" | sed 's/ *#.*//' | tr -d ' ' | paste -sd' '):"
    printf '    %-8s %9s %9s %12s %22s %10s   %s\n' servers cold re-run re-run/cold "scale-out (+3)" teardown \
      "memory when ready: total (per server), docker stats"
    for size in 1 2 3; do
      [ -n "${cold[$size]:-}" ] || { printf '    %-8s %9s\n' $((3 * size)) "not run"; continue; }
      local mem=""
      [ ! -f "$LOG_DIR/memory-multi-$((3 * size))" ] \
        || mem=$(awk '{ printf "%.0f MiB (%.0f MiB)", $1, $4 }' "$LOG_DIR/memory-multi-$((3 * size))")
      awk -v n=$((3 * size)) -v c="${cold[$size]}" -v r="${rerun[$size]:-0}" -v s="${scale[$size]:-}" \
          -v to="${scale_to[$size]:-}" -v d="${down[$size]:-}" -v m="$mem" 'BEGIN {
        printf "    %-8s %7.1f s %7.1f s %12s %22s %10s   %s\n", n, c, r, (r > 0 ? sprintf("%.0f %%", 100 * r / c) : "n/a"),
          (s != "" ? sprintf("%.1f s (%d -> %d)", s, n, to) : "skipped"), (d != "" ? sprintf("%.1f s", d) : "n/a"), m }'
    done
    [ ! -f "$LOG_DIR/memory-multi-12" ] || echo "    12 servers (after the scale-out): $(awk '{ printf "%.0f MiB (%.0f MiB per server)", $1, $4 }' "$LOG_DIR/memory-multi-12")"
    awk -v a="${cold[1]:-0}" -v b="${cold[3]:-0}" 'BEGIN {
      printf "    cold(9)/cold(3) = %s   [<= 1.50]\n", (a > 0 && b > 0) ? sprintf("%.2f", b / a) : "n/a" }'
    printf '    re-run/cold per size:'
    for size in 1 2 3; do
      [ -z "${rerun[$size]:-}" ] || awk -v n=$((3 * size)) -v c="${cold[$size]}" -v r="${rerun[$size]}" \
        'BEGIN { printf "  %d: %.0f %%", n, 100 * r / c }'
    done
    echo "   [<= 20 %]"
    printf '    work spread after settling (max active core tasks per server vs its share):'
    for size in 1 2 3; do
      [ ! -f "$M_DIR/spread-$((3 * size)).txt" ] || printf '  %s;' "$(cat "$M_DIR/spread-$((3 * size)).txt")"
    done
    echo "   [after settling, no server holds more than its share]"
    for size in 1 2 3; do
      [ -z "${rerun[$size]:-}" ] || echo "    module runs per host, re-run of $((3 * size)): $(module_runs "multi-rerun-$((3 * size))")"
    done
  } >"$MULTI_FIGURES"
  [ -n "${cold[3]:-}" ]
}

if [ "${1:-}" = --multi-locked ]; then
  multi_phase
  exit $?
fi

# =================================================================================================
# (a)-(c) on this machine's engine
# =================================================================================================
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
inspect_cluster() { # file: docker inspect of every lhbench-* container
  # shellcheck disable=SC2046
  docker inspect $(docker ps -aq --filter name=^lhbench-) >"$1"
}

say "images: $LHBENCH_KAFKA_IMAGE $LHBENCH_SERVER_IMAGE; phases: $PHASES; logs in $LOG_DIR"
say "machine: $(nproc) cores, $(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), load average $(load), $(docker ps -q | wc -l) other container(s) running on the engine"
rm -f "$LOG_DIR"/compose-inspect.json "$LOG_DIR"/ansible-inspect.json "$LOG_DIR"/memory-compose "$LOG_DIR"/memory-ansible \
  "$LOG_DIR"/profile-*.json "$LOG_DIR"/profile-*.txt "$MULTI_FIGURES"
clean

t_compose=0 t_ansible=0 t_rerun=0
# --- (a1) docker compose up + readiness
if [[ " $PHASES " == *" compose "* ]]; then
  # The engine's compose plugin, else Debian's docker-compose (installed if missing). Debian's
  # docker-compose 1.29 needs Debian's python3-docker 5 / requests / urllib3; the managed node
  # requirements put newer ones into /usr/local, which come first on sys.path — so it runs with
  # Debian's dist-packages first.
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
  say "(a) compose (${COMPOSE[*]:0:3}): up -d + wait for /readiness of 3 servers"
  t0=$(now)
  run_step "compose up" "$LOG_DIR/compose-up.log" "${COMPOSE[@]}" up -d
  wait_ready
  t_compose=$(secs "$t0" "$(now)")
  say "    compose cold deploy: ${t_compose}s   (load average $(load))"
  say "(c) memory, compose cluster (ready; container, docker stats, cgroup anon+shmem):"
  memory compose lhbench
  inspect_cluster "$LOG_DIR/compose-inspect.json"
  run_step "compose down" "$LOG_DIR/compose-down.log" "${COMPOSE[@]}" down -v --remove-orphans
  clean
fi

# --- (a2) ansible-playbook site.yml + readiness
if [[ " $PHASES " == *" ansible "* ]] && [ ! -f site.yml ]; then
  say "(a) ansible: SKIPPED — no site.yml in this checkout yet"
elif [[ " $PHASES " == *" ansible "* ]]; then
  say "(a) ansible: site.yml -i $INVENTORY -e @$VARS + wait for /readiness of 3 servers"
  t0=$(now)
  pb cold
  run_step "site.yml (cold)" "$LOG_DIR/site-cold.log" "${PB[@]}" site.yml -i "$INVENTORY" -e "@$VARS" "${LOCAL_IMAGES[@]}"
  wait_ready
  t_ansible=$(secs "$t0" "$(now)")
  say "    ansible cold deploy: ${t_ansible}s   (load average $(load); $(grep -E ' : ok=' "$LOG_DIR/site-cold.log" | tr -s ' ' | cut -d' ' -f1-5 | paste -sd';'))"
  say "(c) memory, ansible cluster (ready; container, docker stats, cgroup anon+shmem):"
  memory ansible lhbench
  inspect_cluster "$LOG_DIR/ansible-inspect.json"

  # --- (b) no-change re-run
  say "(b) ansible: re-run site.yml, nothing to change"
  t0=$(now)
  pb rerun
  run_step "site.yml (re-run)" "$LOG_DIR/site-rerun.log" "${PB[@]}" site.yml -i "$INVENTORY" -e "@$VARS" "${LOCAL_IMAGES[@]}"
  t_rerun=$(secs "$t0" "$(now)")
  say "    re-run: ${t_rerun}s   (load average $(load); $(grep -E ' : ok=' "$LOG_DIR/site-rerun.log" | tr -s ' ' | cut -d' ' -f1-5 | paste -sd';'))"
fi

if [ -f "$LOG_DIR/compose-inspect.json" ] && [ -f "$LOG_DIR/ansible-inspect.json" ]; then
  say "(a) drift: compose's containers against the modules' (environment per role, JVM flags, stop/restart settings):"
  "$PY" bench/envdiff.py "$LOG_DIR/compose-inspect.json" "$LOG_DIR/ansible-inspect.json"
fi

# --- (d) growth on three simulated hosts
if [[ " $PHASES " == *" multi "* ]]; then
  clean   # the local cluster's memory back before the simulated hosts start theirs
  if [ ! -f site.yml ] || [ ! -x tests/hosts/up.sh ]; then
    echo "    growth: SKIPPED — no site.yml or tests/hosts/up.sh in this checkout" >"$MULTI_FIGURES"
  else
    say "(d) growth on three simulated hosts: waiting for an exclusive flock on $LOCK (at most ${LOCK_WAIT}s)"
    t0=$(now)
    rc=0
    flock -x -o -w "$LOCK_WAIT" -E 75 "$LOCK" "$REPO/bench/run.sh" --multi-locked || rc=$?
    case $rc in
      0) ;;
      75) say "(d) SKIPPED: $LOCK still held by another user after ${LOCK_WAIT}s"
          echo "    growth: SKIPPED — $LOCK not free within ${LOCK_WAIT}s (the simulated hosts were in use)" >"$MULTI_FIGURES" ;;
      *) say "(d) growth phase ended with exit code $rc after $(secs "$t0" "$(now)")s (see above)" ;;
    esac
  fi
fi

# --- (e) throughput by size on this machine's engine
if [[ " $PHASES " == *" throughput "* ]]; then
  clean
  rm -f "$LOG_DIR/throughput-figures.txt" "$LOG_DIR/throughput.json"
  say "(e) throughput by size: bench/throughput.py (1 and 3 servers, one Kafka node, prefix lhtput, ports 46xxx; at most ${TPUT_BUDGET}s; log $LOG_DIR/throughput.log)"
  t0=$(now)
  rc=0
  # SIGTERM at the budget's end + 2 min: the script still tears down (playbooks/teardown.yml, then anything lhtput left)
  timeout -k 180 $((TPUT_BUDGET + 120)) "$PY" bench/throughput.py --budget "$TPUT_BUDGET" >"$LOG_DIR/throughput.log" 2>&1 || rc=$?
  grep -E '^\[throughput' "$LOG_DIR/throughput.log" | sed 's/^/    /' || true
  say "    throughput phase: $(secs "$t0" "$(now)")s, exit code $rc (load average $(load))"
fi

echo
say "figures (goals in brackets; printed, not asserted):"
awk -v c="$t_compose" -v a="$t_ansible" -v r="$t_rerun" 'BEGIN {
  printf "    cold deploy   compose %6.1f s   ansible %6.1f s   ratio ansible/compose %s   [<= 1.15]\n", c, a, (c > 0 && a > 0) ? sprintf("%.2f", a / c) : "n/a"
  printf "    no-change re-run        %6.1f s   = %s of the ansible cold deploy      [<= 12 %%]\n", r, (a > 0) ? sprintf("%.0f %%", 100 * r / a) : "n/a" }'
if [ -f "$LOG_DIR/memory-compose" ] || [ -f "$LOG_DIR/memory-ansible" ]; then
  mc_t=0 mc_c=0 mc_s=0 mc_sc=0 ma_t=0 ma_c=0 ma_s=0 ma_sc=0
  [ ! -f "$LOG_DIR/memory-compose" ] || read -r mc_t mc_c _ mc_s mc_sc <"$LOG_DIR/memory-compose"
  [ ! -f "$LOG_DIR/memory-ansible" ] || read -r ma_t ma_c _ ma_s ma_sc <"$LOG_DIR/memory-ansible"
  awk -v ct="$mc_t" -v cc="$mc_c" -v cs="$mc_s" -v ccs="$mc_sc" -v at="$ma_t" -v ac="$ma_c" -v as="$ma_s" -v acs="$ma_sc" 'BEGIN {
    r = (ct > 0 && at > 0) ? sprintf("%.2f", at / ct) : "n/a"; rc = (cc > 0 && ac > 0) ? sprintf("%.2f", ac / cc) : "n/a"
    printf "    memory total  compose %6.0f MiB ansible %6.0f MiB ratio %s (docker stats; anon+shmem %.0f / %.0f MiB, ratio %s)   [<= 1.00]\n", ct, at, r, cc, ac, rc
    printf "    per server    compose %6.0f MiB ansible %6.0f MiB (docker stats; anon+shmem %.0f / %.0f MiB)\n", cs, as, ccs, acs }'
fi
for run in cold rerun; do
  [ -f "$LOG_DIR/profile-$run.txt" ] || continue
  echo
  say "ten slowest tasks, ansible $([ $run = cold ] && echo "cold deploy" || echo "no-change re-run") (overall wall s, play / task [action], per host):"
  profile_head "$run"
  profile_section "$run" slowest 10
done
if [ -f "$LOG_DIR/profile-rerun.txt" ]; then
  say "module runs per host in the no-change re-run: $(module_runs rerun)"
fi
if [ -f "$MULTI_FIGURES" ]; then
  echo
  say "growth (phase multi):"
  cat "$MULTI_FIGURES"
fi
if [[ " $PHASES " == *" throughput "* ]]; then
  echo
  say "throughput by size (phase throughput):"
  cat "$LOG_DIR/throughput-figures.txt" 2>/dev/null || echo "    no figures (see $LOG_DIR/throughput.log)"
fi
