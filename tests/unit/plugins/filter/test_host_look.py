# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The roles' decisions: what a run of the kafka or server role handles, what it restarts one at a time, and the options
of the preflight's look."""
from ansible_collections.littlehorse.cluster.plugins.filter.host_look import FilterModule
from ansible_collections.littlehorse.cluster.plugins.module_utils._host_info import (
    behind_first, role_items)


def test_the_look_options_name_each_planned_container_with_what_the_look_checks_of_it():
    from ansible_collections.littlehorse.cluster.plugins.filter.plan import cluster_plan
    from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.preflight import host_look_options
    assert FilterModule().filters()["host_look_options"] is host_look_options
    plan = cluster_plan({"kafka": ["h"], "littlehorse_servers": ["h"]},
                        {"h": {"littlehorse_server_count": 2, "littlehorse_server_id_base": 0,
                               "littlehorse_kafka_node_id": 1}})
    entries = plan["servers"] + plan["kafka"]["nodes"]
    look = host_look_options(entries)
    assert look["containers"] == ["lh-server-1", "lh-server-2", "lh-kafka-1"]
    assert look["ports"]["lh-server-2"] == plan["servers"][1]["published_ports"]
    assert look["volumes"] == ["lh-server-1-data", "lh-server-2-data", "lh-kafka-1-data"]
    assert look["memory"] == dict((e["container"], e["memory"]) for e in entries) and look["memory"]["lh-kafka-1"] > 0
    assert look["identity"]["lh-server-1"] == {"LHS_CLUSTER_ID": "lh", "LHS_CLUSTER_PARTITIONS": "12",
                                               "LHS_INSTANCE_ID": "1"}
    assert list(look["protocols"]) == ["lh-kafka-1"]
    unchecked = host_look_options(entries, memory=False, identity=False)
    assert unchecked["memory"] == {} and unchecked["identity"] == {} and unchecked["protocols"] == look["protocols"]


PLANNED = [{"host": "h1", "container": "lh-server-1"}, {"host": "h2", "container": "lh-server-2"},
           {"host": "h1", "container": "lh-server-3"}, {"host": "h1", "container": "lh-server-4"}]


def test_the_role_filters_are_registered():
    filters = FilterModule().filters()
    assert filters["role_items"] is role_items and filters["behind_first"] is behind_first


def test_a_new_or_all_run_handles_every_entry_of_its_host_in_the_plans_order():
    for mode in ("new", "all"):
        items = role_items(PLANNED, "h1", mode, ["lh-server-3"], None)
        assert items["containers"] == ["lh-server-1", "lh-server-3", "lh-server-4"]
        assert items["selected_containers"] == items["containers"]
        assert items["selected"] == [PLANNED[0], PLANNED[2], PLANNED[3]]


def test_a_pending_run_handles_only_what_the_new_run_left_to_it_on_this_host():
    items = role_items(PLANNED, "h1", "pending", ["lh-server-4", "lh-server-2"], None)
    assert items["selected_containers"] == ["lh-server-4"]
    assert role_items(PLANNED, "h1", "pending", None, None)["selected"] == []


def test_a_restart_run_leaves_out_what_the_new_run_before_it_started():
    # lh-server-1 was down and lh-server-4 missing: restart.yml's 'new' play started them, together
    assert role_items(PLANNED, "h1", "restart", [], ["lh-server-1", "lh-server-4", "lh-server-2"])[
        "selected_containers"] == ["lh-server-3"]
    # without a 'new' run before it every entry is restarted
    assert role_items(PLANNED, "h1", "restart", [], None)["selected_containers"] == [
        "lh-server-1", "lh-server-3", "lh-server-4"]


def test_a_host_with_nothing_planned_handles_nothing():
    assert role_items(PLANNED, "h9", "all") == {"containers": [], "selected": [], "selected_containers": []}


def test_the_servers_not_caught_up_go_first_each_alone():
    entries = [{"container": "lh-server-1"}, {"container": "lh-server-2"}, {"container": "lh-server-3"}]
    infos = [{"name": "lh-server-1", "caught_up": True}, {"name": "lh-server-3", "caught_up": False}]
    assert behind_first(entries, infos) == [[entries[2]], [entries[0]], [entries[1]]]
    assert behind_first(entries, []) == [[e] for e in entries]
