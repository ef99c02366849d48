import pytest

from ansible_collections.littlehorse.cluster.plugins.filter.plan import PlanError, cluster_plan

LOCAL = {"littlehorse_single_engine": True, "littlehorse_server_count": 3, "littlehorse_server_id_base": 0,
         "littlehorse_kafka_node_id": 1, "littlehorse_advertised_host": "127.0.0.1",
         "littlehorse_bind_address": "127.0.0.1"}


def one_host(**extra):
    values = dict(LOCAL, **extra)
    return {"kafka": ["local"], "littlehorse_servers": ["local"], "littlehorse_dashboard": ["local"]}, {"local": values}


def test_three_servers_on_one_host():
    plan = cluster_plan(*one_host())
    assert [s["instance_id"] for s in plan["servers"]] == [1, 2, 3]
    assert [s["container"] for s in plan["servers"]] == ["lh-server-1", "lh-server-2", "lh-server-3"]
    assert [s["listeners"][0]["port"] for s in plan["servers"]] == [2023, 2033, 2043]
    assert [s["internal"]["port"] for s in plan["servers"]] == [2011, 2021, 2031]
    assert [s["health_port"] for s in plan["servers"]] == [1822, 1832, 1842]
    assert plan["servers"][0]["internal"]["advertised_host"] == "lh-server-1"
    assert plan["servers"][0]["published_ports"] == ["127.0.0.1:2023:2023", "127.0.0.1:1822:1822"]
    assert plan["kafka"]["bootstrap"] == "lh-kafka-1:9092"
    assert plan["dashboard"]["api_host"] == "lh-server-1"
    assert plan["clients"]["bootstrap"] == "127.0.0.1:2023"


def test_pinned_ports_give_the_documented_layout():
    ports = [{"public": 2023, "internal": 2011, "health": 1822}, {"public": 2024, "internal": 2021, "health": 1832},
             {"public": 2025, "internal": 2031, "health": 1842}]
    plan = cluster_plan(*one_host(littlehorse_server_ports=ports, littlehorse_reserved_ports=[]))
    assert [s["listeners"][0]["port"] for s in plan["servers"]] == [2023, 2024, 2025]


def test_port_2024_is_refused_where_it_is_reserved():
    ports = [{"public": 2023}, {"public": 2024}, {"public": 2025}]
    with pytest.raises(PlanError, match="host local: .*2024.*reserved"):
        cluster_plan(*one_host(littlehorse_server_ports=ports))


def test_adding_a_host_renumbers_nothing():
    groups = {"kafka": ["a"], "littlehorse_servers": ["b", "c"]}
    hostvars = {"a": {}, "b": {}, "c": {}}
    before = dict((s["container"], s["instance_id"]) for s in cluster_plan(groups, hostvars)["servers"])
    groups["littlehorse_servers"] = ["a0", "b", "c"]
    hostvars["a0"] = {}
    after = dict((s["container"], s["instance_id"]) for s in cluster_plan(groups, hostvars)["servers"])
    assert all(after[name] == before[name] for name in before)
    assert len(after) == 3


def test_many_hosts_advertise_their_own_address_and_publish_internal_ports():
    groups = {"kafka": ["h1"], "littlehorse_servers": ["h1", "h2"]}
    hostvars = {"h1": {"ansible_host": "10.0.0.1"}, "h2": {"ansible_host": "10.0.0.2"}}
    plan = cluster_plan(groups, hostvars)
    second = [s for s in plan["servers"] if s["host"] == "h2"][0]
    assert second["internal"]["advertised_host"] == "10.0.0.2"
    assert "0.0.0.0:2011:2011" in second["published_ports"]
    assert plan["kafka"]["bootstrap"] == "10.0.0.1:9092"


@pytest.mark.parametrize("extra,words", [
    (dict(littlehorse_standby_replicas=3), "littlehorse_standby_replicas"),
    (dict(littlehorse_replication_factor=3), "littlehorse_replication_factor"),
    (dict(littlehorse_port_step=0), "littlehorse_port_step"),
    (dict(littlehorse_server_ports=[{"public": 1}]), "littlehorse_server_ports"),
    (dict(littlehorse_kafka_cluster_id="x"), "littlehorse_kafka_cluster_id"),
    (dict(littlehorse_health_port_base=2033), "planned twice"),
])
def test_inconsistent_inventories_fail_naming_host_and_setting(extra, words):
    with pytest.raises(PlanError, match=words):
        cluster_plan(*one_host(**extra))


def test_a_group_without_servers_says_which_group():
    with pytest.raises(PlanError, match="littlehorse_servers"):
        cluster_plan({"kafka": ["a"]}, {"a": {}})
