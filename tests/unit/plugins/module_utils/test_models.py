# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import re

import pytest

from ansible_collections.littlehorse.cluster.plugins.module_utils import (
    _dashboard_config, _kafka_config, _server_config)
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._runner import container_argument_spec


def defaults(argument_spec, **given):
    """Params as AnsibleModule would hand them over: every option, defaults filled in."""
    params = dict((name, option.get("default")) for name, option in argument_spec.items())
    params.update(given)
    return params


def kafka_params(**given):
    values = dict(name="k1", image="img", node_id=1, cluster_id="MkU3OEVBNTcwNTJENDM2Qk",
                  listeners=[listener("PLAINTEXT", 9092, advertised_host="k1"), listener("CONTROLLER", 9093)],
                  controller_quorum_voters=[{"node_id": 1, "host": "k1", "port": 9093}])
    values.update(given)
    spec = container_argument_spec()
    spec.update(_kafka_config.argument_spec())
    return defaults(spec, **values)


def listener(name, port, **extra):
    values = dict(name=name, port=port, protocol="PLAINTEXT", bind_host="", advertised_host=None, advertised_port=None)
    values.update(extra)
    return values


def server_listener(name="PLAIN", port=2023, **extra):
    values = dict(name=name, port=port, protocol="PLAIN", authentication="NONE", advertised_host="localhost",
                  advertised_port=None, cert_file=None, key_file=None)
    values.update(extra)
    return values


def server_params(**given):
    values = dict(name="s1", image="img", cluster_id="lh", instance_id=1, kafka_bootstrap_servers="k1:9092",
                  listeners=[server_listener()])
    values.update(given)
    spec = container_argument_spec(120)
    spec.update(_server_config.argument_spec())
    return defaults(spec, **values)


# ---- Kafka

def test_kafka_env_follows_the_official_image_contract():
    env = _kafka_config.render_env(kafka_params(heap="384m", offsets_topic_replication_factor=1,
                                                properties={"log.retention-hours": 12, "auto.create.topics.enable": False}))
    assert env["CLUSTER_ID"] == "MkU3OEVBNTcwNTJENDM2Qk"
    assert env["KAFKA_LISTENERS"] == "PLAINTEXT://:9092,CONTROLLER://:9093"
    assert env["KAFKA_ADVERTISED_LISTENERS"] == "PLAINTEXT://k1:9092"
    assert env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"] == "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == "1@k1:9093"
    assert env["KAFKA_INTER_BROKER_LISTENER_NAME"] == "PLAINTEXT"
    assert env["KAFKA_LOG_DIRS"] == "/var/lib/kafka/data"
    assert env["KAFKA_HEAP_OPTS"] == "-Xmx384m -Xms384m"
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"
    assert env["KAFKA_LOG_RETENTION___HOURS"] == "12"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"


def test_a_controller_only_node_advertises_nothing_and_is_probed_on_the_controller_port():
    params = kafka_params(process_roles=["controller"], listeners=[listener("CONTROLLER", 9093)])
    env = _kafka_config.render_env(params)
    assert "KAFKA_ADVERTISED_LISTENERS" not in env
    assert "KAFKA_INTER_BROKER_LISTENER_NAME" not in env
    assert env["KAFKA_PROCESS_ROLES"] == "controller"
    assert _kafka_config.health_port(params) == 9093


def test_a_broker_only_node_maps_the_controller_listener_it_does_not_bind():
    params = kafka_params(process_roles=["broker"], controller_listener_protocol="SSL",
                          ssl_keystore_file="/k.p12", ssl_truststore_file="/t.p12", ssl_store_password="pw",
                          listeners=[listener("INTERNAL", 9094), listener("PLAINTEXT", 9092, advertised_host="k1")])
    env = _kafka_config.render_env(params)
    assert env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"] == "INTERNAL:PLAINTEXT,PLAINTEXT:PLAINTEXT,CONTROLLER:SSL"
    assert env["KAFKA_ADVERTISED_LISTENERS"] == "PLAINTEXT://k1:9092"
    assert _kafka_config.health_port(params) == 9092, "the probe goes to the first ADVERTISED broker listener"


def test_kafka_properties_follow_the_image_naming_rule():
    assert _kafka_config.property_env_name("log.retention.ms") == "KAFKA_LOG_RETENTION_MS"
    assert _kafka_config.property_env_name("a_b.c-d") == "KAFKA_A__B_C___D"


def test_a_kafka_node_without_a_volume_keeps_its_log_dirs_setting():
    spec = _kafka_config.build_spec(kafka_params())[0]
    assert spec.env["KAFKA_LOG_DIRS"] == "/var/lib/kafka/data" and spec.mounts == []
    spec = _kafka_config.build_spec(kafka_params(volume="k1-data"))[0]
    assert [m.key() for m in spec.mounts] == ["volume:k1-data:/var/lib/kafka/data:rw"]


@pytest.mark.parametrize("given,option", [
    (dict(cluster_id="short"), "cluster_id"),
    (dict(node_id=-1), "node_id"),
    (dict(listeners=[listener("plain", 9092, advertised_host="k1"), listener("CONTROLLER", 9093)]), "listeners"),
    (dict(listeners=[listener("PLAINTEXT", 9092, advertised_host="k1"), listener("CONTROLLER", 9092)]), "listeners"),
    (dict(listeners=[listener("PLAINTEXT", 9092, advertised_host="k1")]), "controller_listener_name"),
    (dict(listeners=[listener("PLAINTEXT", 9092, advertised_host="k_1"), listener("CONTROLLER", 9093)]), "advertised_host"),
    (dict(listeners=[listener("PLAINTEXT", 9092), listener("CONTROLLER", 9093)]), "advertised_host"),
    (dict(heap="lots"), "heap"),
    (dict(properties={"node.id": 3}), "properties"),
    (dict(controller_quorum_voters=[]), "controller_quorum_voters"),
    (dict(controller_quorum_voters=[{"node_id": 1, "host": "k1", "port": 0}]), "controller_quorum_voters"),
    (dict(process_roles=[]), "process_roles"),
    (dict(process_roles=["zookeeper"]), "process_roles"),
    (dict(listeners=[listener("PLAINTEXT", 9092, advertised_host="k1", protocol="TLS"),
                     listener("CONTROLLER", 9093)]), "protocol"),
    (dict(listeners=[listener("PLAINTEXT", 70000, advertised_host="k1"), listener("CONTROLLER", 9093)]), "port"),
    (dict(listeners=[listener("PLAINTEXT", 9092, advertised_host="k1"), listener("PLAINTEXT", 9093)]), "twice"),
    (dict(listeners=[listener("CONTROLLER", 9093)]), "broker needs a listener"),
    (dict(process_roles=["controller"], listeners=[listener("CONTROLLER", 9093, advertised_host="k1")]),
     "controller-only"),
    (dict(process_roles=["broker"]), "broker-only"),
    (dict(inter_broker_listener_name="NOPE"), "inter_broker_listener_name"),
    (dict(properties={"Bad Name": 1}), "properties"),
])
def test_bad_kafka_input_names_the_option(given, option):
    with pytest.raises(LHClusterError, match=option):
        _kafka_config.render_env(kafka_params(**given))


# ---- LittleHorse server

def test_server_env_has_every_typed_setting_and_no_unset_one():
    env, mounts, written = _server_config.render(server_params(
        partitions=12, standby_replicas=1, heap="512m", volume="s1-data", internal_advertised_host="s1",
        listeners=[server_listener(advertised_port=32023)]))
    assert env["LHS_LISTENERS"] == "PLAIN:2023"
    assert env["LHS_ADVERTISED_LISTENERS"] == "PLAIN://localhost:32023"
    assert env["LHS_LISTENERS_PROTOCOL_MAP"] == "PLAIN:PLAIN"
    assert env["LHS_STREAMS_NUM_STANDBY_REPLICAS"] == "1"
    assert env["JAVA_OPTS"] == "-Xmx512m -Xms512m", "the start script's own defaults come first, not repeated"
    assert env["LHS_STATE_DIR"] == "/lh-data"
    assert "LHS_RACK_ID" not in env
    assert [m.key() for m in mounts] == ["volume:s1-data:/lh-data:rw"]
    assert written == []


def test_java_opts_add_to_the_start_script_defaults_after_the_collector():
    assert _server_config.render(server_params(java_opts="-XX:TieredStopAtLevel=1", heap="1g"))[0]["JAVA_OPTS"] == \
        "-XX:TieredStopAtLevel=1 -Xmx1g -Xms1g"
    assert _server_config.render(server_params(gc="serial", java_opts=" -Dx=1 ", heap="1g"))[0]["JAVA_OPTS"] == \
        "-XX:-UseZGC -XX:+UseSerialGC -Dx=1 -Xmx1g -Xms1g"
    assert "JAVA_OPTS" not in _server_config.render(server_params())[0]
    assert "JAVA_OPTS" not in _server_config.render(server_params(gc="zgc", java_opts=""))[0]


@pytest.mark.parametrize("gc, flags", [("g1", "-XX:-UseZGC -XX:+UseG1GC"), ("parallel", "-XX:-UseZGC -XX:+UseParallelGC"),
                                       ("serial", "-XX:-UseZGC -XX:+UseSerialGC"),
                                       ("shenandoah", "-XX:-UseZGC -XX:+UseShenandoahGC")])
def test_another_collector_switches_the_image_s_zgc_off(gc, flags):
    assert _server_config.render(server_params(gc=gc))[0]["JAVA_OPTS"] == flags


@pytest.mark.parametrize("java_opts, fix", [
    ("-XX:+UseSerialGC -XX:TieredStopAtLevel=1", "set gc: serial instead"),
    ("-XX:+UseG1GC", "set gc: g1 instead"),
    ("-XX:-UseZGC -XX:+UseParallelGC", "set gc: parallel instead"),
    ("-XX:+UseZGC", "set gc: zgc instead"),
    ("-XX:-UseZGC", "set gc to one of g1, parallel, serial, shenandoah, zgc instead"),
    ("-XX:+UseEpsilonGC", "set gc to one of g1, parallel, serial, shenandoah, zgc instead"),
])
def test_a_collector_flag_in_java_opts_is_refused_naming_the_gc_option(java_opts, fix):
    with pytest.raises(LHClusterError, match="java_opts: .*Multiple garbage collectors selected.*remove it from "
                                             "java_opts and %s" % re.escape(fix)):
        _server_config.render(server_params(java_opts=java_opts))


@pytest.mark.parametrize("java_opts", ["-XX:+UseGCOverheadLimit", "-XX:+UseStringDeduplication -XX:+UseNUMA",
                                       "-Xlog:gc*:stderr", "-XX:ParallelGCThreads=2"])
def test_flags_that_only_tune_are_not_collector_flags(java_opts):
    assert _server_config.render(server_params(java_opts=java_opts))[0]["JAVA_OPTS"] == java_opts


def test_an_unknown_collector_is_refused():
    with pytest.raises(LHClusterError, match="gc: 'cms' is not a collector .*set one of g1, parallel, serial"):
        _server_config.render(server_params(gc="cms"))


def test_with_a_memory_limit_the_server_renders_the_split_heap_and_bounds_rocksdb():
    spec, dummy = _server_config.build_spec(server_params(memory="768m", gc="serial",
                                                          log_max_size="50m", log_max_files=5), check_mode=True)
    assert spec.memory == 768 * 1024 * 1024
    assert spec.log_options == {"max-size": "50m", "max-file": "5"}
    assert spec.env["JAVA_OPTS"] == "-XX:-UseZGC -XX:+UseSerialGC -Xmx384m -Xms384m"
    assert spec.env["LHS_ROCKSDB_TOTAL_BLOCK_CACHE_BYTES"] == str(192 * 1024 * 1024)
    assert spec.env["LHS_ROCKSDB_TOTAL_MEMTABLE_BYTES"] == str(96 * 1024 * 1024)
    given = _server_config.render(server_params(memory="2g", heap="1g", rocksdb_block_cache="256m",
                                                rocksdb_memtable="64m"))[0]
    assert (given["JAVA_OPTS"].endswith("-Xmx1g -Xms1g"), given["LHS_ROCKSDB_TOTAL_MEMTABLE_BYTES"]) == (
        True, str(64 * 1024 * 1024))
    unbounded = _server_config.render(server_params(heap="512m"))[0]
    assert not [k for k in unbounded if k.startswith("LHS_ROCKSDB_")], "without memory, only what is given"
    with pytest.raises(LHClusterError, match="heap: 1024 MiB is not below memory"):
        _server_config.render(server_params(memory="1g", heap="1g"))
    with pytest.raises(LHClusterError, match="env: 'LHS_ROCKSDB_TOTAL_BLOCK_CACHE_BYTES' is set by a typed option"):
        _server_config.render(server_params(env={"LHS_ROCKSDB_TOTAL_BLOCK_CACHE_BYTES": "1"}))


def test_kafka_heap_is_half_of_its_memory_unless_given():
    assert _kafka_config.render_env(kafka_params(memory="768m"))["KAFKA_HEAP_OPTS"] == "-Xmx384m -Xms384m"
    assert _kafka_config.render_env(kafka_params(memory="1g", heap="600m"))["KAFKA_HEAP_OPTS"] == "-Xmx600m -Xms600m"
    with pytest.raises(LHClusterError, match="heap: 1024 MiB is not below memory"):
        _kafka_config.render_env(kafka_params(memory="1g", heap="1g"))


def test_check_mode_writes_no_secret_but_reports_it(tmp_path):
    env, mounts, written = _server_config.render(server_params(
        secrets_dir=str(tmp_path / "s"), oauth_client_secret="shh"), check_mode=True)
    assert written == [str(tmp_path / "s" / "oauth_client_secret")]
    assert not (tmp_path / "s").exists()
    assert env["LHS_OAUTH_CLIENT_SECRET_FILE"] == "/lh/config/oauth_client_secret_file"


def test_a_missing_host_file_is_refused_before_any_change(tmp_path):
    with pytest.raises(LHClusterError, match="kafka_truststore_file"):
        _server_config.render(server_params(kafka_truststore_file=str(tmp_path / "nope.p12")), check_mode=True)


def test_inline_secrets_become_0600_files_passed_by_path(tmp_path):
    env, mounts, written = _server_config.render(server_params(
        secrets_dir=str(tmp_path), kafka_security_protocol="SASL_SSL", kafka_sasl_mechanism="PLAIN",
        kafka_sasl_jaas_config="org.apache.kafka.common.security.plain.PlainLoginModule required;"))
    secret = tmp_path / "kafka_sasl_jaas_config"
    assert written == [str(secret)]
    assert oct(secret.stat().st_mode & 0o777) == "0o600"
    assert env["LHS_KAFKA_SASL_JAAS_CONFIG_FILE"] == "/lh/config/kafka_sasl_jaas_config_file"
    assert all("PlainLoginModule" not in value for value in env.values())
    written_again = _server_config.render(server_params(
        secrets_dir=str(tmp_path), kafka_security_protocol="SASL_SSL", kafka_sasl_mechanism="PLAIN",
        kafka_sasl_jaas_config="org.apache.kafka.common.security.plain.PlainLoginModule required;"))[2]
    assert written_again == []


def test_an_oauth_listener_gets_its_client_id_and_secret_as_0600_files_never_in_the_environment(tmp_path):
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    cert.write_text("cert")
    key.write_text("key")
    params = server_params(
        secrets_dir=str(tmp_path / "s"), oauth_introspect_url="http://idp:8080/introspect", oauth_client_id="lh-server",
        oauth_client_secret="introspect-s3cret",
        listeners=[server_listener("OAUTH", protocol="TLS", authentication="OAUTH", cert_file=str(cert),
                                   key_file=str(key))])
    env, mounts, written = _server_config.render(params)
    assert sorted(written) == [str(tmp_path / "s" / "oauth_client_id"), str(tmp_path / "s" / "oauth_client_secret")]
    for name, content in (("oauth_client_id", "lh-server"), ("oauth_client_secret", "introspect-s3cret")):
        assert (tmp_path / "s" / name).read_text() == content
        assert oct((tmp_path / "s" / name).stat().st_mode & 0o777) == "0o600"
    assert env["LHS_OAUTH_INTROSPECT_URL"] == "http://idp:8080/introspect"
    assert env["LHS_OAUTH_CLIENT_ID_FILE"] == "/lh/config/oauth_client_id_file"
    assert env["LHS_OAUTH_CLIENT_SECRET_FILE"] == "/lh/config/oauth_client_secret_file"
    assert env["LHS_LISTENERS_AUTHENTICATION_MAP"] == "OAUTH:OAUTH"
    assert not any("s3cret" in value or value == "lh-server" for value in env.values())
    assert "bind:%s:/lh/config/oauth_client_id_file:ro" % (tmp_path / "s" / "oauth_client_id") in [
        m.key() for m in mounts]
    assert _server_config.render(params)[2] == []  # the same again: nothing written


def test_only_the_oauth_client_secret_is_hidden_in_logs():
    spec = _server_config.argument_spec()
    assert spec["oauth_client_secret"].get("no_log") is True
    assert not spec["oauth_client_id"].get("no_log")


def test_tls_listener_files_are_mounted_read_only(tmp_path):
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    cert.write_text("cert")
    key.write_text("key")
    env, mounts, unused_written = _server_config.render(server_params(
        listeners=[server_listener("TLS", protocol="TLS", cert_file=str(cert), key_file=str(key))]))
    assert env["LHS_LISTENER_TLS_CERT"] == "/lh/config/listener-tls.crt"
    assert "bind:%s:/lh/config/listener-tls.crt:ro" % cert in [m.key() for m in mounts]


@pytest.mark.parametrize("given,option", [
    (dict(instance_id=40000), "instance_id"),
    (dict(listeners=[]), "listeners"),
    (dict(listeners=[server_listener("plain")]), "listeners"),
    (dict(listeners=[server_listener(), server_listener("OTHER", 2023)]), "port 2023"),
    (dict(listeners=[server_listener(port=1822)]), "health_port"),
    (dict(listeners=[server_listener(authentication="MTLS", protocol="TLS", cert_file="/c", key_file="/k")]), "authentication"),
    (dict(listeners=[server_listener(protocol="TLS")]), "cert_file"),
    (dict(listeners=[server_listener(protocol="MTLS", authentication="MTLS", cert_file="/c", key_file="/k")]), "ca_cert_file"),
    (dict(listeners=[server_listener(authentication="OAUTH")]), "OAUTH"),
    (dict(listeners=[server_listener(advertised_host="my_host")]), "advertised_host"),
    (dict(listeners=[server_listener(advertised_host="::1")]), "advertised_host"),
    (dict(kafka_keystore_password="x", kafka_keystore_password_file="/f"), "kafka_keystore_password"),
    (dict(internal_ca_cert_file="/ca"), "internal_server_cert_file"),
    (dict(env={"FOO": "1"}), "env"),
    (dict(env={"LHS_CLUSTER_ID": "x"}), "typed option"),
    (dict(env={"LHS_OAUTH_CLIENT_SECRET": "x"}), "secret"),
    (dict(kafka_security_protocol="SASL_SSL"), "SASL_SSL"),
    (dict(heap="big"), "heap"),
    (dict(listeners=[server_listener(port=0)]), "port"),
    (dict(listeners=[server_listener(advertised_port=65536)]), "advertised_port"),
    (dict(listeners=[server_listener(port=2011)]), "internal_port"),
    (dict(internal_port=1822), "health_port"),
    (dict(listeners=[server_listener(protocol="SSL")]), "protocol"),
    (dict(listeners=[server_listener(authentication="BASIC")]), "authentication"),
    (dict(listeners=[server_listener(cert_file="/c", key_file="/k")]), "only used with protocol TLS"),
    (dict(listeners=[server_listener(authentication="OAUTH")], oauth_introspect_url="https://i"), "OAUTH"),
    (dict(oauth_client_secret="x", oauth_client_secret_file="/f"), "oauth_client_secret"),
    (dict(oauth_client_id="x", oauth_client_id_file="/f"), "give the value one way only"),
    (dict(listeners=[server_listener(authentication="OAUTH")], oauth_introspect_url="https://i",
          oauth_client_secret="s"), "oauth_client_id"),
    (dict(kafka_truststore_password="x", kafka_truststore_password_file="/f"), "kafka_truststore_password"),
    (dict(kafka_sasl_jaas_config="x", kafka_sasl_jaas_config_file="/f"), "kafka_sasl_jaas_config"),
    (dict(kafka_security_protocol="SASL_PLAINTEXT"), "kafka_security_protocol"),
    (dict(internal_advertised_host="s_1"), "internal_advertised_host"),
    (dict(listeners=[server_listener(advertised_host="h:1")]), "advertised_host"),
    (dict(listeners=[server_listener(), server_listener()]), "twice"),
    (dict(env={"LHS_LISTENER_TLS_CERT": "/x"}), "typed option"),
    (dict(env={"LHS_KAFKA_KEYSTORE_PASSWORD_FILE": "/x"}), "env"),
])
def test_bad_server_input_names_the_option_before_any_change(given, option):
    with pytest.raises(LHClusterError, match=option):
        _server_config.render(server_params(**given))


# ---- dashboard

def dashboard_params(**given):
    spec = container_argument_spec()
    spec.update(_dashboard_config.argument_spec())
    values = dict(name="d", image="img", api_host="s1")
    values.update(given)
    return defaults(spec, **values)


DASHBOARD_OAUTH = dict(oauth_enabled=True, oauth_client_id="id", oauth_client_secret="it's s3cret",
                       oauth_issuer_uri="https://i", oauth_encrypt_secret="enc$(x)", oauth_callback_url="https://cb")


def test_dashboard_oauth_secrets_go_to_a_0600_file_and_an_entrypoint_wrapper(tmp_path):
    spec, extra = _dashboard_config.build_spec(dashboard_params(secrets_dir=str(tmp_path / "d"), **DASHBOARD_OAUTH))
    assert spec.env["LHC_API_HOST"] == "s1" and spec.env["LHC_API_PORT"] == "2023"
    assert (spec.env["LHD_OAUTH_ENABLED"], spec.env["LHD_OAUTH_CLIENT_ID"], spec.env["LHD_OAUTH_ISSUER_URI"],
            spec.env["LHD_OAUTH_CALLBACK_URL"]) == ("true", "id", "https://i", "https://cb")
    assert not [v for v in spec.env.values() if "s3cret" in v or "enc$" in v]
    path = tmp_path / "d" / "oauth.env"
    assert extra["files_written"] == [str(path)]
    assert oct(path.stat().st_mode & 0o777) == "0o600" and oct((tmp_path / "d").stat().st_mode & 0o777) == "0o700"
    # shell-quoted, so that sourcing the file gives the values back as they are
    assert path.read_text() == "LHD_OAUTH_CLIENT_SECRET='it'\"'\"'s s3cret'\nLHD_OAUTH_ENCRYPT_SECRET='enc$(x)'\n"
    mount = [m for m in spec.mounts if m.target == "/lh/secrets/oauth.env"][0]
    assert (mount.host_path, mount.read_only) == (str(path), True)
    # the wrapper sources it, then execs the image's own entrypoint and command
    assert spec.wrap_entrypoint(["/app/entrypoint.sh"], None) == (
        ["/bin/sh", "-c", 'set -a && . /lh/secrets/oauth.env && set +a && exec "$0" "$@"', "/app/entrypoint.sh"], [])
    assert spec.wrap_entrypoint(None, ["python3", "double.py"]) == (
        ["/bin/sh", "-c", 'set -a && . /lh/secrets/oauth.env && set +a && exec "$0" "$@"'], ["python3", "double.py"])
    with pytest.raises(LHClusterError, match="neither an ENTRYPOINT nor a CMD"):
        spec.wrap_entrypoint([], None)
    # the same secrets again: nothing written
    assert _dashboard_config.build_spec(dashboard_params(secrets_dir=str(tmp_path / "d"),
                                                         **DASHBOARD_OAUTH))[1]["files_written"] == []


def test_dashboard_without_oauth_keeps_the_images_entrypoint(tmp_path):
    cert = tmp_path / "ca.crt"
    cert.write_text("pem")
    spec, extra = _dashboard_config.build_spec(dashboard_params(api_protocol="TLS", ca_cert_file=str(cert)))
    assert spec.wrap_entrypoint is None and spec.entrypoint is None and extra["files_written"] == []
    assert (spec.env["LHC_API_PROTOCOL"], spec.env["LHC_CA_CERT"]) == ("TLS", "/lh/config/ca_cert_file")
    with pytest.raises(LHClusterError, match="ca_cert_file: /nowhere/ca.crt is not a file on the managed host"):
        _dashboard_config.build_spec(dashboard_params(api_protocol="TLS", ca_cert_file="/nowhere/ca.crt"))


@pytest.mark.parametrize("given,option", [
    (dict(oauth_enabled=True), "oauth_client_id"),
    (dict(client_cert_file="/c"), "client_key_file"),
    (dict(ca_cert_file="/c"), "api_protocol"),
    (dict(api_host="bad_host"), "api_host"),
    (dict(api_port=0), "api_port"),
    (dict(oauth_enabled=True, oauth_client_id="id", oauth_client_secret="s", oauth_issuer_uri="https://i",
          oauth_encrypt_secret="e"), "oauth_callback_url"),
    (dict(oauth_client_secret="s"), "oauth_enabled is false but oauth_client_secret given"),
])
def test_bad_dashboard_input_names_the_option(given, option):
    with pytest.raises(LHClusterError, match=option):
        _dashboard_config.build_spec(dashboard_params(**given))
