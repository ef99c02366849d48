# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The files a host's containers mount, picked from the plan and the pki role's files for the modules' `files`."""
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.littlehorse.cluster.plugins.filter.container_files import (
    dashboard_files, kafka_files, server_files)
from ansible_collections.littlehorse.cluster.plugins.filter.plan import cluster_plan

from test_pki_certificates import secured_plan


def pki_files(plan):
    return {"ca": "/pki/ca.crt", "truststore": "/pki/truststore.p12",
            "certificates": [{"name": c["name"], "cert": "/pki/%s.crt" % c["name"], "key": "/pki/%s.key" % c["name"],
                              "keystore": "/pki/%s.p12" % c["name"]} for c in plan["tls"]["certificates"]]}


def on_host(items, host):
    return [item for item in items if item["host"] == host]


def test_a_secured_host_gets_the_ca_its_servers_certificates_keys_and_kafka_stores():
    plan = secured_plan()
    servers = on_host(plan["servers"], "h1")
    files = server_files(plan, servers, pki_files(plan))
    by_path = dict((f["path"], f) for f in files)
    assert by_path[plan["tls"]["ca"]] == {"src": "/pki/ca.crt", "path": plan["tls"]["ca"], "mode": "0644"}
    for server in servers:
        assert by_path[server["tls"]["cert"]]["src"] == "/pki/%s.crt" % server["container"]
        assert by_path[server["tls"]["key"]]["mode"] == "0600"
    assert by_path[plan["tls"]["truststore"]] == {"src": "/pki/truststore.p12", "path": plan["tls"]["truststore"],
                                                  "mode": "0600"}
    keystores = [s for s in servers if (s.get("kafka_tls") or {}).get("kafka_keystore_file") is not None]
    for server in keystores:
        assert by_path[server["tls"]["kafka_keystore"]]["mode"] == "0600"
    assert len(files) == 1 + 2 * len(servers) + 1 + len(keystores)


def test_kafka_nodes_get_their_keystore_and_the_truststore_owned_by_the_images_user():
    plan = secured_plan()
    nodes = on_host(plan["kafka"]["nodes"], "h2")
    files = kafka_files(plan, nodes, pki_files(plan), 1000)
    node = nodes[0]
    assert files == [
        {"src": "/pki/%s.p12" % node["container"], "path": node["tls"]["keystore"], "mode": "0600", "owner": 1000},
        {"src": "/pki/truststore.p12", "path": node["tls"]["truststore"], "mode": "0600", "owner": 1000}]


def test_the_dashboard_on_mtls_gets_the_ca_and_its_client_certificate():
    plan = secured_plan()
    files = dashboard_files(plan, pki_files(plan))
    tls = plan["dashboard"]["tls"]
    assert [f["path"] for f in files] == [tls["ca"], tls["cert"], tls["key"]]
    assert [f["mode"] for f in files] == ["0644", "0644", "0600"]


def test_a_plain_cluster_mounts_no_file_and_needs_no_pki():
    groups = {"kafka": ["h1"], "littlehorse_servers": ["h1"], "littlehorse_dashboard": ["h1"]}
    plan = cluster_plan(groups, {"h1": {"ansible_host": "127.0.0.1", "littlehorse_standby_replicas": 0}})
    assert server_files(plan, plan["servers"]) == []
    assert kafka_files(plan, plan["kafka"]["nodes"]) == []
    assert dashboard_files(plan) == []


def test_the_users_stores_for_an_external_kafka_go_to_their_place():
    groups = {"kafka": ["h1"], "littlehorse_servers": ["h1"]}
    plan = cluster_plan(groups, {"h1": {"ansible_host": "127.0.0.1", "littlehorse_standby_replicas": 0}})
    stores = [{"file": "~/stores/truststore.p12", "path": "/etc/littlehorse/lh/kafka/truststore.p12"}]
    files = server_files(plan, plan["servers"], None, stores)
    assert len(files) == 1 and files[0]["path"] == stores[0]["path"] and files[0]["mode"] == "0600"
    assert not files[0]["src"].startswith("~")
    assert server_files(plan, [], None, stores) == []


def test_a_node_that_serves_its_metrics_gets_the_agent_and_the_rules():
    plan = {"tls": {"kafka": False}}
    node = {"container": "lh-kafka-1", "metrics": {"jar": "/dl/agent.jar", "jar_path": "/etc/littlehorse/lh-kafka-1/"
                                                   "jmx/agent.jar", "config_path": "/etc/littlehorse/lh-kafka-1/jmx/rules.yml"}}
    files = kafka_files(plan, [node])
    assert [(f["src"], f["folder_mode"]) for f in files] == [("/dl/agent.jar", "0755"), ("jmx-exporter.yml", "0755")]


def test_a_certificate_the_pki_role_did_not_issue_and_a_missing_plan_are_named():
    plan = secured_plan()
    with pytest.raises(AnsibleFilterError, match="no certificate named"):
        server_files(plan, on_host(plan["servers"], "h1"), {"ca": "/pki/ca.crt", "certificates": []})
    with pytest.raises(AnsibleFilterError, match="use it as littlehorse_plan"):
        server_files(None, [])
