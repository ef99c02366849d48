#!/usr/bin/env bash
# The container modules' integration tests (real engine, real images); see conftest.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
# INTEGRATION_SELECT: a pytest -k expression (tests/run-all.sh runs the remote-engine test in
# the simulated hosts' lane, under LHIT_PREFIX=lhitr, and the others beside it).
select=()
[ -n "${INTEGRATION_SELECT:-}" ] && select=(-k "$INTEGRATION_SELECT")
exec .venv/bin/pytest -v -p no:cacheprovider --rootdir tests/integration tests/integration "${select[@]}" "$@"
