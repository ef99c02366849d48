#!/usr/bin/env bash
# Bad inventories and bad host states against a running baseline cluster (see conftest.py):
# every case runs the real site.yml, must fail with the code's message and change nothing.
set -uo pipefail
cd "$(dirname "$0")/../.."
started=$SECONDS
.venv/bin/pytest -v -rxXs -p no:cacheprovider --rootdir tests/badinput tests/badinput "$@"
rc=$?
echo "[bad-input] stage time: $((SECONDS - started))s (rc $rc)"
exit $rc
