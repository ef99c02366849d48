# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Kafka phase: the collection's own KRaft nodes (ids, listeners, quorum, replication settings) or an external
Kafka (bootstrap), with the security protocol, its SASL login and the user's stores."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible.module_utils.six import string_types
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._host_info import KAFKA_TOOLS_LISTENER, with_mechanism
from ansible_collections.littlehorse.cluster.plugins.module_utils._kafka_config import sets_user_after_start
from ansible_collections.littlehorse.cluster.plugins.module_utils._sasl import SASL_MECHANISMS, check_jaas_value
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.inventory import (
    check_address, check_unique_ids, derived_base, secret_source)
from ansible_collections.littlehorse.cluster.plugins.module_utils._names import HOST_NAME, KRAFT_CLUSTER_ID, files_folder, published_port
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.settings import KAFKA_GROUP, PlanError


def bootstrap_servers(inv, host, value):
    """littlehorse_kafka_bootstrap_servers: 'host:port,host:port', each an address others can connect to."""
    entries = value if isinstance(value, list) else str(value).split(",")
    fix = "write littlehorse_kafka_bootstrap_servers as host:port[,host:port...] with the brokers' addresses"
    servers = []
    for entry in entries:
        entry = str(entry).strip()
        address, _sep, port = entry.rpartition(":")
        if not address or not port.isdigit() or not 1 <= int(port) <= 65535:
            raise PlanError("host %s: littlehorse_kafka_bootstrap_servers entry '%s' is not host:port; %s"
                            % (host, entry, fix))
        if not HOST_NAME.match(address):
            raise PlanError("host %s: littlehorse_kafka_bootstrap_servers entry '%s' has no host name or IPv4 address "
                            "(no IPv6 literals); %s" % (host, entry, fix))
        check_address(address, "host %s: littlehorse_kafka_bootstrap_servers entry '%s'" % (host, entry), fix)
        servers.append(entry)
    return ",".join(servers)


KAFKA_SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_SSL")
SASL_PASSWORD_FIX = ("choose a password without them for littlehorse_kafka_sasl_username (on an external Kafka, "
                     "change it there too)")


def kafka_security(inv, first):
    """littlehorse_kafka_security_protocol and its SASL settings, validated: {protocol, tls, sasl, mechanism,
    username, password_file}. The password itself stays out of the plan: the roles read the Vault variable, or the
    file password_file names."""
    protocol = str(inv.raw(first, "littlehorse_kafka_security_protocol") or "PLAINTEXT").strip().upper()
    if protocol == "SASL_PLAINTEXT":
        raise PlanError("host %s: littlehorse_kafka_security_protocol SASL_PLAINTEXT is not supported by the "
                        "LittleHorse server (it connects to Kafka with PLAINTEXT, SSL or SASL_SSL only), and it would "
                        "send the SASL password in clear text; set it to SASL_SSL" % first)
    if protocol not in KAFKA_SECURITY_PROTOCOLS:
        raise PlanError("host %s: littlehorse_kafka_security_protocol '%s' is not one of %s; set one of them"
                        % (first, inv.raw(first, "littlehorse_kafka_security_protocol"),
                           ", ".join(KAFKA_SECURITY_PROTOCOLS)))
    security = {"protocol": protocol, "tls": protocol != "PLAINTEXT", "sasl": protocol == "SASL_SSL",
                "mechanism": None, "username": None, "password_file": None}
    if not security["sasl"]:
        return security
    mechanism = str(inv.raw(first, "littlehorse_kafka_sasl_mechanism") or "").strip().upper()
    if mechanism not in SASL_MECHANISMS:
        raise PlanError("host %s: littlehorse_kafka_sasl_mechanism '%s' is not one of %s; set one of them"
                        % (first, inv.raw(first, "littlehorse_kafka_sasl_mechanism"), ", ".join(SASL_MECHANISMS)))
    username = str(inv.raw(first, "littlehorse_kafka_sasl_username") or "")
    if not re.match(r"^[A-Za-z0-9._@-]+$", username):
        raise PlanError("host %s: littlehorse_kafka_sasl_username '%s' must be set and hold only letters, digits and "
                        "'.', '_', '@', '-'; fix the user name" % (first, username))
    password = secret_source(inv, first, "littlehorse_kafka_sasl_password",
                             "littlehorse_kafka_security_protocol SASL_SSL",
                             "the password of littlehorse_kafka_sasl_username")
    if password["inline"]:
        # The file form is read on the controller by the preflight (the lookup littlehorse.cluster.user_file_problems).
        try:
            check_jaas_value("littlehorse_kafka_sasl_password", str(inv.raw(first, "littlehorse_kafka_sasl_password")),
                             SASL_PASSWORD_FIX)
        except LHClusterError as err:
            raise PlanError("host %s: %s" % (first, err.message))
    security.update(mechanism=mechanism, username=username, password_file=password["file"])
    return security


# The PKCS12 stores of an external Kafka: (kind, what it is, as the messages name it).
KAFKA_STORES = (("truststore", "the truststore (PKCS12) of the CA that signed the Kafka brokers' certificates"),
                ("keystore", "the servers' client keystore (PKCS12: a private key with its certificate) for mutual "
                             "TLS"))


def kafka_stores(inv, first, security, own_nodes, prefix):
    """The user's PKCS12 stores for an external Kafka (littlehorse_kafka_truststore_file, littlehorse_kafka_keystore_file,
    files on the controller, with their passwords): {truststore, keystore}, each None or {file (on the controller),
    path (on every server host), password_inline, password_file}. Refused: store settings with the collection's own
    Kafka nodes (they use the cluster's CA) or with PLAINTEXT, a keystore over SASL_SSL (the LittleHorse server
    presents a client certificate over SSL only), a store without its password, a password without its store."""
    stores = {}
    for kind, what in KAFKA_STORES:
        setting = "littlehorse_kafka_%s_file" % kind
        password_setting = "littlehorse_kafka_%s_password" % kind
        path = inv.raw(first, setting)
        given = [name for name in (setting, password_setting, password_setting + "_file") if inv.raw(first, name)]
        stores[kind] = None
        if not given:
            continue
        if own_nodes:
            raise PlanError("host %s: %s is for an external Kafka (littlehorse_kafka_bootstrap_servers); the "
                            "collection's Kafka nodes (group '%s') are reached with the cluster's CA, whose stores the "
                            "collection makes itself; remove %s" % (first, given[0], KAFKA_GROUP, ", ".join(given)))
        if not security["tls"]:
            raise PlanError("host %s: %s is set but littlehorse_kafka_security_protocol is PLAINTEXT, which uses no "
                            "store (the LittleHorse server refuses store settings with PLAINTEXT); set "
                            "littlehorse_kafka_security_protocol to SSL or SASL_SSL, or remove %s"
                            % (first, given[0], ", ".join(given)))
        if kind == "keystore" and security["sasl"]:
            raise PlanError("host %s: %s is set but littlehorse_kafka_security_protocol is SASL_SSL, where the "
                            "LittleHorse server logs in with SASL and presents no client certificate (it does so over "
                            "SSL only); set littlehorse_kafka_security_protocol to SSL for mutual TLS, or remove %s"
                            % (first, given[0], ", ".join(given)))
        if not path:
            raise PlanError("host %s: %s is set but %s is not; give %s in %s (a file on the controller), or remove %s"
                            % (first, given[0], setting, what, setting, given[0]))
        if not isinstance(path, string_types) or not path.startswith(("/", "~")):
            raise PlanError("host %s: %s '%s' is not an absolute path, and it would be read relative to wherever "
                            "ansible-playbook is started; give the absolute path on the controller of %s (~ is "
                            "expanded)" % (first, setting, path, what))
        password = secret_source(inv, first, password_setting, setting, "the password of %s" % setting)
        stores[kind] = {"file": path, "path": files_folder(prefix, "kafka", "%s.p12" % kind),
                        "password_inline": password["inline"], "password_file": password["file"]}
    return stores


def kafka_listeners(host, security, port, controller_port, tools_port, reach):
    """The node's listeners: the broker listener (named after its protocol), the controller's (mutual TLS when
    Kafka is secured) and, when the broker listener needs credentials, a PLAINTEXT one on the container's
    loopback for the rolling gate's Kafka tools."""
    protocol = security["protocol"]
    listeners = [
        {"name": protocol, "port": port, "protocol": protocol, "advertised_host": reach, "advertised_port": port},
        {"name": "CONTROLLER", "port": controller_port, "protocol": "SSL" if security["tls"] else "PLAINTEXT"},
    ]
    if tools_port is not None:
        if tools_port in (port, controller_port):
            raise PlanError("host %s: littlehorse_kafka_tools_port %d is the broker or controller port; give it a port "
                            "of its own" % (host, tools_port))
        listeners.append({"name": KAFKA_TOOLS_LISTENER, "port": tools_port, "protocol": "PLAINTEXT", "bind_host": "127.0.0.1",
                          "advertised_host": "localhost", "advertised_port": tools_port})
    return listeners


def kafka_plan(inv, first, single, prefix):
    hosts = inv.hosts(KAFKA_GROUP)
    external = inv.raw(first, "littlehorse_kafka_bootstrap_servers")
    security = kafka_security(inv, first)
    if not hosts:
        if not external:
            raise PlanError("inventory: no host in group '%s' and no littlehorse_kafka_bootstrap_servers; add a host "
                            "to '%s' or point littlehorse_kafka_bootstrap_servers at an existing Kafka"
                            % (KAFKA_GROUP, KAFKA_GROUP))
        return {"external": True, "bootstrap": bootstrap_servers(inv, first, external), "nodes": [],
                "security": security, "stores": kafka_stores(inv, first, security, False, prefix)}
    if external:
        raise PlanError("littlehorse_kafka_bootstrap_servers is set and group '%s' has hosts (%s); use one or the "
                        "other" % (KAFKA_GROUP, ", ".join(hosts)))
    stores = kafka_stores(inv, first, security, True, prefix)
    cluster_id = inv.raw(first, "littlehorse_kafka_cluster_id")
    if not KRAFT_CLUSTER_ID.match(str(cluster_id)):
        raise PlanError("littlehorse_kafka_cluster_id: '%s' is not a KRaft cluster id (22 characters of base64url, "
                        "as 'kafka-storage.sh random-uuid' prints)" % cluster_id)
    count = len(hosts)
    if count % 2 == 0 and not inv.bool(first, "littlehorse_kafka_allow_even_quorum"):
        raise PlanError("inventory: group '%s' has %d hosts (%s), a KRaft quorum of an even size: it tolerates no more "
                        "failures than %d nodes (a majority of %d is %d), so the extra node adds a machine that can "
                        "fail and no safety; use %d or %d Kafka nodes, or set littlehorse_kafka_allow_even_quorum: "
                        "true in group_vars/all to accept it"
                        % (KAFKA_GROUP, count, ", ".join(hosts), count - 1, count, count // 2 + 1, count - 1,
                           count + 1))
    nodes = []
    for host in hosts:
        if inv.raw(host, "littlehorse_kafka_node_id") is not None:
            node_id = inv.int(host, "littlehorse_kafka_node_id", 0, 32767)
        else:
            node_id = derived_base(host, 1, 1000)
        container = "%s-kafka-%d" % (prefix, node_id)
        port = inv.int(host, "littlehorse_kafka_port", 1)
        controller_port = inv.int(host, "littlehorse_kafka_controller_port", 1)
        if port == controller_port:
            raise PlanError("host %s: littlehorse_kafka_port and littlehorse_kafka_controller_port are both %d; give "
                            "them different ports" % (host, port))
        # Only the servers and the other Kafka nodes use the broker and controller ports: on many hosts they are
        # published on the host's cluster address alone, and advertised there.
        reach = container if single else inv.cluster_reach(host)
        bind = inv.bind(host)
        tools_port = inv.int(host, "littlehorse_kafka_tools_port", 1) if security["tls"] else None
        listeners = kafka_listeners(host, security, port, controller_port, tools_port, reach)
        published = [] if single else [published_port(inv.cluster_address(host), p) for p in (port, controller_port)]
        external_port = inv.raw(host, "littlehorse_kafka_external_port")
        if external_port is not None:
            external_port = inv.int(host, "littlehorse_kafka_external_port", 1)
            if not single:
                raise PlanError("host %s: littlehorse_kafka_external_port is for one-engine layouts (the broker port "
                                "is published as it is on many hosts); remove it" % host)
            if external_port == tools_port:
                raise PlanError("host %s: littlehorse_kafka_external_port and littlehorse_kafka_tools_port are both "
                                "%d; give them different ports" % (host, external_port))
            listeners.append({"name": "EXTERNAL", "port": external_port, "protocol": security["protocol"],
                              "advertised_host": inv.advertised_host(host), "advertised_port": external_port})
            published.append(published_port(bind, external_port))
        nodes.append({
            "host": host, "node_id": node_id, "container": container, "volume": container + "-data",
            "process_roles": ["broker", "controller"],
            "listeners": listeners,
            "controller_listener_name": "CONTROLLER",
            "inter_broker_listener_name": security["protocol"],
            "tools_listener_name": KAFKA_TOOLS_LISTENER if security["tls"] else None,
            "external_advertised_host": inv.advertised_host(host) if external_port is not None else None,
            "offsets_topic_replication_factor": min(count, 3),
            "transaction_state_log_replication_factor": min(count, 3),
            "transaction_state_log_min_isr": 2 if count >= 3 else 1,
            "min_insync_replicas": 2 if count >= 3 else 1,
            "published_ports": published,
            "port": port, "controller_port": controller_port, "external_port": external_port,
            "advertised_host": reach,
            "wait_host": (reach if not single and inv.remote_engine(host) else inv.wait_host(host)),
        })
    check_unique_ids([(n["node_id"], n["host"]) for n in nodes], "littlehorse_kafka_node_id")
    voters = [{"node_id": n["node_id"], "host": n["advertised_host"], "port": n["controller_port"]} for n in nodes]
    for node in nodes:
        node["controller_quorum_voters"] = voters
    return {"external": False, "cluster_id": str(cluster_id), "nodes": nodes, "security": security, "stores": stores,
            "bootstrap": ",".join("%s:%d" % (n["advertised_host"], n["port"]) for n in nodes),
            "start_with_servers": not sets_user_after_start(security["mechanism"])}


def node_identities(kafka):
    """{container: {identity, listener_protocols}}: what an existing Kafka node must hold for the plan to keep its data,
    and what its listeners must already run on (a protocol switch cannot roll; lh_host_info reads it)."""
    security = kafka["security"]
    found = {}
    for node in kafka["nodes"]:
        found[node["container"]] = {
            "identity": {"CLUSTER_ID": kafka["cluster_id"], "KAFKA_NODE_ID": str(node["node_id"])},
            "listener_protocols": {
                "protocols": sorted(set(with_mechanism(l["protocol"], security["mechanism"]) for l in node["listeners"]
                                        if l["name"] != node["tools_listener_name"])),
                "setting": "littlehorse_kafka_security_protocol" + (
                    " and littlehorse_kafka_sasl_mechanism" if security["sasl"] else ""),
                "value": security["protocol"] + (" with %s" % security["mechanism"] if security["sasl"] else "")}}
    return found
