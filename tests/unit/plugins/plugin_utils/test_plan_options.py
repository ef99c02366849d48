# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each planned container's module options carry what the cluster shares (options.shared_options), so a role hands
the plan's entry to its module as one item of `instances` and passes only its own settings and the secrets."""
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible_collections.littlehorse.cluster.plugins.filter.plan import cluster_plan
from ansible_collections.littlehorse.cluster.plugins.module_utils import (
    _dashboard_config, _kafka_config, _load_balancer_config, _prometheus_config, _server_config)
from ansible_collections.littlehorse.cluster.plugins.module_utils._runner import container_argument_spec, item_params
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.options import shared_options

OAUTH = {"littlehorse_listeners": [{"name": "PLAIN"}, {"name": "OAUTH", "protocol": "TLS", "authentication": "OAUTH",
                                                       "port_offset": 2}],
         "littlehorse_oauth_introspect_url": "https://idp.example/introspect", "littlehorse_oauth_client_id": "lh-srv",
         "littlehorse_oauth_client_secret": "s", "littlehorse_oauth_access_token_url": "https://idp.example/token",
         "littlehorse_oauth_worker_client_id": "worker", "littlehorse_oauth_worker_client_secret": "w"}
GROUPS = {"kafka": ["h"], "littlehorse_servers": ["h"], "littlehorse_dashboard": ["h"],
          "littlehorse_load_balancer": ["h"], "littlehorse_monitoring": ["h"]}
SETTINGS = {"littlehorse_server_count": 2, "littlehorse_load_balancer_port": 3000, "dashboard_image": "dash:1.2.1",
            "kafka_jmx_exporter_jar": __file__}


def test_a_plain_cluster_shares_network_logs_ids_and_the_kafka_connection():
    plan = cluster_plan(GROUPS, {"h": dict(SETTINGS)})
    shared = shared_options(plan)
    assert shared["server"] == {"network": "lh-net", "log_max_size": "50m", "log_max_files": 5, "cluster_id": "lh",
                                "kafka_bootstrap_servers": plan["kafka"]["bootstrap"], "partitions": 12,
                                "replication_factor": 1, "standby_replicas": 1}
    assert shared["kafka"] == {"network": "lh-net", "log_max_size": "50m", "log_max_files": 5,
                               "cluster_id": plan["kafka"]["cluster_id"]}
    assert shared["dashboard"] == {"network": "lh-net", "log_max_size": "50m", "log_max_files": 5, "memory": "256m"}
    for server in plan["servers"]:
        assert dict(server["options"], **shared["server"]) == server["options"]
    assert plan["kafka"]["nodes"][0]["options"]["cluster_id"] == plan["kafka"]["cluster_id"]
    assert plan["load_balancer"]["options"] == {
        "name": "lh-lb", "network": "lh-net", "log_max_size": "50m", "log_max_files": 5, "memory": "128m",
        "published_ports": plan["load_balancer"]["published_ports"], "port": 3000,
        "backends": plan["load_balancer"]["backends"]}
    monitoring = plan["monitoring"]
    assert monitoring["options"] == {
        "name": "lh-prometheus", "network": "lh-net", "log_max_size": "50m", "log_max_files": 5,
        "published_ports": monitoring["published_ports"], "volume": "lh-prometheus-data", "memory": "256m",
        "scrape_configs": monitoring["jobs"], "scrape_interval": "15s", "retention": "15d",
        "cluster_labels": {"littlehorse_prefix": "lh", "littlehorse_cluster_id": "lh"}}


def test_sasl_ssl_and_oauth_add_the_security_protocol_the_sasl_user_and_the_introspection_client():
    plan = cluster_plan(GROUPS, {"h": dict(SETTINGS, littlehorse_kafka_security_protocol="SASL_SSL",
                                           littlehorse_kafka_sasl_password="kafka-pw", **OAUTH)})
    server = plan["servers"][0]["options"]
    assert (server["kafka_security_protocol"], server["kafka_sasl_mechanism"], server["kafka_sasl_username"]) == (
        "SASL_SSL", plan["kafka"]["security"]["mechanism"], plan["kafka"]["security"]["username"])
    assert (server["oauth_introspect_url"], server["oauth_client_id"]) == ("https://idp.example/introspect", "lh-srv")
    node = plan["kafka"]["nodes"][0]["options"]
    assert (node["sasl_mechanism"], node["sasl_username"]) == (plan["kafka"]["security"]["mechanism"],
                                                               plan["kafka"]["security"]["username"])
    assert "kafka-pw" not in repr(plan) and "oauth_client_secret" not in server


def test_every_entrys_options_are_one_valid_item_of_its_modules_instances():
    plan = cluster_plan(GROUPS, {"h": dict(SETTINGS, littlehorse_kafka_security_protocol="SASL_SSL",
                                           littlehorse_kafka_sasl_password="kafka-pw", **OAUTH)})
    for config, entries in ((_server_config, [s["options"] for s in plan["servers"]]),
                            (_kafka_config, [n["options"] for n in plan["kafka"]["nodes"]]),
                            (_dashboard_config, [plan["dashboard"]["options"]]),
                            (_load_balancer_config, [plan["load_balancer"]["options"]]),
                            (_prometheus_config, [plan["monitoring"]["options"]])):
        spec = dict(container_argument_spec(), **config.argument_spec())
        params = ArgumentSpecValidator(spec).validate({"image": "img:1"}).validated_parameters
        items = item_params(spec, dict(params, instances=entries))
        assert [p["name"] for dummy, p in items] == [e["name"] for e in entries]
        assert all(p["network"] == "lh-net" and p["log_max_files"] == 5 for dummy, p in items)
