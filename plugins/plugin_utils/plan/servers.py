# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The servers phase: every LittleHorse server of every host, with its instance id, listeners, ports, advertised
hosts and probes."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.six.moves.collections_abc import Mapping
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.inventory import check_unique_ids, derived_base
from ansible_collections.littlehorse.cluster.plugins.module_utils._names import LISTENER_NAME, published_port
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.settings import (
    CLUSTER_ID, KAFKA_GROUP, PORT_KEYS, SERVER_GROUP, PlanError)


def instance_ids(inv, host, count):
    pinned = inv.as_list(host, "littlehorse_server_instance_ids")
    if pinned is not None:
        if len(pinned) != count:
            raise PlanError("host %s: littlehorse_server_instance_ids must list one id per server (%d), it is %r"
                            % (host, count, pinned))
        return [inv.int(host, "littlehorse_server_instance_ids", 0, 32767, value=v) for v in pinned]
    if inv.raw(host, "littlehorse_server_id_base") is not None:
        base = inv.int(host, "littlehorse_server_id_base", 0, 32767 - count)
    else:
        base = derived_base(host, 100, 32700)
    return [base + index + 1 for index in range(count)]


def server_count(inv, host):
    if inv.raw(host, "littlehorse_server_count") is not None:
        return inv.int(host, "littlehorse_server_count", 1, 99)
    for name in ("littlehorse_server_instance_ids", "littlehorse_server_ports"):
        pinned = inv.as_list(host, name)
        if pinned:
            return len(pinned)
    return 1


LISTENER_KEYS = ("name", "port", "port_offset", "protocol", "authentication")
LISTENER_PROTOCOLS = ("PLAIN", "TLS", "MTLS")
LISTENER_AUTHENTICATIONS = ("NONE", "MTLS", "OAUTH")


def listener_specs(inv, first):
    """littlehorse_listeners (cluster-wide, the same names on every server, as LittleHorse requires), validated:
    [{name, protocol, authentication, port or port_offset}]. Unset: one PLAIN listener named
    littlehorse_listener_name on the public port."""
    given = inv.as_list(first, "littlehorse_listeners")
    if given is None:
        name = str(inv.raw(first, "littlehorse_listener_name"))
        if not LISTENER_NAME.match(name):
            raise PlanError("littlehorse_listener_name: '%s' may hold only A-Z, 0-9 and '_' (it becomes part of LHS_* "
                            "variable names)" % name)
        return [{"name": name, "protocol": "PLAIN", "authentication": "NONE", "port": None, "port_offset": 0}]
    if not given:
        raise PlanError("host %s: littlehorse_listeners is empty; give at least one listener, e.g. [{name: PLAIN, "
                        "protocol: PLAIN, authentication: NONE}], or remove it for that default" % first)
    specs, names, offsets, ports = [], {}, {}, {}
    for index, entry in enumerate(given):
        where = "host %s: littlehorse_listeners[%d]" % (first, index)
        if not isinstance(entry, Mapping):
            raise PlanError("%s = %r is not a dict; write each listener as {name: ..., protocol: PLAIN|TLS|MTLS, "
                            "authentication: NONE|MTLS|OAUTH, port_offset: ...}" % (where, entry))
        unknown = sorted(str(key) for key in entry if key not in LISTENER_KEYS)
        if unknown:
            raise PlanError("%s has unknown key(s) %s; a listener takes %s"
                            % (where, ", ".join(unknown), ", ".join(LISTENER_KEYS)))
        name = str(entry.get("name") or "")
        if not LISTENER_NAME.match(name):
            raise PlanError("%s: name '%s' must be set and hold only A-Z, 0-9 and '_' (it becomes part of LHS_* "
                            "variable names); fix the name" % (where, name))
        where = "%s (%s)" % (where, name)
        if name in names:
            raise PlanError("%s: the name %s is given twice (littlehorse_listeners[%d] too); give each listener a "
                            "name of its own" % (where, name, names[name]))
        names[name] = index
        protocol = str(entry.get("protocol") or "PLAIN").strip().upper()
        if protocol not in LISTENER_PROTOCOLS:
            raise PlanError("%s: protocol '%s' is not one of %s; set protocol to one of them"
                            % (where, entry.get("protocol"), ", ".join(LISTENER_PROTOCOLS)))
        authentication = str(entry.get("authentication") or "NONE").strip().upper()
        if authentication not in LISTENER_AUTHENTICATIONS:
            raise PlanError("%s: authentication '%s' is not one of %s; set authentication to one of them"
                            % (where, entry.get("authentication"), ", ".join(LISTENER_AUTHENTICATIONS)))
        if authentication == "OAUTH" and protocol == "PLAIN":
            raise PlanError("%s: authentication OAUTH on protocol PLAIN would send every bearer token in clear text; "
                            "set protocol: TLS (or MTLS) on this listener" % where)
        if authentication == "MTLS" and protocol != "MTLS":
            raise PlanError("%s: authentication MTLS needs protocol MTLS (it is %s): only an MTLS listener asks clients "
                            "for a certificate; set protocol: MTLS, or authentication: NONE" % (where, protocol))
        if "port" in entry and "port_offset" in entry:
            raise PlanError("%s: give port or port_offset, not both" % where)
        port = offset = None
        if entry.get("port") is not None:
            port = inv.int(first, "littlehorse_listeners[%d].port" % index, 1, value=entry["port"])
            if port in ports:
                raise PlanError("%s: port %d is given twice (littlehorse_listeners[%d] too); give each listener a "
                                "port of its own" % (where, port, ports[port]))
            ports[port] = index
        else:
            if entry.get("port_offset") is None and index > 0:
                raise PlanError("%s: give its port (that of each host's first server; the next servers add "
                                "littlehorse_port_step) or its port_offset (added to each server's public port, e.g. "
                                "1)" % where)
            offset = inv.int(first, "littlehorse_listeners[%d].port_offset" % index, 0, 1000,
                             value=entry.get("port_offset", 0))
            if offset in offsets:
                raise PlanError("%s: port_offset %d is given twice (littlehorse_listeners[%d] too): both would bind "
                                "one port; give each listener an offset of its own" % (where, offset, offsets[offset]))
            offsets[offset] = index
        specs.append({"name": name, "protocol": protocol, "authentication": authentication, "port": port,
                      "port_offset": offset})
    return specs


def server_plan(inv, first, single, prefix):
    hosts = inv.hosts(SERVER_GROUP)
    if not hosts:
        raise PlanError("inventory: group '%s' has no host; add the hosts that run LittleHorse servers" % SERVER_GROUP)
    specs = listener_specs(inv, first)
    servers = []
    for host in hosts:
        count = server_count(inv, host)
        ids = instance_ids(inv, host, count)
        step = inv.int(host, "littlehorse_port_step", 1, 1000)
        pinned_ports = inv.as_list(host, "littlehorse_server_ports")
        if pinned_ports is not None and (not isinstance(pinned_ports, list) or len(pinned_ports) != count):
            raise PlanError("host %s: littlehorse_server_ports must list one {public, internal, health} entry per "
                            "server (%d servers), it is %r" % (host, count, pinned_ports))
        advertised = inv.advertised_host(host)
        bind = inv.bind(host)
        probe = inv.probe_host(host)
        probe_other = inv.probe_from_others(host, single)
        rack = inv.raw(host, "littlehorse_rack_id")
        for index, instance_id in enumerate(ids):
            ports = {}
            for key in PORT_KEYS:
                name = "littlehorse_%s_port_base" % key
                ports[key] = inv.int(host, name, 1) + index * step
            if pinned_ports is not None:
                entry = pinned_ports[index]
                if not isinstance(entry, Mapping) or set(entry) - set(PORT_KEYS):
                    raise PlanError("host %s: littlehorse_server_ports[%d] = %r; each entry is a dict with keys among "
                                    "public, internal, health" % (host, index, entry))
                for key, value in entry.items():
                    ports[key] = inv.int(host, "littlehorse_server_ports[%d].%s" % (index, key), 1, value=value)
            for key, value in ports.items():
                if value > 65535:
                    raise PlanError("host %s: server %d's %s port would be %d (base + %d x littlehorse_port_step %d), "
                                    "above 65535; lower the port bases or the step"
                                    % (host, index + 1, key, value, index, step))
            container = "%s-server-%d" % (prefix, instance_id)
            listeners = []
            for spec in specs:
                port = ports["public"] + spec["port_offset"] if spec["port"] is None else spec["port"] + index * step
                if port > 65535:
                    raise PlanError("host %s: server %d's listener %s would be on port %d, above 65535; lower its port "
                                    "or port_offset in littlehorse_listeners, or the port bases"
                                    % (host, index + 1, spec["name"], port))
                listeners.append({"name": spec["name"], "port": port, "protocol": spec["protocol"],
                                  "authentication": spec["authentication"], "advertised_host": advertised,
                                  "advertised_port": port})
            # Clients reach the public listeners and the health port at the bind address; only the other servers
            # use the internal port: on many hosts it is published on the host's cluster address alone.
            published = [published_port(bind, l["port"]) for l in listeners]
            published.append(published_port(bind, ports["health"]))
            if not single:
                published.append(published_port(inv.cluster_address(host), ports["internal"]))
            servers.append({
                "host": host, "index": index, "instance_id": instance_id, "container": container,
                "volume": container + "-data",
                "listeners": listeners,
                "internal": {"port": ports["internal"], "advertised_host": container if single else inv.cluster_reach(host),
                             "advertised_port": ports["internal"]},
                "health_port": ports["health"],
                "health_host": probe,
                # the server's health port, for littlehorse.cluster.lh_server_info: read from its own host, and from
                # any other (plan["probes"] gives each host the one it must use for every server)
                "probe": {"name": container, "host": probe, "health_port": ports["health"], "instance_id": instance_id},
                "probe_from_others": {"name": container, "host": probe_other, "health_port": ports["health"],
                                      "instance_id": instance_id},
                "wait_host": inv.wait_host(host),
                "rack_id": None if rack is None else str(rack),
                "published_ports": published,
            })
    check_unique_ids([(s["instance_id"], s["host"]) for s in servers],
                     "littlehorse_server_id_base or littlehorse_server_instance_ids")
    return servers


def cluster_section(inv, first, kafka, servers, prefix, single, hosts):
    """plan.cluster (without log and allow_destructive_changes, which their phases add): the cluster's id, its
    partitions, the topics' replication factor (every broker holds a copy, up to three, by default), the standby
    replicas, the prefix and network, whether it runs on one engine, its hosts."""
    standby = inv.int(first, "littlehorse_standby_replicas", 0, 100)
    if standby > 0 and standby >= len(servers):
        raise PlanError("littlehorse_standby_replicas: %d standby replicas need at least %d servers (there are %d); "
                        "lower it or add servers" % (standby, standby + 1, len(servers)))
    if inv.raw(first, "littlehorse_replication_factor") is None:
        # every broker holds a copy, up to three: one broker can be lost and writes go on (min ISR 2)
        replication = 1 if kafka["external"] else min(len(kafka["nodes"]), 3)
    else:
        replication = inv.int(first, "littlehorse_replication_factor", 1, 100)
    if not kafka["external"] and replication > len(kafka["nodes"]):
        raise PlanError("littlehorse_replication_factor: %d but only %d Kafka broker(s) in group '%s'; lower it or "
                        "add brokers" % (replication, len(kafka["nodes"]), KAFKA_GROUP))
    cluster_id = str(inv.raw(first, "littlehorse_cluster_id"))
    if not CLUSTER_ID.match(cluster_id):
        raise PlanError("littlehorse_cluster_id: '%s' may hold only letters, digits, '.', '_' and '-' (it prefixes "
                        "every Kafka topic)" % cluster_id)
    return {"id": cluster_id, "partitions": inv.int(first, "littlehorse_partitions", 1, 10000),
            "replication_factor": replication, "standby_replicas": standby,
            "prefix": prefix, "network": "%s-net" % prefix, "single_engine": single, "hosts": hosts}


def server_identities(servers, cluster):
    """{container: what an existing server container must hold for the plan to keep its data} (the preflight
    compares it with the running containers' settings)."""
    return dict((server["container"], {"LHS_CLUSTER_ID": cluster["id"], "LHS_CLUSTER_PARTITIONS": str(cluster["partitions"]),
                                       "LHS_INSTANCE_ID": str(server["instance_id"])}) for server in servers)
