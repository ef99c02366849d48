# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drift between the compose yardstick and what the collection's modules deploy, per role.

    python3 bench/envdiff.py COMPOSE_INSPECT.json ANSIBLE_INSPECT.json

Each file is `docker inspect` of one deployment's containers. Containers are grouped by role
(kafka, server: from the name), paired within a role in order of their node / instance id, and
their environments compared after every container name of the deployment is replaced by a
placeholder (<kafka-1>, <server-2>, ...), so that names alone do not count as drift. Values that
are per instance by nature (instance id, advertised addresses) are left out. A few container
settings that change how the JVMs run and stop are compared too. Prints each difference, or that
there is none; exits 0 either way (the benchmark asserts nothing).
"""
import json
import re
import sys

PER_INSTANCE = ("LHS_INSTANCE_ID", "LHS_ADVERTISED_LISTENERS", "LHS_INTERNAL_ADVERTISED_HOST",
                "KAFKA_ADVERTISED_LISTENERS", "HOSTNAME")
ID_KEYS = {"kafka": "KAFKA_NODE_ID", "server": "LHS_INSTANCE_ID"}


def role(name):
    if re.search(r"-kafka(-|$)", name):
        return "kafka"
    if re.search(r"-server(-|$)", name):
        return "server"
    return None


def load(path):
    with open(path) as handle:
        containers = json.load(handle)
    by_role = {}
    for c in containers:
        name = c["Name"].lstrip("/")
        r = role(name)
        if r is None:
            continue
        env = dict(item.split("=", 1) for item in c["Config"]["Env"] or [])
        settings = {
            "Image": c["Config"]["Image"],
            "Cmd": c["Config"].get("Cmd"),
            "Entrypoint": c["Config"].get("Entrypoint"),
            "StopTimeout": c["Config"].get("StopTimeout"),
            "StopSignal": c["Config"].get("StopSignal"),
            "RestartPolicy": (c["HostConfig"].get("RestartPolicy") or {}).get("Name"),
            "Memory limit": c["HostConfig"].get("Memory"),
            "Mounts": sorted("%s:%s" % (m.get("Type"), m.get("Destination")) for m in c.get("Mounts") or []),
            "Published ports": len(c["HostConfig"].get("PortBindings") or {}),
        }
        by_role.setdefault(r, []).append((name, env, settings))
    for items in by_role.values():
        items.sort(key=lambda item: (int(item[1].get(ID_KEYS[role(item[0])], "0") or 0), item[0]))
    # placeholder per container name, longest first so lhbench-server-1 does not eat lhbench-server-10
    names = {}
    for r, items in by_role.items():
        for index, (name, _env, _settings) in enumerate(items):
            names[name] = "<%s-%d>" % (r, index + 1)
    return by_role, names


def normalise(value, names):
    for name in sorted(names, key=len, reverse=True):
        value = value.replace(name, names[name])
    return value


def main(compose_path, ansible_path):
    compose, compose_names = load(compose_path)
    ansible, ansible_names = load(ansible_path)
    differences = 0
    for r in sorted(set(compose) | set(ansible)):
        left, right = compose.get(r, []), ansible.get(r, [])
        if len(left) != len(right):
            print("    %s: %d container(s) in compose, %d from ansible" % (r, len(left), len(right)))
            differences += 1
        for (cname, cenv, cset), (aname, aenv, aset) in zip(left, right):
            where = "%s: compose %s vs ansible %s" % (r, cname, aname)
            for key in sorted(set(cenv) | set(aenv)):
                if key in PER_INSTANCE:
                    continue
                if key not in aenv:
                    print("    %s: %s only in compose (%s)" % (where, key, cenv[key]))
                elif key not in cenv:
                    print("    %s: %s only from ansible (%s)" % (where, key, aenv[key]))
                elif normalise(cenv[key], compose_names) != normalise(aenv[key], ansible_names):
                    print("    %s: %s compose '%s', ansible '%s'" % (where, key, cenv[key], aenv[key]))
                else:
                    continue
                differences += 1
            for key in cset:
                if cset[key] != aset[key]:
                    print("    %s: %s compose %s, ansible %s" % (where, key, cset[key], aset[key]))
                    differences += 1
    if differences:
        print("    %d difference(s) (per-instance values left out: %s)" % (differences, ", ".join(PER_INSTANCE)))
    else:
        counts = ", ".join("%d %s" % (len(ansible[r]), r) for r in sorted(ansible))
        print("    no difference in environment or container settings (%s; per-instance values left out: %s)"
              % (counts, ", ".join(PER_INSTANCE)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
