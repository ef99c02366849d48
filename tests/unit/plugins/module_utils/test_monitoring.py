# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The monitoring phase of the plan (_monitoring_plan), Prometheus's configuration (_prometheus_config) and Kafka's
metrics agent (_kafka_config): pure functions."""
import json
import os

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.littlehorse.cluster.plugins.filter.plan import PlanError, cluster_plan
from ansible_collections.littlehorse.cluster.plugins.module_utils import _kafka_config, _prometheus_config as pc
from ansible_collections.littlehorse.cluster.plugins.module_utils._container import desired_settings
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._monitoring_plan import check_duration
from ansible_collections.littlehorse.cluster.plugins.module_utils._runner import container_argument_spec

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
ALERTS = os.path.join(ROOT, "roles", "monitoring", "files", "littlehorse-alerts.yml")
JAR = os.path.join(ROOT, "LICENSE")  # any file: the plan checks that the jar is one


def local(**host):
    values = {"littlehorse_single_engine": True, "littlehorse_bind_address": "127.0.0.1",
              "littlehorse_advertised_host": "127.0.0.1", "littlehorse_server_count": 2,
              "littlehorse_server_id_base": 0, "littlehorse_kafka_node_id": 1, "kafka_jmx_exporter_jar": JAR}
    values.update(host)
    return {"local": values}


WATCHED = {"kafka": ["local"], "littlehorse_servers": ["local"], "littlehorse_monitoring": ["local"]}


def three_hosts(monitor="h1", **extra):
    hostvars = dict(("h%d" % i, {"ansible_host": "10.0.0.%d" % i, "littlehorse_server_id_base": 100 * i,
                                 "littlehorse_kafka_node_id": i, "kafka_jmx_exporter_jar": JAR}) for i in (1, 2, 3))
    hostvars.setdefault(monitor, {"ansible_host": "10.0.0.9"}).update(extra)
    groups = {"kafka": ["h1", "h2", "h3"], "littlehorse_servers": ["h1", "h2", "h3"], "littlehorse_monitoring": [monitor]}
    return cluster_plan(groups, hostvars)


def test_no_monitoring_host_and_no_metrics_port_leave_kafka_without_metrics():
    plan = cluster_plan({"kafka": ["local"], "littlehorse_servers": ["local"]}, local())
    assert plan["monitoring"] is None
    node = plan["kafka"]["nodes"][0]
    assert node["metrics"] is None and "metrics_port" not in node["options"] and node["published_ports"] == []


def test_on_one_engine_prometheus_scrapes_by_container_name_on_the_network_and_is_published_on_loopback():
    plan = cluster_plan(WATCHED, local())
    monitoring = plan["monitoring"]
    assert monitoring["container"] == "lh-prometheus" and monitoring["volume"] == "lh-prometheus-data"
    assert monitoring["published_ports"] == ["127.0.0.1:9090:9090"]
    assert (monitoring["retention"], monitoring["scrape_interval"], monitoring["memory_text"]) == ("15d", "15s", "256m")
    jobs = dict((job["job_name"], job) for job in monitoring["jobs"])
    assert [g["targets"] for g in jobs["littlehorse-server"]["targets"]] == [["lh-server-1:1822"], ["lh-server-2:1832"]]
    assert jobs["littlehorse-server"]["targets"][0]["labels"] == {
        "littlehorse_prefix": "lh", "littlehorse_cluster_id": "lh", "littlehorse_component": "server",
        "littlehorse_instance_id": "1", "inventory_host": "local", "container": "lh-server-1"}
    assert jobs["littlehorse-kafka"]["targets"] == [{"targets": ["lh-kafka-1:9404"], "labels": {
        "littlehorse_prefix": "lh", "littlehorse_cluster_id": "lh", "littlehorse_component": "kafka",
        "kafka_node_id": "1", "inventory_host": "local", "container": "lh-kafka-1"}}]
    node = plan["kafka"]["nodes"][0]
    assert node["published_ports"] == ["127.0.0.1:9404:9404"]
    assert node["options"]["metrics_port"] == 9404
    assert node["options"]["jmx_exporter_jar"] == "/etc/littlehorse/lh-kafka-1/jmx/jmx_prometheus_javaagent.jar"
    assert 9090 in plan["ports"]["local"] and 9404 in plan["ports"]["local"]
    assert plan["reach"]["local"] == []


def test_a_metrics_port_without_a_monitoring_host_turns_the_exporter_on_alone():
    plan = cluster_plan({"kafka": ["local"], "littlehorse_servers": ["local"]}, local(kafka_metrics_port=7071))
    assert plan["monitoring"] is None
    assert plan["kafka"]["nodes"][0]["metrics"]["port"] == 7071


def test_settings_of_the_monitoring_host_reach_the_plan():
    plan = cluster_plan(WATCHED, local(monitoring_port=19090, monitoring_retention="30d", monitoring_scrape_interval="5s",
                                       monitoring_memory="128m", monitoring_bind_address="0.0.0.0"))
    monitoring = plan["monitoring"]
    assert monitoring["published_ports"] == ["0.0.0.0:19090:9090"]
    assert (monitoring["retention"], monitoring["scrape_interval"], monitoring["memory_text"]) == ("30d", "5s", "128m")


def test_across_hosts_the_targets_are_their_published_addresses_and_the_monitoring_host_must_reach_them():
    plan = three_hosts(monitor="hm")
    monitoring = plan["monitoring"]
    assert monitoring["host"] == "hm" and "hm" in plan["cluster"]["hosts"]
    targets = [g["targets"][0] for job in monitoring["jobs"] for g in job["targets"]]
    assert targets == ["10.0.0.1:1822", "10.0.0.2:1822", "10.0.0.3:1822", "10.0.0.1:9404", "10.0.0.2:9404",
                       "10.0.0.3:9404"]
    reach = [(r["to"], r["address"], r["port"]) for r in plan["reach"]["hm"]]
    assert reach == [("h1", "10.0.0.1", 1822), ("h2", "10.0.0.2", 1822), ("h3", "10.0.0.3", 1822),
                     ("h1", "10.0.0.1", 9404), ("h2", "10.0.0.2", 9404), ("h3", "10.0.0.3", 9404)]
    assert plan["reach"]["hm"][0]["purpose"] == "the metrics of lh-server-101, scraped by Prometheus"


def test_a_monitoring_host_that_is_a_cluster_host_needs_not_dial_its_own_targets():
    plan = three_hosts(monitor="h1")
    assert not any(r["to"] == "h1" for r in plan["reach"]["h1"])
    assert ("10.0.0.2", 9404) in [(r["address"], r["port"]) for r in plan["reach"]["h1"]]


@pytest.mark.parametrize("value", ["15d", "1h30m", "500ms", "2w", "1y", "90s"])
def test_durations_prometheus_takes(value):
    assert check_duration("h", "monitoring_retention", value) == value


@pytest.mark.parametrize("value", ["", "15", "two weeks", "1m1h", "0s", "15 d", None, True, "-1d"])
def test_anything_else_is_not_a_duration(value):
    with pytest.raises(LHClusterError, match="host h: monitoring_retention .* is not a Prometheus duration"):
        check_duration("h", "monitoring_retention", value)


def test_the_jmx_exporter_jar_must_be_an_absolute_path():
    with pytest.raises(PlanError, match="kafka_jmx_exporter_jar 'LICENSE' is not a file on the controller .* give its absolute path"):
        cluster_plan(WATCHED, local(kafka_jmx_exporter_jar="LICENSE"))


# ---- Prometheus's configuration


def params(**given):
    spec = container_argument_spec(pc.STOP_TIMEOUT)
    spec.update(pc.argument_spec())
    values = dict((name, option.get("default")) for name, option in spec.items())
    with open(ALERTS) as handle:
        alerts = yaml.safe_load(handle)
    values.update(name="lh-prometheus", image="prom/prometheus:v2.53.3", volume="lh-prometheus-data",
                  scrape_configs=cluster_plan(WATCHED, local())["monitoring"]["jobs"],
                  rules=[{"name": "littlehorse-alerts.yml", "groups": alerts["groups"]}])
    values.update(given)
    return values


def test_the_configuration_holds_every_job_its_targets_and_labels_and_loads_the_rules():
    config = yaml.safe_load(pc.render(params()))
    assert config["global"] == {"scrape_interval": "15s", "evaluation_interval": "15s"}
    assert config["rule_files"] == ["/etc/prometheus/rules/littlehorse-alerts.yml"]
    server, kafka = config["scrape_configs"]
    assert (server["job_name"], server["metrics_path"]) == ("littlehorse-server", "/metrics")
    assert server["static_configs"][1] == {"targets": ["lh-server-2:1832"], "labels": {
        "littlehorse_prefix": "lh", "littlehorse_cluster_id": "lh", "littlehorse_component": "server",
        "littlehorse_instance_id": "2", "inventory_host": "local", "container": "lh-server-2"}}
    assert kafka["static_configs"][0]["targets"] == ["lh-kafka-1:9404"]


def test_the_container_runs_the_images_entrypoint_with_the_retention_and_mounts_reloadable_files(tmp_path):
    spec, extra = pc.build_spec(params(config_dir=str(tmp_path), retention="30d"), check_mode=False)
    assert spec.command == ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus",
                            "--storage.tsdb.retention.time=30d", "--web.listen-address=:9090"]
    assert spec.entrypoint is None and spec.reload_signal == "SIGHUP"
    assert sorted(m.key() for m in spec.mounts) == [
        "bind:%s/prometheus.yml:/etc/prometheus/prometheus.yml:ro" % tmp_path,
        "bind:%s/rules/littlehorse-alerts.yml:/etc/prometheus/rules/littlehorse-alerts.yml:ro" % tmp_path,
        "volume:lh-prometheus-data:/prometheus:rw"]
    assert all(m.reloadable for m in spec.mounts if m.host_path)
    assert sorted(os.path.basename(p) for p in extra["files_written"]) == ["littlehorse-alerts.yml", "prometheus.yml"]
    assert oct(os.stat(str(tmp_path / "prometheus.yml")).st_mode & 0o777) == "0o644"
    # rewritten files reload Prometheus; they are no part of what re-creates it
    assert "io.littlehorse.cluster.files-digest" not in desired_settings(spec, "sha256:x")["labels"]
    again, extra = pc.build_spec(params(config_dir=str(tmp_path), retention="30d"), check_mode=False)
    assert extra["files_written"] == []


def test_alert_for_changes_the_for_of_the_named_alerts_only(tmp_path):
    given = params(config_dir=str(tmp_path), alert_for={"LittleHorseServerDown": "10s"})
    pc.build_spec(given)
    written = yaml.safe_load((tmp_path / "rules" / "littlehorse-alerts.yml").read_text())
    rules = dict((r["alert"], r) for g in written["groups"] for r in g["rules"])
    assert rules["LittleHorseServerDown"]["for"] == "10s"
    assert rules["LittleHorseKafkaNodeDown"]["for"] == "1m"
    # the rest of the file as it is, and the options untouched
    with open(ALERTS) as handle:
        original = yaml.safe_load(handle)
    assert [g["name"] for g in written["groups"]] == [g["name"] for g in original["groups"]]
    assert given["rules"][0]["groups"] == original["groups"]


@pytest.mark.parametrize("given, message", [
    (dict(alert_for={"LittleHorseServerGone": "10s"}), "alert_for: LittleHorseServerGone is no alert of the rules"),
    (dict(alert_for={"LittleHorseServerDown": "ten"}), r"alert_for\[LittleHorseServerDown\]: 'ten' is not a Prometheus"),
    (dict(retention="forever"), "retention: 'forever' is not a Prometheus duration"),
    (dict(rules=[{"name": "x.txt", "groups": []}]), "rules: 'x.txt' must be a unique file name ending in .yml"),
    (dict(rules=[{"name": "x.yml", "groups": [{"rules": []}]}]), "rules: x.yml: every group needs a name and its rules"),
    (dict(scrape_configs=[{"job_name": "a", "metrics_path": "/metrics", "targets": [{"targets": ["nohost"]}]}]),
     r"scrape_configs\[0\].targets\[0\]: .* needs targets, a list of host:port"),
    (dict(certificates=[{"name": "c", "not_after": "next year"}]), r"certificates\[c\].not_after: 'next year' is not"),
])
def test_what_the_module_refuses(given, message):
    with pytest.raises(LHClusterError, match=message):
        pc.render(params(**given))


def test_certificates_become_recording_rules_of_their_expiry_and_window():
    text = pc.certificate_rules([{"name": "lh-server-1", "not_after": "1970-01-11T00:00:00+00:00"}], 30,
                                {"littlehorse_cluster_id": "lh"})
    rules = yaml.safe_load(text)["groups"][0]["rules"]
    assert rules == [
        {"record": "littlehorse_certificate_expiry_timestamp_seconds", "expr": "vector(864000)",
         "labels": {"littlehorse_cluster_id": "lh", "certificate": "lh-server-1"}},
        {"record": "littlehorse_certificate_renewal_window_seconds", "expr": "vector(2592000)",
         "labels": {"littlehorse_cluster_id": "lh", "certificate": "lh-server-1"}}]
    assert pc.certificate_rules([], 30, {}) == ""
    config = yaml.safe_load(pc.render(params(certificates=[{"name": "c", "not_after": "2027-11-26T01:30:00+00:00"}])))
    assert config["rule_files"][-1] == "/etc/prometheus/rules/littlehorse-certificates.yml"


# ---- Kafka's agent


def kafka_params(**given):
    """The plan's node options as kafka_node's argument spec validates them, with `given`."""
    spec = container_argument_spec()
    spec.update(_kafka_config.argument_spec())
    node = cluster_plan(WATCHED, local())["kafka"]["nodes"][0]["options"]
    values = dict(node, image="apache/kafka:4.1.1", cluster_id="TGl0dGxlSG9yc2VLYWZrYQ")
    values.update((k, v) for k, v in given.items() if v is not None)
    params = ArgumentSpecValidator(spec).validate(values).validated_parameters
    params.update((k, v) for k, v in given.items() if v is None)
    return params


def test_the_agent_goes_into_kafka_opts_with_its_port_and_rules(tmp_path):
    jar, rules = tmp_path / "agent.jar", tmp_path / "rules.yml"
    jar.write_text("jar")
    rules.write_text("rules: []")
    spec, _extra = _kafka_config.build_spec(kafka_params(jmx_exporter_jar=str(jar), jmx_exporter_config=str(rules)))
    assert spec.env["KAFKA_OPTS"] == ("-javaagent:/opt/littlehorse/jmx/jmx_prometheus_javaagent.jar=9404:"
                                      "/opt/littlehorse/jmx/jmx-exporter.yml")
    assert {"bind:%s:/opt/littlehorse/jmx/jmx_prometheus_javaagent.jar:ro" % jar,
            "bind:%s:/opt/littlehorse/jmx/jmx-exporter.yml:ro" % rules} <= set(m.key() for m in spec.mounts)


def test_without_a_metrics_port_there_is_no_agent():
    env = _kafka_config.render_env(kafka_params(metrics_port=None, jmx_exporter_jar=None, jmx_exporter_config=None))
    assert "KAFKA_OPTS" not in env


@pytest.mark.parametrize("given, message", [
    (dict(jmx_exporter_jar=None), "metrics_port: the metrics are served by the Prometheus JMX exporter's Java agent"),
    (dict(metrics_port=None), "jmx_exporter_jar, jmx_exporter_config: they serve the metrics on metrics_port"),
    (dict(jmx_exporter_jar="/nonexistent.jar", jmx_exporter_config="/nonexistent.yml"),
     "jmx_exporter_jar: /nonexistent.jar is not a file on the managed host"),
])
def test_what_the_kafka_module_refuses_of_the_agent(given, message):
    with pytest.raises(LHClusterError, match=message):
        _kafka_config.build_spec(kafka_params(**given))


def test_the_prometheus_targets_file_is_unchanged_by_the_shared_labels():
    from ansible_collections.littlehorse.cluster.plugins.filter.prometheus import prometheus_targets
    plan = cluster_plan(WATCHED, local())
    assert json.loads(json.dumps(prometheus_targets(plan)))[0] == {"targets": ["127.0.0.1:1822"], "labels": {
        "__metrics_path__": "/metrics", "littlehorse_prefix": "lh", "littlehorse_cluster_id": "lh",
        "littlehorse_component": "server", "littlehorse_instance_id": "1", "inventory_host": "local",
        "container": "lh-server-1"}}
