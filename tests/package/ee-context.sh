#!/usr/bin/env bash
# The execution environment's build context (execution-environment.yml, ansible-builder v3),
# written to build/ee by `ansible-builder create` from the tarball `make package` built, and
# checked: the collection's Python requirements are in it (every line of requirements.txt and
# meta/ee-requirements.txt, so also the LittleHorse client), the collection tarball is in it and
# its galaxy requirements file installs that tarball, the base image is the EE_BASE_IMAGE build
# argument, and no registry host is named. The image itself is not built: its base image needs a
# container registry, and none is reachable here.
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$SECONDS
fail() { echo "[ee-context] FAILED: $*" >&2; exit 1; }

version=$(sed -n 's/^version: *//p' galaxy.yml)
tarball=build/package/littlehorse-cluster-$version.tar.gz
[ -f "$tarball" ] || fail "no $tarball (make package builds it)"
rm -rf build/ee build/ee-files
mkdir -p build/ee-files
cp "$tarball" build/ee-files/littlehorse-cluster.tar.gz
ansible-builder create -f execution-environment.yml -c build/ee --output-filename Containerfile -v 1

context=build/ee/_build
[ -f build/ee/Containerfile ] || fail "ansible-builder wrote no build/ee/Containerfile"
for requirement in $(sed -e 's/#.*//' requirements.txt meta/ee-requirements.txt | tr -d ' '); do
  grep -qxF "$requirement" "$context/requirements.txt" \
    || fail "$requirement (requirements.txt or meta/ee-requirements.txt) is not in $context/requirements.txt"
done
grep -q '^littlehorse-client' "$context/requirements.txt" || fail "no littlehorse-client in $context/requirements.txt"
cmp -s "$tarball" "$context/collections/littlehorse-cluster.tar.gz" \
  || fail "$context/collections/littlehorse-cluster.tar.gz is not $tarball"
grep -q '^ARG EE_BASE_IMAGE="ansible-ee-base:latest"$' build/ee/Containerfile \
  || fail "the Containerfile's base image is not the EE_BASE_IMAGE argument with the placeholder"
grep -q '^FROM \$EE_BASE_IMAGE' build/ee/Containerfile || fail "the Containerfile does not start FROM \$EE_BASE_IMAGE"
if grep -nE '(^|[^[:alnum:]_-])([[:alnum:]-]+\.)+(io|com|org|net)/' build/ee/Containerfile "$context/requirements.yml"; then
  fail "a registry host is named in the build context (above)"
fi

# The galaxy stage runs in _build: its requirements install the collection, with its EE metadata.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
(cd "$context" && env -u ANSIBLE_CONFIG -u ANSIBLE_COLLECTIONS_PATH \
  ansible-galaxy collection install -r requirements.yml -p "$scratch" >"$scratch/install.log" 2>&1) \
  || { cat "$scratch/install.log"; fail "the context's requirements.yml does not install"; }
installed=$scratch/ansible_collections/littlehorse/cluster
[ -f "$installed/MANIFEST.json" ] || fail "the context's requirements.yml installed no littlehorse.cluster"
python3 - "$installed" <<'PY' || fail "the installed collection's meta/execution-environment.yml does not name its requirements"
import os, sys, yaml
root = sys.argv[1]
with open(os.path.join(root, "meta", "execution-environment.yml")) as handle:
    python = yaml.safe_load(handle)["dependencies"]["python"]
with open(os.path.join(root, python)) as handle:
    names = [line.split("#")[0].strip() for line in handle]
assert any(name.startswith("littlehorse-client") for name in names), names
assert any(name.startswith("docker") for name in names), names
PY
echo "[ee-context] build/ee holds the collection $version and its requirements" \
  "($(grep -cv '^\s*\(#\|$\)' "$context/requirements.txt") lines); stage time: $((SECONDS - started))s"
