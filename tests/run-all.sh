#!/usr/bin/env bash
# Every test of the project, in two lanes that run at the same time; a failed stage does not
# stop the others. Prints each stage's time and a closing count; exits non-zero if any stage
# failed.
#   lane "machine": everything on this machine's own Docker engine, or no engine at all (each
#     stage under names and ports of its own: lhsmoke, lhit, lhbad, lhpkg, lhmol);
#   lane "hosts": everything on the simulated hosts (tests/hosts: their own namespaces and
#     engines), one stage after another, since they share those hosts.
# The lanes share nothing but the CPU; running them side by side keeps `make test` inside its
# time on 2 cores. The hosts lane's output is kept in build/test-lane-hosts.log and printed when
# the machine lane is done.
set -uo pipefail
cd "$(dirname "$0")/.."
machine_lane=(
  "unit:make --no-print-directory test-unit"
  "smoke:make --no-print-directory test-smoke"
  "integration:INTEGRATION_SELECT='not remote_engine' make --no-print-directory test-integration"
  "bad-input-plan:make --no-print-directory test-bad-input-plan"
  "bad-input:make --no-print-directory test-bad-input"
  "sanity:make --no-print-directory sanity"
  "lint:make --no-print-directory lint"
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

total_started=$SECONDS
make --no-print-directory collection
export LH_TESTBED_READY=1  # the engine and the images are there (make test made them)
run_lane hosts "${hosts_lane[@]}" >build/test-lane-hosts.log 2>&1 &
hosts_pid=$!
run_lane machine "${machine_lane[@]}"
echo; echo "===== the machine lane is done; waiting for the hosts lane ($(date +%T))"
wait "$hosts_pid"
echo "===== hosts lane (build/test-lane-hosts.log):"
cat build/test-lane-hosts.log

printf '\n===== summary (%ss in all; the two lanes ran side by side)\n' $((SECONDS - total_started))
cat "$results"
# The end of the output is what a CI summary keeps: say there why each failed stage failed.
for name in $(awk '$3 == "FAILED" {print $2}' "$results"); do
  echo; echo "===== why $name failed (the failure lines of build/stage-$name.log):"
  sed 's/\x1b\[[0-9;]*m//g' "build/stage-$name.log" \
    | grep -E -A3 'fatal: |failed: \[|msg:|Error|ERROR|error:|^E  ' \
    | cut -c1-400 | tail -50
done
passed=$(grep -c ' passed ' "$results") failed=$(grep -c ' FAILED ' "$results")
echo "stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
