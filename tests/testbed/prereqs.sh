#!/usr/bin/env bash
# Install the Debian packages the test bed needs, when any is missing (one apt-get update).
# What is already installed is left alone.
set -euo pipefail
# chromium: headless, for Molecule default's screenshot of Prometheus's graph (molecule/shared/prometheus_screenshot.py)
PACKAGES=(docker.io debootstrap maven iproute2 iptables curl rsync chromium)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "[prereqs] all present: ${PACKAGES[*]}"
  exit 0
fi
echo "[prereqs] installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "[prereqs] installed ${missing[*]}"
