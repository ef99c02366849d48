#!/usr/bin/env bash
# The bad-input cases (tests/badinput/cases.py), one tier per run:
#   run.sh plan   the plan tier: the cases the plan filter or a role's argument spec refuses, in one process
#                 (test_plan_tier.py): no Docker engine, no image, no network
#   run.sh [e2e]  the end-to-end tier: the real site.yml against a running baseline cluster (see conftest.py);
#                 every case must fail with the code's message and change nothing
# More arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/../.."
tier=e2e
case "${1:-}" in plan|e2e) tier=$1; shift ;; esac
started=$SECONDS
if [ "$tier" = plan ]; then
  .venv/bin/pytest -q -rxXs -p no:cacheprovider --rootdir tests/badinput tests/badinput/test_plan_tier.py "$@"
else
  .venv/bin/pytest -v -rxXs -p no:cacheprovider --rootdir tests/badinput tests/badinput/test_bad_inventories.py "$@"
fi
rc=$?
echo "[bad-input] $tier tier: stage time $((SECONDS - started))s (rc $rc)"
exit $rc
