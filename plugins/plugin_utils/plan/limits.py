# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The limits phase: each container's memory limit (and the JVM heaps and RocksDB caps split from it), the log
settings, and the servers' collector and JVM flags."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._limits import (
    container_memory, kafka_memory, log_options, server_memory)
from ansible_collections.littlehorse.cluster.plugins.module_utils._server_config import check_gc, check_java_opts
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.settings import PlanError


def host_limit(host, compute, *settings):
    """compute(*values of settings on host), its LHClusterError named after the host."""
    try:
        return compute(*settings)
    except LHClusterError as err:
        raise PlanError("host %s: %s" % (host, err.message))


def limits_plan(inv, first, plan):
    """Bounded memory and logs (plugins/module_utils/_limits.py), as new data: {log, servers, nodes, dashboard,
    load_balancer, monitoring}. log: the log settings of every container ({max_size, max_files}, cluster.log); servers and nodes:
    {container: {memory (bytes: the preflight adds them up per host), options (the module options of the memory
    limit, the heap and the servers' RocksDB caps, split from the limit unless given)}}; dashboard, load_balancer and
    monitoring: {memory, memory_text} or None. Each from the role variables of the container's host."""
    max_size, max_files = inv.raw(first, "littlehorse_log_max_size"), inv.raw(first, "littlehorse_log_max_files")
    log = host_limit(first, log_options, max_size, max_files, ("littlehorse_log_max_size", "littlehorse_log_max_files"))
    limits = {"log": {"max_size": log["max-size"], "max_files": int(log["max-file"])}, "servers": {}, "nodes": {}}
    for server in plan["servers"]:
        host = server["host"]
        split = host_limit(host, server_memory, *(inv.raw(host, name) for name in (
            "server_memory", "server_heap", "server_rocksdb_block_cache", "server_rocksdb_memtable")))
        limits["servers"][server["container"]] = {"memory": split["memory"], "options": {
            "memory": split["memory_text"], "heap": split["heap_text"], "rocksdb_block_cache": split["block_cache_text"],
            "rocksdb_memtable": split["memtable_text"]}}
    for node in plan["kafka"]["nodes"]:
        split = host_limit(node["host"], kafka_memory, inv.raw(node["host"], "kafka_memory"),
                           inv.raw(node["host"], "kafka_heap"))
        limits["nodes"][node["container"]] = {"memory": split["memory"], "options": {
            "memory": split["memory_text"], "heap": split["heap_text"]}}
    for role in ("dashboard", "load_balancer", "monitoring"):
        entry = plan.get(role)
        limits[role] = None
        if entry:
            limit = host_limit(entry["host"], container_memory, role, inv.raw(entry["host"], role + "_memory"))
            limits[role] = {"memory": limit["memory"], "memory_text": limit["memory_text"]}
    return limits


def jvm_plan(inv, servers):
    """Each server's collector (server_gc) and more JVM flags (server_java_opts, added to the image's defaults)
    from the role variables of its host, as its module options: {container: {gc, java_opts}}; a collector flag in
    server_java_opts is refused: the image's start script already selects ZGC, and the JVM refuses two collectors."""
    names = {"gc": "server_gc", "java_opts": "server_java_opts"}
    options = {}
    for server in servers:
        host = server["host"]
        gc, java_opts = str(inv.raw(host, "server_gc") or "zgc"), str(inv.raw(host, "server_java_opts") or "")
        host_limit(host, check_gc, gc, names)
        host_limit(host, check_java_opts, java_opts, names)
        options[server["container"]] = {"gc": gc, "java_opts": java_opts or None}
    return options
