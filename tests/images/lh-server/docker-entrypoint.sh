#!/usr/bin/env bash
# As the published image's entrypoint: `server [args]` starts the server through its start script,
# anything else runs as given.
set -e
if [ "$1" = server ]; then
  shift
  exec /lh/bin/server "$@"
fi
exec "$@"
