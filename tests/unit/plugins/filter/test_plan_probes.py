# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where each host's checks read every server's health port (plan["probes"]): loopback is that host only.

The rolling gates run on the host being changed and read every server of the cluster. A server that
publishes its health port on every address (the default) is reached at 127.0.0.1 from its own host
only; from any other host 127.0.0.1 is that other host's own server. So the plan gives each server
two probe addresses - from its own host, from any other host - and each host the list its gates use.
"""
import pytest

from ansible_collections.littlehorse.cluster.plugins.filter.plan import cluster_plan


def hosts(count=3, servers=1, **extra):
    names = ["h%d" % i for i in range(1, count + 1)]
    groups = {"kafka": names, "littlehorse_servers": names}
    hostvars = dict((name, dict({"ansible_host": "10.0.0.%d" % i, "littlehorse_kafka_node_id": i,
                                 "littlehorse_server_id_base": 100 * i, "littlehorse_server_count": servers}, **extra))
                    for i, name in enumerate(names, 1))
    return groups, hostvars


def health_published_at(server):
    """The address the server's container publishes its health port on ('0.0.0.0': every address of its host)."""
    port = server["health_port"]
    return [spec.split(":")[0] for spec in server["published_ports"] if spec.endswith(":%d:%d" % (port, port))][0]


def reaches(probe, server, from_host, on_controller):
    """Whether a check for from_host that dials probe's address reaches server's health port. The check runs on
    from_host itself, or on the controller when from_host's engine is reached from there (on_controller): loopback
    is where the check runs, so it reaches the server only on the server's own host, with the check there. Else
    only an address of the server's host where the port is published does (with the port on every address: the
    host's own addresses - its cluster address, the one its peers reach it at, or its advertised address)."""
    if probe["health_port"] != server["health_port"]:
        return False
    published = health_published_at(server)
    if probe["host"].startswith("127."):
        return from_host == server["host"] and not on_controller and published in ("0.0.0.0", probe["host"])
    return probe["host"] == published or (published == "0.0.0.0" and probe["host"] in (
        server["internal"]["advertised_host"], server["listeners"][0]["advertised_host"]))


LAYOUTS = {
    "every address (default)": {},
    "two servers per host, the same ports on each": {"servers": 2},
    "a bind address per host": {"bind": True},
    "a cluster address of its own": {"cluster": True},
    "one host's engine reached from the controller": {"remote": "h2"},
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_host_reads_every_server_at_an_address_that_reaches_that_server(layout):
    options = LAYOUTS[layout]
    groups, hostvars = hosts(servers=options.get("servers", 1))
    for i, name in enumerate(sorted(hostvars), 1):
        if options.get("bind"):
            hostvars[name]["littlehorse_bind_address"] = "10.0.0.%d" % i
        if options.get("cluster"):
            hostvars[name]["littlehorse_cluster_address"] = "192.168.0.%d" % i
    if options.get("remote"):
        hostvars[options["remote"]]["littlehorse_docker_host"] = "tcp://10.0.0.2:2376"
    plan = cluster_plan(groups, hostvars)
    servers = plan["servers"]
    assert sorted(plan["probes"]) == ["h1", "h2", "h3"]
    for host, probes in plan["probes"].items():
        assert [p["name"] for p in probes] == [s["container"] for s in servers]
        assert [p["instance_id"] for p in probes] == [s["instance_id"] for s in servers]
        for probe, server in zip(probes, servers):
            on_controller = bool(hostvars[host].get("littlehorse_docker_host"))
            assert reaches(probe, server, host, on_controller), (layout, host, probe, server["published_ports"])
        # no two servers at one address: the fault was every server of the plan at 127.0.0.1:<its port>
        assert len(set((p["host"], p["health_port"]) for p in probes)) == len(probes), probes


def test_the_default_layout_reads_its_own_servers_on_loopback_and_the_others_at_their_cluster_address():
    plan = cluster_plan(*hosts(servers=2))
    assert [(p["name"], p["host"], p["health_port"]) for p in plan["probes"]["h2"]] == [
        ("lh-server-101", "10.0.0.1", 1822), ("lh-server-102", "10.0.0.1", 1832),
        ("lh-server-201", "127.0.0.1", 1822), ("lh-server-202", "127.0.0.1", 1832),
        ("lh-server-301", "10.0.0.3", 1822), ("lh-server-302", "10.0.0.3", 1832)]
    # each server: its own host's probe and everybody else's, computed once
    server = plan["servers"][2]
    assert server["probe"]["host"] == "127.0.0.1" and server["probe_from_others"]["host"] == "10.0.0.2"
    assert plan["probes"]["h1"][2] is server["probe_from_others"] and plan["probes"]["h2"][2] is server["probe"]
    # what the gates read before: every server at its own-host probe, from wherever the gate ran
    first = plan["servers"][0]
    assert not reaches(first["probe"], first, "h2", False) and reaches(first["probe"], first, "h1", False)


def test_a_cluster_address_of_its_own_is_where_the_other_hosts_read_the_health_port():
    groups, hostvars = hosts()
    hostvars["h3"].update(littlehorse_advertised_host="lh3.example.com", littlehorse_cluster_address="192.168.0.3")
    plan = cluster_plan(groups, hostvars)
    assert plan["probes"]["h1"][2]["host"] == "192.168.0.3" and plan["probes"]["h3"][2]["host"] == "127.0.0.1"
    # published on every address but to be reached at the advertised name: cluster address 0.0.0.0
    hostvars["h3"]["littlehorse_cluster_address"] = "0.0.0.0"
    assert cluster_plan(groups, hostvars)["probes"]["h1"][2]["host"] == "lh3.example.com"


def test_a_host_bound_to_one_address_is_read_there_from_everywhere():
    groups, hostvars = hosts()
    hostvars["h2"]["littlehorse_bind_address"] = "10.0.0.2"
    plan = cluster_plan(groups, hostvars)
    assert [plan["probes"][h][1]["host"] for h in ("h1", "h2", "h3")] == ["10.0.0.2"] * 3


def test_the_health_ports_are_in_what_each_server_host_must_reach():
    plan = cluster_plan(*hosts())
    health = [(p["to"], p["address"], p["port"]) for p in plan["reach"]["h3"] if "health port" in p["purpose"]]
    assert health == [("h1", "10.0.0.1", 1822), ("h2", "10.0.0.2", 1822)]


def test_one_engine_reads_its_servers_at_their_own_probe():
    groups = {"kafka": ["local"], "littlehorse_servers": ["local"]}
    values = {"littlehorse_single_engine": True, "littlehorse_server_count": 3, "littlehorse_server_id_base": 0,
              "littlehorse_kafka_node_id": 1, "littlehorse_advertised_host": "127.0.0.1",
              "littlehorse_bind_address": "127.0.0.1", "littlehorse_reserved_ports": [2024]}
    plan = cluster_plan(groups, {"local": values})
    assert plan["probes"] == {"local": [s["probe"] for s in plan["servers"]]}
    assert [(p["host"], p["health_port"], p["instance_id"]) for p in plan["probes"]["local"]] == [
        ("127.0.0.1", 1822, 1), ("127.0.0.1", 1832, 2), ("127.0.0.1", 1842, 3)]
    assert all(s["probe_from_others"] == s["probe"] for s in plan["servers"])
