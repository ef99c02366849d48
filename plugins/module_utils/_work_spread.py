# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the work is spread across the servers: each server's Kafka Streams tasks, read from its /status.

The /status of a LittleHorse 1.2 server lists the tasks its topologies run on that server
(ServerHealthState): coreActiveTasks and coreStandbyTasks (the core topology's command processor, one task
per partition of <cluster>-core-cmd), repartitionActiveTasks and repartitionStandbyTasks (the core topology's
repartition processor), timerActiveTasks and timerStandbyTasks (the timer topology, present only when the
server runs one: LHS_X_ENABLE_TIMER_STREAMS; timerState is absent otherwise). Each task is named there by
its partition only, so a task's id here is that partition.

A server holds more than its share when its active core tasks exceed ceil(partitions / servers) + 1."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

# (topology, the /status keys of its active and standby tasks)
TOPOLOGIES = (
    ("core", "coreActiveTasks", "coreStandbyTasks"),
    ("repartition", "repartitionActiveTasks", "repartitionStandbyTasks"),
    ("timer", "timerActiveTasks", "timerStandbyTasks"),
)


def spread_problems(partitions, server_count):
    """The problems of the spread's settings, one sentence each (none: they are fine)."""
    problems = []
    if not isinstance(partitions, int) or isinstance(partitions, bool) or partitions < 1:
        problems.append("partitions must be a whole number of at least 1 (the cluster's littlehorse_partitions), "
                        "got %r" % (partitions,))
    if server_count is not None and (not isinstance(server_count, int) or isinstance(server_count, bool)
                                     or server_count < 1):
        problems.append("server_count must be a whole number of at least 1 (the cluster's servers), got %r"
                        % (server_count,))
    return problems


def fair_share(partitions, server_count):
    """The most active core tasks a server may hold before it holds more than its share:
    ceil(partitions / servers) + 1."""
    return -(-partitions // server_count) + 1


def task_ids(tasks):
    """The partitions of a /status task list, sorted; None when it is not a list (the release does not say)."""
    if not isinstance(tasks, list):
        return None
    ids = []
    for task in tasks:
        if isinstance(task, dict) and isinstance(task.get("partition"), int):
            ids.append(task["partition"])
    return sorted(ids)


def _tasks(ids):
    return {"count": None if ids is None else len(ids), "ids": ids}


def server_tasks(status):
    """{topology: {active: {count, ids}, standby: {count, ids}}} of one /status answer (None: no answer - every count
    and id list is None, nothing is known)."""
    known = isinstance(status, dict)
    return dict((topology, {"active": _tasks(task_ids(status.get(active)) if known else None),
                            "standby": _tasks(task_ids(status.get(standby)) if known else None)})
                for topology, active, standby in TOPOLOGIES)


def _ids_text(tasks):
    if tasks["ids"] is None:
        return "?"
    return "%d%s" % (tasks["count"], " [%s]" % ", ".join(str(i) for i in tasks["ids"]) if tasks["ids"] else "")


def summary(entry):
    """One readable line for one server."""
    who = entry["name"]
    if entry["instance_id"] is not None:
        who += " (instance %s)" % entry["instance_id"]
    if entry["tasks"] is None:
        return "%s: %s; its tasks are unknown" % (who, entry["unknown_because"])
    core, timer = entry["tasks"]["core"], entry["tasks"]["timer"]
    line = "%s: core %s, active %s, standby %s" % (
        who, entry["core_state"] or "?", _ids_text(core["active"]), _ids_text(core["standby"]))
    if entry["timer_state"] is None and not timer["active"]["count"] and not timer["standby"]["count"]:
        line += "; timer topology not running"
    else:
        line += "; timer %s, active %s, standby %s" % (
            entry["timer_state"] or "?", _ids_text(timer["active"]), _ids_text(timer["standby"]))
    if entry["over_share"]:
        line += "; MORE THAN ITS SHARE (%d)" % entry["share"]
    return line


def work_spread(readings, partitions, server_count=None):
    """The spread of the work across the servers of `readings` (each {name, status, and optionally identity_problem,
    instance_id}, as _health.read_servers returns them; status None when the server did not answer).

    partitions: the cluster's partition count; server_count: how many servers the cluster has (default: the
    readings'). A reading whose health port answered as another server (identity_problem) is not that server's:
    its tasks are unknown. Returns {partitions, server_count, share, over_share (the names of the servers holding
    more than their share), warnings (one sentence each), servers (per reading, in order: name, instance_id, reachable,
    core_state, timer_state, tasks, over_share, share, summary)}."""
    server_count = len(readings) if server_count is None else server_count
    share = fair_share(partitions, server_count)
    servers, warnings = [], []
    for reading in readings:
        status = reading.get("status")
        unknown_because = None
        if reading.get("identity_problem"):
            status, unknown_because = None, "its health port answered as another server"
        elif not isinstance(status, dict):
            status, unknown_because = None, "no /status answer"
        elif not isinstance(status.get("coreActiveTasks"), list):
            unknown_because = "its /status lists no tasks (coreActiveTasks)"
        entry = {
            "name": reading["name"],
            "instance_id": status.get("instanceId") if status else reading.get("instance_id"),
            "reachable": status is not None,
            "core_state": status.get("coreState") if status else None,
            "timer_state": status.get("timerState") if status else None,
            "tasks": None if unknown_because else server_tasks(status),
            "unknown_because": unknown_because,
            "share": share,
        }
        active = entry["tasks"]["core"]["active"]["count"] if entry["tasks"] else None
        entry["over_share"] = active is not None and active > share
        if entry["over_share"]:
            warnings.append("%s holds %s active core tasks, more than its share: ceil(%s partitions / %s servers) + 1 "
                            "= %s" % (entry["name"], active, partitions, server_count, share))
        entry["summary"] = summary(entry)
        servers.append(entry)
    return {"partitions": partitions, "server_count": server_count, "share": share,
            "over_share": [s["name"] for s in servers if s["over_share"]], "warnings": warnings, "servers": servers}
