# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import re

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.littlehorse.cluster.plugins.filter.plan import cluster_plan
from ansible_collections.littlehorse.cluster.plugins.filter.prometheus import (
    FilterModule, prometheus_targets, scrape_host)

# inventories/local, as the filter sees it
LOCAL = {"littlehorse_single_engine": True, "littlehorse_server_count": 3, "littlehorse_server_id_base": 0,
         "littlehorse_kafka_node_id": 1, "littlehorse_advertised_host": "127.0.0.1",
         "littlehorse_bind_address": "127.0.0.1", "littlehorse_reserved_ports": [2024]}


def test_the_filter_is_registered():
    assert FilterModule().filters()["prometheus_targets"] is prometheus_targets


def test_local_layout_one_target_per_server_on_the_bind_address():
    plan = cluster_plan({"kafka": ["local"], "littlehorse_servers": ["local"], "littlehorse_dashboard": ["local"]},
                        {"local": dict(LOCAL, littlehorse_prefix="lhmol", littlehorse_cluster_id="lhc")})
    targets = prometheus_targets(plan)
    assert [t["targets"] for t in targets] == [["127.0.0.1:1822"], ["127.0.0.1:1832"], ["127.0.0.1:1842"]]
    assert targets[0]["labels"] == {
        "__metrics_path__": "/metrics", "littlehorse_prefix": "lhmol", "littlehorse_cluster_id": "lhc",
        "littlehorse_component": "server", "littlehorse_instance_id": "1", "inventory_host": "local",
        "container": "lhmol-server-1"}


def test_multi_host_layout_targets_the_advertised_address():
    groups = {"kafka": ["h1", "h2", "h3"], "littlehorse_servers": ["h1", "h2", "h3"]}
    hostvars = dict(("h%d" % i, {"ansible_host": "10.0.0.%d" % i, "littlehorse_kafka_node_id": i,
                                 "littlehorse_server_id_base": 100 * i}) for i in (1, 2, 3))
    hostvars["h3"]["littlehorse_bind_address"] = "10.0.0.33"
    targets = prometheus_targets(cluster_plan(groups, hostvars))
    # published on every address (h1, h2): the advertised address; on one address (h3): that address
    assert [t["targets"][0] for t in targets] == ["10.0.0.1:1822", "10.0.0.2:1822", "10.0.0.33:1822"]
    assert [t["labels"]["inventory_host"] for t in targets] == ["h1", "h2", "h3"]
    assert [t["labels"]["littlehorse_instance_id"] for t in targets] == ["101", "201", "301"]


def test_scrape_host_without_a_published_health_port():
    server = {"health_port": 1822, "published_ports": ["0.0.0.0:2023:2023"],
              "listeners": [{"advertised_host": "lh1.example.com"}]}
    assert scrape_host(server) == "lh1.example.com"
    server["published_ports"].append("192.0.2.7:1822:1822/tcp")
    assert scrape_host(server) == "192.0.2.7"


@pytest.mark.parametrize("value", [None, [], {"servers": []}, "plan"])
def test_not_a_plan(value):
    with pytest.raises(AnsibleFilterError, match=re.escape("littlehorse_plan | littlehorse.cluster.prometheus_targets")):
        prometheus_targets(value)


def test_the_certificates_of_lh_pki_are_each_named_once_with_their_expiry():
    from ansible_collections.littlehorse.cluster.plugins.filter.prometheus import certificate_expiries
    assert FilterModule().filters()["certificate_expiries"] is certificate_expiries
    issued = [{"name": "ca", "not_after": "2030-01-01T00:00:00+00:00", "path": "/p/ca.crt", "issued": False},
              {"name": "lh-server-1", "not_after": "2027-01-01T00:00:00+00:00", "dns_names": []},
              {"name": "ca", "not_after": "2031-01-01T00:00:00+00:00"}]
    assert certificate_expiries(issued) == [{"name": "ca", "not_after": "2031-01-01T00:00:00+00:00"},
                                            {"name": "lh-server-1", "not_after": "2027-01-01T00:00:00+00:00"}]
    assert certificate_expiries([]) == []
    with pytest.raises(AnsibleFilterError, match="the certificates littlehorse.cluster.lh_pki returns"):
        certificate_expiries([{"name": "ca"}])
