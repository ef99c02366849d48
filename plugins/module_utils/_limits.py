# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bounded memory and bounded logs: the sizes, the split of a container's memory limit, the floors and the log
settings, one place for the plan (plugins/filter/plan.py) and the container modules alike.

The split of a LittleHorse server's limit (server_memory), and why:
- heap (-Xms = -Xmx): 1/2. The JVM's own objects: requests, the Kafka clients' buffers, Streams' record caches.
- RocksDB block cache (LHS_ROCKSDB_TOTAL_BLOCK_CACHE_BYTES): 1/4. One LRU cache shared by every state store,
  with a strict capacity; the index and filter blocks are cached in it too (LHServerConfig / RocksConfigSetter, 1.2.1).
- RocksDB memtables (LHS_ROCKSDB_TOTAL_MEMTABLE_BYTES): 1/8, half of the block cache. The server's
  WriteBufferManager charges the memtables to the block cache, so they are part of it, not on top of it: RocksDB as
  a whole stays within the block cache.
- the rest, 1/4: what the JVM needs beside its heap (metaspace, code cache, thread stacks, GC structures, direct
  buffers of gRPC and Kafka) and RocksDB outside its cache (iterators, compaction, table readers).
The Kafka node's limit (kafka_memory): heap 1/2; the rest is the JVM beside its heap and the page cache the
broker reads its log segments through (the engine counts it against the limit but reclaims it first).
Unset, the limit itself is 2 x an explicit heap (an inventory that only sets server_heap / kafka_heap keeps its
heap), else the default below.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError

MIB = 1024 * 1024
SIZE = re.compile(r"^\s*([0-9]+)\s*([kKmMgG])\s*$")
UNITS = {"k": 1024, "m": MIB, "g": 1024 * MIB}

# role: (variable of its limit, default, floor - below it the process does not start or serves nothing).
# The defaults fit the local layout (3 servers, 1 Kafka node, the dashboard: 3.25 GiB of limits) on a 4 GiB machine.
MEMORY = {
    "server": ("server_memory", "768m", 256 * MIB),
    "kafka": ("kafka_memory", "768m", 256 * MIB),
    "dashboard": ("dashboard_memory", "256m", 64 * MIB),
    "load_balancer": ("load_balancer_memory", "128m", 16 * MIB),
    "monitoring": ("monitoring_memory", "256m", 64 * MIB),
}
HEAP_SHARE = 2           # heap = limit / 2
BLOCK_CACHE_SHARE = 4    # RocksDB block cache = limit / 4 (memtables included)
MEMTABLE_SHARE = 8       # RocksDB memtables = limit / 8

# Docker's json-file driver with a size and a count of files per container: one cluster-wide pair.
LOG_DRIVER = "json-file"
LOG_DEFAULTS = {"littlehorse_log_max_size": "50m", "littlehorse_log_max_files": 5}


def size_bytes(value, setting):
    """'768m' -> bytes; a JVM and Docker size: a whole number with k, m or g. Anything else names the setting."""
    match = SIZE.match(str(value)) if value is not None and not isinstance(value, bool) else None
    if not match or int(match.group(1)) == 0:
        raise LHClusterError("%s: %r is not a size; give a whole number with k, m or g, such as 768m or 2g"
                             % (setting, value))
    return int(match.group(1)) * UNITS[match.group(2).lower()]


def mib_text(size):
    """bytes -> '384m' (whole MiB, rounded down): how derived sizes are written."""
    return "%dm" % (size // MIB)


def shown(size):
    """bytes -> '768 MiB' for messages."""
    return "%d MiB" % (size // MIB) if size >= MIB else "%d bytes" % size


def check_floor(role, memory, setting=None):
    setting = setting or MEMORY[role][0]
    floor = MEMORY[role][2]
    if memory < floor:
        raise LHClusterError("%s: %s is below %s, the least a %s container needs to start and serve; raise it to %s "
                             "or more" % (setting, shown(memory), shown(floor), role.replace("_", " "), mib_text(floor)))


def _limit(role, memory, heap, heap_setting):
    """The limit in bytes: given, else twice an explicit heap, else the role's default."""
    setting, default, dummy = MEMORY[role]
    if memory not in (None, ""):
        return size_bytes(memory, setting)
    if heap not in (None, ""):
        return HEAP_SHARE * size_bytes(heap, heap_setting)
    return size_bytes(default, setting)


def _check_heap(memory, heap, memory_setting, heap_setting):
    if heap >= memory:
        raise LHClusterError("%s: %s is not below %s (%s), and the JVM needs memory beside its heap; lower %s or "
                             "leave it unset (then it is half of %s), or raise %s"
                             % (heap_setting, shown(heap), memory_setting, shown(memory), heap_setting,
                                memory_setting, memory_setting))


def server_memory(memory=None, heap=None, block_cache=None, memtable=None, names=None):
    """The server's limit, heap and RocksDB caps, each as given or derived by the split (module docstring):
    {memory, heap, block_cache, memtable} in bytes and {..._text} as rendered. `names` maps each key to the setting
    that gives it (for the messages: the role's variables, or the module's options)."""
    names = dict({"memory": "server_memory", "heap": "server_heap", "block_cache": "server_rocksdb_block_cache",
                  "memtable": "server_rocksdb_memtable"}, **(names or {}))
    limit = _limit("server", memory, heap, names["heap"])
    check_floor("server", limit, names["memory"])
    derived = {"heap": limit // HEAP_SHARE, "block_cache": limit // BLOCK_CACHE_SHARE,
               "memtable": limit // MEMTABLE_SHARE}
    given = {"heap": heap, "block_cache": block_cache, "memtable": memtable}
    sizes = {"memory": limit}
    texts = {"memory": memory if memory not in (None, "") else mib_text(limit)}
    for key in ("heap", "block_cache", "memtable"):
        if given[key] in (None, ""):
            sizes[key] = (derived[key] // MIB) * MIB
            texts[key] = mib_text(derived[key])
        else:
            sizes[key] = size_bytes(given[key], names[key])
            texts[key] = str(given[key]).strip()
    _check_heap(limit, sizes["heap"], names["memory"], names["heap"])
    if sizes["memtable"] > sizes["block_cache"]:
        raise LHClusterError("%s: %s is more than %s (%s); the server charges its memtables to the block cache, so "
                             "they must fit in it: lower %s or raise %s"
                             % (names["memtable"], shown(sizes["memtable"]), names["block_cache"],
                                shown(sizes["block_cache"]), names["memtable"], names["block_cache"]))
    if sizes["heap"] + sizes["block_cache"] >= limit:
        raise LHClusterError("%s (%s) and %s (%s, the memtables included) add up to %s, which leaves nothing of %s "
                             "(%s) for the JVM beside its heap; lower them or raise %s"
                             % (names["heap"], shown(sizes["heap"]), names["block_cache"], shown(sizes["block_cache"]),
                                shown(sizes["heap"] + sizes["block_cache"]), names["memory"], shown(limit),
                                names["memory"]))
    return dict(sizes, **dict((key + "_text", value) for key, value in texts.items()))


def kafka_memory(memory=None, heap=None, names=None):
    """The Kafka node's limit and heap: {memory, heap, memory_text, heap_text}."""
    names = dict({"memory": "kafka_memory", "heap": "kafka_heap"}, **(names or {}))
    limit = _limit("kafka", memory, heap, names["heap"])
    check_floor("kafka", limit, names["memory"])
    if heap in (None, ""):
        size, text = (limit // HEAP_SHARE // MIB) * MIB, mib_text(limit // HEAP_SHARE)
    else:
        size, text = size_bytes(heap, names["heap"]), str(heap).strip()
    _check_heap(limit, size, names["memory"], names["heap"])
    return {"memory": limit, "heap": size, "heap_text": text,
            "memory_text": memory if memory not in (None, "") else mib_text(limit)}


def container_memory(role, memory=None, setting=None):
    """A limit without a heap (the dashboard, the load balancer): {memory, memory_text}."""
    setting = setting or MEMORY[role][0]
    text = memory if memory not in (None, "") else MEMORY[role][1]
    limit = size_bytes(text, setting)
    check_floor(role, limit, setting)
    return {"memory": limit, "memory_text": text}


def log_options(max_size, max_files, names=("log_max_size", "log_max_files")):
    """The json-file driver's options {max-size, max-file} as Docker keeps them (strings), validated."""
    size_bytes(max_size, names[0])
    files = max_files
    if isinstance(files, bool) or not re.match(r"^\s*[0-9]+\s*$", str(files)) or int(files) < 1:
        raise LHClusterError("%s: %r is not a number of files; give a whole number of 1 or more, such as 5"
                             % (names[1], max_files))
    return {"max-size": str(max_size).strip().lower(), "max-file": str(int(files))}


def memory_budget_problem(host, limits, engine_memory):
    """The message when the memory limits planned on a host add up to more than its engine has, else None.
    limits: {container: bytes}; engine_memory: docker info's MemTotal (bytes), None when the engine did not say."""
    limits = dict((name, size) for name, size in (limits or {}).items() if size)
    total = sum(limits.values())
    if not engine_memory or total <= engine_memory:
        return None
    listed = ", ".join("%s %s" % (name, shown(size)) for name, size in sorted(limits.items()))
    return ("host %s: the memory limits of the containers planned here (%s) add up to %s, more than the %s its Docker "
            "engine has (docker info: MemTotal); lower server_memory, kafka_memory, dashboard_memory or "
            "load_balancer_memory for this host (they are each container's limit), or move containers to another host"
            % (host, listed, shown(total), shown(engine_memory)))
