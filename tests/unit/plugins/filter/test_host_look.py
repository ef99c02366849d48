# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The roles' decisions: what a run of the kafka or server role handles, what it restarts one at a time, and the options
of the preflight's look."""
import pytest

from ansible_collections.littlehorse.cluster.plugins.filter.host_look import FilterModule
from ansible_collections.littlehorse.cluster.plugins.filter.plan import PlanError, cluster_plan
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._host_info import (
    PLAN_OPTIONS, behind_first, role_items, with_plan_options)
from ansible_collections.littlehorse.cluster.plugins.modules import lh_host_info
from ansible_collections.littlehorse.cluster.plugins.plugin_utils.plan.preflight import host_look, host_look_options


def test_the_look_options_name_each_planned_container_with_what_the_look_checks_of_it():
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


THREE = {"kafka": ["h1"], "littlehorse_servers": ["h1", "h2"], "littlehorse_dashboard": ["h2"],
         "littlehorse_load_balancer": ["h2"]}
THREE_VARS = {"h1": {"ansible_host": "10.0.0.1", "littlehorse_server_id_base": 100},
              "h2": {"ansible_host": "10.0.0.2", "littlehorse_server_id_base": 200,
                     "littlehorse_load_balancer_port": 3000}}


def test_the_hosts_slice_of_the_plan_is_what_the_look_checks_there():
    assert FilterModule().filters()["host_look"] is host_look
    plan = cluster_plan(THREE, THREE_VARS)
    images = plan["images"]["h2"]
    look = host_look(plan, "h2", images + images[:1])
    assert look["containers"] == ["lh-server-201", "lh-dashboard", "lh-lb"]
    entries = [e for e in plan["servers"] if e["host"] == "h2"] + [plan["dashboard"], plan["load_balancer"]]
    members = [plan["members"]["server"], plan["members"]["kafka"]]
    assert look == dict(host_look_options(entries), addresses=plan["addresses"]["h2"],
                        images=[dict(i, archive=False) for i in images], peers=plan["reach"]["h2"],
                        resolve=plan["resolve"]["h2"], members=members)
    assert sorted(look) == sorted(PLAN_OPTIONS)
    # the dashboard only with its image; the checks the preflight switches off are empty
    off = host_look(plan, "h2", [i for i in images if i["variable"] != "dashboard_image"], archive=True, memory=False,
                    reach=False, resolve=False)
    assert off["containers"] == ["lh-server-201", "lh-lb"] and "lh-dashboard" not in off["ports"]
    assert (off["memory"], off["peers"], off["resolve"]) == ({}, [], [])
    assert all(image["archive"] for image in off["images"])
    # littlehorse_allow_destructive_changes: no identity compared
    allowed = cluster_plan(THREE, dict(THREE_VARS, h1=dict(THREE_VARS["h1"], littlehorse_allow_destructive_changes=True),
                                       h2=dict(THREE_VARS["h2"], littlehorse_allow_destructive_changes=True)))
    assert host_look(allowed, "h1")["identity"] == {} and host_look(plan, "h1")["identity"]
    with pytest.raises(PlanError, match="littlehorse_plan | littlehorse.cluster.host_look"):
        host_look({"servers": []}, "h1")


def test_the_modules_plan_option_gives_its_options_once_and_checked():
    spec = lh_host_info.argument_spec()
    params = dict((key, option.get("default")) for key, option in spec.items())
    given = with_plan_options(dict(params, plan={"containers": ["a"], "memory": {"a": "1024"},
                                                 "peers": [{"to": "h2", "address": "10.0.0.2", "port": "9092"}]}),
                              spec)
    assert given["containers"] == ["a"] and given["memory"] == {"a": "1024"}
    assert given["peers"] == [{"to": "h2", "address": "10.0.0.2", "port": 9092, "purpose": "a port of the cluster"}]
    assert with_plan_options(params, spec) == params
    with pytest.raises(LHClusterError, match="plan: docker_host is no option it may give"):
        with_plan_options(dict(params, plan={"docker_host": "tcp://x"}), spec)
    with pytest.raises(LHClusterError, match="plan: containers also given on its own"):
        with_plan_options(dict(params, containers=["b"], plan={"containers": ["a"]}), spec)
    with pytest.raises(LHClusterError, match="plan: .*peers"):
        with_plan_options(dict(params, plan={"peers": [{"to": "h2"}]}), spec)


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


@pytest.mark.parametrize("mode,first_run,changes_existing,writes_files", [
    ("new", True, False, True), ("start", True, False, True), ("ready", False, False, False),
    ("pending", False, True, True), ("restart", False, True, False), ("all", False, True, True)])
def test_each_mode_says_what_it_does_the_same_for_both_roles(mode, first_run, changes_existing, writes_files):
    items = role_items(PLANNED, "h1", mode)
    assert (items["first_run"], items["changes_existing"], items["writes_files"]) == (
        first_run, changes_existing, writes_files)


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
    assert role_items(PLANNED, "h9", "all") == {"containers": [], "selected": [], "selected_containers": [],
                                                "first_run": False, "changes_existing": True, "writes_files": True}


def test_the_servers_not_caught_up_go_first_each_alone():
    entries = [{"container": "lh-server-1"}, {"container": "lh-server-2"}, {"container": "lh-server-3"}]
    infos = [{"name": "lh-server-1", "caught_up": True}, {"name": "lh-server-3", "caught_up": False}]
    assert behind_first(entries, infos) == [[entries[2]], [entries[0]], [entries[1]]]
    assert behind_first(entries, []) == [[e] for e in entries]
