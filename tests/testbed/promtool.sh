#!/usr/bin/env bash
# Print the path of a promtool (Prometheus's rule and config checker), for the fast tier's checks of the
# monitoring role's files (tests/unit/test_promtool.py). The one on PATH when there is one; else the promtool of
# Debian's `prometheus` package, unpacked (dpkg-deb -x, not installed: installing the package would start a
# Prometheus service on this machine) into build/tools, once.
set -euo pipefail
cd "$(dirname "$0")/../.."
if command -v promtool >/dev/null 2>&1; then command -v promtool; exit 0; fi
tools=build/tools
bin=$tools/prometheus/usr/bin/promtool
if [ ! -x "$bin" ]; then
  mkdir -p "$tools/deb"
  rm -f "$tools"/deb/prometheus_*.deb
  (cd "$tools/deb" && apt-get download -q prometheus >/dev/null 2>&1) || {
    apt-get update -qq >/dev/null && (cd "$tools/deb" && apt-get download -q prometheus >/dev/null 2>&1); }
  dpkg-deb -x "$tools"/deb/prometheus_*.deb "$tools/prometheus"
fi
echo "$PWD/$bin"
