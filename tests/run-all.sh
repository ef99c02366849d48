#!/usr/bin/env bash
# Every test of the project, one stage after another; a failed stage does not stop the
# others. Prints each stage's time and a closing count; exits non-zero if any stage failed.
set -uo pipefail
cd "$(dirname "$0")/.."
stages=(
  "unit:make --no-print-directory test-unit"
  "smoke:make --no-print-directory test-smoke"
  "integration:make --no-print-directory test-integration"
  "bad-input:make --no-print-directory test-bad-input"
  "sanity:make --no-print-directory sanity"
  "lint:make --no-print-directory lint"
  "package:make --no-print-directory test-package"
  "molecule-default:make --no-print-directory molecule-default"
  "molecule-seed:make --no-print-directory molecule-seed"
  "molecule-multi-host:make --no-print-directory molecule-multi-host"
)
passed=0 failed=0 summary=()
total_started=$SECONDS
for stage in "${stages[@]}"; do
  name=${stage%%:*} command=${stage#*:}
  printf '\n===== %s: %s\n' "$name" "$command"
  started=$SECONDS
  if $command; then
    result=passed; passed=$((passed + 1))
  else
    result=FAILED; failed=$((failed + 1))
  fi
  summary+=("$(printf '%-18s %-7s %4ss' "$name" "$result" $((SECONDS - started)))")
done
printf '\n===== summary (%ss in all)\n' $((SECONDS - total_started))
printf '%s\n' "${summary[@]}"
echo "stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
