# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rolling gate before a server goes down: the others caught up, unless it serves nothing itself."""
from ansible_collections.littlehorse.cluster.plugins.module_utils._health import (
    caught_up, describe, stuck_report, wait_servers)


def reading(name, core="RUNNING", ready=True, restorations=0):
    return {"name": name, "ready": ready, "readiness": 200 if ready else 500, "restorations": restorations,
            "status": {"coreState": core}}


class Clock(object):
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def poll(*rounds):
    state = {"round": 0}

    def read():
        index = min(state["round"], len(rounds) - 1)
        state["round"] += 1
        return list(rounds[index])
    return read, state


def test_caught_up_means_ready_running_and_nothing_restoring():
    assert caught_up(reading("a"))
    assert not caught_up(reading("a", core="REBALANCING")) and not caught_up(reading("a", restorations=2))
    assert not caught_up(reading("a", ready=False))
    assert describe(reading("a", core="ERROR", ready=False)) == "a (readiness 500, core ERROR, 0 restorations)"


def test_a_server_that_is_not_caught_up_itself_goes_at_once():
    read, state = poll([reading("s1"), reading("s2", core="ERROR", ready=False), reading("s3", core="ERROR")])
    readings, at_once, waiting = wait_servers(read, gate_for="s2", timeout=5)
    assert at_once and waiting == [] and state["round"] == 1


def test_a_healthy_server_waits_for_the_others_to_catch_up():
    clock = Clock()
    read, state = poll([reading("s1"), reading("s2", restorations=3)], [reading("s1"), reading("s2")])
    readings, at_once, waiting = wait_servers(read, gate_for="s1", timeout=30, sleep=clock.sleep, clock=clock)
    assert not at_once and waiting == [] and state["round"] == 2


def test_the_gate_that_stays_shut_names_the_servers_short_of_it():
    clock = Clock()
    read, dummy = poll([reading("s1"), reading("s2", core="ERROR", ready=False), reading("s3")])
    readings, at_once, waiting = wait_servers(read, gate_for="s1", timeout=3, sleep=clock.sleep, clock=clock)
    assert [describe(r) for r in waiting] == ["s2 (readiness 500, core ERROR, 0 restorations)"]


def test_without_a_gate_ready_is_enough_unless_restorations_matter():
    read, dummy = poll([reading("s1", restorations=1)])
    assert wait_servers(read, timeout=0)[2] == []
    clock = Clock()
    assert len(wait_servers(read, no_restorations=True, timeout=2, sleep=clock.sleep, clock=clock)[2]) == 1


def test_a_stuck_server_is_reported_with_its_status_and_the_logs_there_are():
    stuck = [reading("lh-server-2", core="REBALANCING", restorations=3), dict(reading("lh-server-3"), status=None)]
    report = stuck_report(stuck, {"lh-server-2": "line 1\nline 2\n"}).splitlines()
    assert report[0] == ("lh-server-2 (readiness 200, core REBALANCING, 3 restorations); /status: "
                         "{\"coreState\": \"REBALANCING\"}; last log lines:")
    assert report[1:3] == ["line 1", "line 2"]
    assert report[3] == "lh-server-3 (readiness 200, core ?, 0 restorations); /status: no answer"


def test_stable_for_waits_out_a_rebalance_the_servers_learn_of_late():
    clock = Clock()
    # RUNNING at first (the rebalance not seen yet), then REBALANCING, then RUNNING for good
    read, state = poll([reading("s1")], [reading("s1")], [reading("s1", core="REBALANCING")], [reading("s1")])
    readings, at_once, waiting = wait_servers(read, no_restorations=True, stable_for=5, timeout=60,
                                              sleep=clock.sleep, clock=clock)
    assert waiting == [] and state["round"] == 9 and clock.now == 8
