# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read the LittleHorse health service (/liveness, /readiness, /status) of servers.

A reading is about the server it was meant for only when the health port answered as that server:
/status carries the answering server's instanceId. An address that reaches another server (loopback
on the wrong host, two servers' ports crossed) must never pass for it: such a reading is an identity
problem, names both servers, and counts as neither ready nor caught up."""

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


def answered_as(status):
    """The instanceId the health port's /status answered with, as a string; None without one."""
    if isinstance(status, dict) and status.get("instanceId") not in (None, ""):
        return str(status["instanceId"])
    return None


def identity_problem(reading, instance_id, names_by_id=None):
    """None when the health port answered as the server it was meant for - or when nothing says who answered (no
    /status, or a release whose /status has no instanceId), or no instance id is expected; else one sentence naming
    the server meant (reading["name"], instance_id) and the one that answered (names_by_id: instance id -> name)."""
    found = answered_as(reading.get("status"))
    if instance_id is None or found is None or found == str(instance_id):
        return None
    other = (names_by_id or {}).get(found)
    return ("%s (instance %s): its health port %s:%s answered as instance %s%s, another server: that address does not "
            "reach %s from where this check runs" % (
                reading["name"], instance_id, reading.get("host"), reading.get("health_port"), found,
                " (%s)" % other if other else "", reading["name"]))


def read_servers(servers, health=server_health):
    """One reading per server of `servers` ({name, host, health_port, instance_id}), in order: health(host, port)
    with the name, the instance id the port answered as, its identity problem (identity_problem) and caught_up."""
    names_by_id = dict((str(s["instance_id"]), s.get("name")) for s in servers
                       if s.get("instance_id") is not None and s.get("name"))
    readings = []
    for server in servers:
        reading = health(server["host"], server["health_port"])
        reading["name"] = server.get("name") or "%s:%d" % (server["host"], server["health_port"])
        reading["instance_id"] = server.get("instance_id")
        reading["answered_as"] = answered_as(reading["status"])
        reading["identity_problem"] = identity_problem(reading, server.get("instance_id"), names_by_id)
        reading["caught_up"] = caught_up(reading)
        readings.append(reading)
    return readings


def is_ready(reading):
    """Its /readiness answered 200 - and the answer came from that server."""
    return bool(reading["ready"]) and not reading.get("identity_problem")


def caught_up(reading):
    """Ready, core RUNNING and no state restorations in progress: the server serves its share fully (and the
    answer came from that server)."""
    return is_ready(reading) and (reading["status"] or {}).get("coreState") == "RUNNING" \
        and not reading["restorations"]


def describe(reading):
    """How far one server got, for messages: which server (its instance id) and where it was read - on several
    hosts a name alone does not say which host's address the check dialled."""
    if reading.get("identity_problem"):
        return reading["identity_problem"]
    who = reading["name"]
    if reading.get("instance_id") is not None:
        who += " (instance %s)" % reading["instance_id"]
    if reading.get("host"):
        who += " at %s:%s" % (reading["host"], reading.get("health_port"))
    if reading.get("reachable") is False:
        return "%s: its health port did not answer" % who
    return "%s (readiness %s, core %s, %s restorations)" % (
        who, reading["readiness"], (reading["status"] or {}).get("coreState", "?"), reading["restorations"])


# What the Kafka client in a server logs while no broker of its bootstrap list answers (it retries for ever)
KAFKA_UNREACHABLE = ("could not be established", "Broker may not be available", "UnknownHostException",
                     "No resolvable bootstrap urls")


def kafka_unreachable(logs):
    """The last line of a server's log that says its Kafka client reaches no broker; None when none does."""
    found = [line.strip() for line in (logs or "").splitlines() if any(text in line for text in KAFKA_UNREACHABLE)]
    return found[-1] if found else None


def stuck_report(waiting, logs, status_chars=1500, bootstraps=None):
    """Each server short of the gate: how far it got, its /status, and its last log lines when logs
    ({name: text}) has them (the containers on the engine the module reached). With bootstraps ({name: the bootstrap
    servers the container was given}), a server whose log says it reaches no broker is reported as such."""
    parts = []
    for reading in waiting:
        status = json.dumps(reading["status"], sort_keys=True) if reading["status"] is not None else "no answer"
        if len(status) > status_chars:
            status = status[:status_chars] + " ..."
        part = "%s; /status: %s" % (describe(reading), status)
        unreachable = kafka_unreachable(logs.get(reading["name"]))
        if unreachable and (bootstraps or {}).get(reading["name"]):
            part += "; it cannot reach Kafka at %s, the bootstrap servers it was given (check that Kafka runs and that " \
                "this host reaches that address), and logs: %s" % (bootstraps[reading["name"]], unreachable)
        if reading["name"] in logs:
            part += "; last log lines:\n%s" % logs[reading["name"]].rstrip()
        parts.append(part)
    return "\n".join(parts)


def failure_message(waiting, logs, timeout, caught_up_wanted, gate_for=None, bootstraps=None):
    """Why the wait failed, server by server (stuck_report). Servers whose health port answered as another server
    stop the wait at once (waiting cannot change where an address leads), and the message says so."""
    crossed = [r for r in waiting if r.get("identity_problem")]
    if crossed:
        return ("the health port of %s answered as another server, so %s state is unknown; the run stops here and the "
                "other servers are left as they are. Check the servers' health ports and the addresses the plan "
                "probes them at (littlehorse_bind_address, littlehorse_cluster_address):\n%s" % (
                    ", ".join(r["name"] for r in crossed), "its" if len(crossed) == 1 else "their",
                    stuck_report(waiting, logs, bootstraps=bootstraps)))
    return "servers not %s after %ss%s; the run stops here and the other servers are left as they are:\n%s" % (
        "caught up (ready, core RUNNING, no restorations)" if caught_up_wanted else "ready", timeout,
        " (before %s goes down)" % gate_for if gate_for else "", stuck_report(waiting, logs, bootstraps=bootstraps))


def wait_servers(read, ready=True, no_restorations=False, timeout=300, gate_for=None, stable_for=0,
                 sleep=time.sleep, clock=time.time):
    """Poll read() (-> readings with a name each) until the servers are ready (no_restorations: caught up).

    gate_for: the rolling gate for taking that server down. When it is not caught up itself it
    serves nothing that could be lost: the gate opens at once. Otherwise every other server must
    be caught up. stable_for: seconds the servers must stay there, polled every second - right
    after a server left or joined, the others report RUNNING until their next heartbeat tells them
    of the rebalance. Returns (readings, gate_opened_at_once, waiting) - waiting names the servers
    still short of it when the time ran out (empty when they got there), or at once those whose health
    port answered as another server (identity_problem): a gate never opens on a reading of the wrong
    server, and waiting cannot make an address reach another one."""
    deadline = clock() + timeout
    good = caught_up if no_restorations or gate_for else is_ready
    since = None
    while True:
        readings = read()
        crossed = [r for r in readings if r.get("identity_problem")]
        if ready and crossed:  # an address that reaches another server: no wait changes that
            return readings, False, crossed
        target = [r for r in readings if gate_for and r["name"] == gate_for]
        if target and not caught_up(target[0]) and not target[0].get("identity_problem"):
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
