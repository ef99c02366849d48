#!/usr/bin/env bash
# usage: tests/run-all.sh [--gate-only]
# Every test of the project (`make test`; `make test-fast` is the gate alone), in two phases; prints each stage's time and a closing count,
# and exits non-zero if any stage failed.
#
# 1. The gate: the checks that need no Docker engine, no image and no cluster (unit tests, the plan
#    tier of the bad-input cases, ansible-test sanity, ansible-lint, docs-lint and the EE context), in
#    two lanes side by side. When one fails, the run stops here with a summary that names the failing
#    tests, before any engine is started or image built.
# 2. The engine and the test bed's images (make engine images), then everything else in lanes that
#    run at the same time; a failed stage does not stop the others:
#    lane "machine": the stages on this machine's own Docker engine (each under names and
#      ports of its own: lhsmoke, lhit, lhbad, lhmol);
#      then seed and the remote-engine tests, on simulated hosts of their own (6, 7-8);
#    lane "hosts": secure and multi-host on the simulated hosts (tests/hosts: their own namespaces and
#      engines), one after the other, then the package test (this machine's engine, lhpkg), which
#      balances the two lanes. Each scenario has host numbers of its own (multi-host 1-3, secure
#      4-5, seed 6, the remote-engine tests 7-8), so with LH_TEST_HOST_LANES=2 the four run in two lanes
#      beside the machine's ("hosts-a", "hosts-b", about 700 s each). On this project's 2-core machine three
#      lanes at once only shared the CPU thinner (integration 440 s -> 1318 s, a whole run slower than
#      with two lanes), so one hosts lane is the default; machines with more cores gain from two.
#    The lanes share nothing but the CPU; the output of every lane but the first is kept in
#    build/test-lane-<lane>.log and printed when the first is done.
set -uo pipefail
cd "$(dirname "$0")/.."
gate_checks=(
  "unit:make --no-print-directory test-unit"
  "bad-input-plan:make --no-print-directory test-bad-input-plan"
  "lint:make --no-print-directory lint"
)
gate_sanity=(
  "sanity:make --no-print-directory sanity"
)
machine_lane=(
  "smoke:make --no-print-directory test-smoke"
  "integration:INTEGRATION_SELECT='not remote_engine' make --no-print-directory test-integration"
  "bad-input:make --no-print-directory test-bad-input"
  "molecule-default:make --no-print-directory molecule-default"
)
package="package:make --no-print-directory test-package"
multi_host="molecule-multi-host:make --no-print-directory molecule-multi-host"
remote="integration-remote:INTEGRATION_SELECT=remote_engine LHIT_PREFIX=lhitr make --no-print-directory test-integration"
secure="molecule-secure:make --no-print-directory molecule-secure"
seed="molecule-seed:make --no-print-directory molecule-seed"
mkdir -p build
results=build/test-results lane_times=build/test-lane-times
: >"$results"; : >"$lane_times"

run_lane() {
  local lane=$1; shift
  local stage name command started result load lane_started=$SECONDS
  for stage in "$@"; do
    name=${stage%%:*} command=${stage#*:}
    printf '\n===== [%s] %s: %s (started %s)\n' "$lane" "$name" "$command" "$(date +%T)"
    started=$SECONDS load=$(cut -d' ' -f1 /proc/loadavg)
    bash -c "$command" 2>&1 | tee "build/stage-$name.log"
    if [ "${PIPESTATUS[0]}" -eq 0 ]; then result=passed; else result=FAILED; fi
    # the machine's load average (1 min) at the stage's start and end: times compare only at like loads
    load="load $load-$(cut -d' ' -f1 /proc/loadavg)"
    printf '%-11s %-20s %-7s %4ss  %s\n' "$lane" "$name" "$result" $((SECONDS - started)) "$load" >>"$results"
    printf '===== [%s] %s %s in %ss (%s)\n' "$lane" "$name" "$result" $((SECONDS - started)) "$load"
  done
  printf '%-12s %5ss (%s)\n' "$lane" $((SECONDS - lane_started)) "${*%%:*}" >>"$lane_times"
}

# Lanes side by side: run_lanes LANE STAGE... [-- LANE STAGE...]... The first lane on the console, each
# other into build/test-lane-<lane>.log (printed after the first is done, in their order).
run_lanes() {
  local -a names=() pids=() stages=()
  local first="" name i
  while [ $# -gt 0 ]; do
    name=$1; shift; stages=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do stages+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    if [ -z "$first" ]; then
      first=$name; local -a first_stages=("${stages[@]}")
    else
      run_lane "$name" "${stages[@]}" >"build/test-lane-$name.log" 2>&1 &
      names+=("$name"); pids+=($!)
    fi
  done
  run_lane "$first" "${first_stages[@]}"
  for i in "${!names[@]}"; do
    echo; echo "===== $([ "$i" = 0 ] && echo "the $first lane is done; ")waiting for the ${names[$i]} lane ($(date +%T))"
    wait "${pids[$i]}"
    echo "===== ${names[$i]} lane (build/test-lane-${names[$i]}.log):"
    cat "build/test-lane-${names[$i]}.log"
  done
}

# CPU seconds used so far (cgroup v1 accounting): "all containers" - every engine's containers, this machine's
# (docker/) and the simulated hosts' (lhsim-host*/) - the JVMs, against everything else (Ansible, pytest, the
# engines). On 2 cores the suite is CPU-bound, so this says where its time goes.
CPUACCT=/sys/fs/cgroup/cpuacct
cpu_seconds() {
  [ -r "$CPUACCT/cpuacct.usage" ] || return 0
  local all containers=0 group
  all=$(cat "$CPUACCT/cpuacct.usage")
  for group in "$CPUACCT"/docker "$CPUACCT"/lhsim-host*; do
    [ -r "$group/cpuacct.usage" ] && containers=$((containers + $(cat "$group/cpuacct.usage")))
  done
  echo "$((all / 1000000000)) $((containers / 1000000000))"
}
cpu_at_start=$(cpu_seconds)

# The end of the output is what a CI summary keeps: say there why each failed stage failed.
summary() {
  local name now
  printf '\n===== summary (%ss in all: gate %ss, engine and images %ss, lanes %ss)\n' \
    $((SECONDS - total_started)) "$gate_time" "${images_time:-0}" "${lanes_time:-0}"
  now=$(cpu_seconds)
  if [ -n "$now" ] && [ -n "$cpu_at_start" ]; then
    set -- $now $cpu_at_start
    echo "CPU time: $(($1 - $3)) s in all, $(($2 - $4)) s of it in the containers (the JVMs) and $(($1 - $3 - $2 + $4)) s in everything else (Ansible, pytest, the engines)"
  fi
  cat "$results"
  echo "lanes (each its stages one after another; the lanes side by side):"
  cat "$lane_times"
  for name in $(awk '$3 == "FAILED" {print $2}' "$results"); do
    echo; echo "===== why $name failed (the failure lines of build/stage-$name.log):"
    sed 's/\x1b\[[0-9;]*m//g' "build/stage-$name.log" \
      | grep -E -A3 'fatal: |failed: \[|msg:|Error|ERROR|error:|^E  |^FAILED |FAILED:|^[a-z0-9-]+\[[a-z0-9-]+\]: ' \
      | cut -c1-400 | tail -50
  done
  passed=$(grep -c ' passed ' "$results") failed=$(grep -c ' FAILED ' "$results")
  echo "stages: $passed passed, $failed failed"
}

total_started=$SECONDS
export NO_COLOR=1  # plain logs: the summary below quotes them
make --no-print-directory collection

echo "===== the gate: no engine, no image ($(date +%T))"
started=$SECONDS
run_lanes gate "${gate_checks[@]}" -- gate-sanity "${gate_sanity[@]}"
gate_time=$((SECONDS - started))
if grep -q ' FAILED ' "$results"; then
  echo; echo "===== the gate failed: no engine was started and no image built"
  summary
  exit 1
fi
if [ "${1:-}" = --gate-only ]; then
  summary
  exit 0
fi

echo; echo "===== the engine and the test bed's images ($(date +%T))"
started=$SECONDS
if ! make --no-print-directory images 2>&1 | tee build/stage-images.log; then
  images_time=$((SECONDS - started))
  printf '%-11s %-20s %-7s %4ss\n' setup images FAILED "$images_time" >>"$results"
  summary
  exit 1
fi
images_time=$((SECONDS - started))

export LH_TESTBED_READY=1  # the engine and the images are there: the lanes must not rebuild them side by side
started=$SECONDS
if [ "${LH_TEST_HOST_LANES:-1}" = 2 ]; then
  run_lanes machine "${machine_lane[@]}" "$package" -- hosts-a "$multi_host" "$remote" -- hosts-b "$secure" "$seed"
else
  # seed and the remote-engine tests (simulated hosts 6-8) after the machine's own stages, the package test (this
  # machine's engine, names and ports of its own) after the hosts' scenarios: the two lanes then end about together
  # (5bea010: machine 1535 s without the package test's 183, hosts 1457)
  run_lanes machine "${machine_lane[@]}" "$seed" "$remote" -- hosts "$secure" "$multi_host" "$package"
fi
lanes_time=$((SECONDS - started))
summary
[ "$failed" -eq 0 ]
