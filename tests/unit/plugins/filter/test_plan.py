# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import copy
import os

import pytest

from ansible_collections.littlehorse.cluster.plugins.filter.plan import FilterModule, PlanError, cluster_plan
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.options import shared_options

# inventories/local, as the filter sees it
LOCAL = {"littlehorse_single_engine": True, "littlehorse_server_count": 3, "littlehorse_server_id_base": 0,
         "littlehorse_kafka_node_id": 1, "littlehorse_advertised_host": "127.0.0.1",
         "littlehorse_bind_address": "127.0.0.1", "littlehorse_reserved_ports": [2024]}
SEED_PORTS = [{"public": 2023, "internal": 2011, "health": 1822}, {"public": 2024, "internal": 2021, "health": 1832},
              {"public": 2025, "internal": 2031, "health": 1842}]


def one_host(**extra):
    values = dict(LOCAL, **extra)
    return {"kafka": ["local"], "littlehorse_servers": ["local"], "littlehorse_dashboard": ["local"]}, {"local": values}


def three_hosts(**extra):
    groups = {"kafka": ["h1", "h2", "h3"], "littlehorse_servers": ["h1", "h2", "h3"], "littlehorse_dashboard": ["h1"]}
    hostvars = dict(("h%d" % i, dict({"ansible_host": "10.0.0.%d" % i, "littlehorse_kafka_node_id": i,
                                      "littlehorse_server_id_base": 100 * i}, **extra)) for i in (1, 2, 3))
    return groups, hostvars


def test_the_filter_is_registered():
    assert FilterModule().filters()["cluster_plan"] is cluster_plan


def test_three_servers_on_one_host():
    plan = cluster_plan(*one_host())
    assert [s["instance_id"] for s in plan["servers"]] == [1, 2, 3]
    assert [s["container"] for s in plan["servers"]] == ["lh-server-1", "lh-server-2", "lh-server-3"]
    assert [s["volume"] for s in plan["servers"]] == ["lh-server-1-data", "lh-server-2-data", "lh-server-3-data"]
    assert [s["listeners"][0]["port"] for s in plan["servers"]] == [2023, 2033, 2043]
    assert [s["internal"]["port"] for s in plan["servers"]] == [2011, 2021, 2031]
    assert [s["health_port"] for s in plan["servers"]] == [1822, 1832, 1842]
    assert plan["servers"][0]["listeners"] == [{"name": "PLAIN", "port": 2023, "protocol": "PLAIN", "authentication": "NONE", "advertised_host": "127.0.0.1",
                                                "advertised_port": 2023}]
    assert plan["servers"][0]["internal"] == {"port": 2011, "advertised_host": "lh-server-1", "advertised_port": 2011}
    assert plan["servers"][0]["published_ports"] == ["127.0.0.1:2023:2023", "127.0.0.1:1822:1822"]
    assert plan["cluster"] == {"id": "lh", "partitions": 12, "replication_factor": 1, "standby_replicas": 1,
                               "prefix": "lh", "network": "lh-net", "single_engine": True, "hosts": ["local"],
                               "allow_destructive_changes": False, "log": {"max_size": "50m", "max_files": 5}}
    assert plan["dashboard"]["api_host"] == "lh-server-1"
    assert plan["dashboard"]["published_ports"] == ["127.0.0.1:8080:3000"]
    assert plan["clients"]["bootstrap"] == "127.0.0.1:2023"
    assert plan["clients"]["servers"] == ["127.0.0.1:2023", "127.0.0.1:2033", "127.0.0.1:2043"]
    assert 2024 not in plan["ports"]["local"]


def test_kafka_node_entries_are_what_kafka_node_takes():
    node = cluster_plan(*one_host())["kafka"]["nodes"][0]
    assert node["container"] == "lh-kafka-1" and node["volume"] == "lh-kafka-1-data" and node["node_id"] == 1
    assert node["listeners"] == [
        {"name": "PLAINTEXT", "port": 9092, "protocol": "PLAINTEXT", "advertised_host": "lh-kafka-1",
         "advertised_port": 9092},
        {"name": "CONTROLLER", "port": 9093, "protocol": "PLAINTEXT"}]
    assert node["controller_quorum_voters"] == [{"node_id": 1, "host": "lh-kafka-1", "port": 9093}]
    assert node["published_ports"] == []
    assert (node["offsets_topic_replication_factor"], node["transaction_state_log_replication_factor"],
            node["transaction_state_log_min_isr"]) == (1, 1, 1)


def test_kafka_external_listener_on_one_engine():
    plan = cluster_plan(*one_host(littlehorse_kafka_external_port=39092))
    node = plan["kafka"]["nodes"][0]
    assert node["listeners"][-1] == {"name": "EXTERNAL", "port": 39092, "protocol": "PLAINTEXT",
                                     "advertised_host": "127.0.0.1", "advertised_port": 39092}
    assert node["published_ports"] == ["127.0.0.1:39092:39092"]
    assert plan["kafka"]["bootstrap"] == "lh-kafka-1:9092"


def test_prefix_names_everything():
    plan = cluster_plan(*one_host(littlehorse_prefix="lhmol"))
    assert plan["cluster"]["network"] == "lhmol-net"
    assert plan["kafka"]["nodes"][0]["container"] == "lhmol-kafka-1"
    assert plan["servers"][2]["container"] == "lhmol-server-3"
    assert plan["dashboard"]["container"] == "lhmol-dashboard"


def test_pinned_ports_give_the_documented_layout():
    plan = cluster_plan(*one_host(littlehorse_server_ports=SEED_PORTS, littlehorse_reserved_ports=[]))
    assert [s["listeners"][0]["port"] for s in plan["servers"]] == [2023, 2024, 2025]
    assert [s["health_port"] for s in plan["servers"]] == [1822, 1832, 1842]


def test_server_count_follows_pinned_lists():
    values = dict(LOCAL, littlehorse_server_ports=SEED_PORTS, littlehorse_reserved_ports=[])
    del values["littlehorse_server_count"]
    groups = {"kafka": ["local"], "littlehorse_servers": ["local"]}
    assert len(cluster_plan(groups, {"local": values})["servers"]) == 3


def test_a_pinned_port_is_kept_and_the_others_follow_the_bases():
    ports = [{}, {"public": 2099}, {}]
    plan = cluster_plan(*one_host(littlehorse_server_ports=ports))
    assert [s["listeners"][0]["port"] for s in plan["servers"]] == [2023, 2099, 2043]


def test_pinned_instance_ids_are_kept():
    plan = cluster_plan(*one_host(littlehorse_server_instance_ids=[7, 3, 12]))
    assert [s["instance_id"] for s in plan["servers"]] == [7, 3, 12]
    assert [s["container"] for s in plan["servers"]] == ["lh-server-7", "lh-server-3", "lh-server-12"]


def test_port_2024_is_refused_where_it_is_reserved():
    ports = [{"public": 2023}, {"public": 2024}, {"public": 2025}]
    with pytest.raises(PlanError, match="host local: lh-server-2 public listener port would be 2024, which is reserved"):
        cluster_plan(*one_host(littlehorse_server_ports=ports))


def test_port_2024_by_step_is_refused_too():
    with pytest.raises(PlanError, match="2024.*reserved"):
        cluster_plan(*one_host(littlehorse_port_step=1))


def test_adding_a_host_renumbers_nothing():
    groups = {"kafka": ["a"], "littlehorse_servers": ["b", "c"]}
    hostvars = {"a": {"ansible_host": "10.0.0.1"}, "b": {"ansible_host": "10.0.0.2"},
                "c": {"ansible_host": "10.0.0.3", "littlehorse_server_count": 2}}
    before = cluster_plan(groups, hostvars)
    groups = {"kafka": ["a", "a0", "d"], "littlehorse_servers": ["a0", "b", "c", "d"]}
    hostvars = dict(hostvars, a0={"ansible_host": "10.0.0.4"}, d={"ansible_host": "10.0.0.5"})
    after = cluster_plan(groups, hostvars)
    # the options the cluster shares follow it (more brokers to bootstrap from, a higher replication factor)
    shared = set(shared_options(after)["server"])

    def own(server):
        return dict(server, options=dict((k, v) for k, v in server["options"].items() if k not in shared))
    old = dict((s["container"], own(s)) for s in before["servers"])
    new = dict((s["container"], own(s)) for s in after["servers"])
    assert len(new) == 5
    for name, server in old.items():
        assert new[name] == server
    assert after["kafka"]["nodes"][0]["node_id"] == before["kafka"]["nodes"][0]["node_id"]


def test_the_plan_is_deterministic():
    groups, hostvars = three_hosts()
    assert cluster_plan(groups, copy.deepcopy(hostvars)) == cluster_plan(groups, hostvars)


def test_many_hosts_advertise_their_own_address_and_publish_internal_ports_on_it_only():
    plan = cluster_plan(*three_hosts(littlehorse_replication_factor=3))
    assert plan["cluster"]["single_engine"] is False
    second = [s for s in plan["servers"] if s["host"] == "h2"][0]
    assert second["instance_id"] == 201 and second["container"] == "lh-server-201"
    assert second["listeners"][0]["advertised_host"] == "10.0.0.2"
    assert second["internal"] == {"port": 2011, "advertised_host": "10.0.0.2", "advertised_port": 2011}
    assert second["published_ports"] == ["0.0.0.0:2023:2023", "0.0.0.0:1822:1822", "10.0.0.2:2011:2011"]
    assert second["health_host"] == "127.0.0.1"
    assert second["probe"] == {"name": "lh-server-201", "host": "127.0.0.1", "health_port": 1822, "instance_id": 201}
    assert second["probe_from_others"] == {"name": "lh-server-201", "host": "10.0.0.2", "health_port": 1822,
                                           "instance_id": 201}
    assert plan["kafka"]["bootstrap"] == "10.0.0.1:9092,10.0.0.2:9092,10.0.0.3:9092"
    node = plan["kafka"]["nodes"][2]
    assert node["published_ports"] == ["10.0.0.3:9092:9092", "10.0.0.3:9093:9093"]
    assert node["controller_quorum_voters"] == [{"node_id": i, "host": "10.0.0.%d" % i, "port": 9093} for i in (1, 2, 3)]
    assert (node["offsets_topic_replication_factor"], node["transaction_state_log_min_isr"]) == (3, 2)
    assert plan["dashboard"]["api_host"] == "10.0.0.1"


def test_advertised_host_prefers_the_explicit_setting():
    groups, hostvars = three_hosts()
    hostvars["h3"]["littlehorse_advertised_host"] = "lh3.example.com"
    plan = cluster_plan(groups, hostvars)
    assert plan["servers"][2]["listeners"][0]["advertised_host"] == "lh3.example.com"


def test_rack_ids_reach_the_servers():
    groups, hostvars = three_hosts()
    hostvars["h1"]["littlehorse_rack_id"] = "zone-a"
    plan = cluster_plan(groups, hostvars)
    assert [s["rack_id"] for s in plan["servers"]] == ["zone-a", None, None]


def test_external_kafka():
    groups = {"littlehorse_servers": ["local"]}
    plan = cluster_plan(groups, {"local": dict(LOCAL, littlehorse_kafka_bootstrap_servers="kafka.example:9092")})
    assert plan["kafka"] == {"external": True, "bootstrap": "kafka.example:9092", "nodes": [],
                             "security": {"protocol": "PLAINTEXT", "tls": False, "sasl": False, "mechanism": None,
                                          "username": None, "password_file": None},
                             "stores": {"truststore": None, "keystore": None}}
    assert plan["dashboard"] is None


@pytest.mark.parametrize("extra,words", [
    (dict(littlehorse_standby_replicas=3), "littlehorse_standby_replicas: 3 standby replicas need at least 4"),
    (dict(littlehorse_replication_factor=3), "littlehorse_replication_factor: 3 but only 1 Kafka broker"),
    (dict(littlehorse_port_step=0), "host local: littlehorse_port_step = 0"),
    (dict(littlehorse_server_ports=[{"public": 1}]), "host local: littlehorse_server_ports must list one"),
    (dict(littlehorse_server_ports=[{"pub": 1}, {}, {}]), r"littlehorse_server_ports\[0\]"),
    (dict(littlehorse_server_instance_ids=[1, 2]), "host local: littlehorse_server_instance_ids"),
    (dict(littlehorse_server_instance_ids=[1, 2, 1]), "host local: id 1 is given twice"),
    (dict(littlehorse_kafka_cluster_id="x"), "littlehorse_kafka_cluster_id"),
    (dict(littlehorse_health_port_base=2033), "host local: port 2033 is planned twice"),
    (dict(littlehorse_dashboard_port=2043), "host local: port 2043 is planned twice"),
    (dict(littlehorse_public_port_base=65530), "above 65535"),
    (dict(littlehorse_server_count="three"), "host local: littlehorse_server_count must be a whole number"),
    (dict(littlehorse_advertised_host="my_host"), "host local: the advertised host 'my_host'.*contains '_'"),
    (dict(littlehorse_advertised_host="::1"), "IPv6"),
    (dict(littlehorse_listener_name="plain"), "littlehorse_listener_name"),
    (dict(littlehorse_prefix="LH!"), "littlehorse_prefix"),
    (dict(littlehorse_cluster_id="a b"), "littlehorse_cluster_id"),
    (dict(littlehorse_kafka_port=9093), "host local: littlehorse_kafka_port and littlehorse_kafka_controller_port"),
    (dict(littlehorse_internal_port_base=2023), "lh-server-1 internal port 2023 equals its public or health port"),
    (dict(littlehorse_kafka_bootstrap_servers="k:9092"), "use one or the other"),
])
def test_inconsistent_inventories_fail_naming_host_and_setting(extra, words):
    with pytest.raises(PlanError, match=words):
        cluster_plan(*one_host(**extra))


def test_ports_are_free_per_host_only():
    plan = cluster_plan(*three_hosts())
    assert plan["ports"]["h1"] == [1822, 2011, 2023, 8080, 9092, 9093]
    assert plan["ports"]["h2"] == [1822, 2011, 2023, 9092, 9093]


def test_duplicate_ids_across_hosts_name_both_hosts():
    groups, hostvars = three_hosts()
    hostvars["h3"]["littlehorse_server_id_base"] = 100
    with pytest.raises(PlanError, match="hosts h1 and h3: id 101 is given twice"):
        cluster_plan(groups, hostvars)


def test_duplicate_kafka_node_ids():
    groups, hostvars = three_hosts()
    hostvars["h2"]["littlehorse_kafka_node_id"] = 1
    with pytest.raises(PlanError, match="hosts h1 and h2: id 1 is given twice; pin littlehorse_kafka_node_id"):
        cluster_plan(groups, hostvars)


def test_cluster_wide_settings_must_agree():
    groups, hostvars = three_hosts()
    hostvars["h2"]["littlehorse_partitions"] = 6
    with pytest.raises(PlanError, match="littlehorse_partitions differs between hosts.*group_vars/all"):
        cluster_plan(groups, hostvars)


def test_one_engine_cannot_span_hosts():
    with pytest.raises(PlanError, match="littlehorse_single_engine is true but the cluster spans 3 hosts"):
        cluster_plan(*three_hosts(littlehorse_single_engine=True))


def test_loopback_advertised_across_hosts_is_refused():
    groups, hostvars = three_hosts()
    hostvars["h2"]["ansible_host"] = "127.0.0.1"
    with pytest.raises(PlanError, match="host h2: advertises 127.0.0.1"):
        cluster_plan(groups, hostvars)


def test_two_dashboards_are_refused():
    groups, hostvars = three_hosts()
    groups["littlehorse_dashboard"] = ["h1", "h2"]
    with pytest.raises(PlanError, match="littlehorse_dashboard' has 2 hosts"):
        cluster_plan(groups, hostvars)


def test_a_group_without_servers_says_which_group():
    with pytest.raises(PlanError, match="littlehorse_servers"):
        cluster_plan({"kafka": ["a"]}, {"a": {}})


def test_no_kafka_at_all_says_how_to_fix():
    with pytest.raises(PlanError, match="no host in group 'kafka' and no littlehorse_kafka_bootstrap_servers"):
        cluster_plan({"littlehorse_servers": ["a"]}, {"a": {}})


def test_wrong_arguments():
    with pytest.raises(PlanError, match="use it as groups"):
        cluster_plan(["a"], {})


def test_replication_follows_the_broker_count_up_to_three_and_min_isr_keeps_one_broker_spare():
    plan = cluster_plan(*three_hosts())
    assert plan["cluster"]["replication_factor"] == 3
    assert [n["min_insync_replicas"] for n in plan["kafka"]["nodes"]] == [2, 2, 2]
    single = cluster_plan(*one_host())
    assert single["cluster"]["replication_factor"] == 1 and single["kafka"]["nodes"][0]["min_insync_replicas"] == 1
    assert cluster_plan(*three_hosts(littlehorse_replication_factor=2))["cluster"]["replication_factor"] == 2


def test_an_engine_reached_from_elsewhere_is_probed_at_the_hosts_address():
    groups, hostvars = three_hosts()
    hostvars["h2"]["littlehorse_docker_host"] = "tcp://10.0.0.2:2376"
    plan = cluster_plan(groups, hostvars)
    by_host = dict((s["host"], s) for s in plan["servers"])
    assert by_host["h1"]["wait_host"] is None and by_host["h1"]["probe"]["host"] == "127.0.0.1"
    assert by_host["h2"]["wait_host"] == "10.0.0.2" and by_host["h2"]["probe"]["host"] == "10.0.0.2"
    assert [n["wait_host"] for n in plan["kafka"]["nodes"]] == [None, "10.0.0.2", None]
    hostvars["h2"]["littlehorse_bind_address"] = "10.0.0.2"
    assert cluster_plan(groups, hostvars)["servers"][1]["wait_host"] == "10.0.0.2"


# ---- the optional load balancer (group littlehorse_load_balancer)

def test_no_load_balancer_without_its_group():
    plan = cluster_plan(*one_host())
    assert plan["load_balancer"] is None
    assert plan["clients"]["bootstrap"] == "127.0.0.1:2023"


def test_load_balancer_on_one_engine_reaches_the_servers_by_container_name():
    groups, hostvars = one_host(littlehorse_load_balancer_port=2000)
    groups["littlehorse_load_balancer"] = ["local"]
    plan = cluster_plan(groups, hostvars)
    assert plan["load_balancer"] == {
        "host": "local", "container": "lh-lb", "port": 2000, "bind": "127.0.0.1",
        "published_ports": ["127.0.0.1:2000:2000"], "health_host": "127.0.0.1", "wait_host": None,
        "advertised_host": "127.0.0.1", "memory": 128 * 1024 * 1024, "memory_text": "128m",
        "backends": [{"name": "lh-server-1", "host": "lh-server-1", "port": 2023, "health_port": 1822},
                     {"name": "lh-server-2", "host": "lh-server-2", "port": 2033, "health_port": 1832},
                     {"name": "lh-server-3", "host": "lh-server-3", "port": 2043, "health_port": 1842}],
        "options": {"name": "lh-lb", "network": "lh-net", "published_ports": ["127.0.0.1:2000:2000"], "memory": "128m",
                    "log_max_size": "50m", "log_max_files": 5, "port": 2000,
                    "backends": plan["load_balancer"]["backends"]}}
    assert plan["clients"]["bootstrap"] == "127.0.0.1:2000"
    assert (plan["clients"]["host"], plan["clients"]["port"]) == ("127.0.0.1", 2000)
    assert plan["clients"]["servers"] == ["127.0.0.1:2023", "127.0.0.1:2033", "127.0.0.1:2043"]
    assert plan["clients"]["listener"] == "PLAIN"
    assert 2000 in plan["ports"]["local"]
    assert plan["cluster"]["hosts"] == ["local"]


def test_load_balancer_on_its_own_host_reaches_the_advertised_addresses():
    groups, hostvars = three_hosts()
    groups["littlehorse_load_balancer"] = ["lb"]
    hostvars["lb"] = {"ansible_host": "10.0.0.9"}
    plan = cluster_plan(groups, hostvars)
    balancer = plan["load_balancer"]
    assert balancer["host"] == "lb" and balancer["container"] == "lh-lb" and balancer["port"] == 2023
    assert balancer["published_ports"] == ["0.0.0.0:2023:2023"] and balancer["health_host"] == "127.0.0.1"
    assert balancer["advertised_host"] == "10.0.0.9"
    assert balancer["backends"] == [
        {"name": "lh-server-%d01" % i, "host": "10.0.0.%d" % i, "port": 2023, "health_port": 1822} for i in (1, 2, 3)]
    assert plan["cluster"]["hosts"] == ["h1", "h2", "h3", "lb"]
    assert plan["ports"]["lb"] == [2023]
    assert plan["clients"]["bootstrap"] == "10.0.0.9:2023"
    assert plan["clients"]["servers"] == ["10.0.0.1:2023", "10.0.0.2:2023", "10.0.0.3:2023"]


def test_load_balancer_backends_use_pinned_and_advertised_ports():
    groups, hostvars = three_hosts()
    hostvars["h2"]["littlehorse_server_ports"] = [{"public": 2123, "health": 1922}]
    hostvars["h1"]["littlehorse_load_balancer_port"] = 3000
    groups["littlehorse_load_balancer"] = ["h1"]
    plan = cluster_plan(groups, hostvars)
    assert plan["load_balancer"]["backends"][1] == {"name": "lh-server-201", "host": "10.0.0.2", "port": 2123,
                                                    "health_port": 1922}
    assert plan["clients"]["bootstrap"] == "10.0.0.1:3000"


def test_load_balancer_port_clashing_with_a_server_on_its_host_is_refused():
    groups, hostvars = one_host()
    groups["littlehorse_load_balancer"] = ["local"]
    with pytest.raises(PlanError, match="host local: port 2023 is planned twice \\(lh-server-1 public listener port "
                                        "and lh-lb port \\(set littlehorse_load_balancer_port to a free port\\)\\)"):
        cluster_plan(groups, hostvars)


def test_load_balancer_port_clashing_on_a_server_host_of_many_is_refused():
    groups, hostvars = three_hosts()
    groups["littlehorse_load_balancer"] = ["h2"]
    with pytest.raises(PlanError, match="host h2: port 2023 is planned twice.*littlehorse_load_balancer_port"):
        cluster_plan(groups, hostvars)


def test_load_balancer_on_a_reserved_port_is_refused():
    groups, hostvars = one_host(littlehorse_load_balancer_port=2024)
    groups["littlehorse_load_balancer"] = ["local"]
    with pytest.raises(PlanError, match="host local: lh-lb port.*littlehorse_load_balancer_port.*2024, which is reserved"):
        cluster_plan(groups, hostvars)


def test_two_load_balancers_are_refused_naming_them():
    groups, hostvars = three_hosts()
    groups["littlehorse_load_balancer"] = ["h1", "h3"]
    with pytest.raises(PlanError, match="group 'littlehorse_load_balancer' has 2 hosts \\(h1, h3\\)"):
        cluster_plan(groups, hostvars)


@pytest.mark.parametrize("extra,words", [
    (dict(littlehorse_load_balancer_port=0), "host lb: littlehorse_load_balancer_port = 0 is outside 1-65535"),
    (dict(littlehorse_load_balancer_port="x"), "host lb: littlehorse_load_balancer_port must be a whole number"),
    (dict(ansible_host="127.0.0.1"), "host lb: the load balancer advertises 127.0.0.1"),
])
def test_bad_load_balancer_settings_name_host_and_setting(extra, words):
    groups, hostvars = three_hosts()
    groups["littlehorse_load_balancer"] = ["lb"]
    hostvars["lb"] = dict({"ansible_host": "10.0.0.9"}, **extra)
    with pytest.raises(PlanError, match=words):
        cluster_plan(groups, hostvars)


def test_a_load_balancer_host_cannot_join_a_one_engine_cluster():
    groups, hostvars = one_host()
    groups["littlehorse_load_balancer"] = ["other"]
    hostvars["other"] = dict(LOCAL)
    with pytest.raises(PlanError, match="littlehorse_single_engine is true but the cluster spans 2 hosts"):
        cluster_plan(groups, hostvars)


def test_each_server_takes_the_collector_and_jvm_flags_of_its_host():
    groups, hostvars = three_hosts()
    hostvars["h2"].update(server_gc="serial", server_java_opts="-XX:TieredStopAtLevel=1")
    options = dict((s["host"], s["options"]) for s in cluster_plan(groups, hostvars)["servers"])
    assert (options["h1"]["gc"], options["h1"]["java_opts"]) == ("zgc", None), "unset: the image's own, nothing more"
    assert (options["h2"]["gc"], options["h2"]["java_opts"]) == ("serial", "-XX:TieredStopAtLevel=1")


@pytest.mark.parametrize("extra, message", [
    (dict(server_java_opts="-Xss1m -XX:+UseParallelGC"), "host h1: server_java_opts: -XX:\\+UseParallelGC selects a "
     "garbage collector, .* remove it from server_java_opts and set server_gc: parallel instead"),
    (dict(server_gc="epsilon"), "host h1: server_gc: 'epsilon' is not a collector"),
])
def test_a_collector_flag_or_an_unknown_collector_is_refused_naming_host_and_setting(extra, message):
    with pytest.raises(PlanError, match=message):
        cluster_plan(*three_hosts(**extra))


def test_each_listener_has_the_client_settings_the_client_file_and_verify_use():
    from ansible_collections.littlehorse.cluster.plugins.filter.clients import FilterModule as Clients
    from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.clients import client_properties
    assert Clients().filters()["client_properties"] is client_properties
    listeners = [{"name": "PLAIN"}, {"name": "TLS", "protocol": "TLS", "port_offset": 2},
                 {"name": "SECURE", "protocol": "MTLS", "authentication": "MTLS", "port_offset": 4},
                 {"name": "OAUTH", "protocol": "TLS", "authentication": "OAUTH", "port_offset": 6}]
    oauth = {"littlehorse_oauth_introspect_url": "https://idp/i", "littlehorse_oauth_client_id": "servers",
             "littlehorse_oauth_client_secret": "s", "littlehorse_oauth_access_token_url": "https://idp/t",
             "littlehorse_oauth_worker_client_id": "workers", "littlehorse_oauth_worker_client_secret_file": "/w"}
    plan = cluster_plan({"kafka": ["h"], "littlehorse_servers": ["h"]},
                        {"h": dict(oauth, littlehorse_listeners=listeners, littlehorse_pki_dir="~/pki", littlehorse_server_count=2)})
    clients = plan["clients"]["listeners"]
    assert clients["PLAIN"]["client"] == {"protocol": "PLAINTEXT", "ca_cert": None, "client_cert": None,
                                          "client_key": None, "oauth": None}
    assert clients["TLS"]["client"]["ca_cert"] == "~/pki/ca.crt" and not clients["TLS"]["client"]["client_cert"]
    assert clients["SECURE"]["client"]["client_cert"] == "~/pki/lh-client.crt"
    assert clients["OAUTH"]["client"]["oauth"] == {"client_id": "workers", "access_token_url": "https://idp/t",
                                                   "client_secret_file": "/w"}
    assert plan["clients"]["client"] == clients["PLAIN"]["client"]
    home = os.path.expanduser("~")
    assert client_properties(clients["SECURE"]["client"]) == {
        "LHC_API_PROTOCOL": "TLS", "LHC_CA_CERT": home + "/pki/ca.crt", "LHC_CLIENT_CERT": home + "/pki/lh-client.crt",
        "LHC_CLIENT_KEY": home + "/pki/lh-client.key"}
    assert client_properties(clients["OAUTH"]["client"], oauth_client_id="mine") == {
        "LHC_API_PROTOCOL": "TLS", "LHC_CA_CERT": home + "/pki/ca.crt", "LHC_OAUTH_CLIENT_ID": "mine",
        "LHC_OAUTH_ACCESS_TOKEN_URL": "https://idp/t"}
