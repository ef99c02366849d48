# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Look for the scenario's secret values where they must never be, from the machine:

    scan_secrets.py --values FILE --engines SOCK,SOCK --prefix lhsec --logs FILE[,FILE] --folders DIR[,DIR]

- every container of the cluster (name starting with the prefix) on every engine: `docker inspect` and its
  whole log;
- the given Ansible output files (a run at -vvv);
- the files under the given folders: a file that holds a secret value or a private key must be 0600 (and
  not readable by others).
FILE holds one secret value per line (it is itself 0600 and removed by the caller). Prints what it scanned
and one line per finding, never the value; exits 1 on any finding.
"""
import argparse
import json
import os
import stat
import sys

import docker


def say(text):
    print("[scan] %s" % text)
    sys.stdout.flush()


def findings_in(text, values, where):
    return ["%s holds secret #%d" % (where, index + 1) for index, value in enumerate(values) if value in text]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--values", required=True)
    parser.add_argument("--engines", required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--logs", default="")
    parser.add_argument("--folders", default="")
    args = parser.parse_args()
    with open(args.values) as handle:
        values = [line.rstrip("\n") for line in handle if line.strip()]
    if len(values) < 2 or any(len(v) < 8 for v in values):
        say("give at least two secret values of 8 characters or more (got %d)" % len(values))
        sys.exit(2)
    findings, containers, log_bytes = [], 0, 0
    for engine in args.engines.split(","):
        client = docker.DockerClient(base_url=engine)
        for container in client.containers.list(all=True):
            if not container.name.startswith(args.prefix + "-"):
                continue
            containers += 1
            findings += findings_in(json.dumps(container.attrs), values, "docker inspect %s" % container.name)
            if "PRIVATE KEY" in json.dumps(container.attrs):
                findings.append("docker inspect %s holds a private key" % container.name)
            logs = container.logs(stdout=True, stderr=True).decode("utf-8", "replace")
            log_bytes += len(logs)
            findings += findings_in(logs, values, "the log of %s" % container.name)
    output_bytes = 0
    for path in filter(None, args.logs.split(",")):
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        output_bytes += len(text)
        findings += findings_in(text, values, "the Ansible output %s" % os.path.basename(path))
    files = 0
    for folder in filter(None, args.folders.split(",")):
        for root, _dirs, names in os.walk(os.path.expanduser(folder)):
            for name in names:
                path = os.path.join(root, name)
                if os.path.islink(path) or not os.path.isfile(path):
                    continue
                files += 1
                with open(path, "rb") as handle:
                    data = handle.read().decode("utf-8", "replace")
                secret = [v for v in values if v in data] or (["key"] if "PRIVATE KEY" in data else [])
                mode = stat.S_IMODE(os.stat(path).st_mode)
                if name.endswith(".p12"):
                    secret = secret or ["store"]
                if secret and mode & 0o077:
                    findings.append("%s holds a secret or a key and has mode %04o, not 0600" % (path, mode))
    say("%d containers' docker inspect and logs (%d bytes of logs), %d bytes of Ansible output, %d files: "
        "%d secret values looked for" % (containers, log_bytes, output_bytes, files, len(values)))
    for finding in findings:
        say("FOUND: %s" % finding)
    if not containers:
        say("no container of %s found: nothing was scanned" % args.prefix)
        sys.exit(1)
    sys.exit(1 if findings else 0)


if __name__ == "__main__":
    main()
