"""One look at this host before anything changes: does its Docker engine answer, which of the
containers the plan puts here exist already, and are the ports the plan publishes here free (or
held by the very container the plan puts there, as on a re-run)?
Argument: base64 of JSON {"host": ..., "plan": ...}. Prints one JSON object:
{"engine": {"version": ..., "error": ...}, "existing": [...], "checked": [...], "ours": [...], "conflicts": [...]};
exits 0 either way.
"""
import base64
import json
import socket
import subprocess
import sys


def planned_here(plan, host):
    """The plan's entries (servers, Kafka nodes, dashboard, load balancer) on this host."""
    entries = [s for s in plan["servers"] if s["host"] == host]
    entries += [n for n in plan["kafka"].get("nodes") or [] if n["host"] == host]
    for single in ("dashboard", "load_balancer"):
        if plan.get(single) and plan[single]["host"] == host:
            entries.append(plan[single])
    return entries


def published(entries):
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


def docker(*args):
    """(exit code, stdout, stderr) of one docker CLI call; 127 when there is no docker CLI."""
    try:
        out = subprocess.run(["docker"] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        return 127, "", str(err)
    return out.returncode, out.stdout, out.stderr


def lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


def main():
    args = json.loads(base64.b64decode(sys.argv[1]).decode("utf-8"))
    report = {"engine": {"version": "", "error": ""}, "existing": [], "checked": [], "ours": [], "conflicts": []}
    code, out, err = docker("version", "--format", "{{.Server.Version}}")
    engine_answers = code == 0
    if engine_answers:
        report["engine"]["version"] = out.strip()
    else:
        report["engine"]["error"] = (err.strip() or out.strip() or "docker exited with %d" % code).splitlines()[-1]
    names = set(lines(docker("ps", "-a", "--format", "{{.Names}}")[1])) if engine_answers else set()
    entries = planned_here(args["plan"], args["host"])
    report["existing"] = [entry["container"] for entry in entries if entry["container"] in names]
    for container, bind, port in published(entries):
        report["checked"].append(port)
        free, why = bindable(bind, port)
        if free:
            continue
        owners = lines(docker("ps", "--filter", "publish=%d" % port, "--format", "{{.Names}}")[1]) if engine_answers else []
        if container in owners:
            report["ours"].append(port)
            continue
        held = ("published by container %s" % ", ".join(owners)) if owners else "held by another process (%s)" % why
        report["conflicts"].append({"port": port, "bind": bind, "container": container, "held": held})
    print(json.dumps(report))


if __name__ == "__main__":
    main()
