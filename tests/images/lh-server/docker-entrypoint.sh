#!/bin/sh
# `server [config-file]` starts the server; any other command is executed as given.
set -e
if [ "${1:-}" = server ]; then
  shift
  exec /lh/bin/server "$@"
fi
exec "$@"
