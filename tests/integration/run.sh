#!/usr/bin/env bash
# The container modules' integration tests (real engine, real images); see conftest.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec .venv/bin/pytest -v -p no:cacheprovider --rootdir tests/integration tests/integration "$@"
