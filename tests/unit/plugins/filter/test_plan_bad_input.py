# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input never reaches a host: the plan refuses it, naming the host, the setting and the fix."""
import os
import re

import pytest

from ansible_collections.littlehorse.cluster.plugins.filter.plan import KNOWN_SETTINGS, PlanError, cluster_plan

# inventories/local, as the filter sees it
LOCAL = {"littlehorse_single_engine": True, "littlehorse_server_count": 3, "littlehorse_server_id_base": 0,
         "littlehorse_kafka_node_id": 1, "littlehorse_advertised_host": "127.0.0.1",
         "littlehorse_bind_address": "127.0.0.1", "littlehorse_reserved_ports": [2024]}


def one_host(**extra):
    values = dict(LOCAL, **extra)
    return {"kafka": ["local"], "littlehorse_servers": ["local"], "littlehorse_dashboard": ["local"]}, {"local": values}


def hosts(count=3, kafka=None, **extra):
    names = ["h%d" % i for i in range(1, count + 1)]
    groups = {"kafka": names[:kafka] if kafka is not None else names, "littlehorse_servers": names}
    hostvars = dict((name, dict({"ansible_host": "10.0.0.%d" % i, "littlehorse_kafka_node_id": i,
                                 "littlehorse_server_id_base": 100 * i}, **extra))
                    for i, name in enumerate(names, 1))
    return groups, hostvars


def refused(groups, hostvars, words):
    with pytest.raises(PlanError) as error:
        cluster_plan(groups, hostvars)
    assert words in str(error.value), str(error.value)
    return str(error.value)


# ---- 1. addresses

@pytest.mark.parametrize("host,setting,value,words", [
    ("h2", "ansible_host", "0.0.0.0", "host h2: the advertised host '0.0.0.0' (from ansible_host) is 0.0.0.0"),
    ("h2", "littlehorse_advertised_host", "0.0.0.0", "(from littlehorse_advertised_host) is 0.0.0.0, which means "
                                                     "'all addresses' to a listener and nothing to a client; set "
                                                     "littlehorse_advertised_host"),
    ("h3", "ansible_host", "10.0.0.300", "host h3: the advertised host '10.0.0.300' (from ansible_host) is not a "
                                         "valid IPv4 address (four numbers 0-255"),
    ("h3", "littlehorse_advertised_host", "1.2.3", "host h3: the advertised host '1.2.3' (from "
                                                   "littlehorse_advertised_host) is not a valid IPv4 address"),
    ("h1", "littlehorse_bind_address", "::", "host h1: littlehorse_bind_address '::' is not an IPv4 address"),
    ("h1", "littlehorse_bind_address", "0.0.0.0:2023", "host h1: littlehorse_bind_address '0.0.0.0:2023' is not an "
                                                       "IPv4 address"),
    ("h2", "littlehorse_bind_address", "eth0", "host h2: littlehorse_bind_address 'eth0' is not an IPv4 address (the "
                                               "ports are published on it: no host names, no IPv6); set it to one of "
                                               "the host's IPv4 addresses, or leave it unset"),
    ("h2", "littlehorse_bind_address", "10.0.0.256", "host h2: littlehorse_bind_address '10.0.0.256' is not an IPv4"),
    ("h2", "littlehorse_bind_address", "127.0.0.1", "host h2: littlehorse_bind_address is 127.0.0.1, so its ports are "
                                                    "published on loopback only and the other hosts of this 3-host "
                                                    "cluster cannot reach them; set it to an address the other hosts "
                                                    "reach, or leave it unset"),
    ("h3", "ansible_host", "127.0.0.1", "host h3: advertises 127.0.0.1, which the other hosts cannot reach"),
])
def test_bad_addresses_are_refused(host, setting, value, words):
    groups, hostvars = hosts()
    hostvars[host][setting] = value
    refused(groups, hostvars, words)


def test_loopback_bind_on_every_host_of_a_multi_host_cluster_is_refused_naming_the_first():
    refused(*hosts(littlehorse_bind_address="127.0.0.1"), words="host h1: littlehorse_bind_address is 127.0.0.1")


def test_a_kafka_node_on_loopback_in_a_multi_host_cluster_is_refused():
    groups, hostvars = hosts(count=4, kafka=3)
    groups["kafka"] = ["k1", "h2", "h3"]
    hostvars["k1"] = {"ansible_host": "127.0.0.1", "littlehorse_kafka_node_id": 1}
    refused(groups, hostvars, "host k1: Kafka node lh-kafka-1 advertises 127.0.0.1, which the other hosts cannot "
                              "reach; set ansible_host or littlehorse_advertised_host")


@pytest.mark.parametrize("value,words", [
    ("127.0.0.1:9092", "host h1: littlehorse_kafka_bootstrap_servers entry '127.0.0.1:9092' is on loopback, which "
                       "the servers on the other hosts cannot reach"),
    ("kafka1:9092,localhost:9092", "entry 'localhost:9092' is on loopback"),
    ("0.0.0.0:9092", "host h1: littlehorse_kafka_bootstrap_servers entry '0.0.0.0:9092' is 0.0.0.0"),
    ("10.0.0.300:9092", "entry '10.0.0.300:9092' is not a valid IPv4 address"),
    ("kafka1", "host h1: littlehorse_kafka_bootstrap_servers entry 'kafka1' is not host:port; write "
               "littlehorse_kafka_bootstrap_servers as host:port"),
    ("kafka1:99999", "entry 'kafka1:99999' is not host:port"),
    ("[::1]:9092", "entry '[::1]:9092' has no host name or IPv4 address"),
])
def test_bad_external_kafka_addresses_are_refused(value, words):
    groups, hostvars = hosts(kafka=0, littlehorse_kafka_bootstrap_servers=value)
    refused(groups, hostvars, words)


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.1.1", "localhost"])
def test_a_loopback_external_kafka_is_refused_on_one_host_too(address):
    """The servers run in containers (the collection has no host networking): loopback there is the container."""
    groups, hostvars = one_host(littlehorse_kafka_bootstrap_servers="k.example:9092,%s:9092" % address)
    del groups["kafka"]
    refused(groups, hostvars, "entry '%s:9092' is on loopback, which inside the servers' containers is the container "
                              "itself, not this host; give the brokers at an address the containers reach" % address)


def test_an_external_kafka_at_the_bridge_gateway_is_accepted_on_one_host():
    groups, hostvars = one_host(littlehorse_kafka_bootstrap_servers="172.17.0.1:9092")
    del groups["kafka"]
    assert cluster_plan(groups, hostvars)["kafka"]["bootstrap"] == "172.17.0.1:9092"


# ---- 2. the same machine twice

@pytest.mark.parametrize("setting", ["ansible_host", "littlehorse_advertised_host"])
def test_two_inventory_hosts_at_one_address_share_one_port_space(setting):
    groups, hostvars = hosts()
    hostvars["h3"][setting] = "10.0.0.1"
    message = refused(groups, hostvars, "hosts h1 and h3 are the same machine (both at 10.0.0.1): port 2023 is "
                                        "planned on both (lh-server-101 public listener port on h1, lh-server-301 "
                                        "public listener port on h3); give each inventory host its own ansible_host")
    assert re.search(r"littlehorse_advertised_host, or different ports on one of them", message)


def test_two_inventory_hosts_at_one_address_with_their_own_ports_are_accepted():
    groups, hostvars = hosts()
    groups["kafka"] = ["h1"]
    hostvars["h3"].update(ansible_host="10.0.0.1", littlehorse_public_port_base=3023,
                          littlehorse_internal_port_base=3011, littlehorse_health_port_base=2822)
    plan = cluster_plan(groups, hostvars)
    assert plan["ports"]["h3"] == [2822, 3011, 3023]
    assert plan["ports"]["h1"] == [1822, 2011, 2023, 9092, 9093]


def test_the_same_engine_twice_is_one_machine():
    groups, hostvars = hosts()
    for name in ("h1", "h2"):
        hostvars[name]["littlehorse_docker_host"] = "tcp://10.0.0.1:2376"
    hostvars["h2"]["littlehorse_advertised_host"] = "lh2.example.com"
    refused(groups, hostvars, "hosts h1 and h2 are the same machine (both at engine tcp://10.0.0.1:2376): port 2023")


# ---- 3. values of the wrong shape

@pytest.mark.parametrize("setting,value,words", [
    ("littlehorse_server_instance_ids", 101, "host h2: littlehorse_server_instance_ids must be a list (it is 101); "
                                             "write it as a YAML list, e.g. [101]"),
    ("littlehorse_server_ports", 2023, "host h2: littlehorse_server_ports must be a list (it is 2023); write it as a "
                                       "YAML list"),
    ("littlehorse_server_ports", {"public": 2023}, "host h2: littlehorse_server_ports must be a list"),
    ("littlehorse_public_port_base", 2023.5, "host h2: littlehorse_public_port_base must be a whole number (it is "
                                             "2023.5); give a whole number"),
    ("littlehorse_kafka_port", "9092.5", "host h2: littlehorse_kafka_port must be a whole number (it is '9092.5')"),
    ("littlehorse_server_ports", [{"public": 2023.5}],
     "host h2: littlehorse_server_ports[0].public must be a whole number (it is 2023.5)"),
    ("littlehorse_server_instance_ids", [201.5], "host h2: littlehorse_server_instance_ids must be a whole number"),
    ("littlehorse_kafka_node_id", True, "host h2: littlehorse_kafka_node_id must be a whole number (it is True)"),
])
def test_values_of_the_wrong_shape_name_host_and_setting(setting, value, words):
    groups, hostvars = hosts()
    hostvars["h2"][setting] = value
    refused(groups, hostvars, words)


def test_reserved_ports_as_a_scalar_name_host_and_setting():
    refused(*hosts(littlehorse_reserved_ports=2024), words="host h1: littlehorse_reserved_ports must be a list (it is "
                                                           "2024); write it as a YAML list, e.g. [2024]")


def test_a_whole_float_is_the_number():
    groups, hostvars = hosts()
    hostvars["h2"]["littlehorse_public_port_base"] = 3023.0
    assert cluster_plan(groups, hostvars)["servers"][1]["listeners"][0]["port"] == 3023


@pytest.mark.parametrize("setting,as_text,as_value", [
    ("littlehorse_partitions", "12", 12),
    ("littlehorse_standby_replicas", " 1", 1),
    ("littlehorse_reserved_ports", ["2024"], [2024]),
    ("littlehorse_single_engine", "false", False),
    ("littlehorse_kafka_allow_even_quorum", "no", False),
])
def test_a_number_as_text_on_one_host_is_the_same_setting(setting, as_text, as_value):
    groups, hostvars = hosts(**{setting: as_value})
    hostvars["h2"][setting] = as_text
    assert cluster_plan(groups, hostvars)["cluster"]["hosts"] == ["h1", "h2", "h3"]


def test_a_real_difference_is_still_refused_showing_the_values():
    groups, hostvars = hosts(littlehorse_partitions=12)
    hostvars["h3"]["littlehorse_partitions"] = "6"
    refused(groups, hostvars, "littlehorse_partitions differs between hosts (12 on h1, '6' on h3); it describes the "
                              "whole cluster: set it once in group_vars/all")


# ---- 4. silently ignored

@pytest.mark.parametrize("name,words", [
    ("littlehorse_sever_count", "host h2: littlehorse_sever_count is not a setting of littlehorse.cluster and would "
                                "be ignored; did you mean littlehorse_server_count? fix its name or remove it"),
    ("littlehorse_kafka_node", "did you mean littlehorse_kafka_node_id?"),
    ("littlehorse_verify_run", "did you mean littlehorse_verify_runs?"),
    ("littlehorse_teardown_purge", "did you mean littlehorse_teardown_purge_volumes?"),
    ("littlehorse_zzz", "host h2: littlehorse_zzz is not a setting of littlehorse.cluster and would be ignored; fix its "
                        "name or remove it"),
])
def test_a_misspelled_setting_is_refused_with_the_closest_name(name, words):
    groups, hostvars = hosts()
    hostvars["h2"][name] = 1
    refused(groups, hostvars, words)


@pytest.mark.parametrize("name", ["littlehorse_docker_host", "littlehorse_load_balancer_port", "littlehorse_plan",
                                  "littlehorse_verify_runs", "littlehorse_verify_timeout", "littlehorse_verify_workflow",
                                  "littlehorse_verify_tenant", "littlehorse_verify_client_settings",
                                  "littlehorse_verify_oauth_client_secret", "littlehorse_verify_cleanup",
                                  "littlehorse_teardown_purge_volumes", "littlehorse_kafka_allow_even_quorum"])
def test_the_playbooks_settings_are_known(name):
    assert name in KNOWN_SETTINGS


def test_other_variables_are_left_alone():
    groups, hostvars = hosts()
    hostvars["h1"].update(littlehorse_verify_runs=3, littlehorse_teardown_purge_volumes=True, lhsim_docker_host="x",
                          server_heap="1g")
    assert len(cluster_plan(groups, hostvars)["servers"]) == 3


@pytest.mark.parametrize("count", [2, 4])
def test_an_even_kafka_quorum_is_refused_with_the_reason(count):
    message = refused(*hosts(count=count), words="inventory: group 'kafka' has %d hosts" % count)
    assert ("a KRaft quorum of an even size: it tolerates no more failures than %d nodes (a majority of %d is %d)"
            % (count - 1, count, count // 2 + 1)) in message
    assert "use %d or %d Kafka nodes, or set littlehorse_kafka_allow_even_quorum: true" % (count - 1, count + 1) in message


def test_an_even_kafka_quorum_can_be_allowed():
    plan = cluster_plan(*hosts(count=2, littlehorse_kafka_allow_even_quorum=True))
    assert [n["node_id"] for n in plan["kafka"]["nodes"]] == [1, 2]


def test_odd_quorums_need_no_setting():
    assert len(cluster_plan(*hosts(count=3))["kafka"]["nodes"]) == 3
    assert len(cluster_plan(*hosts(count=5, kafka=1))["kafka"]["nodes"]) == 1


# ---- 5. no test bed values by default

def test_no_port_is_reserved_by_default():
    groups, hostvars = hosts()
    hostvars["h2"]["littlehorse_public_port_base"] = 2024
    assert cluster_plan(groups, hostvars)["servers"][1]["listeners"][0]["port"] == 2024


def test_a_reserved_port_message_names_the_setting_not_our_machines():
    groups, hostvars = one_host(littlehorse_port_step=1)
    message = refused(groups, hostvars, "host local: lh-server-2 public listener port would be 2024, which is reserved "
                                        "(littlehorse_reserved_ports)")
    assert "our machines" not in message


# ---- role variables that every host of the role's group must share

@pytest.mark.parametrize("setting,values,words", [
    ("server_image", {"h2": "example/lh-server:1.2.0"},
     "server_image differs between the hosts of group 'littlehorse_servers' (the role's default on h1, "
     "'example/lh-server:1.2.0' on h2)"),
    ("server_warmup_replicas", {"h1": 2, "h3": 4},
     "server_warmup_replicas differs between the hosts of group 'littlehorse_servers' (2 on h1, the role's default "
     "on h2, 4 on h3)"),
    ("kafka_image", {"h3": "apache/kafka:4.0.1"}, "kafka_image differs between the hosts of group 'kafka'"),
])
def test_role_settings_of_the_whole_cluster_must_agree_across_hosts(setting, values, words):
    groups, hostvars = hosts()
    for host, value in values.items():
        hostvars[host][setting] = value
    message = refused(groups, hostvars, words)
    assert "set it once in group_vars/all" in message and "site.yml rolls the change one host at a time" in message


def test_role_settings_given_as_text_or_number_are_the_same_and_per_host_ones_may_differ():
    groups, hostvars = hosts(server_warmup_replicas=2, kafka_image="apache/kafka:4.1.1")
    hostvars["h2"].update(server_warmup_replicas="2", server_heap="1g", kafka_properties={"broker.rack": "b"})
    assert len(cluster_plan(groups, hostvars)["servers"]) == 3


# ---- what each host must reach on the others (the preflight dials it from every host)

def test_each_host_must_reach_the_other_hosts_kafka_and_internal_ports_and_the_load_balancer_its_backends():
    groups, hostvars = hosts()
    groups["littlehorse_load_balancer"] = ["h3"]
    hostvars["h3"]["littlehorse_load_balancer_port"] = 2100
    reach = cluster_plan(groups, hostvars)["reach"]
    expected = [("h2", 9092), ("h2", 9093), ("h3", 9092), ("h3", 9093), ("h2", 2011), ("h3", 2011), ("h2", 1822),
                ("h3", 1822)]
    assert [(p["to"], p["port"]) for p in reach["h1"]] == expected
    assert reach["h1"][1]["purpose"] == "the Kafka controller port of lh-kafka-2"
    assert reach["h1"][6] == {"to": "h2", "address": "10.0.0.2", "port": 1822,
                              "purpose": "the health port of lh-server-201, read by the rolling gates of the other hosts"}
    assert ("h1", 1822) in [(p["to"], p["port"]) for p in reach["h3"]]
    assert all(p["to"] != host for host, peers in reach.items() for p in peers)


def test_one_engine_needs_no_reach_between_hosts():
    groups, hostvars = one_host()
    assert cluster_plan(groups, hostvars)["reach"] == {"local": []}


# ---- where each address the ports are published on comes from (the preflight names it when the host lacks it)

def test_each_published_address_names_the_setting_it_comes_from():
    groups, hostvars = hosts(4, kafka=1)
    hostvars["h2"]["littlehorse_bind_address"] = "10.0.0.2"  # every port of h2 there
    hostvars["h3"]["littlehorse_cluster_address"] = "10.0.9.3"  # the internal port; the public ones on all addresses
    hostvars["h4"] = {"littlehorse_advertised_host": "10.0.0.4", "littlehorse_server_id_base": 400}  # no ansible_host
    assert cluster_plan(groups, hostvars)["addresses"] == {
        "h1": {"10.0.0.1": "ansible_host"}, "h2": {"10.0.0.2": "littlehorse_bind_address"},
        "h3": {"10.0.9.3": "littlehorse_cluster_address"}, "h4": {"10.0.0.4": "littlehorse_advertised_host"}}


def test_one_engine_publishes_on_its_bind_address_alone():
    assert cluster_plan(*one_host())["addresses"] == {"local": {"127.0.0.1": "littlehorse_bind_address"}}
    groups, hostvars = one_host()
    del hostvars["local"]["littlehorse_bind_address"]
    assert cluster_plan(groups, hostvars)["addresses"] == {"local": {}}


# ---- the names each host must resolve (the preflight looks them up on that host)

def test_each_host_resolves_its_own_advertised_name_and_the_names_it_dials_each_once_with_their_source():
    groups, hostvars = hosts(2, kafka=1)
    hostvars["h1"]["littlehorse_advertised_host"] = "h1.example.test"  # its cluster address stays 10.0.0.1
    hostvars["h2"].update(ansible_host="h2.example.test", littlehorse_cluster_address="0.0.0.0")
    groups["littlehorse_load_balancer"] = ["lb"]
    hostvars["lb"] = {"littlehorse_load_balancer_port": 2100}  # no address: its inventory name
    resolve = cluster_plan(groups, hostvars)["resolve"]
    h1 = {"name": "h1.example.test", "host": "h1", "source": "littlehorse_advertised_host"}
    h2 = {"name": "h2.example.test", "host": "h2", "source": "ansible_host"}
    assert resolve == {"h1": [h1, h2], "h2": [h2], "lb": [{"name": "lb", "host": "lb", "source": "the inventory name"},
                                                          h1, h2]}


def test_addresses_are_not_looked_up_and_one_engine_resolves_only_its_own_name():
    assert cluster_plan(*hosts())["resolve"] == {"h1": [], "h2": [], "h3": []}
    assert cluster_plan(*one_host())["resolve"] == {"local": []}
    assert cluster_plan(*one_host(littlehorse_advertised_host="lh.example.test"))["resolve"] == {
        "local": [{"name": "lh.example.test", "host": "local", "source": "littlehorse_advertised_host"}]}


# ---- server_env: lh_server's own rule (env_refusal), for every server host, before any host changes

@pytest.mark.parametrize("key,words", [
    ("LHS_STREAMS_SESSION_TIMEOUT", "host h2: server_env has 'LHS_STREAMS_SESSION_TIMEOUT', which lh_server sets "
                                    "itself from its option session_timeout_ms (the collection fills it in from the "
                                    "inventory); remove it from server_env"),
    ("LHS_LISTENER_TLS_CERT", "host h2: server_env has 'LHS_LISTENER_TLS_CERT', which lh_server sets itself from its "
                              "option listeners"),
    ("LHS_ROCKSDB_TOTAL_BLOCK_CACHE_BYTES", "from its option rocksdb_block_cache"),
    ("JAVA_OPTS", "host h2: server_env has 'JAVA_OPTS', which the server ignores (it reads only LHS_* variables); JVM "
                  "flags go in server_java_opts, remove it from server_env"),
    ("LHS_OAUTH_CLIENT_SECRET", "host h2: server_env has 'LHS_OAUTH_CLIENT_SECRET', which looks like a secret and "
                                "would show in docker inspect; remove it from server_env"),
])
def test_a_server_env_entry_the_module_refuses_is_refused_by_the_plan_naming_its_host(key, words):
    groups, hostvars = hosts()
    hostvars["h2"]["server_env"] = {"LHS_METRICS_LEVEL": "DEBUG", key: "1"}
    refused(groups, hostvars, words)


def test_a_server_env_entry_the_module_takes_passes_the_plan():
    groups, hostvars = hosts(server_env={"LHS_METRICS_LEVEL": "DEBUG"})
    assert cluster_plan(groups, hostvars)["servers"]
    groups, hostvars = hosts(server_env="not a dict")  # left to the server role's argument spec
    assert cluster_plan(groups, hostvars)["servers"]


# ---- kafka_properties: lh_kafka_node's own rule (check_properties) against what each planned node's options render

@pytest.mark.parametrize("properties,words", [
    ({"node.id": 7}, "host h3: kafka_properties: 'node.id' is set by a typed option already; remove it from "
                     "kafka_properties (the collection sets it from the inventory's littlehorse_kafka_* settings"),
    ({"log.dirs": "/tmp"}, "host h3: kafka_properties: 'log.dirs' is set by a typed option already"),
    ({"Log.Retention": 1}, "host h3: kafka_properties: 'Log.Retention' is not a Kafka server property name "
                           "(lower-case, dots); fix its name"),
])
def test_a_kafka_property_the_node_refuses_is_refused_by_the_plan_naming_its_host(properties, words):
    groups, hostvars = hosts()
    hostvars["h3"]["kafka_properties"] = dict({"log.retention.hours": 48}, **properties)
    refused(groups, hostvars, words)


def test_a_typed_setting_of_a_secured_node_is_refused_as_the_node_renders_it():
    groups, hostvars = hosts(littlehorse_kafka_security_protocol="SSL")
    hostvars["h1"]["kafka_properties"] = {"listener.name.ssl.ssl.client.auth": "none"}
    refused(groups, hostvars, "host h1: kafka_properties: 'listener.name.ssl.ssl.client.auth' is set by a typed "
                              "option already")
    groups, hostvars = hosts()  # PLAINTEXT: no such setting of its own
    hostvars["h1"]["kafka_properties"] = {"listener.name.ssl.ssl.client.auth": "none", "broker.rack": "a"}
    assert cluster_plan(groups, hostvars)["kafka"]["nodes"]


def _settings_the_playbooks_read():
    """Every littlehorse_* variable a playbook or role reads with a default (a user's setting)."""
    root = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..")
    found = set()
    for folder in ("playbooks", "roles"):
        for where, _dirs, files in os.walk(os.path.join(root, folder)):
            for name in files:
                if name.endswith((".yml", ".j2")):
                    with open(os.path.join(where, name)) as handle:
                        found.update(re.findall(r"\b(littlehorse_[a-z0-9_]+)\s*\|\s*default\(", handle.read()))
    return sorted(found)


@pytest.mark.parametrize("name", _settings_the_playbooks_read())
def test_every_setting_a_playbook_reads_with_a_default_is_known(name):
    assert name in KNOWN_SETTINGS, "%s is read by a playbook but the plan refuses it as unknown" % name
