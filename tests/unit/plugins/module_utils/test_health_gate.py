"""The rolling gate before a server goes down: the others caught up, unless it serves nothing itself."""
from ansible_collections.littlehorse.cluster.plugins.module_utils._health import caught_up, describe, wait_servers


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
