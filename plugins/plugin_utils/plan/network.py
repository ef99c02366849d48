# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The network phase: what each host probes, reaches, resolves and publishes on, and every planned port claimed once
per machine."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.six.moves.collections_abc import Mapping
from ansible_collections.littlehorse.cluster.plugins.module_utils._names import (
    is_ipv4, is_loopback, published_address, published_host_port)
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.settings import PlanError


def probe_plan(servers, hosts):
    """{host: [probe of every server, as a check that runs on that host reaches it]}: a server of that host at its
    own probe address (loopback when it publishes on every address), every other server at the address that
    reaches it from another host (probe_from_others). The rolling gates of a host hand their list to
    littlehorse.cluster.lh_server_info unchanged; each probe names its instance id, which the answer must carry."""
    return dict((host, [s["probe"] if s["host"] == host else s["probe_from_others"] for s in servers])
                for host in hosts)


def reach_plan(plan, inv):
    """{host: [{to, address, port, purpose}]}: what each host must reach on the others (Kafka's broker
    and controller ports, the servers' internal ports, the public and health ports behind the load
    balancer and the dashboard), each address and port once. Empty on one engine."""
    reach = dict((host, []) for host in plan["cluster"]["hosts"])
    if plan["cluster"]["single_engine"]:
        return reach
    nodes = plan["kafka"]["nodes"]
    servers = plan["servers"]

    def need(hosts, target_host, address, port, purpose):
        for host in hosts:
            if host == target_host or address == inv.advertised_host(host):
                continue
            if not any((p["address"], p["port"]) == (address, port) for p in reach[host]):
                reach[host].append({"to": target_host, "address": address, "port": port, "purpose": purpose})

    server_hosts = sorted(set(s["host"] for s in servers))
    kafka_hosts = sorted(set(n["host"] for n in nodes))
    for node in nodes:
        need(server_hosts + kafka_hosts, node["host"], node["advertised_host"], node["port"],
             "the Kafka broker port of %s" % node["container"])
        need(kafka_hosts, node["host"], node["advertised_host"], node["controller_port"],
             "the Kafka controller port of %s" % node["container"])
    for server in servers:
        need(server_hosts, server["host"], server["internal"]["advertised_host"], server["internal"]["advertised_port"],
             "the internal port of %s" % server["container"])
    for server in servers:
        # the rolling gates of every server host read every server's health port (plan["probes"])
        need(server_hosts, server["host"], server["probe_from_others"]["host"], server["health_port"],
             "the health port of %s, read by the rolling gates of the other hosts" % server["container"])
    balancer = plan.get("load_balancer")
    for server in servers if balancer else []:
        listener = server["listeners"][0]
        need([balancer["host"]], server["host"], listener["advertised_host"], listener["advertised_port"],
             "the public port of %s, behind the load balancer" % server["container"])
        need([balancer["host"]], server["host"], listener["advertised_host"], server["health_port"],
             "the health port of %s, checked by the load balancer" % server["container"])
    dashboard = plan.get("dashboard")
    if dashboard:
        target = dashboard["target"]
        need([dashboard["host"]], target["host"], target["api_host"], target["api_port"],
             "the %s port of %s, the dashboard's way to the cluster"
             % ("listen" if target["via"] == "load_balancer" else "public", target["container"]))
    return reach


def resolve_plan(plan, inv):
    """{host: [{name, host, source}]}: the advertised host names (not IPv4 addresses) each host must resolve - its
    own (the clients and the modules reach it there) and those of the other hosts it dials (plan["reach"]), each
    once. `host` is the host the name belongs to; `source` where it came from (littlehorse_advertised_host,
    ansible_host or the inventory name), for the message that names the fix."""
    resolve = {}
    for host in plan["cluster"]["hosts"]:
        entries = []
        for owner, name in [(host, inv.advertised_host(host))] + [(p["to"], p["address"]) for p in plan["reach"][host]]:
            if is_ipv4(name) or any(e["name"] == name for e in entries):
                continue
            source = inv.advertised_source(owner) if name == inv.advertised_host(owner) else "the plan"
            entries.append({"name": name, "host": owner, "source": source})
        resolve[host] = entries
    return resolve


def address_plan(plan, inv):
    """{host: {address: setting}}: each address (not 0.0.0.0) that the plan publishes ports on, on each host, and
    the setting it comes from - littlehorse_bind_address, or for the ports only the other hosts use (the servers'
    internal port, Kafka's) littlehorse_cluster_address, ansible_host or littlehorse_advertised_host. The preflight
    names it when the address is not one of the host's own."""
    addresses = dict((host, {}) for host in plan["cluster"]["hosts"])
    entries = plan["servers"] + plan["kafka"]["nodes"] + [
        entry for entry in (plan.get("dashboard"), plan.get("load_balancer")) if entry]
    for entry in entries:
        host = entry["host"]
        for spec in entry.get("published_ports") or []:
            address = published_address(spec)
            # loopback (the unauthenticated dashboard's default) is an address of every host: nothing to check
            if address in ("", "0.0.0.0") or address in addresses[host] or (
                    is_loopback(address) and address != inv.bind(host)):
                continue
            addresses[host][address] = ("littlehorse_bind_address" if address == inv.bind(host)
                                        else inv.cluster_address_source(host))
    return addresses


def port_spaces(inv, hosts):
    """Hosts at the same address are one machine, one port space: host -> (first host there, the address)."""
    owner, spaces = {}, {}
    for host in hosts:
        values = inv.hostvars.get(host) or {}
        values = values if isinstance(values, Mapping) else {}
        keys = [inv.advertised_host(host)]
        engine = inv.raw(host, "littlehorse_docker_host")
        if engine:
            keys.append("engine " + str(engine))
        elif values.get("ansible_host"):
            keys.append(str(values.get("ansible_host")))
        shared = [key for key in keys if key in owner]
        spaces[host] = (owner[shared[0]], shared[0]) if shared else (host, None)
        for key in keys:
            owner.setdefault(key, spaces[host][0])
    return spaces


def check_ports(plan, inv, first):
    reserved = inv.as_list(first, "littlehorse_reserved_ports") or []
    reserved = set(inv.int(first, "littlehorse_reserved_ports", 1, value=p) for p in reserved)
    used = {}
    spaces = port_spaces(inv, plan["cluster"]["hosts"])
    for server in plan["servers"]:
        host, name = server["host"], server["container"]
        for listener in server["listeners"]:
            what = " public listener port" if len(server["listeners"]) == 1 else " listener %s port" % listener["name"]
            claim(used, spaces, host, listener["port"], name + what, reserved)
        claim(used, spaces, host, server["health_port"], name + " health port", reserved)
        if plan["cluster"]["single_engine"]:
            # Not published: each server binds it in its own container, but it must differ from the others
            # in the container (public, health) and 2024 stays out (the documented layout publishes it).
            if server["internal"]["port"] in [l["port"] for l in server["listeners"]] + [server["health_port"]]:
                raise PlanError("host %s: %s internal port %d equals its public or health port; change "
                                "littlehorse_internal_port_base" % (host, name, server["internal"]["port"]))
        else:
            claim(used, spaces, host, server["internal"]["port"], name + " internal port", reserved)
    for node in plan["kafka"]["nodes"]:
        metrics = (node.get("metrics") or {}).get("port")
        for spec in node["published_ports"]:
            port = published_host_port(spec)
            claim(used, spaces, node["host"], port, node["container"] + (
                " metrics port (kafka_metrics_port)" if port == metrics else " port"), reserved)
    if plan["dashboard"]:
        claim(used, spaces, plan["dashboard"]["host"], plan["dashboard"]["port"], "dashboard port", reserved)
    if plan["load_balancer"]:
        balancer = plan["load_balancer"]
        claim(used, spaces, balancer["host"], balancer["port"], "%s port (set littlehorse_load_balancer_port to a free "
              "port)" % balancer["container"], reserved)
    if plan.get("monitoring"):
        monitoring = plan["monitoring"]
        claim(used, spaces, monitoring["host"], monitoring["port"], "%s port (set monitoring_port to a free port)"
              % monitoring["container"], reserved)
    return used


def claim(used, spaces, host, port, what, reserved):
    if port in reserved:
        raise PlanError("host %s: %s would be %d, which is reserved (littlehorse_reserved_ports); choose other port "
                        "bases (e.g. littlehorse_public_port_base) or pin littlehorse_server_ports, or remove %d from "
                        "littlehorse_reserved_ports where that port is free" % (host, what, port, port))
    space, address = spaces.get(host, (host, None))
    key = (space, port)
    if key in used:
        other, other_what = used[key]
        if other == host:
            raise PlanError("host %s: port %d is planned twice (%s and %s); change littlehorse_port_step, the port "
                            "bases or the pinned ports of that host" % (host, port, other_what, what))
        raise PlanError("hosts %s and %s are the same machine (both at %s): port %d is planned on both (%s on %s, %s "
                        "on %s); give each inventory host its own ansible_host / littlehorse_advertised_host, or "
                        "different ports on one of them (the port bases, littlehorse_server_ports, "
                        "littlehorse_kafka_port ...)"
                        % (other, host, address, port, other_what, other, what, host))
    used[key] = (host, what)


def check_bind_across_hosts(inv, hosts):
    """On several hosts no host may publish on loopback alone: the others could not reach its ports."""
    for host in hosts:
        if is_loopback(inv.bind(host)):
            raise PlanError("host %s: littlehorse_bind_address is %s, so its ports are published on loopback only "
                            "and the other hosts of this %d-host cluster cannot reach them; set it to an address "
                            "the other hosts reach, or leave it unset (all addresses)"
                            % (host, inv.bind(host), len(hosts)))


def check_advertised_across_hosts(first, servers, kafka):
    """On several hosts nothing may advertise loopback, which the other hosts cannot reach."""
    for server in servers:
        if is_loopback(server["listeners"][0]["advertised_host"]):
            raise PlanError("host %s: advertises %s, which the other hosts cannot reach; set ansible_host or "
                            "littlehorse_advertised_host to an address the other hosts and the clients reach"
                            % (server["host"], server["listeners"][0]["advertised_host"]))
    for node in kafka["nodes"]:
        if is_loopback(node["advertised_host"]):
            raise PlanError("host %s: Kafka node %s advertises %s, which the other hosts cannot reach; set "
                            "ansible_host or littlehorse_advertised_host to an address the other hosts reach"
                            % (node["host"], node["container"], node["advertised_host"]))
    for entry in kafka["bootstrap"].split(",") if kafka["external"] else []:
        if is_loopback(entry.rpartition(":")[0]):
            raise PlanError("host %s: littlehorse_kafka_bootstrap_servers entry '%s' is on loopback, which the "
                            "servers on the other hosts cannot reach; give the brokers' addresses that every host "
                            "reaches" % (first, entry))


def check_external_kafka_reach(first, kafka):
    """The servers run in containers on the cluster's bridge network, where loopback is the container itself."""
    for entry in kafka["bootstrap"].split(",") if kafka["external"] else []:
        if is_loopback(entry.rpartition(":")[0]):
            raise PlanError("host %s: littlehorse_kafka_bootstrap_servers entry '%s' is on loopback, which inside the "
                            "servers' containers is the container itself, not this host; give the brokers at an "
                            "address the containers reach - the host's own IP address, or the gateway of its Docker "
                            "bridge (e.g. 172.17.0.1) - where Kafka listens and which it advertises" % (first, entry))


def check_load_balancer_across_hosts(balancer):
    if balancer and is_loopback(balancer["advertised_host"]):
        raise PlanError("host %s: the load balancer advertises %s, which clients on other hosts cannot reach; set "
                        "ansible_host or littlehorse_advertised_host to an address the clients reach"
                        % (balancer["host"], balancer["advertised_host"]))


def ports_by_host(used, hosts):
    """{host: [every port planned on it, sorted]} from check_ports' claims."""
    return dict((host, sorted(port for (_space, port), (h, _what) in used.items() if h == host)) for host in hosts)
