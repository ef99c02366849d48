# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module options phase: each planned container's entry as the options of its module (lh_server, lh_kafka_node,
lh_dashboard), and the modules' own checks of the escape hatches (server_env, kafka_properties) run on them."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.six.moves.collections_abc import Mapping
from ansible_collections.littlehorse.cluster.plugins.module_utils import _kafka_config
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._names import api_protocol
from ansible_collections.littlehorse.cluster.plugins.module_utils._runner import container_argument_spec
from ansible_collections.littlehorse.cluster.plugins.module_utils._server_config import NOT_READ, SECRET, env_refusal
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.settings import PlanError


def dashboard_options(dashboard):
    """The options of littlehorse.cluster.lh_dashboard, as one item of its `instances` (no secret: the role adds the
    OAuth secrets)."""
    options = {"name": dashboard["container"], "api_host": dashboard["api_host"], "api_port": dashboard["api_port"],
               "api_protocol": api_protocol(dashboard["protocol"]),
               "published_ports": dashboard["published_ports"], "oauth_enabled": bool(dashboard["oauth"])}
    if dashboard.get("wait_host"):
        options["wait_host"] = dashboard["wait_host"]
    tls = dashboard["tls"]
    if tls:
        options["ca_cert_file"] = tls["ca"]
        if tls["cert"]:
            options.update(client_cert_file=tls["cert"], client_key_file=tls["key"])
    if dashboard["oauth"]:
        options.update(("oauth_" + key, dashboard["oauth"][key]) for key in ("client_id", "issuer_uri", "callback_url"))
    return options


def server_options(server):
    """The per-server options of littlehorse.cluster.lh_server, as one item of its `instances`."""
    options = {"name": server["container"], "instance_id": server["instance_id"], "listeners": server["listeners"],
               "internal_port": server["internal"]["port"],
               "internal_advertised_host": server["internal"]["advertised_host"],
               "internal_advertised_port": server["internal"]["advertised_port"],
               "health_port": server["health_port"], "volume": server["volume"],
               "published_ports": server["published_ports"]}
    options.update((key, server[key]) for key in ("rack_id", "wait_host") if server.get(key))
    tls = server.get("tls")
    options.update((key, value) for key, value in (server.get("kafka_tls") or {}).items())
    if tls and any(l["protocol"] == "MTLS" for l in server["listeners"]):
        options["ca_cert_file"] = tls["ca"]
    if tls and tls.get("internal"):
        options.update(internal_ca_cert_file=tls["ca"], internal_server_cert_file=tls["cert"],
                       internal_server_key_file=tls["key"])
    return options


def kafka_node_options(node):
    """The per-node options of littlehorse.cluster.lh_kafka_node, as one item of its `instances`."""
    options = dict((key, node[key]) for key in (
        "node_id", "process_roles", "listeners", "controller_listener_name", "inter_broker_listener_name",
        "controller_quorum_voters", "offsets_topic_replication_factor", "transaction_state_log_replication_factor",
        "transaction_state_log_min_isr", "min_insync_replicas", "volume", "published_ports"))
    options["name"] = node["container"]
    for key in ("wait_host", "tools_listener_name"):
        if node.get(key):
            options[key] = node[key]
    if node.get("tls"):
        options.update(ssl_keystore_file=node["tls"]["keystore"], ssl_truststore_file=node["tls"]["truststore"])
    if node.get("metrics"):
        options.update(metrics_port=node["metrics"]["port"], jmx_exporter_jar=node["metrics"]["jar_path"],
                       jmx_exporter_config=node["metrics"]["config_path"])
    return options


def _shared(plan):
    """The options of every container module that the whole cluster shares: its network and log limits."""
    log = plan["cluster"]["log"]
    return {"network": plan["cluster"]["network"], "log_max_size": log["max_size"], "log_max_files": log["max_files"]}


def shared_options(plan):
    """The module options each kind of container shares with the others of the cluster, from the plan's cluster-wide
    parts, as {server, kafka, dashboard}: the network and the log limits; for the servers the cluster id, partitions,
    replication, standby replicas, the Kafka connection (bootstrap servers, security protocol when TLS, SASL
    mechanism and user name when SASL) and the OAuth introspection client (an OAUTH listener); for the Kafka nodes the
    KRaft cluster id and the SASL mechanism and user name; for the dashboard its memory limit. No secret: the roles
    add those. They go into each entry's options, which a role hands on as one item of the module's `instances`."""
    cluster, kafka, oauth = plan["cluster"], plan["kafka"], plan["oauth"]
    security = kafka["security"]
    server = dict(_shared(plan), cluster_id=cluster["id"], kafka_bootstrap_servers=kafka["bootstrap"],
                  partitions=cluster["partitions"], replication_factor=cluster["replication_factor"],
                  standby_replicas=cluster["standby_replicas"])
    if security["tls"]:
        server["kafka_security_protocol"] = security["protocol"]
    if security["mechanism"]:
        server["kafka_sasl_mechanism"] = security["mechanism"]
    if security["sasl"]:
        server["kafka_sasl_username"] = security["username"]
    if oauth:
        server.update(oauth_introspect_url=oauth["introspect_url"], oauth_client_id=oauth["client_id"])
    node = dict(_shared(plan), cluster_id=kafka.get("cluster_id"))  # none with an external Kafka, which has no nodes
    if security["mechanism"]:
        node["sasl_mechanism"] = security["mechanism"]
    if security["username"]:
        node["sasl_username"] = security["username"]
    dashboard = dict(_shared(plan), memory=plan["dashboard"]["memory_text"]) if plan["dashboard"] else None
    return {"server": server, "kafka": node, "dashboard": dashboard}


def load_balancer_options(plan):
    """The options of littlehorse.cluster.lh_load_balancer for the plan's load balancer, as one item of its
    `instances` (the balancing settings are the role's); None without one."""
    balancer = plan["load_balancer"]
    if not balancer:
        return None
    options = dict(_shared(plan), name=balancer["container"], published_ports=balancer["published_ports"],
                   memory=balancer["memory_text"], port=balancer["port"], backends=balancer["backends"])
    if balancer.get("wait_host"):
        options["wait_host"] = balancer["wait_host"]
    return options


def monitoring_options(plan):
    """The options of littlehorse.cluster.lh_prometheus for the plan's Prometheus, as one item of its `instances` (the
    image, the rules and the alerts' settings are the role's); None without one."""
    entry = plan["monitoring"]
    if not entry:
        return None
    options = dict(_shared(plan), name=entry["container"], published_ports=entry["published_ports"],
                   volume=entry["volume"], memory=entry["memory_text"], scrape_configs=entry["jobs"],
                   scrape_interval=entry["scrape_interval"], retention=entry["retention"],
                   cluster_labels={"littlehorse_prefix": plan["cluster"]["prefix"],
                                   "littlehorse_cluster_id": plan["cluster"]["id"]})
    if entry.get("wait_host"):
        options["wait_host"] = entry["wait_host"]
    return options


def check_server_env(inv, servers):
    """server_env of every server host, by lh_server's own rule (env_refusal), before any host changes."""
    for host in sorted(set(server["host"] for server in servers)):
        env = inv.raw(host, "server_env")
        if not isinstance(env, Mapping):
            continue  # not a dict: the server role's argument spec refuses it
        for key in sorted(str(name) for name in env):
            refusal = env_refusal(key)
            if refusal == NOT_READ:
                raise PlanError("host %s: server_env has '%s', which the server ignores (it reads only LHS_* "
                                "variables); JVM flags go in server_java_opts, remove it from server_env" % (host, key))
            if refusal == SECRET:
                raise PlanError("host %s: server_env has '%s', which looks like a secret and would show in docker "
                                "inspect; remove it from server_env (the collection passes the servers' secrets as "
                                "files, from the littlehorse_* settings)" % (host, key))
            if refusal:
                raise PlanError("host %s: server_env has '%s', which lh_server sets itself from its option %s (the "
                                "collection fills it in from the inventory); remove it from server_env and set it "
                                "through the littlehorse_* or server_* variable that README.md gives for it"
                                % (host, key, refusal))


def check_kafka_properties(inv, plan):
    """kafka_properties of every Kafka host, by lh_kafka_node's own rule (check_properties) against the environment its
    typed options render for each planned node, before any host changes."""
    spec = container_argument_spec()
    spec.update(_kafka_config.argument_spec())
    for node in plan["kafka"]["nodes"]:
        properties = inv.raw(node["host"], "kafka_properties")
        if not isinstance(properties, Mapping) or not properties:
            continue  # not a dict: the kafka role's argument spec refuses it
        params = ArgumentSpecValidator(spec).validate(node["options"]).validated_parameters
        try:
            _kafka_config.check_properties(
                [str(name) for name in properties], _kafka_config.typed_env(params), "kafka_properties",
                "remove it from kafka_properties (the collection sets it from the inventory's littlehorse_kafka_* "
                "settings and the kafka role's variables)")
        except LHClusterError as err:
            raise PlanError("host %s: %s" % (node["host"], err.message))
