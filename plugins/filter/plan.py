# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster plan: which instances run on which host, with ids, ports and advertised hosts.

One pure function of the inventory. Ids are stable: a host's ids come from the host (a pinned
base, or one derived from its name), never from its position, so adding a host renumbers
nothing that exists. The plan is validated as a whole; errors name the host, the setting
and the fix.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import zlib

from ansible.module_utils.six.moves.collections_abc import Mapping

from ansible.errors import AnsibleFilterError

KAFKA_GROUP = "kafka"
SERVER_GROUP = "littlehorse_servers"
DASHBOARD_GROUP = "littlehorse_dashboard"
RESERVED_PORTS = {2024: "held by a system process on every address of our machines' main network namespace"}
KRAFT_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")

CLUSTER_DEFAULTS = {
    "littlehorse_prefix": "lh",
    "littlehorse_cluster_id": "lh",
    "littlehorse_kafka_cluster_id": "TGl0dGxlSG9yc2VLYWZrYQ",
    "littlehorse_partitions": 12,
    "littlehorse_replication_factor": 1,
    "littlehorse_standby_replicas": 1,
    "littlehorse_listener_name": "PLAIN",
    "littlehorse_single_engine": False,
    "littlehorse_reserved_ports": [2024],
}
HOST_DEFAULTS = {
    "littlehorse_server_count": 1,
    "littlehorse_server_id_base": None,
    "littlehorse_public_port_base": 2023,
    "littlehorse_internal_port_base": 2011,
    "littlehorse_health_port_base": 1822,
    "littlehorse_port_step": 10,
    "littlehorse_server_ports": None,
    "littlehorse_kafka_node_id": None,
    "littlehorse_kafka_port": 9092,
    "littlehorse_kafka_controller_port": 9093,
    "littlehorse_dashboard_port": 8080,
    "littlehorse_bind_address": "",
}


class PlanError(AnsibleFilterError):
    pass


def _setting(hostvars, host, name):
    value = hostvars.get(host, {}).get(name)
    if value is None:
        value = CLUSTER_DEFAULTS.get(name, HOST_DEFAULTS.get(name))
    return value


def _advertised_host(hostvars, host):
    values = hostvars.get(host, {})
    return str(values.get("littlehorse_advertised_host") or values.get("ansible_host") or host)


def _derived_base(host, span, limit):
    return (zlib.crc32(host.encode("utf-8")) % (limit // span - 1) + 1) * span


def _int(hostvars, host, name, low=0, high=65535):
    value = _setting(hostvars, host, name)
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise PlanError("host %s: %s must be a whole number (it is %r)" % (host, name, value))
    if not low <= value <= high:
        raise PlanError("host %s: %s = %d is outside %d-%d" % (host, name, value, low, high))
    return value


def kafka_plan(groups, hostvars, first):
    hosts = list(groups.get(KAFKA_GROUP) or [])
    external = _setting(hostvars, first, "littlehorse_kafka_bootstrap_servers")
    if not hosts:
        if not external:
            raise PlanError("inventory: no host in group '%s' and no littlehorse_kafka_bootstrap_servers; add a host "
                            "to '%s' or point at an existing Kafka" % (KAFKA_GROUP, KAFKA_GROUP))
        return {"external": True, "bootstrap": external, "nodes": []}
    prefix = _setting(hostvars, first, "littlehorse_prefix")
    single = bool(_setting(hostvars, first, "littlehorse_single_engine"))
    cluster_id = _setting(hostvars, first, "littlehorse_kafka_cluster_id")
    if not KRAFT_ID.match(str(cluster_id)):
        raise PlanError("littlehorse_kafka_cluster_id: '%s' is not a KRaft cluster id (22 characters of base64url, "
                        "as 'kafka-storage.sh random-uuid' prints)" % cluster_id)
    nodes = []
    for host in hosts:
        pinned = _setting(hostvars, host, "littlehorse_kafka_node_id")
        node_id = _int(hostvars, host, "littlehorse_kafka_node_id", 0, 32767) if pinned is not None \
            else _derived_base(host, 1, 1000)
        container = "%s-kafka-%d" % (prefix, node_id)
        port = _int(hostvars, host, "littlehorse_kafka_port", 1)
        controller_port = _int(hostvars, host, "littlehorse_kafka_controller_port", 1)
        reach = container if single else _advertised_host(hostvars, host)
        nodes.append({
            "host": host, "node_id": node_id, "container": container, "volume": container + "-data",
            "port": port, "controller_port": controller_port, "advertised_host": reach,
            "published_ports": [] if single else [
                "%s:%d:%d" % (_setting(hostvars, host, "littlehorse_bind_address") or "0.0.0.0", port, port),
                "%s:%d:%d" % (_setting(hostvars, host, "littlehorse_bind_address") or "0.0.0.0", controller_port,
                              controller_port)],
        })
    voters = [{"node_id": n["node_id"], "host": n["advertised_host"], "port": n["controller_port"]} for n in nodes]
    for node in nodes:
        node["voters"] = voters
    _unique([n["node_id"] for n in nodes], "littlehorse_kafka_node_id", [n["host"] for n in nodes])
    return {"external": False, "cluster_id": cluster_id, "nodes": nodes,
            "bootstrap": ",".join("%s:%d" % (n["advertised_host"], n["port"]) for n in nodes)}


def server_plan(groups, hostvars, first):
    hosts = list(groups.get(SERVER_GROUP) or [])
    if not hosts:
        raise PlanError("inventory: group '%s' has no host; add the hosts that run LittleHorse servers" % SERVER_GROUP)
    prefix = _setting(hostvars, first, "littlehorse_prefix")
    single = bool(_setting(hostvars, first, "littlehorse_single_engine"))
    listener = _setting(hostvars, first, "littlehorse_listener_name")
    servers = []
    for host in hosts:
        count = _int(hostvars, host, "littlehorse_server_count", 1, 99)
        pinned_base = _setting(hostvars, host, "littlehorse_server_id_base")
        base = _int(hostvars, host, "littlehorse_server_id_base", 0, 32667) if pinned_base is not None \
            else _derived_base(host, 100, 32700)
        step = _int(hostvars, host, "littlehorse_port_step", 1, 1000)
        pinned_ports = _setting(hostvars, host, "littlehorse_server_ports")
        if pinned_ports is not None and len(pinned_ports) != count:
            raise PlanError("host %s: littlehorse_server_ports lists %d entries but littlehorse_server_count is %d; "
                            "give one {public, internal, health} entry per server" % (host, len(pinned_ports), count))
        advertised = _advertised_host(hostvars, host)
        bind = _setting(hostvars, host, "littlehorse_bind_address") or "0.0.0.0"
        for index in range(count):
            ports = {
                "public": _int(hostvars, host, "littlehorse_public_port_base", 1) + index * step,
                "internal": _int(hostvars, host, "littlehorse_internal_port_base", 1) + index * step,
                "health": _int(hostvars, host, "littlehorse_health_port_base", 1) + index * step,
            }
            if pinned_ports is not None:
                ports.update(dict((k, int(v)) for k, v in pinned_ports[index].items()))
            instance_id = base + index + 1
            container = "%s-server-%d" % (prefix, instance_id)
            servers.append({
                "host": host, "instance_id": instance_id, "container": container, "volume": container + "-data",
                "listeners": [{"name": listener, "port": ports["public"], "advertised_host": advertised,
                               "advertised_port": ports["public"]}],
                "internal": {"port": ports["internal"], "advertised_host": container if single else advertised,
                             "advertised_port": ports["internal"]},
                "health_port": ports["health"],
                "published_ports": ["%s:%d:%d" % (bind, p, p) for p in (ports["public"], ports["health"])]
                + ([] if single else ["%s:%d:%d" % (bind, ports["internal"], ports["internal"])]),
            })
    _unique([s["instance_id"] for s in servers], "littlehorse_server_id_base", [s["host"] for s in servers])
    return servers


def dashboard_plan(groups, hostvars, servers, first):
    hosts = list(groups.get(DASHBOARD_GROUP) or [])
    if not hosts:
        return None
    if len(hosts) > 1:
        raise PlanError("inventory: group '%s' has %d hosts (%s); the dashboard runs on one host"
                        % (DASHBOARD_GROUP, len(hosts), ", ".join(hosts)))
    host = hosts[0]
    single = bool(_setting(hostvars, first, "littlehorse_single_engine"))
    target = next((s for s in servers if s["host"] == host), servers[0])
    return {"host": host, "container": "%s-dashboard" % _setting(hostvars, first, "littlehorse_prefix"),
            "port": _int(hostvars, host, "littlehorse_dashboard_port", 1),
            "bind": _setting(hostvars, host, "littlehorse_bind_address") or "0.0.0.0",
            "api_host": target["container"] if single else target["listeners"][0]["advertised_host"],
            "api_port": target["listeners"][0]["port"]}


def check_ports(plan, hostvars, first):
    reserved = set(int(p) for p in _setting(hostvars, first, "littlehorse_reserved_ports") or [])
    used = {}
    for server in plan["servers"]:
        for what, port in (("public listener", server["listeners"][0]["port"]), ("internal", server["internal"]["port"]),
                           ("health", server["health_port"])):
            _claim(used, server["host"], port, "%s %s port" % (server["container"], what), reserved)
    for node in plan["kafka"]["nodes"]:
        if node["published_ports"]:
            _claim(used, node["host"], node["port"], node["container"] + " broker port", reserved)
            _claim(used, node["host"], node["controller_port"], node["container"] + " controller port", reserved)
    if plan["dashboard"]:
        _claim(used, plan["dashboard"]["host"], plan["dashboard"]["port"], "dashboard port", reserved)


def _claim(used, host, port, what, reserved):
    if port in reserved:
        raise PlanError("host %s: %s would be %d, which is reserved (%s); choose other port bases, e.g. "
                        "littlehorse_public_port_base, or pin littlehorse_server_ports"
                        % (host, what, port, RESERVED_PORTS.get(port, "littlehorse_reserved_ports")))
    key = (host, port)
    if key in used:
        raise PlanError("host %s: port %d is planned twice (%s and %s); change littlehorse_port_step or the port "
                        "bases of that host" % (host, port, used[key], what))
    used[key] = what


def _unique(ids, setting, hosts):
    seen = {}
    for value, host in zip(ids, hosts):
        if value in seen and seen[value] != host:
            raise PlanError("hosts %s and %s: both get id %d; pin %s on one of them" % (seen[value], host, value, setting))
        seen[value] = host


def cluster_plan(groups, hostvars):
    if not isinstance(groups, Mapping) or not isinstance(hostvars, Mapping):
        raise PlanError("cluster_plan: use it as groups | littlehorse.cluster.cluster_plan(hostvars)")
    servers_group = list(groups.get(SERVER_GROUP) or [])
    first = (servers_group or list(groups.get(KAFKA_GROUP) or []) or [None])[0]
    kafka = kafka_plan(groups, hostvars, first)
    servers = server_plan(groups, hostvars, first)
    standby = _int(hostvars, first, "littlehorse_standby_replicas", 0, 100)
    if standby >= len(servers) and len(servers) > 0 and standby > 0:
        raise PlanError("littlehorse_standby_replicas: %d standby replicas need at least %d servers (there are %d); "
                        "lower it or add servers" % (standby, standby + 1, len(servers)))
    replication = _int(hostvars, first, "littlehorse_replication_factor", 1, 100)
    if not kafka["external"] and replication > len(kafka["nodes"]):
        raise PlanError("littlehorse_replication_factor: %d but only %d Kafka broker(s) in group '%s'; lower it or "
                        "add brokers" % (replication, len(kafka["nodes"]), KAFKA_GROUP))
    plan = {
        "cluster": {"id": _setting(hostvars, first, "littlehorse_cluster_id"),
                    "partitions": _int(hostvars, first, "littlehorse_partitions", 1, 10000),
                    "replication_factor": replication, "standby_replicas": standby,
                    "prefix": _setting(hostvars, first, "littlehorse_prefix"),
                    "network": "%s-net" % _setting(hostvars, first, "littlehorse_prefix"),
                    "single_engine": bool(_setting(hostvars, first, "littlehorse_single_engine"))},
        "kafka": kafka,
        "servers": servers,
    }
    plan["dashboard"] = dashboard_plan(groups, hostvars, servers, first)
    check_ports(plan, hostvars, first)
    first_listener = servers[0]["listeners"][0]
    plan["clients"] = {"bootstrap": "%s:%d" % (first_listener["advertised_host"], first_listener["advertised_port"]),
                       "host": first_listener["advertised_host"], "port": first_listener["advertised_port"]}
    return plan


class FilterModule(object):
    def filters(self):
        return {"cluster_plan": cluster_plan}
