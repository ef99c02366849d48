# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The LittleHorse server's settings: one typed model that knows each setting's variable,
whether it is per instance or cluster-wide, and how it is validated; it renders the LHS_*
environment and the read-only file mounts of one server container."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

from ansible_collections.littlehorse.cluster.plugins.module_utils._container import (
    ContainerSpec, Mount, host_files_dir, http_probe, require_host_file, write_secret)
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._limits import server_memory, size_bytes
from ansible_collections.littlehorse.cluster.plugins.module_utils._names import (
    check_advertised_host, check_listener_name, check_no_port_clash, check_port, check_unique_names)
from ansible_collections.littlehorse.cluster.plugins.module_utils._runner import container_kwargs
from ansible_collections.littlehorse.cluster.plugins.module_utils._sasl import SASL_MECHANISMS, jaas_config

STATE_DIR = "/lh-data"
CONFIG_DIR = "/lh/config"
PROTOCOLS = ("PLAIN", "TLS", "MTLS")
AUTHENTICATIONS = ("NONE", "OAUTH", "MTLS")
KAFKA_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_SSL")
# The image's start script always puts its own JVM flags (-XX:+UseZGC ...) first, then JAVA_OPTS: a
# different collector must switch ZGC off and pick the other; `zgc` is the image's own and renders nothing.
COLLECTORS = {"zgc": "", "g1": "-XX:-UseZGC -XX:+UseG1GC", "parallel": "-XX:-UseZGC -XX:+UseParallelGC",
              "serial": "-XX:-UseZGC -XX:+UseSerialGC", "shenandoah": "-XX:-UseZGC -XX:+UseShenandoahGC"}
# A flag that selects (or deselects) a collector: in JAVA_OPTS beside the image's -XX:+UseZGC, the JVM refuses
# two of them ("Multiple garbage collectors selected").
COLLECTOR_NAMES = {"Z": "zgc", "G1": "g1", "Parallel": "parallel", "Serial": "serial", "Shenandoah": "shenandoah"}
COLLECTOR_FLAG = re.compile(r"-XX:[+-]Use(?:Serial|Parallel|ParallelOld|G1|Z|Shenandoah|Epsilon|ConcMarkSweep|ParNew)GC\b")
PER_INSTANCE, CLUSTER_WIDE = "instance", "cluster"
KAFKA_BOOTSTRAP_ENV = "LHS_KAFKA_BOOTSTRAP_SERVERS"


class Setting(object):
    """A scalar option and the LHS_ variable it sets."""

    def __init__(self, option, variable, scope, kind="str"):
        self.option, self.variable, self.scope, self.kind = option, variable, scope, kind


SCALARS = (
    Setting("cluster_id", "LHS_CLUSTER_ID", CLUSTER_WIDE),
    Setting("instance_id", "LHS_INSTANCE_ID", PER_INSTANCE, "int"),
    Setting("internal_port", "LHS_INTERNAL_BIND_PORT", PER_INSTANCE, "int"),
    Setting("internal_advertised_host", "LHS_INTERNAL_ADVERTISED_HOST", PER_INSTANCE),
    Setting("internal_advertised_port", "LHS_INTERNAL_ADVERTISED_PORT", PER_INSTANCE, "int"),
    Setting("health_port", "LHS_HEALTH_SERVICE_PORT", PER_INSTANCE, "int"),
    Setting("kafka_bootstrap_servers", KAFKA_BOOTSTRAP_ENV, CLUSTER_WIDE),
    Setting("kafka_security_protocol", "LHS_KAFKA_SECURITY_PROTOCOL", CLUSTER_WIDE),
    Setting("kafka_sasl_mechanism", "LHS_KAFKA_SASL_MECHANISM", CLUSTER_WIDE),
    Setting("oauth_introspect_url", "LHS_OAUTH_INTROSPECT_URL", CLUSTER_WIDE),
    Setting("partitions", "LHS_CLUSTER_PARTITIONS", CLUSTER_WIDE, "int"),
    Setting("replication_factor", "LHS_REPLICATION_FACTOR", CLUSTER_WIDE, "int"),
    Setting("should_create_topics", "LHS_SHOULD_CREATE_TOPICS", CLUSTER_WIDE, "bool"),
    Setting("standby_replicas", "LHS_STREAMS_NUM_STANDBY_REPLICAS", CLUSTER_WIDE, "int"),
    Setting("warmup_replicas", "LHS_STREAMS_NUM_WARMUP_REPLICAS", CLUSTER_WIDE, "int"),
    Setting("session_timeout_ms", "LHS_STREAMS_SESSION_TIMEOUT", CLUSTER_WIDE, "int"),
    Setting("core_stream_threads", "LHS_CORE_STREAM_THREADS", CLUSTER_WIDE, "int"),
    Setting("rack_id", "LHS_RACK_ID", PER_INSTANCE),
)

# Host files mounted read-only; the variable points at the path inside the container.
FILES = (
    Setting("ca_cert_file", "LHS_CA_CERT", CLUSTER_WIDE),
    Setting("internal_ca_cert_file", "LHS_INTERNAL_CA_CERT", CLUSTER_WIDE),
    Setting("internal_server_cert_file", "LHS_INTERNAL_SERVER_CERT", PER_INSTANCE),
    Setting("internal_server_key_file", "LHS_INTERNAL_SERVER_KEY", PER_INSTANCE),
    Setting("kafka_keystore_file", "LHS_KAFKA_KEYSTORE", PER_INSTANCE),
    Setting("kafka_truststore_file", "LHS_KAFKA_TRUSTSTORE", CLUSTER_WIDE),
    Setting("kafka_keystore_password_file", "LHS_KAFKA_KEYSTORE_PASSWORD_FILE", PER_INSTANCE),
    Setting("kafka_truststore_password_file", "LHS_KAFKA_TRUSTSTORE_PASSWORD_FILE", CLUSTER_WIDE),
    Setting("kafka_sasl_jaas_config_file", "LHS_KAFKA_SASL_JAAS_CONFIG_FILE", CLUSTER_WIDE),
    Setting("oauth_client_id_file", "LHS_OAUTH_CLIENT_ID_FILE", CLUSTER_WIDE),
    Setting("oauth_client_secret_file", "LHS_OAUTH_CLIENT_SECRET_FILE", CLUSTER_WIDE),
)

# Secrets that may be given inline: the module writes them to a 0600 file and mounts that.
INLINE_SECRETS = (
    ("kafka_keystore_password", "kafka_keystore_password_file"),
    ("kafka_truststore_password", "kafka_truststore_password_file"),
    ("kafka_sasl_jaas_config", "kafka_sasl_jaas_config_file"),
    ("oauth_client_secret", "oauth_client_secret_file"),
)
# Settings the server reads only from a file but that are no secret (shown in logs): given inline, they are
# written and mounted the same way.
INLINE_VALUES = (
    ("oauth_client_id", "oauth_client_id_file"),
)
INLINE_FILES = INLINE_SECRETS + INLINE_VALUES

TYPES = {"str": "str", "int": "int", "bool": "bool"}
REQUIRED = ("image", "cluster_id", "instance_id", "listeners", "kafka_bootstrap_servers")


def argument_spec():
    spec = dict((s.option, dict(type=TYPES[s.kind])) for s in SCALARS + FILES)
    spec.update((inline, dict(type="str", no_log=True)) for inline, unused_file_option in INLINE_SECRETS)
    spec.update((inline, dict(type="str")) for inline, unused_file_option in INLINE_VALUES)
    spec.update(kafka_sasl_username=dict(type="str"), kafka_sasl_password=dict(type="str", no_log=True))
    spec["kafka_security_protocol"]["choices"] = list(KAFKA_PROTOCOLS)
    for setting in FILES:
        spec[setting.option]["type"] = "path"
        spec[setting.option]["no_log"] = False  # a path to a secret, not the secret
    spec.update(
        listeners=dict(type="list", elements="dict", options=dict(
            name=dict(type="str", required=True),
            port=dict(type="int", required=True),
            protocol=dict(type="str", default="PLAIN", choices=list(PROTOCOLS)),
            authentication=dict(type="str", default="NONE", choices=list(AUTHENTICATIONS)),
            advertised_host=dict(type="str", required=True),
            advertised_port=dict(type="int"),
            cert_file=dict(type="path"),
            key_file=dict(type="path"),
        )),
        secrets_dir=dict(type="path"),
        volume=dict(type="str"),
        heap=dict(type="str"),
        rocksdb_block_cache=dict(type="str"),
        rocksdb_memtable=dict(type="str"),
        gc=dict(type="str", default="zgc", choices=sorted(COLLECTORS)),
        java_opts=dict(type="str"),
        env=dict(type="dict", default={}),
    )
    spec["internal_port"]["default"] = 2011
    spec["health_port"]["default"] = 1822
    return spec


def _value(setting, value):
    if setting.kind == "bool":
        return "true" if value else "false"
    return str(value)


def validate(params):
    if not 0 <= params["instance_id"] <= 32767:
        raise LHClusterError("instance_id: %d must be between 0 and 32767 (a short), unique per server and "
                             "stable across restarts" % params["instance_id"])
    listeners = params["listeners"]
    if not listeners:
        raise LHClusterError("listeners: give at least one public listener, e.g. {name: PLAIN, port: 2023, "
                             "advertised_host: <host clients reach>}")
    check_unique_names("listeners", [item["name"] for item in listeners])
    for item in listeners:
        where = "listeners[%s]" % item["name"]
        check_listener_name("listeners", item["name"])
        if item["protocol"] not in PROTOCOLS:
            raise LHClusterError("%s.protocol: '%s' is not one of %s" % (where, item["protocol"], ", ".join(PROTOCOLS)))
        if item["authentication"] not in AUTHENTICATIONS:
            raise LHClusterError("%s.authentication: '%s' is not one of %s"
                                 % (where, item["authentication"], ", ".join(AUTHENTICATIONS)))
        check_port(where + ".port", item["port"])
        check_port(where + ".advertised_port", item["advertised_port"])
        check_advertised_host(where + ".advertised_host", item["advertised_host"])
        if item["authentication"] == "MTLS" and item["protocol"] != "MTLS":
            raise LHClusterError("%s.authentication: MTLS authentication needs protocol MTLS (it is %s)"
                                 % (where, item["protocol"]))
        if item["protocol"] in ("TLS", "MTLS") and not (item["cert_file"] and item["key_file"]):
            raise LHClusterError("%s: protocol %s needs cert_file and key_file (PEM files on the host)"
                                 % (where, item["protocol"]))
        if item["protocol"] == "PLAIN" and (item["cert_file"] or item["key_file"]):
            raise LHClusterError("%s: cert_file/key_file are only used with protocol TLS or MTLS" % where)
        if item["protocol"] == "MTLS" and not params["ca_cert_file"]:
            raise LHClusterError("%s: protocol MTLS needs ca_cert_file (the CA that signs client certificates)" % where)
        if item["authentication"] == "OAUTH" and not (
                params["oauth_introspect_url"] and (params["oauth_client_id"] or params["oauth_client_id_file"]) and
                (params["oauth_client_secret_file"] or params["oauth_client_secret"])):
            raise LHClusterError("%s.authentication: OAUTH needs oauth_introspect_url, oauth_client_id (or "
                                 "oauth_client_id_file) and oauth_client_secret (or oauth_client_secret_file)" % where)
    for option in ("internal_port", "internal_advertised_port", "health_port"):
        check_port(option, params[option])
    check_advertised_host("internal_advertised_host", params["internal_advertised_host"])
    check_no_port_clash(params["name"], [("listeners[%s].port" % item["name"], item["port"]) for item in listeners]
                        + [("internal_port", params["internal_port"]), ("health_port", params["health_port"])])
    internal_tls = [params[o] for o in ("internal_ca_cert_file", "internal_server_cert_file", "internal_server_key_file")]
    if any(internal_tls) and not all(internal_tls):
        raise LHClusterError("internal_ca_cert_file, internal_server_cert_file, internal_server_key_file: give all "
                             "three for mTLS between servers, or none")
    for inline, file_option in INLINE_FILES:
        if params[inline] and params[file_option]:
            raise LHClusterError("%s and %s: give the %s one way only (the file form is preferred)"
                                 % (inline, file_option, "value" if (inline, file_option) in INLINE_VALUES else "secret"))
    if params["kafka_security_protocol"] not in (None,) + KAFKA_PROTOCOLS:
        raise LHClusterError("kafka_security_protocol: '%s' is not one of %s (the server supports no other)"
                             % (params["kafka_security_protocol"], ", ".join(KAFKA_PROTOCOLS)))
    login = [params["kafka_sasl_username"], params["kafka_sasl_password"]]
    if any(login) and not all(login):
        raise LHClusterError("kafka_sasl_username, kafka_sasl_password: give both (the module builds the JAAS login "
                             "from them) or neither")
    if all(login):
        if params["kafka_sasl_jaas_config"] or params["kafka_sasl_jaas_config_file"]:
            raise LHClusterError("kafka_sasl_username and kafka_sasl_jaas_config%s: give the SASL login one way only"
                                 % ("" if params["kafka_sasl_jaas_config"] else "_file"))
        if params["kafka_sasl_mechanism"] not in SASL_MECHANISMS:
            raise LHClusterError("kafka_sasl_mechanism: '%s' with kafka_sasl_username must be one of %s (the module "
                                 "knows their JAAS login modules)" % (params["kafka_sasl_mechanism"],
                                                                      ", ".join(SASL_MECHANISMS)))
        kafka_jaas_config(params)
    if params["kafka_security_protocol"] == "SASL_SSL" and not (params["kafka_sasl_mechanism"] and (
            all(login) or params["kafka_sasl_jaas_config"] or params["kafka_sasl_jaas_config_file"])):
        raise LHClusterError("kafka_security_protocol: SASL_SSL needs kafka_sasl_mechanism and the login: "
                             "kafka_sasl_username with kafka_sasl_password, or kafka_sasl_jaas_config_file")
    memory_split(params)
    check_gc(params["gc"])
    check_java_opts(params["java_opts"])
    for key in params["env"]:
        refusal = env_refusal(key)
        if refusal == NOT_READ:
            raise LHClusterError("env: '%s' does not start with LHS_ (the server reads only LHS_* variables); JVM "
                                 "flags go in java_opts" % key)
        if refusal == SECRET:
            raise LHClusterError("env: '%s' looks like a secret; use the module's *_file options so it does not "
                                 "show in docker inspect" % key)
        if refusal:
            raise LHClusterError("env: '%s' is set by a typed option of this module (%s); use that option"
                                 % (key, refusal))


def kafka_jaas_config(params):
    """The JAAS login built from kafka_sasl_mechanism, kafka_sasl_username and kafka_sasl_password (checked)."""
    return jaas_config(params["kafka_sasl_mechanism"], params["kafka_sasl_username"], params["kafka_sasl_password"],
                       names=("kafka_sasl_username", "kafka_sasl_password"))


BLOCK_CACHE_ENV = "LHS_ROCKSDB_TOTAL_BLOCK_CACHE_BYTES"
MEMTABLE_ENV = "LHS_ROCKSDB_TOTAL_MEMTABLE_BYTES"
# Variables the module renders from options other than SCALARS and FILES.
RENDERED = {"LHS_LISTENERS": "listeners", "LHS_LISTENERS_PROTOCOL_MAP": "listeners",
            "LHS_LISTENERS_AUTHENTICATION_MAP": "listeners", "LHS_ADVERTISED_LISTENERS": "listeners",
            "LHS_STATE_DIR": "volume", BLOCK_CACHE_ENV: "rocksdb_block_cache", MEMTABLE_ENV: "rocksdb_memtable"}
NOT_READ, SECRET = "not read", "secret"


def env_refusal(key):
    """Why `env` may not set the variable `key`: None when it may; NOT_READ (the server reads only LHS_*);
    the typed option that sets it; SECRET (it would show in docker inspect)."""
    if not key.startswith("LHS_"):
        return NOT_READ
    typed = dict((s.variable, s.option) for s in SCALARS + FILES)
    typed.update(RENDERED)
    if key in typed:
        return typed[key]
    if key.startswith("LHS_LISTENER_"):
        return "listeners"
    if key.endswith("_FILE") or any(word in key for word in ("PASSWORD", "SECRET", "JAAS")):
        return SECRET
    return None


MEMORY_OPTIONS = {"memory": "memory", "heap": "heap", "block_cache": "rocksdb_block_cache",
                  "memtable": "rocksdb_memtable"}


def memory_split(params):
    """{heap, block_cache, memtable: text or bytes, or None}: with `memory`, what is unset follows the split of
    _limits.server_memory; without, each as given (checked to be a size)."""
    if params["memory"]:
        split = server_memory(params["memory"], params["heap"], params["rocksdb_block_cache"],
                              params["rocksdb_memtable"], names=MEMORY_OPTIONS)
        return {"heap": split["heap_text"], "block_cache": split["block_cache"], "memtable": split["memtable"]}
    sizes = dict((key, size_bytes(params[option], option) if params[option] else None)
                 for key, option in MEMORY_OPTIONS.items() if key != "memory")
    return {"heap": params["heap"], "block_cache": sizes["block_cache"], "memtable": sizes["memtable"]}


def check_java_opts(java_opts, names=None):
    """Refuses a collector flag in java_opts: the image's defaults already select ZGC, so a second collector stops
    the JVM at start; the collector has its own option. names: the options' names to say (the role's, in the plan)."""
    names = dict({"java_opts": "java_opts", "gc": "gc"}, **(names or {}))
    flags = COLLECTOR_FLAG.findall(java_opts or "")
    if not flags:
        return
    chosen = [COLLECTOR_NAMES.get(flag[len("-XX:+Use"):-len("GC")]) for flag in flags if flag.startswith("-XX:+")]
    fix = ("%s: %s" % (names["gc"], chosen[-1])) if chosen and chosen[-1] else (
        "%s to one of %s" % (names["gc"], ", ".join(sorted(COLLECTORS))))
    raise LHClusterError(
        "%s: %s selects a garbage collector, but the image's start script already gives -XX:+UseZGC before JAVA_OPTS "
        "and the JVM refuses two ('Multiple garbage collectors selected'); remove it from %s and set %s instead"
        % (names["java_opts"], " ".join(flags), names["java_opts"], fix))


def check_gc(gc, names=None):
    names = dict({"gc": "gc"}, **(names or {}))
    if gc not in COLLECTORS:
        raise LHClusterError("%s: '%s' is not a collector this collection can select; set one of %s (zgc, the "
                             "image's own, by default)" % (names["gc"], gc, ", ".join(sorted(COLLECTORS))))


def java_options(gc, java_opts, heap):
    """JAVA_OPTS (None when empty): the collector's flags, java_opts, the heap - all after the start script's own
    defaults, which JAVA_OPTS adds to."""
    check_gc(gc)
    check_java_opts(java_opts)
    words = [COLLECTORS[gc], (java_opts or "").strip()]
    if heap:
        words.append("-Xmx%s -Xms%s" % (heap, heap))
    return " ".join(word for word in words if word) or None


def secret_file_path(params, inline):
    return os.path.join(host_files_dir(params["secrets_dir"], params["name"]), inline)


def render(params, check_mode=False):
    """(env, mounts, secret files written) for one server; validates first."""
    validate(params)
    params = dict(params)
    if params["kafka_sasl_username"]:
        params["kafka_sasl_jaas_config"] = kafka_jaas_config(params)
    written, contents = [], {}
    for inline, file_option in INLINE_FILES:
        if params[inline]:
            path = secret_file_path(params, inline)
            if write_secret(path, params[inline], check_mode):
                written.append(path)
            params[file_option] = path
            contents[path] = params[inline]
    env, mounts = {}, []

    def mount_file(variable, host_path, name):
        target = "%s/%s" % (CONFIG_DIR, name)
        if host_path not in contents:
            require_host_file(name, host_path, params)
        mounts.append(Mount(target, host_path=host_path, read_only=True, content=contents.get(host_path)))
        env[variable] = target

    for setting in SCALARS:
        if params[setting.option] is not None:
            env[setting.variable] = _value(setting, params[setting.option])
    for setting in FILES:
        if params[setting.option]:
            mount_file(setting.variable, params[setting.option], setting.option)
    listeners = params["listeners"]
    env["LHS_LISTENERS"] = ",".join("%s:%d" % (l["name"], l["port"]) for l in listeners)
    env["LHS_LISTENERS_PROTOCOL_MAP"] = ",".join("%s:%s" % (l["name"], l["protocol"]) for l in listeners)
    env["LHS_LISTENERS_AUTHENTICATION_MAP"] = ",".join("%s:%s" % (l["name"], l["authentication"]) for l in listeners)
    env["LHS_ADVERTISED_LISTENERS"] = ",".join(
        "%s://%s:%d" % (l["name"], l["advertised_host"], l["advertised_port"] or l["port"]) for l in listeners)
    for item in listeners:
        if item["cert_file"]:
            mount_file("LHS_LISTENER_%s_CERT" % item["name"], item["cert_file"], "listener-%s.crt" % item["name"].lower())
            mount_file("LHS_LISTENER_%s_KEY" % item["name"], item["key_file"], "listener-%s.key" % item["name"].lower())
    split = memory_split(params)
    java_opts = java_options(params["gc"], params["java_opts"], split["heap"])
    if java_opts:
        env["JAVA_OPTS"] = java_opts
    for variable, key in ((BLOCK_CACHE_ENV, "block_cache"), (MEMTABLE_ENV, "memtable")):
        if split[key] is not None:
            env[variable] = str(split[key])
    env["LHS_STATE_DIR"] = STATE_DIR
    env.update((k, str(v)) for k, v in params["env"].items())
    if params["volume"]:
        mounts.append(Mount(STATE_DIR, volume=params["volume"]))
    return env, mounts, written


def build_spec(params, check_mode=False):
    env, mounts, written = render(params, check_mode)
    spec = ContainerSpec(env=env, mounts=mounts, health=http_probe(params["health_port"], ("/readiness", "/liveness")),
                         **container_kwargs(params))
    return spec, {"files_written": written}
