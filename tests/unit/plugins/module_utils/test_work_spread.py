# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the work is spread across the servers, from the /status of real 1.2.1 servers (fixtures/, each file says where
its answers came from) and from edge cases: a server with no tasks, one that did not answer, one answering as another."""
import copy
import json
import os

import pytest

from ansible_collections.littlehorse.cluster.plugins.module_utils._work_spread import (
    fair_share, server_tasks, spread_problems, work_spread)

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")


def fixture(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        doc = json.load(handle)
    assert doc["source"]  # every fixture says where it came from
    return doc


def readings(doc):
    return [{"name": name, "status": status} for name, status in doc["servers"].items()]


def test_three_real_servers_each_hold_their_share():
    doc = fixture("status-1.2.1-three-servers.json")
    spread = work_spread(readings(doc), doc["partitions"])
    assert (spread["partitions"], spread["server_count"], spread["share"]) == (6, 3, 3)
    assert spread["over_share"] == [] and spread["warnings"] == []
    by_name = dict((s["name"], s) for s in spread["servers"])
    one = by_name["lhmol-server-1"]
    assert one["instance_id"] == "1" and one["reachable"] and one["core_state"] == "RUNNING"
    assert one["tasks"]["core"] == {"active": {"count": 2, "ids": [2, 5]}, "standby": {"count": 2, "ids": [1, 4]}}
    assert one["timer_state"] is None
    assert one["tasks"]["timer"] == {"active": {"count": 0, "ids": []}, "standby": {"count": 0, "ids": []}}
    assert one["summary"] == ("lhmol-server-1 (instance 1): core RUNNING, active 2 [2, 5], standby 2 [1, 4]; "
                              "timer topology not running")
    # every partition is active on exactly one server and standing by on another
    active = sorted(i for s in spread["servers"] for i in s["tasks"]["core"]["active"]["ids"])
    standby = sorted(i for s in spread["servers"] for i in s["tasks"]["core"]["standby"]["ids"])
    assert active == standby == list(range(6))
    for server in spread["servers"]:
        core = server["tasks"]["core"]
        assert not set(core["active"]["ids"]) & set(core["standby"]["ids"])


def test_the_one_server_left_holds_more_than_its_share_and_the_stopped_ones_are_unknown():
    doc = fixture("status-1.2.1-one-server-left.json")
    spread = work_spread(readings(doc), doc["partitions"])
    assert spread["over_share"] == ["lhmol-server-1"]
    assert spread["warnings"] == [
        "lhmol-server-1 holds 6 active core tasks, more than its share: ceil(6 partitions / 3 servers) + 1 = 3"]
    one, two, three = spread["servers"]
    assert one["tasks"]["core"]["active"] == {"count": 6, "ids": [0, 1, 2, 3, 4, 5]}
    assert one["summary"].endswith("active 6 [0, 1, 2, 3, 4, 5], standby 0; timer topology not running; "
                                   "MORE THAN ITS SHARE (3)")
    for stopped in (two, three):
        assert not stopped["reachable"] and stopped["tasks"] is None and not stopped["over_share"]
        assert stopped["unknown_because"] == "no /status answer"
    assert three["summary"] == "lhmol-server-3: no /status answer; its tasks are unknown"


def test_a_server_with_no_tasks_holds_none_and_is_not_over_its_share():
    doc = fixture("status-1.2.1-three-servers.json")
    idle = copy.deepcopy(doc["servers"]["lhmol-server-1"])
    for key in ("coreActiveTasks", "coreStandbyTasks"):
        idle[key] = []
    idle["coreState"] = "REBALANCING"
    spread = work_spread([{"name": "idle", "status": idle, "instance_id": 1}], 6, server_count=3)
    entry = spread["servers"][0]
    assert entry["tasks"]["core"] == {"active": {"count": 0, "ids": []}, "standby": {"count": 0, "ids": []}}
    assert not entry["over_share"] and spread["over_share"] == []
    assert entry["summary"] == "idle (instance 1): core REBALANCING, active 0, standby 0; timer topology not running"


def test_a_reading_of_another_server_is_not_attributed_to_the_one_meant():
    doc = fixture("status-1.2.1-one-server-left.json")
    crossed = {"name": "lhmol-server-2", "instance_id": 2, "status": doc["servers"]["lhmol-server-1"],
               "identity_problem": "lhmol-server-2 (instance 2): its health port answered as instance 1"}
    entry = work_spread([crossed], 6, server_count=3)["servers"][0]
    assert entry["tasks"] is None and not entry["over_share"] and not entry["reachable"]
    assert entry["instance_id"] == 2
    assert entry["summary"] == ("lhmol-server-2 (instance 2): its health port answered as another server; its tasks "
                                "are unknown")


def test_a_status_without_task_lists_says_so():
    entry = work_spread([{"name": "old", "status": {"coreState": "RUNNING", "instanceId": "7"}}], 6)["servers"][0]
    assert entry["reachable"] and entry["tasks"] is None and not entry["over_share"]
    assert entry["summary"] == "old (instance 7): its /status lists no tasks (coreActiveTasks); its tasks are unknown"


def test_a_timer_topology_is_reported_when_the_server_runs_one():
    status = copy.deepcopy(fixture("status-1.2.1-three-servers.json")["servers"]["lhmol-server-2"])
    status["timerState"] = "RUNNING"
    status["timerActiveTasks"] = [{"partition": 3, "processingLag": 0}, {"partition": 0, "processingLag": 1}]
    status["timerStandbyTasks"] = [{"partition": 1, "lag": 0, "changelogEndOffset": 4}]
    entry = work_spread([{"name": "s2", "status": status}], 6, server_count=3)["servers"][0]
    assert entry["tasks"]["timer"] == {"active": {"count": 2, "ids": [0, 3]}, "standby": {"count": 1, "ids": [1]}}
    assert entry["summary"] == ("s2 (instance 2): core RUNNING, active 2 [0, 3], standby 2 [2, 5]; "
                                "timer RUNNING, active 2 [0, 3], standby 1 [1]")


def test_the_share_is_ceil_partitions_over_servers_plus_one():
    assert fair_share(6, 3) == 3 and fair_share(12, 5) == 4 and fair_share(1, 3) == 2 and fair_share(7, 1) == 8
    status = {"coreActiveTasks": [{"partition": i} for i in range(4)], "coreState": "RUNNING"}
    assert work_spread([{"name": "a", "status": status}], 6, server_count=3)["over_share"] == ["a"]
    assert work_spread([{"name": "a", "status": status}], 9, server_count=3)["over_share"] == []  # share 4


def test_the_servers_counted_default_to_the_readings():
    status = {"coreActiveTasks": [{"partition": i} for i in range(3)]}
    spread = work_spread([{"name": "a", "status": status}, {"name": "b", "status": None}], 4)
    assert spread["server_count"] == 2 and spread["share"] == 3 and spread["over_share"] == []


def test_tasks_of_no_answer_are_unknown():
    assert server_tasks(None)["core"] == {"active": {"count": None, "ids": None},
                                          "standby": {"count": None, "ids": None}}


@pytest.mark.parametrize("partitions, server_count, wrong", [
    (0, None, "partitions"), (None, 3, "partitions"), (True, 3, "partitions"), (6, 0, "server_count"),
    (6, -1, "server_count")])
def test_bad_settings_are_named(partitions, server_count, wrong):
    problems = spread_problems(partitions, server_count)
    assert len(problems) == 1 and problems[0].startswith(wrong + " must be")


def test_good_settings_have_no_problem():
    assert spread_problems(6, None) == [] and spread_problems(12, 5) == []
