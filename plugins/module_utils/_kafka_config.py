# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One KRaft node's typed options -> the KAFKA_* environment of the official apache/kafka image."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

from ansible_collections.littlehorse.cluster.plugins.module_utils._container import (
    ContainerSpec, Mount, host_files_dir, require_host_file, tcp_probe, write_secret)
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._limits import kafka_memory, size_bytes
from ansible_collections.littlehorse.cluster.plugins.module_utils._names import (
    KRAFT_CLUSTER_ID, check_advertised_host, check_listener_name, check_no_port_clash, check_port, check_unique_names)
from ansible_collections.littlehorse.cluster.plugins.module_utils._runner import container_kwargs
from ansible_collections.littlehorse.cluster.plugins.module_utils._sasl import SASL_MECHANISMS, check_jaas_value, jaas_config

DATA_DIR = "/var/lib/kafka/data"
PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
ROLES = ("broker", "controller")
# The official image runs Kafka as appuser (uid 1000): the stores and the secrets file it reads belong to it.
IMAGE_UID = 1000
SECRETS_DIR = "/etc/kafka/secrets"
# The node's PKCS12 stores: (option, KAFKA_SSL_<store>_* settings, where the file is mounted).
STORE_TARGETS = (("ssl_keystore_file", "KEYSTORE", SECRETS_DIR + "/keystore.p12"),
                 ("ssl_truststore_file", "TRUSTSTORE", SECRETS_DIR + "/truststore.p12"))
# A SCRAM user's credential, as Kafka's ConfigCommand reads it (--add-config-file): kept out of its command line.
SCRAM_CREDENTIAL = SECRETS_DIR + "/scram-credential.properties"
# The official image reads the .properties files mounted here first; the KAFKA_* variables win over them.
FILE_INPUT = "/mnt/shared/config/server.properties"
# Variables from `properties` that hold secrets (ssl.keystore.password, sasl.jaas.config, ...): masked in what
# the module returns and in its diff, as the other container modules mask theirs.
SECRET_VARIABLE = re.compile(r"PASSWORD|SECRET|TOKEN|JAAS|CREDENTIAL", re.IGNORECASE)
# The Prometheus JMX exporter's Java agent and its rules, mounted read-only; the agent goes into the image's own JVM
# options variable (KAFKA_OPTS: the official image's start script, and the test bed's, add it to the java command).
JMX_AGENT_TARGET = "/opt/littlehorse/jmx/jmx_prometheus_javaagent.jar"
JMX_CONFIG_TARGET = "/opt/littlehorse/jmx/jmx-exporter.yml"


def kafka_heap(params):
    """The heap: as given, else with `memory` half of it (_limits.kafka_memory), else None (the image's default)."""
    if params["memory"]:
        return kafka_memory(params["memory"], params["heap"], names={"memory": "memory", "heap": "heap"})["heap_text"]
    if params["heap"]:
        size_bytes(params["heap"], "heap")
    return params["heap"]


def argument_spec():
    return dict(
        node_id=dict(type="int"),
        cluster_id=dict(type="str"),
        process_roles=dict(type="list", elements="str", default=["broker", "controller"], choices=list(ROLES)),
        listeners=dict(type="list", elements="dict", options=dict(
            name=dict(type="str", required=True),
            port=dict(type="int", required=True),
            protocol=dict(type="str", default="PLAINTEXT", choices=list(PROTOCOLS)),
            bind_host=dict(type="str", default=""),
            advertised_host=dict(type="str"),
            advertised_port=dict(type="int"),
        )),
        controller_listener_name=dict(type="str", default="CONTROLLER"),
        controller_listener_protocol=dict(type="str", default="PLAINTEXT", choices=list(PROTOCOLS)),
        inter_broker_listener_name=dict(type="str"),
        controller_quorum_voters=dict(type="list", elements="dict", options=dict(
            node_id=dict(type="int", required=True),
            host=dict(type="str", required=True),
            port=dict(type="int", required=True),
        )),
        offsets_topic_replication_factor=dict(type="int"),
        transaction_state_log_replication_factor=dict(type="int"),
        transaction_state_log_min_isr=dict(type="int"),
        min_insync_replicas=dict(type="int"),
        volume=dict(type="str"),
        heap=dict(type="str"),
        properties=dict(type="dict", default={}),
        ssl_keystore_file=dict(type="path"),
        ssl_truststore_file=dict(type="path"),
        ssl_store_password=dict(type="str", no_log=True),
        sasl_mechanism=dict(type="str", choices=list(SASL_MECHANISMS)),
        sasl_username=dict(type="str"),
        sasl_password=dict(type="str", no_log=True),
        secrets_dir=dict(type="path"),
        secrets_owner=dict(type="int", default=IMAGE_UID, no_log=False),
        tools_listener_name=dict(type="str"),
        metrics_port=dict(type="int"),
        jmx_exporter_jar=dict(type="path"),
        jmx_exporter_config=dict(type="path"),
    )


REQUIRED = ("image", "node_id", "cluster_id", "listeners", "controller_quorum_voters")


def property_env_name(prop):
    """The official image's rule, inverted: '.'->'_', '_'->'__', '-'->'___', upper-case, KAFKA_ prefix."""
    return "KAFKA_" + prop.replace("_", "__").replace("-", "___").replace(".", "_").upper()


def validate(params):
    if params["node_id"] < 0:
        raise LHClusterError("node_id: %d must be 0 or more" % params["node_id"])
    if not KRAFT_CLUSTER_ID.match(params["cluster_id"]):
        raise LHClusterError("cluster_id: '%s' is not a KRaft cluster id (22 characters of base64url, as "
                             "'kafka-storage.sh random-uuid' prints)" % params["cluster_id"])
    roles = params["process_roles"]
    if not roles:
        raise LHClusterError("process_roles: give broker, controller or both")
    unknown = [role for role in roles if role not in ROLES]
    if unknown:
        raise LHClusterError("process_roles: %s is not broker or controller" % ", ".join(unknown))
    listeners = params["listeners"]
    names = [listener["name"] for listener in listeners]
    check_unique_names("listeners", names)
    for listener in listeners:
        check_listener_name("listeners", listener["name"])
        if listener["protocol"] not in PROTOCOLS:
            raise LHClusterError("listeners[%s].protocol: '%s' is not one of %s"
                                 % (listener["name"], listener["protocol"], ", ".join(PROTOCOLS)))
        check_port("listeners[%s].port" % listener["name"], listener["port"])
        check_port("listeners[%s].advertised_port" % listener["name"], listener["advertised_port"])
        check_advertised_host("listeners[%s].advertised_host" % listener["name"], listener["advertised_host"])
    check_no_port_clash(params["name"], [("listeners[%s].port" % item["name"], item["port"]) for item in listeners])
    controller = params["controller_listener_name"]
    if "controller" in roles and controller not in names:
        raise LHClusterError("controller_listener_name: '%s' is not among listeners (%s); add a listener named "
                             "%s for the controller quorum" % (controller, ", ".join(names), controller))
    if "controller" not in roles and controller in names:
        raise LHClusterError("listeners: a broker-only node does not bind the controller listener '%s'; drop it "
                             "(it reaches the controllers through controller_quorum_voters)" % controller)
    if "broker" in roles:
        brokers = [item for item in listeners if item["name"] != controller]
        if not brokers:
            raise LHClusterError("listeners: a broker needs a listener besides the controller listener '%s'" % controller)
        inter = inter_broker_listener(params)
        if inter not in names:
            raise LHClusterError("inter_broker_listener_name: '%s' is not among listeners (%s)" % (inter, ", ".join(names)))
        if not any(item["advertised_host"] for item in brokers):
            raise LHClusterError("listeners: give the broker listener an advertised_host (the address clients "
                                 "and other brokers reach this node at)")
    if roles == ["controller"] and any(item["advertised_host"] for item in listeners):
        raise LHClusterError("listeners: a controller-only node advertises no listener; drop advertised_host")
    if not params["controller_quorum_voters"]:
        raise LHClusterError("controller_quorum_voters: give at least one voter (node_id, host, port)")
    for voter in params["controller_quorum_voters"]:
        check_port("controller_quorum_voters[%s].port" % voter["node_id"], voter["port"])
        check_advertised_host("controller_quorum_voters[%s].host" % voter["node_id"], voter["host"])
    kafka_heap(params)
    _validate_security(params, listeners)
    _validate_metrics(params, listeners)


def _validate_metrics(params, listeners):
    files = [params["jmx_exporter_jar"], params["jmx_exporter_config"]]
    if params["metrics_port"] is None:
        if any(files):
            raise LHClusterError("jmx_exporter_jar, jmx_exporter_config: they serve the metrics on metrics_port, which "
                                 "is not set; set metrics_port, or leave them out")
        return
    check_port("metrics_port", params["metrics_port"])
    if not all(files):
        raise LHClusterError("metrics_port: the metrics are served by the Prometheus JMX exporter's Java agent; give "
                             "jmx_exporter_jar (the agent's jar, io.prometheus.jmx:jmx_prometheus_javaagent) and "
                             "jmx_exporter_config (its rules), files on the managed host")
    check_no_port_clash(params["name"], [("listeners[%s].port" % item["name"], item["port"]) for item in listeners]
                        + [("metrics_port", params["metrics_port"])])


def inter_broker_listener(params):
    """The listener the brokers use between them: as given, else the first broker listener; None on a controller."""
    if "broker" not in params["process_roles"]:
        return None
    return params["inter_broker_listener_name"] or [
        l["name"] for l in params["listeners"] if l["name"] != params["controller_listener_name"]][0]


def check_properties(properties, env, option="properties", fix="set it there"):
    """`properties` (names of Kafka server properties) against the env the typed options render (typed_env)."""
    for prop in properties:
        if not re.match(r"^[a-z0-9._-]+$", prop):
            raise LHClusterError("%s: '%s' is not a Kafka server property name (lower-case, dots); fix its name"
                                 % (option, prop))
        if property_env_name(prop) in env:
            raise LHClusterError("%s: '%s' is set by a typed option already; %s" % (option, prop, fix))


def _protocols(params):
    return set(l["protocol"] for l in params["listeners"]) | set([params["controller_listener_protocol"]])


def _validate_security(params, listeners):
    protocols = _protocols(params)
    stores = [params[o] for o in ("ssl_keystore_file", "ssl_truststore_file", "ssl_store_password")]
    if protocols & set(("SSL", "SASL_SSL")) and not all(stores):
        raise LHClusterError("listeners: an SSL or SASL_SSL listener needs ssl_keystore_file, ssl_truststore_file "
                             "(PKCS12 files on the host) and ssl_store_password")
    if any(stores) and not all(stores):
        raise LHClusterError("ssl_keystore_file, ssl_truststore_file, ssl_store_password: give all three or none")
    sasl = [params[o] for o in ("sasl_mechanism", "sasl_username", "sasl_password")]
    if protocols & set(("SASL_PLAINTEXT", "SASL_SSL")) and not all(sasl):
        raise LHClusterError("listeners: a SASL listener needs sasl_mechanism, sasl_username and sasl_password")
    if any(sasl) and not all(sasl):
        raise LHClusterError("sasl_mechanism, sasl_username, sasl_password: give all three or none")
    for option in ("sasl_username", "sasl_password"):
        check_jaas_value(option, params[option])
    if _scram(params):
        if "," in params["sasl_password"]:
            raise LHClusterError("sasl_password: holds a ',', which Kafka's SCRAM credential settings cannot take; "
                                 "choose one without it")
        if "broker" in params["process_roles"] and not params["tools_listener_name"]:
            raise LHClusterError("sasl_mechanism: %s needs tools_listener_name (a PLAINTEXT listener on the "
                                 "container's loopback), through which the node makes its user's SCRAM credential"
                                 % params["sasl_mechanism"])
    tools = params["tools_listener_name"]
    if tools and not any(l["name"] == tools and l["protocol"] == "PLAINTEXT" for l in listeners):
        raise LHClusterError("tools_listener_name: '%s' is not a PLAINTEXT listener of this node (the rolling gate's "
                             "Kafka tools connect to it without credentials)" % tools)


def render_env(params):
    validate(params)
    env = typed_env(params)
    check_properties(params["properties"], env)
    env.update((property_env_name(prop), _property_value(value)) for prop, value in sorted(params["properties"].items()))
    return env


def typed_env(params):
    """The KAFKA_* environment of the typed options (not validated, without `properties`)."""
    inter = inter_broker_listener(params)
    roles = params["process_roles"]
    controller = params["controller_listener_name"]
    listeners = params["listeners"]
    env = {
        "CLUSTER_ID": params["cluster_id"],
        "KAFKA_NODE_ID": str(params["node_id"]),
        "KAFKA_PROCESS_ROLES": ",".join(sorted(roles)),
        "KAFKA_LISTENERS": ",".join("%s://%s:%d" % (l["name"], l["bind_host"] or "", l["port"]) for l in listeners),
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": ",".join(protocol_map(params)),
        "KAFKA_CONTROLLER_LISTENER_NAMES": controller,
        "KAFKA_CONTROLLER_QUORUM_VOTERS": ",".join(
            "%d@%s:%d" % (v["node_id"], v["host"], v["port"]) for v in params["controller_quorum_voters"]),
        "KAFKA_LOG_DIRS": DATA_DIR,
    }
    advertised = [l for l in listeners if l["advertised_host"]]
    if advertised and "broker" in roles:
        env["KAFKA_ADVERTISED_LISTENERS"] = ",".join(
            "%s://%s:%d" % (l["name"], l["advertised_host"], l["advertised_port"] or l["port"]) for l in advertised)
    if inter:
        env["KAFKA_INTER_BROKER_LISTENER_NAME"] = inter
    for option in ("offsets_topic_replication_factor", "transaction_state_log_replication_factor",
                   "transaction_state_log_min_isr", "min_insync_replicas"):
        if params[option] is not None:
            env[property_env_name(option.replace("_", "."))] = str(params[option])
    heap = kafka_heap(params)
    if heap:
        env["KAFKA_HEAP_OPTS"] = "-Xmx%s -Xms%s" % (heap, heap)
    if params["metrics_port"] is not None:
        env["KAFKA_OPTS"] = "-javaagent:%s=%d:%s" % (JMX_AGENT_TARGET, params["metrics_port"], JMX_CONFIG_TARGET)
    env.update(security_env(params))
    return env


def security_env(params):
    """The stores' locations and the SASL mechanism (no secret: those go in secret_properties())."""
    env = {}
    if params["ssl_keystore_file"]:
        for unused_option, store, target in STORE_TARGETS:
            env.update({"KAFKA_SSL_%s_LOCATION" % store: target, "KAFKA_SSL_%s_TYPE" % store: "PKCS12"})
    # A listener with SSL alone authenticates nobody unless it asks for the client's certificate.
    ssl_listeners = [l["name"] for l in params["listeners"] if l["protocol"] == "SSL"]
    if params["controller_listener_protocol"] == "SSL" and "controller" not in params["process_roles"]:
        ssl_listeners.append(params["controller_listener_name"])
    for name in ssl_listeners:
        env[property_env_name("listener.name.%s.ssl.client.auth" % name.lower())] = "required"
    if params["sasl_mechanism"]:
        env["KAFKA_SASL_ENABLED_MECHANISMS"] = params["sasl_mechanism"]
        env["KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL"] = params["sasl_mechanism"]
    return env


def _property_line(key, value):
    return "%s=%s\n" % (key, value.replace("\\", "\\\\"))


def secret_properties(params):
    """The server properties that hold secrets (store passwords, each SASL listener's JAAS login with its one
    user), for the file the node reads at start; '' when none."""
    lines = []
    if params["ssl_store_password"]:
        for key in ("ssl.keystore.password", "ssl.key.password", "ssl.truststore.password"):
            lines.append(_property_line(key, params["ssl_store_password"]))
    mechanism = params["sasl_mechanism"]
    if mechanism:
        # A PLAIN broker checks logins against the users of its JAAS line; a SCRAM one against the credentials in
        # the cluster's metadata (scram_user makes this one), its JAAS login being its own, between brokers.
        users = [(params["sasl_username"], params["sasl_password"])] if mechanism == "PLAIN" else []
        jaas = jaas_config(mechanism, params["sasl_username"], params["sasl_password"], users)
        for listener in params["listeners"]:
            if listener["protocol"].startswith("SASL_"):
                lines.append(_property_line("listener.name.%s.%s.sasl.jaas.config"
                                            % (listener["name"].lower(), mechanism.lower()), jaas))
    return "".join(lines)


def sets_user_after_start(mechanism):
    """A SCRAM broker sets its user's credential once it runs (scram_user), and servers cannot log in before that;
    other nodes need nothing after they start, so the servers may start beside them."""
    return (mechanism or "").startswith("SCRAM-")


def _scram(params):
    return sets_user_after_start(params["sasl_mechanism"])


def scram_credential(params):
    """The SCRAM credential of the node's user, for ConfigCommand's --add-config-file; '' without SCRAM."""
    if not _scram(params):
        return ""
    return _property_line(params["sasl_mechanism"], "password=" + params["sasl_password"])


def scram_user(username, port):
    """after_start(run) for a SCRAM node: set its user's credential (from SCRAM_CREDENTIAL) in the cluster's metadata
    through the tools listener. A node is set up when it is created or re-created, so the same password is set again
    then (harmless) and a new one replaces the old."""
    def make(run):
        code, output = run(TOOL + ["kafka.admin.ConfigCommand", "--bootstrap-server", "localhost:%d" % port, "--alter",
                                   "--entity-type", "users", "--entity-name", username,
                                   "--add-config-file", SCRAM_CREDENTIAL])
        if code != 0:
            return False, "setting the SCRAM credential of %s failed: %s" % (username, last_line(output))
        return True, "the SCRAM credential of %s is set" % username
    return make


def protocol_map(params):
    """Every listener's protocol; a broker-only node maps the controllers' listener too, which
    Kafka requires although the node does not bind it."""
    entries = ["%s:%s" % (l["name"], l["protocol"]) for l in params["listeners"]]
    if "controller" not in params["process_roles"]:
        entries.append("%s:%s" % (params["controller_listener_name"], params["controller_listener_protocol"]))
    return entries


def _property_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def health_port(params):
    """The first advertised broker listener; the controller listener on a controller-only node."""
    controller = params["controller_listener_name"]
    listeners = params["listeners"]
    if "broker" in params["process_roles"]:
        return [l for l in listeners if l["name"] != controller and l["advertised_host"]][0]["port"]
    return [l for l in listeners if l["name"] == controller][0]["port"]


# Kafka's own tools, run in the node's container by class name: both the official image and the
# test bed's keep the jars in /opt/kafka/libs (the test bed's has no bin/ scripts). Each look is a
# JVM that lives a few seconds beside the broker: the client compiler only and the serial collector
# start it with a fraction of the CPU the defaults take (C2 and G1 threads), which the broker needs.
TOOL = ["java", "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", "/opt/kafka/libs/*"]


def quorum_lag(output, node_id):
    """The Lag of node_id in 'MetadataQuorumCommand describe --replication' output, None if not listed."""
    columns = None
    for line in output.splitlines():
        words = line.split()
        if "NodeId" in words and "Lag" in words:
            columns = words
            continue
        if columns and len(words) >= len(columns) and words[0] == str(node_id):
            try:
                return int(words[columns.index("Lag")])
            except ValueError:
                return None
    return None


def under_replicated(output):
    """The partitions 'TopicCommand --describe --under-replicated-partitions' lists."""
    return [line.strip() for line in output.splitlines() if line.strip().startswith("Topic:") and "Partition:" in line]


def last_line(output):
    lines = [line for line in output.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


# The KRaft leader appends a no-op record to the metadata log every 500 ms, so a follower that is
# caught up is often a record or two behind between its fetches; one that has just come back is
# hundreds or thousands behind.
QUORUM_CAUGHT_UP_LAG = 10


def in_sync_check(node_id, port):
    """settle(run) for a broker: the node is in the quorum, caught up with its leader, and no partition is
    under-replicated."""
    bootstrap = "localhost:%d" % port

    def settle(run):
        code, output = run(TOOL + ["org.apache.kafka.tools.MetadataQuorumCommand", "--bootstrap-server", bootstrap,
                                   "describe", "--replication"])
        if code != 0 and "org.apache.kafka.tools" in output and "ClassNotFoundException" in output:
            raise LHClusterError("the node's image has no Kafka tools (org.apache.kafka.tools, the kafka-tools jar in "
                                 "/opt/kafka/libs, as the official apache/kafka image has it); the rolling gate runs "
                                 "them to see the node back in the quorum. Use an image that has them.")
        if code != 0:
            return False, "describing the quorum failed: %s" % last_line(output)
        lag = quorum_lag(output, node_id)
        if lag is None:
            return False, "node %s is not in the quorum's replication yet" % node_id
        if lag > QUORUM_CAUGHT_UP_LAG:
            return False, "node %s is %d records behind the quorum's leader" % (node_id, lag)
        code, output = run(TOOL + ["org.apache.kafka.tools.TopicCommand", "--bootstrap-server", bootstrap,
                                   "--describe", "--under-replicated-partitions"])
        if code != 0:
            return False, "listing under-replicated partitions failed: %s" % last_line(output)
        partitions = under_replicated(output)
        if partitions:
            return False, "%d under-replicated partitions, e.g. %s" % (len(partitions), " ".join(partitions[0].split()[:4]))
        return True, "in the quorum, no under-replicated partitions"
    return settle


def tools_port(params):
    """Where the rolling gate's Kafka tools connect: the tools listener, else the health port."""
    name = params["tools_listener_name"]
    return [l for l in params["listeners"] if l["name"] == name][0]["port"] if name else health_port(params)


def build_spec(params, check_mode=False):
    env = render_env(params)
    mounts = [Mount(DATA_DIR, volume=params["volume"])] if params["volume"] else []
    written = []
    for option, unused_store, target in STORE_TARGETS:
        if params[option]:
            require_host_file(option, params[option], params)
            mounts.append(Mount(target, host_path=params[option], read_only=True))
    for option, target in (("jmx_exporter_jar", JMX_AGENT_TARGET), ("jmx_exporter_config", JMX_CONFIG_TARGET)):
        if params[option]:
            require_host_file(option, params[option], params)
            mounts.append(Mount(target, host_path=params[option], read_only=True))
    secrets = secret_properties(params)
    if secrets:
        path = os.path.join(host_files_dir(params["secrets_dir"], params["name"]), "server.properties")
        if write_secret(path, secrets, check_mode, uid=params["secrets_owner"]):
            written.append(path)
        mounts.append(Mount(FILE_INPUT, host_path=path, read_only=True, content=secrets))
    credential = scram_credential(params)
    after_start = None
    if credential:
        path = os.path.join(host_files_dir(params["secrets_dir"], params["name"]), "scram-credential.properties")
        if write_secret(path, credential, check_mode, uid=params["secrets_owner"]):
            written.append(path)
        mounts.append(Mount(SCRAM_CREDENTIAL, host_path=path, read_only=True, content=credential))
        if "broker" in params["process_roles"]:
            after_start = scram_user(params["sasl_username"], tools_port(params))
    # A re-created broker must be back in the quorum with every partition in sync before the run
    # moves on (the next node may go down next); a controller-only node is gated on its port.
    settle = in_sync_check(params["node_id"], tools_port(params)) if "broker" in params["process_roles"] else None
    spec = ContainerSpec(env=env, mounts=mounts, health=tcp_probe(health_port(params)), settle=settle,
                         after_start=after_start,
                         secret_env=[name for name in env if SECRET_VARIABLE.search(name)], **container_kwargs(params))
    return spec, {"files_written": written}
