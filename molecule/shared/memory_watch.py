# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sample the memory of containers with `docker stats --no-stream` until a stop file appears (Molecule verify runs it
in the background while it submits workflow runs), then print one JSON line: per container its samples, the highest
usage and the limit docker stats reports, in bytes. Exits 1 when a container reached its limit in a sample.

    python molecule/shared/memory_watch.py --stop-file /tmp/stop lhmol-server-1 lhmol-server-2
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

UNITS = {"B": 1, "kB": 1000, "KiB": 1024, "MB": 1000 ** 2, "MiB": 1024 ** 2, "GB": 1000 ** 3, "GiB": 1024 ** 3,
         "TiB": 1024 ** 4}
SIZE = re.compile(r"^\s*([0-9.]+)\s*([A-Za-z]+)\s*$")


def size(text):
    """'512.3MiB' -> bytes, as docker stats writes sizes."""
    match = SIZE.match(text)
    if not match or match.group(2) not in UNITS:
        raise ValueError("not a size of docker stats: %r" % text)
    return int(float(match.group(1)) * UNITS[match.group(2)])


def sample(names):
    """{name: (usage, limit)} of one `docker stats --no-stream`; a container that is stopped reports no usage."""
    output = subprocess.run(["docker", "stats", "--no-stream", "--format", "{{json .}}"] + names,
                            capture_output=True, text=True, check=False).stdout
    readings = {}
    for line in output.splitlines():
        row = json.loads(line)
        usage, dummy, limit = row["MemUsage"].partition("/")
        if row["Name"] in names and usage.strip() and limit.strip():
            readings[row["Name"]] = (size(usage), size(limit))
    return readings


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--stop-file", required=True)
    parser.add_argument("--max-seconds", type=int, default=600)
    parser.add_argument("names", nargs="+")
    args = parser.parse_args()
    seen = dict((name, {"samples": 0, "max_usage": 0, "limit": None}) for name in args.names)
    deadline = time.time() + args.max_seconds
    while True:
        for name, (usage, limit) in sample(args.names).items():
            entry = seen[name]
            entry["samples"] += 1
            entry["max_usage"] = max(entry["max_usage"], usage)
            entry["limit"] = limit
        if os.path.exists(args.stop_file) or time.time() > deadline:
            break
    print(json.dumps(seen, sort_keys=True))
    return 1 if any(e["limit"] and e["max_usage"] >= e["limit"] for e in seen.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
