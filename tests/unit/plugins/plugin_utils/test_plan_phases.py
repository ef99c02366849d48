# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan's phases (plugins/plugin_utils/plan) return new data: none changes the plan it reads, so the order of
the assembly carries no hidden meaning. Each later phase runs on a finished plan of several inventories (TLS and
MTLS listeners, internal mTLS, Kafka over SSL and SASL_SSL, the dashboard, the load balancer), which must read back
the same afterwards."""
import copy

import pytest

from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan import (
    clients, images, limits, network, options, security)
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.assemble import cluster_plan
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.inventory import Inventory

LISTENERS = [{"name": "PLAIN"}, {"name": "TLS", "protocol": "TLS", "port_offset": 2},
             {"name": "SECURE", "protocol": "MTLS", "authentication": "MTLS", "port_offset": 4}]


def three_hosts(**extra):
    groups = {"kafka": ["h1", "h2", "h3"], "littlehorse_servers": ["h1", "h2", "h3"],
              "littlehorse_dashboard": ["h1"], "littlehorse_load_balancer": ["h3"]}
    hostvars = dict(("h%d" % i, dict({"ansible_host": "10.0.0.%d" % i, "littlehorse_kafka_node_id": i,
                                      "littlehorse_server_id_base": 100 * i, "littlehorse_load_balancer_port": 2100,
                                      "littlehorse_listeners": LISTENERS}, **extra)) for i in (1, 2, 3))
    return groups, hostvars


def one_host(**extra):
    return ({"kafka": ["local"], "littlehorse_servers": ["local"], "littlehorse_dashboard": ["local"]},
            {"local": dict({"littlehorse_server_count": 2, "littlehorse_listeners": LISTENERS,
                            "littlehorse_dashboard_listener": "SECURE"}, **extra)})


INVENTORIES = {
    "three hosts, Kafka over SSL": three_hosts(littlehorse_kafka_security_protocol="SSL"),
    "three hosts, Kafka over SASL_SSL": three_hosts(littlehorse_kafka_security_protocol="SASL_SSL",
                                                    littlehorse_kafka_sasl_password="a-password"),
    "one host, MTLS dashboard": one_host(),
}

PHASES = {
    "tls": security.tls_plan,
    "limits": limits.limits_plan,
    "jvm": lambda inv, first, plan: limits.jvm_plan(inv, plan["servers"]),
    "clients": clients.clients_plan,
    "probes": lambda inv, first, plan: network.probe_plan(plan["servers"], plan["cluster"]["hosts"]),
    "reach": lambda inv, first, plan: network.reach_plan(plan, inv),
    "resolve": lambda inv, first, plan: network.resolve_plan(plan, inv),
    "addresses": lambda inv, first, plan: network.address_plan(plan, inv),
    "ports": lambda inv, first, plan: network.check_ports(plan, inv, first),
    "images": lambda inv, first, plan: images.image_plan(inv, first),
    "server options": lambda inv, first, plan: [options.server_options(s) for s in plan["servers"]],
    "kafka options": lambda inv, first, plan: [options.kafka_node_options(n) for n in plan["kafka"]["nodes"]],
    "dashboard options": lambda inv, first, plan: options.dashboard_options(plan["dashboard"]),
    "kafka properties": lambda inv, first, plan: options.check_kafka_properties(inv, plan),
}


@pytest.mark.parametrize("phase", sorted(PHASES))
@pytest.mark.parametrize("name", sorted(INVENTORIES))
def test_a_phase_leaves_the_plan_it_reads_as_it_was(name, phase):
    groups, hostvars = INVENTORIES[name]
    plan = cluster_plan(groups, hostvars)
    before = copy.deepcopy(plan)
    PHASES[phase](Inventory(groups, hostvars), plan["cluster"]["hosts"][0], plan)
    assert plan == before


@pytest.mark.parametrize("name", sorted(INVENTORIES))
def test_the_security_phase_returns_what_the_assembly_composes(name):
    groups, hostvars = INVENTORIES[name]
    plan = cluster_plan(groups, hostvars)
    found = security.tls_plan(Inventory(groups, hostvars), plan["cluster"]["hosts"][0], plan)
    assert found["tls"] == plan["tls"] and found["kafka_stores"] == plan["kafka"]["stores"]
    assert found["dashboard_tls"] == plan["dashboard"]["tls"]
    for server in plan["servers"]:
        assert found["servers"][server["container"]] == dict(
            (key, server[key]) for key in ("tls", "listeners", "kafka_tls"))
    for node in plan["kafka"]["nodes"]:
        assert found["nodes"][node["container"]] == node["tls"]


def test_the_secrets_given_as_files_are_listed_for_the_preflight_with_their_host_and_vault_variable():
    groups = {"kafka": ["h1"], "littlehorse_servers": ["h1", "h2"], "littlehorse_dashboard": ["h2"]}
    common = {"littlehorse_listeners": [{"name": "OAUTH", "protocol": "TLS", "authentication": "OAUTH"}],
              "littlehorse_oauth_introspect_url": "https://idp/i", "littlehorse_oauth_client_id": "servers",
              "littlehorse_oauth_client_secret": "inline", "littlehorse_oauth_access_token_url": "https://idp/t",
              "littlehorse_oauth_worker_client_id": "workers", "littlehorse_oauth_worker_client_secret_file": "/w",
              "littlehorse_kafka_security_protocol": "SASL_SSL", "littlehorse_kafka_sasl_password_file": "~/sasl"}
    hostvars = {"h1": dict(common, ansible_host="10.0.0.1"),
                "h2": dict(common, ansible_host="10.0.0.2", littlehorse_dashboard_oauth_client_id="dash",
                           littlehorse_dashboard_oauth_client_secret_file="/d",
                           littlehorse_dashboard_oauth_encrypt_secret="inline",
                           littlehorse_dashboard_oauth_issuer_uri="https://idp",
                           littlehorse_dashboard_oauth_callback_url="http://dash:8080")}
    plan = cluster_plan(groups, hostvars)
    assert [(s["setting"], s["path"], s["host"], s["variable"]) for s in plan["secret_files"]] == [
        ("littlehorse_oauth_worker_client_secret_file", "/w", "h1", "littlehorse_oauth_worker_client_secret"),
        ("littlehorse_kafka_sasl_password_file", "~/sasl", "h1", "littlehorse_kafka_sasl_password"),
        ("littlehorse_dashboard_oauth_client_secret_file", "/d", "h2", "littlehorse_dashboard_oauth_client_secret")]
    assert cluster_plan({"kafka": ["h"], "littlehorse_servers": ["h"]},
                        {"h": {"littlehorse_server_count": 2}})["secret_files"] == []
