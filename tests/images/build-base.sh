#!/usr/bin/env bash
# Base image: a minimal Debian made with debootstrap and imported with `docker import`.
# Usage: build-base.sh SUITE IMAGE_TAG
# The root filesystem tarball is cached under $LH_TESTBED_CACHE, so a rebuild with
# nothing changed only checks that the image exists.
set -euo pipefail
SUITE=${1:?suite, e.g. trixie}
TAG=${2:?image tag}
CACHE=${LH_TESTBED_CACHE:-/var/tmp/lh-testbed/cache}
ROOTFS_TAR=$CACHE/rootfs-$SUITE-minbase.tar

say() { printf '[base] %s\n' "$*"; }

if docker image inspect "$TAG" >/dev/null 2>&1; then
  say "$TAG present; nothing to do"
  exit 0
fi

mkdir -p "$CACHE"
if [ ! -s "$ROOTFS_TAR" ]; then
  command -v debootstrap >/dev/null || {
    say "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  }
  work=$(mktemp -d "$CACHE/rootfs-$SUITE.XXXX")
  trap 'rm -rf "$work"' EXIT
  say "debootstrap --variant=minbase $SUITE (a few minutes on a cold machine)"
  debootstrap --variant=minbase --include=ca-certificates,curl "$SUITE" "$work/root" >"$work/debootstrap.log" 2>&1 || {
    tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
  # Trim what a container never needs, so the image stays small.
  rm -rf "$work/root"/var/cache/apt/archives/*.deb "$work/root"/var/lib/apt/lists/* \
         "$work/root"/usr/share/doc/* "$work/root"/usr/share/man/* "$work/root"/usr/share/locale/*
  tar -C "$work/root" --numeric-owner -cf "$ROOTFS_TAR.part" .
  mv "$ROOTFS_TAR.part" "$ROOTFS_TAR"
fi
say "docker import $ROOTFS_TAR as $TAG"
docker import --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' "$ROOTFS_TAR" "$TAG" >/dev/null
say "$TAG built ($(docker image inspect -f '{{.Size}}' "$TAG" | numfmt --to=iec))"
