# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import socket
import threading
import time

import pytest

from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._host_info import (
    NOT_AN_ADDRESS_HERE, address_problems, binds_overlap, classify_port, disk_free, disk_problem,
    engine_problem, local_engine_path, look, planned_ports, port_holders, port_problem, reach_test, resolve_names,
    resolve_problem, resolve_test, sdk_problem, version_tuple)


class NotFound(Exception):
    pass


class Pulled(object):
    def __init__(self, image):
        self.id = "sha256:pulled-" + image


class FakeImages(object):
    def __init__(self, api, pullable):
        self.api, self.pullable, self.pulls = api, pullable, []

    def pull(self, image):
        self.pulls.append(image)
        if image not in self.pullable:
            raise RuntimeError("manifest unknown\nmore")
        self.api.images[image] = "sha256:pulled-" + image
        return Pulled(image)


class FakeApi(object):
    def __init__(self, containers, images, listed, volumes, networks):
        self.containers_by_name, self.images, self.listed = containers, images, listed
        self.volume_names, self.network_names = volumes, networks

    def inspect_container(self, name):
        if name not in self.containers_by_name:
            raise NotFound(name)
        return self.containers_by_name[name]

    def inspect_image(self, image):
        if image not in self.images:
            raise NotFound(image)
        return {"Id": self.images[image]}

    def containers(self, all=False):
        return self.listed

    def volumes(self):
        return {"Volumes": [{"Name": v} for v in self.volume_names]}

    def networks(self):
        return [{"Name": n} for n in self.network_names]


class FakeClient(object):
    def __init__(self, containers=None, images=None, listed=None, volumes=(), networks=("bridge",), pullable=()):
        self.api = FakeApi(containers or {}, dict(images or {}), listed or [], volumes, networks)
        self.images = FakeImages(self.api, pullable)

    def version(self):
        return {"Version": "26.1.5", "ApiVersion": "1.45"}

    def info(self):
        return {"DockerRootDir": "/nonexistent/docker", "OperatingSystem": "Debian", "MemTotal": 4 * 1024 ** 3}


def inspected(name, running=True):
    return {"Name": "/" + name, "Id": "id-" + name, "Image": "sha256:1",
            "State": {"Running": running, "Status": "running" if running else "exited",
                      "StartedAt": "2026-11-25T14:00:00Z"},
            "Config": {"Image": "img:1", "Labels": {"a": "b"}}}


def listed(name, port, ip="127.0.0.1", proto="tcp"):
    return {"Names": ["/" + name], "Ports": [{"IP": ip, "PrivatePort": 1, "PublicPort": port, "Type": proto}]}


def no_bind(bind, port, protocol):
    return ""


# ---- pure pieces

@pytest.mark.parametrize("text,expected", [("7.1.0", (7, 1, 0)), ("7.2.0rc1", (7, 2, 0)), ("6", (6,)), ("", ())])
def test_versions_compare_by_number(text, expected):
    assert version_tuple(text) == expected


def test_the_sdk_must_be_there_and_at_least_7_1():
    assert sdk_problem("7.1.0", "h1") is None
    assert sdk_problem("10.0", "h1") is None
    missing = sdk_problem(None, "h1", "/usr/bin/python3")
    assert "host h1" in missing and "not installed" in missing and "pip install 'docker>=7.1'" in missing
    old = sdk_problem("6.1.3", "h2")
    assert "host h2" in old and "6.1.3" in old and "docker>=7.1" in old


def test_planned_ports_are_read_from_the_published_ports():
    ports = planned_ports({"b": ["127.0.0.1:1822:1822", "2023:2023"], "a": ["9092:9092/udp"]})
    assert ports == [
        {"container": "b", "bind": "127.0.0.1", "port": 1822, "protocol": "tcp"},
        {"container": "b", "bind": "0.0.0.0", "port": 2023, "protocol": "tcp"},
        {"container": "a", "bind": "0.0.0.0", "port": 9092, "protocol": "udp"},
    ]


def test_a_bad_published_port_names_the_option():
    with pytest.raises(LHClusterError, match="published_ports"):
        planned_ports({"a": ["nonsense"]})


@pytest.mark.parametrize("one,other,overlap", [
    ("0.0.0.0", "127.0.0.1", True), ("127.0.0.1", "::", True), ("127.0.0.1", "127.0.0.1", True),
    ("127.0.0.1", "10.0.0.1", False)])
def test_binds_overlap_on_the_same_or_a_wildcard_address(one, other, overlap):
    assert binds_overlap(one, other) is overlap


def test_port_holders_match_port_protocol_and_address():
    containers = [listed("x", 2023), listed("y", 2023, ip="10.0.0.1"), listed("z", 2023, proto="udp"),
                  listed("w", 2033, ip="0.0.0.0")]
    assert port_holders(containers, 2023, "127.0.0.1") == ["x"]
    assert port_holders(containers, 2023, "0.0.0.0") == ["x", "y"]
    assert port_holders(containers, 2033, "127.0.0.1") == ["w"]
    assert port_holders(containers, 2043, "0.0.0.0") == []


@pytest.mark.parametrize("holders,bind_error,state", [
    ([], "", "free"), (["c"], "", "ours"), (["c", "other"], "", "ours"), (["other"], "", "container"),
    ([], "Address already in use", "process")])
def test_a_port_is_free_ours_or_taken(holders, bind_error, state):
    port = classify_port({"container": "c", "bind": "0.0.0.0", "port": 2023, "protocol": "tcp"}, holders, bind_error)
    assert port["state"] == state
    problem = port_problem(port, "h1")
    assert (problem is not None) is (state in ("container", "process"))
    if problem:
        assert "host h1: port 2023/tcp" in problem and "planned for c" in problem and "littlehorse_" in problem


def test_an_address_that_is_not_the_hosts_is_no_port_held_by_a_process():
    """A bind that says EADDRNOTAVAIL: nothing holds the port, the address is wrong (its own message, not a port's)."""
    port = classify_port({"container": "c", "bind": "192.0.2.77", "port": 2023, "protocol": "tcp"}, [],
                         NOT_AN_ADDRESS_HERE)
    assert port["state"] == "address" and port["held_by"] is None
    assert port_problem(port, "h1") is None
    assert NOT_AN_ADDRESS_HERE == "Cannot assign requested address"


ADDRESS_PORTS = [{"container": "lh-server-1", "bind": "192.0.2.7", "port": 2023, "protocol": "tcp", "state": "address"},
                 {"container": "lh-server-1", "bind": "192.0.2.7", "port": 1822, "protocol": "tcp", "state": "address"},
                 {"container": "lh-server-1", "bind": "192.0.2.8", "port": 2011, "protocol": "tcp", "state": "address"},
                 {"container": "lh-kafka-1", "bind": "192.0.2.8", "port": 9092, "protocol": "tcp", "state": "address"},
                 {"container": "lh-server-2", "bind": "127.0.0.1", "port": 2033, "protocol": "tcp", "state": "free"}]


def test_an_address_that_is_not_the_hosts_names_the_host_the_setting_the_ports_and_the_fix():
    problems = address_problems(ADDRESS_PORTS, "h1", {"192.0.2.7": "littlehorse_bind_address",
                                                      "192.0.2.8": "ansible_host"})
    assert problems == [
        "host h1: littlehorse_bind_address 192.0.2.7 is not an address of h1 (Cannot assign requested address), so "
        "the ports planned there cannot be published: 2023/tcp (lh-server-1), 1822/tcp (lh-server-1). Set "
        "littlehorse_bind_address to one of h1's own IPv4 addresses, or leave it unset to publish on all addresses "
        "(0.0.0.0).",
        "host h1: 192.0.2.8 (from ansible_host: the address the other hosts reach h1 at, where the ports only they use "
        "are published) is not an address of h1 (Cannot assign requested address), so the ports planned there cannot "
        "be published: 2011/tcp (lh-server-1), 9092/tcp (lh-kafka-1). Set ansible_host to an IPv4 address of h1 "
        "itself; or, when the other hosts reach h1 at an address it does not have (NAT), set "
        "littlehorse_cluster_address to 0.0.0.0 (every address of h1) and keep ansible_host."]


def test_an_address_of_littlehorse_cluster_address_or_of_no_known_setting():
    cluster, unknown = address_problems(ADDRESS_PORTS, "h2", {"192.0.2.7": "littlehorse_cluster_address"})
    assert cluster.startswith("host h2: littlehorse_cluster_address 192.0.2.7 is not an address of h2 (")
    assert cluster.endswith("Set littlehorse_cluster_address to h2's own IPv4 address that the other hosts reach, or "
                            "to 0.0.0.0 to publish them on every address.")
    assert unknown.startswith("host h2: 192.0.2.8, where the plan publishes ports, is not an address of h2 (")
    assert unknown.endswith("(littlehorse_bind_address, littlehorse_cluster_address, or ansible_host / "
                            "littlehorse_advertised_host) to an IPv4 address of h2 itself.")
    assert address_problems(ADDRESS_PORTS[4:], "h2", {}) == []


def test_one_look_reports_an_address_that_is_not_the_hosts_once_and_a_held_port_as_held():
    def bind(address, port, protocol):
        return NOT_AN_ADDRESS_HERE if address == "192.0.2.7" else ("Address already in use" if port == 2033 else "")
    result, problems = look(
        FakeClient(), "h1", ports={"c1": ["192.0.2.7:2023:2023", "192.0.2.7:1822:1822"], "c2": ["2033:2033"]},
        bind=bind, addresses={"192.0.2.7": "littlehorse_bind_address"})
    assert [p["kind"] for p in problems] == ["port", "address"]
    assert "held by a process on the host (Address already in use)" in problems[0]["msg"]
    assert problems[1]["msg"].startswith("host h1: littlehorse_bind_address 192.0.2.7 is not an address of h1")
    assert "1822/tcp (c1), 2023/tcp (c1)" in problems[1]["msg"]
    states = [(p["port"], p["state"]) for p in result["ports"]]
    assert states == [(1822, "address"), (2023, "address"), (2033, "process")]


def test_only_a_unix_socket_is_a_local_engine():
    assert local_engine_path("unix:///var/run/docker.sock") == "/var/run/docker.sock"
    assert local_engine_path("tcp://h:2376") is None
    assert local_engine_path("ssh://u@h") is None


def test_free_disk_of_a_readable_root_and_none_otherwise(tmp_path):
    disk = disk_free(str(tmp_path))
    assert disk["free_bytes"] > 0 and disk["total_bytes"] >= disk["free_bytes"]
    assert disk_free("/nonexistent/x")["free_bytes"] is None
    assert disk_free(str(tmp_path), readable=False)["free_bytes"] is None


# ---- one look, on a double of the engine

def test_one_look_reports_containers_volumes_networks_and_free_ports():
    client = FakeClient(containers={"c1": inspected("c1")}, images={"img:1": "sha256:1"},
                        listed=[listed("c1", 2023)], volumes=["v1", "other"], networks=["bridge", "lh"])
    result, problems = look(
        client, "h1", containers=["c1", "c2"], ports={"c1": ["127.0.0.1:2023:2023"], "c2": ["127.0.0.1:2033:2033"]},
        images=[{"image": "img:1", "variable": "server_image"}], volumes=["v1", "v2"], bind=no_bind)
    assert problems == []
    assert result["engine"] == {"version": "26.1.5", "api_version": "1.45", "os": "Debian",
                                "memory_bytes": 4 * 1024 ** 3}
    assert result["containers"] == [{"name": "c1", "id": "id-c1", "image": "img:1", "image_id": "sha256:1",
                                     "running": True, "status": "running", "started_at": "2026-11-25T14:00:00Z",
                                     "labels": {"a": "b"}, "identity": {}, "listener_protocols": None,
                                     "volumes": []}]
    assert [(p["port"], p["state"]) for p in result["ports"]] == [(2023, "ours"), (2033, "free")]
    assert result["images"][0]["present"] and result["images"][0]["available"]
    assert result["volumes"] == ["v1"] and result["networks"] == ["bridge", "lh"]
    assert result["disk"]["root_dir"] == "/nonexistent/docker"


def test_every_problem_is_reported_at_once():
    client = FakeClient(listed=[listed("intruder", 2023)])
    result, problems = look(
        client, "h1", ports={"c1": ["2023:2023", "2033:2033"]},
        images=[{"image": "lh-testbed/kafka:1", "variable": "kafka_image"},
                {"image": "nowhere/img:1", "variable": "server_image"},
                {"image": "off/img:1", "variable": "load_balancer_image", "pull": False}],
        bind=lambda bind, port, protocol: "Address already in use" if port == 2033 else "")
    kinds = [p["kind"] for p in problems]
    assert kinds == ["port", "port", "image", "image"], "a pullable image is no problem of the look"
    text = " ".join(p["msg"] for p in problems)
    assert "published by container intruder" in text and "held by a process on the host (Address already in use)" in text
    assert "local build of the test bed" in text and "docker load" in text
    assert "pulling is off" in text and "set load_balancer_image" in text
    assert client.images.pulls == [], "the look pulls nothing"
    assert result["pull"] == [{"image": "nowhere/img:1", "variable": "server_image", "required": True}]


def test_a_missing_optional_image_is_only_reported():
    result, problems = look(FakeClient(), "h1", images=[
        {"image": "lh-testbed/dash:1", "variable": "dashboard_image", "required": False}])
    assert problems == []
    assert result["images"][0]["available"] is False
    assert result["images"][0]["missing_because"].startswith("image lh-testbed/dash:1 (dashboard_image) is not on")


def test_a_missing_pullable_image_is_listed_to_pull_and_the_look_pulls_nothing_in_either_mode():
    client = FakeClient(pullable=["haproxy:3"])
    images = [{"image": "haproxy:3", "variable": "load_balancer_image"}]
    result, problems = look(client, "h1", images=images)
    assert problems == [] and client.images.pulls == []
    assert result["images"] == [{"image": "haproxy:3", "variable": "load_balancer_image", "required": True,
                                 "present": False, "pulled": False, "would_pull": True, "id": None,
                                 "available": False, "from_archive": False, "missing_because": ""}]
    assert result["pull"] == [{"image": "haproxy:3", "variable": "load_balancer_image", "required": True}]
    assert result["load_from_archives"] == []


def test_a_remote_engine_checks_ports_through_the_engine_only():
    def must_not_bind(bind, port, protocol):
        raise AssertionError("bind test on a remote engine")
    result, problems = look(FakeClient(), "h1", ports={"c": ["2023:2023"]}, bind=must_not_bind, local=False)
    assert problems == [] and result["ports"][0]["checked"] == "engine only"


# ---- host facts: engine version, free disk, the other hosts on the plan's ports

def test_an_engine_older_than_20_10_is_a_problem_naming_the_host_and_the_fix():
    assert engine_problem("20.10.24+dfsg1", "h1") is None and engine_problem("27.0.1", "h1") is None
    assert engine_problem("19.03.15", "h2") == (
        "host h2: the Docker engine is 19.03.15, older than 20.10, the oldest the collection supports. Upgrade Docker "
        "on h2 to 20.10 or newer.")


def test_too_little_free_disk_is_a_problem_and_an_unknown_size_is_not():
    disk = {"root_dir": "/var/lib/docker", "free_bytes": 1500 * 1024 * 1024, "total_bytes": 1}
    assert disk_problem(disk, 2048, "h1") == (
        "host h1: the Docker engine's data directory /var/lib/docker has 1500 MiB free, less than the 2048 MiB the "
        "cluster's containers and volumes need to start (preflight_min_free_disk_mb). Free space on h1 under "
        "/var/lib/docker, or lower preflight_min_free_disk_mb if you know the cluster needs less.")
    assert disk_problem(disk, 1024, "h1") is None and disk_problem(disk, 0, "h1") is None
    assert disk_problem(dict(disk, free_bytes=None), 2048, "h1") is None


PEERS = [{"to": "h2", "address": "10.0.0.2", "port": 9093, "purpose": "the Kafka controller port of lh-kafka-2"},
         {"to": "h3", "address": "10.0.0.3", "port": 2011, "purpose": "the internal port of lh-server-301"}]


def test_a_peer_that_does_not_answer_is_a_problem_and_a_refusing_one_is_reached():
    answers = {9093: "refused", 2011: "no answer within 3 s"}
    result, problems = look(FakeClient(), "h1", peers=PEERS, dial=lambda address, port: answers[port])
    assert [p["state"] for p in result["reach"]] == ["refused", "no answer within 3 s"]
    assert problems == [{"kind": "reach", "msg": (
        "host h1 cannot reach h3 at 10.0.0.3:2011 (the internal port of lh-server-301): no answer within 3 s. Open "
        "the port from h1 to h3 (firewall, security group), or correct h3's address (ansible_host or "
        "littlehorse_advertised_host).")}]


def test_the_real_dial_tells_a_refused_port_from_an_open_one():
    import socket
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    try:
        assert reach_test("127.0.0.1", port) == "open"
    finally:
        listener.close()
    assert reach_test("127.0.0.1", port) == "refused"


def test_the_engine_and_disk_problems_come_from_one_look(tmp_path):
    client = FakeClient()
    client.version = lambda: {"Version": "19.03.1", "ApiVersion": "1.40"}
    result, problems = look(client, "h1", min_free_disk_mb=10 ** 9)
    assert [p["kind"] for p in problems] == ["engine"], "the data root is not readable here: its size is unknown"


# ---- destructive changes: what the running containers' data belongs to, against the plan

def with_env(name, *env):
    attrs = inspected(name)
    attrs["Config"]["Env"] = list(env) + ["PATH=/usr/bin"]
    return attrs


def test_a_new_partition_count_or_kafka_cluster_id_is_refused_naming_what_would_be_lost():
    client = FakeClient(containers={
        "lh-server-1": with_env("lh-server-1", "LHS_CLUSTER_ID=lh", "LHS_CLUSTER_PARTITIONS=12", "LHS_INSTANCE_ID=1"),
        "lh-kafka-1": with_env("lh-kafka-1", "CLUSTER_ID=TGl0dGxlSG9yc2VLYWZrYQ", "KAFKA_NODE_ID=1")})
    expected = {"lh-server-1": {"LHS_CLUSTER_ID": "lh", "LHS_CLUSTER_PARTITIONS": "24", "LHS_INSTANCE_ID": "1"},
                "lh-kafka-1": {"CLUSTER_ID": "bmV3Y2x1c3RlcmlkMDAwMA", "KAFKA_NODE_ID": "1"}}
    result, problems = look(client, "h1", containers=["lh-kafka-1", "lh-server-1"], identity=expected)
    assert result["containers"][1]["identity"] == {"LHS_CLUSTER_ID": "lh", "LHS_CLUSTER_PARTITIONS": "12",
                                                   "LHS_INSTANCE_ID": "1"}
    assert [p["kind"] for p in problems] == ["destructive", "destructive"]
    assert problems[1]["msg"] == (
        "host h1: lh-server-1 holds data for littlehorse_partitions 12 (LHS_CLUSTER_PARTITIONS=12) and the plan now "
        "says 24: the partition count is fixed when the topics are created, so the servers could no longer read the "
        "cluster's data. Put littlehorse_partitions back to 12, or set littlehorse_allow_destructive_changes: true "
        "(group_vars/all) to re-create it deliberately on data that no longer fits.")
    assert "littlehorse_kafka_cluster_id TGl0dGxlSG9yc2VLYWZrYQ" in problems[0]["msg"]
    assert "would refuse to start on its data" in problems[0]["msg"]


def test_the_same_identity_or_none_expected_is_no_problem():
    client = FakeClient(containers={"lh-server-1": with_env("lh-server-1", "LHS_CLUSTER_PARTITIONS=12")})
    for expected in ({"lh-server-1": {"LHS_CLUSTER_PARTITIONS": 12}}, {}, None):
        assert look(client, "h1", containers=["lh-server-1"], identity=expected)[1] == []


# ---- a Kafka protocol switch under running nodes: it cannot roll one node at a time

SWITCH = {"protocols": ["SASL_SSL", "SSL"], "setting": "littlehorse_kafka_security_protocol", "value": "SASL_SSL"}


def test_a_node_on_another_protocol_is_refused_naming_both_the_setting_and_the_maintenance_window():
    client = FakeClient(containers={"lh-kafka-1": with_env(
        "lh-kafka-1", "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT")})
    result, problems = look(client, "h1", containers=["lh-kafka-1"], protocols={"lh-kafka-1": SWITCH})
    assert result["containers"][0]["listener_protocols"] == ["PLAINTEXT"]
    assert problems == [{"kind": "protocol", "msg": (
        "host h1: lh-kafka-1 runs its listeners on PLAINTEXT and the plan now says SASL_SSL, SSL "
        "(littlehorse_kafka_security_protocol SASL_SSL): Kafka nodes and servers on the old and the new protocol "
        "cannot reach each other, so this change cannot roll one node at a time. Put "
        "littlehorse_kafka_security_protocol back to what the running cluster uses; or switch in a maintenance "
        "window: playbooks/teardown.yml (it keeps the volumes and their data), then site.yml with the new setting.")}]


def test_the_same_protocols_the_tools_listener_and_containers_that_are_no_kafka_node_are_no_problem():
    client = FakeClient(containers={
        "lh-kafka-1": with_env("lh-kafka-1",
                               "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP=SASL_SSL:SASL_SSL,CONTROLLER:SSL,LOCAL:PLAINTEXT"),
        "lh-server-1": with_env("lh-server-1", "LHS_CLUSTER_ID=lh")})
    result, problems = look(client, "h1", containers=["lh-kafka-1", "lh-server-1"],
                                    protocols={"lh-kafka-1": SWITCH, "lh-server-1": SWITCH})
    assert [c["listener_protocols"] for c in result["containers"]] == [["SASL_SSL", "SSL"], None]
    assert problems == []
    assert look(client, "h1", containers=["lh-kafka-1"], protocols=None)[1] == []


def test_a_sasl_mechanism_switch_is_refused_too():
    client = FakeClient(containers={"lh-kafka-1": with_env(
        "lh-kafka-1", "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP=SASL_SSL:SASL_SSL,CONTROLLER:SSL,LOCAL:PLAINTEXT",
        "KAFKA_SASL_ENABLED_MECHANISMS=PLAIN")})
    scram = {"protocols": ["SASL_SSL (SCRAM-SHA-512)", "SSL"], "value": "SASL_SSL with SCRAM-SHA-512",
             "setting": "littlehorse_kafka_security_protocol and littlehorse_kafka_sasl_mechanism"}
    result, problems = look(client, "h1", containers=["lh-kafka-1"], protocols={"lh-kafka-1": scram})
    assert result["containers"][0]["listener_protocols"] == ["SASL_SSL (PLAIN)", "SSL"]
    assert problems[0]["msg"].startswith(
        "host h1: lh-kafka-1 runs its listeners on SASL_SSL (PLAIN), SSL and the plan now says SASL_SSL "
        "(SCRAM-SHA-512), SSL (littlehorse_kafka_security_protocol and littlehorse_kafka_sasl_mechanism SASL_SSL with "
        "SCRAM-SHA-512)")


# ---- the cluster's containers that the plan no longer puts on the host

MEMBERS = [{"name_prefix": "lh-server-", "env": "LHS_CLUSTER_ID", "value": "lh"},
           {"name_prefix": "lh-kafka-", "env": "CLUSTER_ID", "value": "TGl0dGxlSG9yc2VLYWZrYQ"}]


def test_servers_and_kafka_nodes_of_the_cluster_the_plan_dropped_are_named_with_the_fix():
    containers = {
        "lh-server-1": with_env("lh-server-1", "LHS_CLUSTER_ID=lh", "LHS_INSTANCE_ID=1"),
        "lh-server-2": with_env("lh-server-2", "LHS_CLUSTER_ID=lh", "LHS_INSTANCE_ID=2"),
        "lh-server-9": with_env("lh-server-9", "LHS_CLUSTER_ID=another", "LHS_INSTANCE_ID=9"),
        "lh-kafka-3": with_env("lh-kafka-3", "CLUSTER_ID=TGl0dGxlSG9yc2VLYWZrYQ", "KAFKA_NODE_ID=3"),
        "lh-server-other": with_env("unrelated", "LHS_CLUSTER_ID=lh"),
    }
    containers["lh-server-2"]["Mounts"] = [{"Type": "volume", "Name": "lh-server-2-data"},
                                           {"Type": "bind", "Source": "/etc/x"}]
    client = FakeClient(containers=containers, listed=[{"Names": ["/" + n]} for n in sorted(containers)]
                        + [{"Names": ["/postgres"]}])
    result, problems = look(client, "h1", containers=["lh-server-1", "lh-server-other"], members=MEMBERS)
    assert [(c["name"], c["kind"], c["volumes"]) for c in result["unplanned"]] == [
        ("lh-kafka-3", "kafka", []), ("lh-server-2", "server", ["lh-server-2-data"])]
    assert [p["kind"] for p in problems] == ["unplanned_kafka", "unplanned_server"]
    assert problems[1]["msg"] == (
        "host h1: lh-server-2 is a LittleHorse server of this cluster (LHS_CLUSTER_ID=lh) that the plan no longer puts "
        "on h1 (its littlehorse_server_count, littlehorse_server_id_base or littlehorse_servers group changed). Take "
        "it out one at a time with playbooks/remove_server.yml (its volume is kept unless "
        "server_remove_purge_volumes is true), or plan it again.")
    assert "does not take Kafka nodes out" in problems[0]["msg"]


def test_without_members_nothing_is_listed():
    client = FakeClient(containers={"lh-server-2": with_env("lh-server-2", "LHS_CLUSTER_ID=lh")},
                        listed=[{"Names": ["/lh-server-2"]}])
    result, problems = look(client, "h1", containers=[])
    assert result["unplanned"] == [] and problems == []


# ---- the advertised host names this host must resolve (no lookup leaves the machine: getaddrinfo is mocked)

RESOLVE = [{"name": "lb.example.test", "host": "lb", "source": "ansible_host"},
           {"name": "h2", "host": "h2", "source": "the inventory name"},
           {"name": "lb.example.test", "host": "lb", "source": "ansible_host"}]


def fake_getaddrinfo(known):
    def getaddrinfo(name, port, family=0, kind=0, *rest):
        if name not in known:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, kind, 6, "", (address, 0)) for address in known[name]]
    return getaddrinfo


def test_a_name_that_resolves_gives_its_addresses_and_one_that_does_not_says_why(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo({"h2": ["10.0.0.2", "10.0.0.2", "10.0.1.2"]}))
    assert resolve_test("h2") == (["10.0.0.2", "10.0.1.2"], "")
    assert resolve_test("lb.example.test") == ([], "Name or service not known")


def test_a_resolver_that_fails_is_named_by_its_error(monkeypatch):
    def getaddrinfo(*args):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    assert resolve_test("h2") == ([], "Temporary failure in name resolution")


@pytest.mark.parametrize("name", ["lhbad-nowhere.invalid", "X.INVALID.", "invalid"])
def test_names_under_invalid_are_refused_without_a_lookup(monkeypatch, name):
    def getaddrinfo(*args):
        raise AssertionError("looked up %s" % name)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    assert resolve_test(name) == ([], "names under .invalid never resolve, RFC 6761")


def test_each_name_is_looked_up_once_and_all_at_the_same_time():
    asked = []
    result = resolve_names(RESOLVE, lookup=lambda name: asked.append(name) or (
        (["10.0.0.2"], "") if name == "h2" else ([], "Name or service not known")))
    assert sorted(asked) == ["h2", "lb.example.test"]
    assert result == [dict(RESOLVE[0], resolved=False, addresses=[], error="Name or service not known"),
                      dict(RESOLVE[1], resolved=True, addresses=["10.0.0.2"], error="")]


def test_a_lookup_that_hangs_costs_one_timeout_and_is_reported():
    gate = threading.Event()
    started = time.time()
    try:
        result = resolve_names(RESOLVE[:2], lookup=lambda name: gate.wait(5) and None or ([], "late"), timeout=0.2)
    finally:
        gate.set()
    assert time.time() - started < 2
    assert [r["error"] for r in result] == ["no answer within 0.2 s"] * 2
    assert not any(r["resolved"] for r in result)


@pytest.mark.parametrize("source,setting", [
    ("ansible_host", "ansible_host or littlehorse_advertised_host"),
    ("the inventory name", "ansible_host or littlehorse_advertised_host"),
    ("littlehorse_advertised_host", "littlehorse_advertised_host")])
def test_a_name_that_does_not_resolve_names_its_host_its_source_where_it_was_looked_up_and_the_fix(source, setting):
    entry = {"name": "lb.example.test", "host": "lb", "source": source, "resolved": False, "addresses": [],
             "error": "Name or service not known"}
    assert resolve_problem(entry, "h1") == (
        "host lb: the advertised host 'lb.example.test' (from %s) does not resolve here (on h1: Name or service not "
        "known): set %s to an address, or a name the hosts and clients resolve." % (source, setting))
    assert resolve_problem(dict(entry, resolved=True, error=""), "h1") is None


def test_a_peer_whose_name_does_not_resolve_is_one_problem_and_is_not_dialled():
    peers = [{"to": "h2", "address": "h2", "port": 9092, "purpose": "the Kafka broker port of lh-kafka-2"},
             {"to": "h3", "address": "10.0.0.3", "port": 2011, "purpose": "the internal port of lh-server-301"}]
    resolve = [{"name": "h1", "host": "h1", "source": "the inventory name"},
               {"name": "h2", "host": "h2", "source": "the inventory name"}]
    dialled = []
    result, problems = look(
        FakeClient(), "h1", peers=peers, resolve=resolve,
        lookup=lambda name: (["10.0.0.1"], "") if name == "h1" else ([], "Name or service not known"),
        dial=lambda address, port: dialled.append(address) or "refused")
    assert dialled == ["10.0.0.3"]
    assert [p["state"] for p in result["reach"]] == ["unresolved", "refused"]
    assert [r["resolved"] for r in result["resolve"]] == [True, False]
    assert problems == [{"kind": "resolve", "msg": (
        "host h2: the advertised host 'h2' (from the inventory name) does not resolve here (on h1: Name or service "
        "not known): set ansible_host or littlehorse_advertised_host to an address, or a name the hosts and clients "
        "resolve.")}]


def test_a_missing_image_from_an_archive_is_not_pulled_and_no_problem_but_listed_to_load():
    client = FakeClient(images={"lh-testbed/kafka:4.1.1": "sha256:k"}, pullable=["lh/server:1"])
    images = [{"image": "lh-testbed/kafka:4.1.1", "variable": "kafka_image", "archive": True},
              {"image": "lh/server:1", "variable": "server_image", "archive": True},
              {"image": "dash:1", "variable": "dashboard_image", "required": False, "archive": True}]
    result, problems = look(client, "h1", images=images)
    assert problems == [] and client.images.pulls == [] and result["pull"] == []
    assert [(i["image"], i["present"], i["from_archive"], i["available"]) for i in result["images"]] == [
        ("lh-testbed/kafka:4.1.1", True, False, True), ("lh/server:1", False, True, False),
        ("dash:1", False, True, False)]
    assert result["load_from_archives"] == [{"image": "lh/server:1", "variable": "server_image", "required": True},
                                            {"image": "dash:1", "variable": "dashboard_image", "required": False}]
    assert result["images"][1]["missing_because"] == (
        "image lh/server:1 (server_image) is not on the Docker engine of h1 and no archive of littlehorse_image_archives "
        "holds it")


def test_memory_limits_over_the_engines_memory_are_one_problem_naming_every_container():
    mib = 1024 * 1024
    fitting = {"lh-server-1": 768 * mib, "lh-server-2": 768 * mib, "lh-kafka-1": 768 * mib}
    dummy, problems = look(FakeClient(), "h1", memory=fitting, bind=no_bind)
    assert problems == []
    over = dict(fitting, **{"lh-server-3": 2048 * mib})
    dummy, problems = look(FakeClient(), "h1", memory=over, bind=no_bind)
    assert [p["kind"] for p in problems] == ["memory"]
    message = problems[0]["msg"]
    assert message.startswith("host h1: the memory limits of the containers planned here (lh-kafka-1 768 MiB, "
                              "lh-server-1 768 MiB, lh-server-2 768 MiB, lh-server-3 2048 MiB) add up to 4352 MiB, "
                              "more than the 4096 MiB its Docker engine has (docker info: MemTotal)")
    assert "lower server_memory, kafka_memory, dashboard_memory or load_balancer_memory for this host" in message
