#!/usr/bin/env bash
# ansible-test sanity, with no ignore files, on a copy of the checkout's files laid out as
# ansible_collections/littlehorse/cluster. No internet: ansible-test's pip bootstrap script
# cannot be downloaded here, so a stand-in that bootstraps pip with ensurepip is put in its
# cache first (see ../shared/notes/ansible-test-offline.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=${LH_SANITY_DIR:-$ROOT/build/sanity}
DEST=$WORK/ansible_collections/littlehorse/cluster
PYTHON_VERSION=${LH_SANITY_PYTHON:-3.11}

CACHE=${HOME}/.ansible/test/cache
mkdir -p "$CACHE"
# The pip version ansible-test bootstraps its virtualenvs with (e.g. pip='24.2').
pip_version=$(grep -ohE "pip='[0-9.]+'" "$ROOT"/.venv/lib/python*/site-packages/ansible_test/_internal/python_requirements.py | head -n1 | tr -dc '0-9.')
stand_in=$CACHE/get_pip_${pip_version//./_}.py
cat >"$stand_in" <<'PY'
# Stand-in for pip's bootstrap script (no internet here): ensurepip, then pip install the arguments.
import subprocess, sys
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
subprocess.check_call([sys.executable, "-m", "pip", "install", "--disable-pip-version-check"] + args)
PY

rm -rf "$DEST" && mkdir -p "$DEST"
# Tracked files and new ones not yet added (not the ignored ones), so that a new module is
# tested before its first commit; files deleted in the work tree are left out.
git ls-files -z --cached --others --exclude-standard \
  | while IFS= read -r -d '' f; do [[ -e $f ]] && printf '%s\0' "$f"; done \
  | sort -zu | tar --null --files-from=- -cf - | tar -xf - -C "$DEST"
cd "$DEST"
git init -q && git add -A >/dev/null
export PATH=$ROOT/.venv/bin:$PATH
exec ansible-test sanity --venv --python "$PYTHON_VERSION" --color no "$@"
