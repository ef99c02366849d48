"""Check that the ports the plan publishes on this host are free (or held by the very container
the plan puts there, as on a re-run). Argument: base64 of JSON {"host": ..., "plan": ...}.
Prints one JSON object: {"checked": [...], "ours": [...], "conflicts": [...]}; exits 0 either way.
"""
import base64
import json
import socket
import subprocess
import sys


def published(plan, host):
    entries = [s for s in plan["servers"] if s["host"] == host]
    entries += [n for n in plan["kafka"].get("nodes") or [] if n["host"] == host]
    if plan.get("dashboard") and plan["dashboard"]["host"] == host:
        entries.append(plan["dashboard"])
    for entry in entries:
        for spec in entry.get("published_ports") or []:
            parts = spec.rsplit(":", 2)
            bind = parts[0] if len(parts) == 3 else "0.0.0.0"
            yield entry["container"], bind or "0.0.0.0", int(parts[-2])


def bindable(bind, port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((bind, port))
        return True, ""
    except OSError as err:
        return False, err.strerror or str(err)
    finally:
        sock.close()


def holders(port):
    try:
        out = subprocess.run(["docker", "ps", "--filter", "publish=%d" % port, "--format", "{{.Names}}"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [line.strip() for line in out.stdout.splitlines() if line.strip()]


def main():
    args = json.loads(base64.b64decode(sys.argv[1]).decode("utf-8"))
    report = {"checked": [], "ours": [], "conflicts": []}
    for container, bind, port in published(args["plan"], args["host"]):
        report["checked"].append(port)
        free, why = bindable(bind, port)
        if free:
            continue
        owners = holders(port)
        if container in owners:
            report["ours"].append(port)
            continue
        held = ("published by container %s" % ", ".join(owners)) if owners else "held by another process (%s)" % why
        report["conflicts"].append({"port": port, "bind": bind, "container": container, "held": held})
    print(json.dumps(report))


if __name__ == "__main__":
    main()
