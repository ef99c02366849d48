# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read the LittleHorse health service (/liveness, /readiness, /status) of servers."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import time

from ansible_collections.littlehorse.cluster.plugins.module_utils._container import http_get


def server_health(host, port, timeout=3):
    base = "http://%s:%d" % (host, port)
    liveness = http_get(base + "/liveness", timeout)[0]
    readiness = http_get(base + "/readiness", timeout)[0]
    status_code, body = http_get(base + "/status", timeout)
    status = None
    if status_code == 200:
        try:
            status = json.loads(body)
        except ValueError:
            status = None
    if readiness == 404:  # releases before 0.15 have no /readiness
        readiness = liveness
    return {
        "host": host, "health_port": port, "reachable": liveness is not None,
        "liveness": liveness, "readiness": readiness, "ready": readiness == 200, "status": status,
        "restorations": _restorations(status),
    }


def _restorations(status):
    if not isinstance(status, dict):
        return None
    count = 0
    for key, value in status.items():
        if "restor" in key.lower() and isinstance(value, list):
            count += len(value)
    return count


def caught_up(reading):
    """Ready, core RUNNING and no state restorations in progress: the server serves its share fully."""
    return bool(reading["ready"]) and (reading["status"] or {}).get("coreState") == "RUNNING" \
        and not reading["restorations"]


def describe(reading):
    """How far one server got, for messages."""
    return "%s (readiness %s, core %s, %s restorations)" % (
        reading["name"], reading["readiness"], (reading["status"] or {}).get("coreState", "?"), reading["restorations"])


def stuck_report(waiting, logs, status_chars=1500):
    """Each server short of the gate: how far it got, its /status, and its last log lines when logs
    ({name: text}) has them (the containers on the engine the module reached)."""
    parts = []
    for reading in waiting:
        status = json.dumps(reading["status"], sort_keys=True) if reading["status"] is not None else "no answer"
        if len(status) > status_chars:
            status = status[:status_chars] + " ..."
        part = "%s; /status: %s" % (describe(reading), status)
        if reading["name"] in logs:
            part += "; last log lines:\n%s" % logs[reading["name"]].rstrip()
        parts.append(part)
    return "\n".join(parts)


def wait_servers(read, ready=True, no_restorations=False, timeout=300, gate_for=None, stable_for=0,
                 sleep=time.sleep, clock=time.time):
    """Poll read() (-> readings with a name each) until the servers are ready (no_restorations: caught up).

    gate_for: the rolling gate for taking that server down. When it is not caught up itself it
    serves nothing that could be lost: the gate opens at once. Otherwise every other server must
    be caught up. stable_for: seconds the servers must stay there, polled every second - right
    after a server left or joined, the others report RUNNING until their next heartbeat tells them
    of the rebalance. Returns (readings, gate_opened_at_once, waiting) - waiting names the servers
    still short of it when the time ran out (empty when they got there)."""
    deadline = clock() + timeout
    good = caught_up if no_restorations or gate_for else (lambda r: bool(r["ready"]))
    since = None
    while True:
        readings = read()
        target = [r for r in readings if gate_for and r["name"] == gate_for]
        if target and not caught_up(target[0]):
            return readings, True, []
        waiting = [r for r in readings if r["name"] != gate_for and not good(r)]
        if not ready:
            return readings, False, []
        if waiting:
            since = None
        else:
            since = clock() if since is None else since
            if clock() - since >= stable_for:
                return readings, False, []
        if clock() >= deadline:
            return readings, False, waiting
        sleep(1)
