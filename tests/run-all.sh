#!/usr/bin/env bash
# usage: tests/run-all.sh [--gate-only]
# Every test of the project (`make test`; `make test-fast` is the gate alone), in two phases; prints each stage's time and a closing count,
# and exits non-zero if any stage failed.
#
# 1. The gate: the checks that need no Docker engine, no image and no cluster (unit tests, the plan
#    tier of the bad-input cases, ansible-test sanity, ansible-lint, docs-lint and the EE context), in
#    two lanes side by side. When one fails, the run stops here with a summary that names the failing
#    tests, before any engine is started or image built.
# 2. The engine and the test bed's images (make engine images), then everything else in two lanes
#    that run at the same time; a failed stage does not stop the others:
#    lane "machine": everything on this machine's own Docker engine (each stage under names and
#      ports of its own: lhsmoke, lhit, lhbad, lhpkg, lhmol);
#    lane "hosts": everything on the simulated hosts (tests/hosts: their own namespaces and
#      engines), one stage after another, since they share those hosts.
#    The lanes share nothing but the CPU; the hosts lane's output is kept in build/test-lane-hosts.log
#    and printed when the machine lane is done.
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
  "package:make --no-print-directory test-package"
  "molecule-default:make --no-print-directory molecule-default"
)
hosts_lane=(
  "integration-remote:INTEGRATION_SELECT=remote_engine LHIT_PREFIX=lhitr make --no-print-directory test-integration"
  "molecule-seed:make --no-print-directory molecule-seed"
  "molecule-secure:make --no-print-directory molecule-secure"
  "molecule-multi-host:make --no-print-directory molecule-multi-host"
)
mkdir -p build
results=build/test-results
: >"$results"

run_lane() {
  local lane=$1; shift
  local stage name command started result
  for stage in "$@"; do
    name=${stage%%:*} command=${stage#*:}
    printf '\n===== [%s] %s: %s (started %s)\n' "$lane" "$name" "$command" "$(date +%T)"
    started=$SECONDS
    bash -c "$command" 2>&1 | tee "build/stage-$name.log"
    if [ "${PIPESTATUS[0]}" -eq 0 ]; then result=passed; else result=FAILED; fi
    printf '%-8s %-20s %-7s %4ss\n' "$lane" "$name" "$result" $((SECONDS - started)) >>"$results"
    printf '===== [%s] %s %s in %ss\n' "$lane" "$name" "$result" $((SECONDS - started))
  done
}

# Two lanes side by side: the first on the console, the second into build/test-lane-<second>.log (printed after).
run_two_lanes() {
  local first=$1 second=$2 second_pid; shift 2
  local -a first_stages=() second_stages=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do first_stages+=("$1"); shift; done
  shift
  second_stages=("$@")
  run_lane "$second" "${second_stages[@]}" >"build/test-lane-$second.log" 2>&1 &
  second_pid=$!
  run_lane "$first" "${first_stages[@]}"
  echo; echo "===== the $first lane is done; waiting for the $second lane ($(date +%T))"
  wait "$second_pid"
  echo "===== $second lane (build/test-lane-$second.log):"
  cat "build/test-lane-$second.log"
}

# The end of the output is what a CI summary keeps: say there why each failed stage failed.
summary() {
  local name
  printf '\n===== summary (%ss in all: gate %ss, engine and images %ss, lanes %ss)\n' \
    $((SECONDS - total_started)) "$gate_time" "${images_time:-0}" "${lanes_time:-0}"
  cat "$results"
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
run_two_lanes gate gate-sanity "${gate_checks[@]}" -- "${gate_sanity[@]}"
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
  printf '%-8s %-20s %-7s %4ss\n' setup images FAILED "$images_time" >>"$results"
  summary
  exit 1
fi
images_time=$((SECONDS - started))

export LH_TESTBED_READY=1  # the engine and the images are there: the lanes must not rebuild them side by side
started=$SECONDS
run_two_lanes machine hosts "${machine_lane[@]}" -- "${hosts_lane[@]}"
lanes_time=$((SECONDS - started))
summary
[ "$failed" -eq 0 ]
