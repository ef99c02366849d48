# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rules of the plan's monitoring phase: Kafka's metrics port, the Prometheus of the littlehorse_monitoring group
and what it scrapes. Pure functions of the inventory reader and the plan so far, each returning new data
(plugins/plugin_utils/plan/monitoring.py composes them); every refusal is an LHClusterError that names the host, the
setting and the fix. Here in module_utils because the Prometheus module shares its duration rule.

- kafka nodes: `metrics` {port, jar (on the controller), jar_path, config_path (on the host), published_port} when
  kafka_metrics_port is set on the node's host, or the monitoring group has a host (then DEFAULT_KAFKA_METRICS_PORT);
  the port is published where the host publishes its ports (littlehorse_bind_address), like the health ports.
- plan["monitoring"]: the Prometheus container (host, port, published_ports, volume, retention, scrape_interval,
  jobs: the scrape targets as Prometheus reaches them), or None without a host in the group.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._names import is_ipv4, is_loopback, published_port

MONITORING_GROUP = "littlehorse_monitoring"
DEFAULT_KAFKA_METRICS_PORT = 9404
# The port Prometheus listens on in its container (the official image's).
PROMETHEUS_PORT = 9090
DEFAULTS = {"monitoring_port": 9090, "monitoring_bind_address": "127.0.0.1", "monitoring_retention": "15d",
            "monitoring_scrape_interval": "15s"}
# Prometheus's duration: units from years to milliseconds, each at most once, largest first (e.g. 15d, 1h30m).
DURATION = re.compile(r"^(?=\d)((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$")
WILDCARDS = ("", "0.0.0.0")
METRICS_PATH = "/metrics"
# Where the kafka role puts the JMX exporter's agent and its rules on a Kafka host (the node's files folder).
JMX_FOLDER = "/etc/littlehorse/%s/jmx"
JAR_NAME = "jmx_prometheus_javaagent.jar"
CONFIG_NAME = "jmx-exporter.yml"
JAR_FIX = ("download io.prometheus.jmx:jmx_prometheus_javaagent:<version> from Maven Central (the Java agent jar) and "
           "set kafka_jmx_exporter_jar to its path on the controller")


def check_duration(host, setting, value):
    """A Prometheus duration such as 15d or 1h30m, as text."""
    text = str(value).strip() if value is not None else ""
    if isinstance(value, bool) or not DURATION.match(text) or not any(c.isdigit() and c != "0" for c in text):
        raise LHClusterError("host %s: %s %r is not a Prometheus duration; give a number with its unit - ms, s, m, h, "
                             "d, w or y - such as 15d, 12h or 1h30m" % (host, setting, value))
    return text


def _setting(inv, host, name):
    """The host's value of a monitoring setting (the plan's inventory reader), else its default here."""
    value = inv.raw(host, name)
    return DEFAULTS.get(name) if value is None else value


def monitoring_host(inv):
    """The one host of the littlehorse_monitoring group, or None."""
    hosts = inv.hosts(MONITORING_GROUP)
    if len(hosts) > 1:
        raise LHClusterError("inventory: group '%s' has %d hosts (%s); Prometheus runs on one host: keep one of them "
                             "in the group" % (MONITORING_GROUP, len(hosts), ", ".join(hosts)))
    return hosts[0] if hosts else None


def check_reach(inv, groups):
    """Before the plan's other checks: a monitoring host on another machine than a host of `groups` (Kafka, servers)
    that publishes its ports on loopback only cannot scrape it."""
    watcher = monitoring_host(inv)
    if watcher is None:
        return
    for group in groups:
        for host in inv.hosts(group):
            if host == watcher or not is_loopback(inv.bind(host)):
                continue
            raise LHClusterError(
                "host %s: Prometheus there (group %s) scrapes the metrics of %s, which publishes its ports on %s only "
                "(littlehorse_bind_address), where %s cannot reach them; put the monitoring host on %s itself (the "
                "same inventory host), or set littlehorse_bind_address on %s to an address %s reaches"
                % (watcher, MONITORING_GROUP, host, inv.bind(host), watcher, host, host, watcher))


def scrape_host(server):
    """Where a server's health port answers from other machines: the address it is published on, or, published
    on every address, the host's advertised address (the one clients reach it at)."""
    health = int(server["health_port"])
    for spec in server.get("published_ports") or []:
        parts = str(spec).split("/", 1)[0].rsplit(":", 2)
        if len(parts) == 3 and parts[1] == str(health) and parts[2] == str(health):
            if parts[0] not in WILDCARDS:
                return parts[0]
            break
    return server["listeners"][0]["advertised_host"]


def server_labels(plan, server):
    """The labels of a server's target (the Prometheus targets file and the monitoring role's configuration)."""
    return {"littlehorse_prefix": str(plan["cluster"]["prefix"]), "littlehorse_cluster_id": str(plan["cluster"]["id"]),
            "littlehorse_component": "server", "littlehorse_instance_id": str(server["instance_id"]),
            "inventory_host": str(server["host"]), "container": str(server["container"])}


def kafka_labels(plan, node):
    return {"littlehorse_prefix": str(plan["cluster"]["prefix"]), "littlehorse_cluster_id": str(plan["cluster"]["id"]),
            "littlehorse_component": "kafka", "kafka_node_id": str(node["node_id"]),
            "inventory_host": str(node["host"]), "container": str(node["container"])}


def kafka_metrics(inv, nodes, watched):
    """{container: the Kafka node's `metrics`, or None when off}: on with kafka_metrics_port on its host, or when
    `watched` (a monitoring host is planned). Its port must differ from the node's listeners (it is published on the
    host's bind address: `published_port`); the agent's jar must be a file on the controller."""
    planned = {}
    for node in nodes:
        host = node["host"]
        given = _setting(inv, host, "kafka_metrics_port")
        planned[node["container"]] = None
        if given is None and not watched:
            continue
        port = DEFAULT_KAFKA_METRICS_PORT if given is None else inv.int(host, "kafka_metrics_port", 1, value=given)
        clash = [l["name"] for l in node["listeners"] if l["port"] == port]
        if clash:
            raise LHClusterError("host %s: kafka_metrics_port %d is also the port of %s's listener %s; give the "
                                 "metrics a port of their own" % (host, port, node["container"], clash[0]))
        jar = _setting(inv, host, "kafka_jmx_exporter_jar")
        why = "kafka_metrics_port is set" if given is not None else "group %s has a host" % MONITORING_GROUP
        if not jar:
            raise LHClusterError("host %s: %s, so %s serves Kafka's metrics through the Prometheus JMX exporter, and "
                                 "kafka_jmx_exporter_jar is not set; %s" % (host, why, node["container"], JAR_FIX))
        path = os.path.expanduser(str(jar))
        if not os.path.isabs(path) or not os.path.isfile(path):
            raise LHClusterError("host %s: kafka_jmx_exporter_jar '%s' is not a file on the controller (%s needs it, %s); "
                                 "%s" % (host, jar, node["container"], why,
                                         "give its absolute path" if not os.path.isabs(path) else JAR_FIX))
        folder = JMX_FOLDER % node["container"]
        planned[node["container"]] = {"port": port, "jar": path, "jar_path": "%s/%s" % (folder, JAR_NAME),
                                      "config_path": "%s/%s" % (folder, CONFIG_NAME),
                                      "published_port": published_port(inv.bind(host), port)}
    return planned


def _kafka_scrape_host(inv, node):
    bind = inv.bind(node["host"])
    return inv.advertised_host(node["host"]) if bind in WILDCARDS else bind


def scrape_jobs(inv, plan):
    """The scrape configuration's jobs: every server's /metrics on its health port, every Kafka node's exporter, as
    Prometheus reaches them - on one engine by container name on the cluster's network, else where they are
    published. [{job_name, targets: [{targets, labels}]}]."""
    single = plan["cluster"]["single_engine"]
    servers = [{"targets": ["%s:%d" % (s["container"] if single else scrape_host(s), s["health_port"])],
                "labels": server_labels(plan, s)} for s in plan["servers"]]
    nodes = [{"targets": ["%s:%d" % (n["container"] if single else _kafka_scrape_host(inv, n), n["metrics"]["port"])],
              "labels": kafka_labels(plan, n)} for n in plan["kafka"]["nodes"] if n.get("metrics")]
    jobs = [{"job_name": "littlehorse-server", "metrics_path": METRICS_PATH, "targets": servers}]
    if nodes:
        jobs.append({"job_name": "littlehorse-kafka", "metrics_path": METRICS_PATH, "targets": nodes})
    return jobs


def monitoring_entry(inv, plan, host):
    """The Prometheus container on `host`."""
    prefix = plan["cluster"]["prefix"]
    port = inv.int(host, "monitoring_port", 1, value=_setting(inv, host, "monitoring_port"))
    bind = str(_setting(inv, host, "monitoring_bind_address")).strip()
    if not is_ipv4(bind):
        raise LHClusterError("host %s: monitoring_bind_address '%s' is not an IPv4 address (Prometheus is published "
                             "on it); give one of the host's IPv4 addresses, 127.0.0.1 (the default: this host only) "
                             "or 0.0.0.0 (every address)" % (host, bind))
    wait_host = None
    if inv.remote_engine(host):
        if is_loopback(bind):
            raise LHClusterError("host %s: Prometheus is published on %s (monitoring_bind_address), but "
                                 "littlehorse_docker_host has the collection reach this host's engine from elsewhere, "
                                 "where that address is not this host and Prometheus cannot be checked; set "
                                 "monitoring_bind_address to an address of %s that the controller reaches" % (host, bind, host))
        wait_host = inv.advertised_host(host) if bind in WILDCARDS else bind
    container = "%s-prometheus" % prefix
    return {"host": host, "container": container, "volume": container + "-data", "port": port, "bind": bind,
            "published_ports": [published_port(bind, port, PROMETHEUS_PORT)],
            "health_host": inv.advertised_host(host) if bind in WILDCARDS else bind, "wait_host": wait_host,
            "retention": check_duration(host, "monitoring_retention", _setting(inv, host, "monitoring_retention")),
            "scrape_interval": check_duration(host, "monitoring_scrape_interval",
                                              _setting(inv, host, "monitoring_scrape_interval")),
            "jobs": scrape_jobs(inv, plan)}


def reach_of_monitoring(plan, entry):
    """The monitoring host's entries of the preflight's reach check (plan["reach"]) with every target on another host
    added: the list that replaces plan["reach"][entry host]."""
    reach = list(plan["reach"].get(entry["host"]) or [])
    if plan["cluster"]["single_engine"]:
        return reach
    hosts = dict((s["container"], s["host"]) for s in plan["servers"])
    hosts.update((n["container"], n["host"]) for n in plan["kafka"]["nodes"])
    for job in entry["jobs"]:
        for group in job["targets"]:
            owner = hosts[group["labels"]["container"]]
            address, port = group["targets"][0].rsplit(":", 1)
            if owner == entry["host"] or any((r["address"], r["port"]) == (address, int(port)) for r in reach):
                continue
            reach.append({"to": owner, "address": address, "port": int(port),
                          "purpose": "the metrics of %s, scraped by Prometheus" % group["labels"]["container"]})
    return reach
