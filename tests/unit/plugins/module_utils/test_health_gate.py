# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rolling gate before a server goes down: the others caught up, unless it serves nothing itself."""
from ansible_collections.littlehorse.cluster.plugins.module_utils._health import (
    answered_as, caught_up, describe, failure_message, identity_problem, is_ready, kafka_unreachable, read_servers,
    stuck_report, wait_servers)


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


UNREACHABLE = ("21:51:03 WARN [KAFKA] NetworkClient - [AdminClient clientId=adminclient-2] Connection to node -1 "
               "(/10.0.0.9:9092) could not be established. Node may not be available.")


def test_a_server_that_reaches_no_kafka_broker_is_named_with_its_bootstrap_and_the_log_line():
    stuck = [dict(reading("lh-server-2"), status=None), dict(reading("lh-server-3"), status=None)]
    logs = {"lh-server-2": "starting\n%s\n" % UNREACHABLE, "lh-server-3": "starting\n"}
    report = stuck_report(stuck, logs, bootstraps={"lh-server-2": "10.0.0.9:9092", "lh-server-3": "10.0.0.9:9092"})
    first, = [line for line in report.splitlines() if line.startswith("lh-server-2")]
    assert first.endswith("; it cannot reach Kafka at 10.0.0.9:9092, the bootstrap servers it was given (check that "
                          "Kafka runs and that this host reaches that address), and logs: %s; last log lines:"
                          % UNREACHABLE)
    assert "cannot reach Kafka" not in [line for line in report.splitlines() if line.startswith("lh-server-3")][0]
    assert kafka_unreachable("a\nb\n") is None


def test_stable_for_waits_out_a_rebalance_the_servers_learn_of_late():
    clock = Clock()
    # RUNNING at first (the rebalance not seen yet), then REBALANCING, then RUNNING for good
    read, state = poll([reading("s1")], [reading("s1")], [reading("s1", core="REBALANCING")], [reading("s1")])
    readings, at_once, waiting = wait_servers(read, no_restorations=True, stable_for=5, timeout=60,
                                              sleep=clock.sleep, clock=clock)
    assert waiting == [] and state["round"] == 9 and clock.now == 8


# ---- who answered: /status names its instanceId

def health_double(answers):
    """health(host, port) as server_health returns it, /status answering as answers[(host, port)] (an instanceId)."""
    def health(host, port):
        status = {"coreState": "RUNNING", "restorations": []}
        if answers.get((host, port)) is not None:
            status["instanceId"] = answers[(host, port)]
        return {"host": host, "health_port": port, "reachable": True, "liveness": 200, "readiness": 200, "ready": True,
                "status": status, "restorations": 0}
    return health


# What host h2's gate read before the fix: every server of the plan at 127.0.0.1 and its health port - with one
# server per host and one health port, each address is h2's own server.
CROSSED = [{"name": "lh-server-101", "host": "127.0.0.1", "health_port": 1822, "instance_id": 101},
           {"name": "lh-server-201", "host": "127.0.0.1", "health_port": 1822, "instance_id": 201}]


def test_an_answer_from_another_server_names_both_and_is_neither_ready_nor_caught_up():
    readings = read_servers(CROSSED, health=health_double({("127.0.0.1", 1822): "201"}))
    crossed, own = readings
    assert crossed["answered_as"] == "201" and crossed["instance_id"] == 101
    assert crossed["identity_problem"] == (
        "lh-server-101 (instance 101): its health port 127.0.0.1:1822 answered as instance 201 (lh-server-201), "
        "another server: that address does not reach lh-server-101 from where this check runs")
    assert not is_ready(crossed) and not caught_up(crossed) and crossed["caught_up"] is False
    assert describe(crossed) == crossed["identity_problem"]
    assert own["identity_problem"] is None and own["caught_up"] is True


def test_the_answer_counts_when_it_names_the_server_or_nothing_says_who_answered():
    servers = [{"name": "lh-server-101", "host": "10.0.0.1", "health_port": 1822, "instance_id": 101},
               {"name": "lh-server-201", "host": "127.0.0.1", "health_port": 1822, "instance_id": 201},
               {"name": "old-release", "host": "10.0.0.3", "health_port": 1822, "instance_id": 301},
               {"name": "no-id-given", "host": "10.0.0.4", "health_port": 1822, "instance_id": None}]
    answers = {("10.0.0.1", 1822): "101", ("127.0.0.1", 1822): "201", ("10.0.0.4", 1822): "7"}
    readings = read_servers(servers, health=health_double(answers))
    assert [r["identity_problem"] for r in readings] == [None, None, None, None]
    assert [r["caught_up"] for r in readings] == [True, True, True, True]
    assert answered_as({"instanceId": 3}) == "3" and answered_as(None) is None and answered_as({"instanceId": ""}) is None
    unnamed = identity_problem({"name": "s1", "host": "h", "health_port": 1, "status": {"instanceId": "9"}}, 1)
    assert "answered as instance 9, another server" in unnamed


def test_a_gate_never_opens_on_the_wrong_servers_answer_and_stops_at_once():
    clock = Clock()
    readings = read_servers(CROSSED, health=health_double({("127.0.0.1", 1822): "201"}))
    # the server to take down is lh-server-101, its reading is lh-server-201's: not "not caught up, go at once"
    result, at_once, waiting = wait_servers(lambda: readings, gate_for="lh-server-101", timeout=300,
                                            sleep=clock.sleep, clock=clock)
    assert not at_once and [r["name"] for r in waiting] == ["lh-server-101"] and clock.now == 0
    # and a gate for the other one does not pass on it either
    result, at_once, waiting = wait_servers(lambda: readings, gate_for="lh-server-201", timeout=300,
                                            sleep=clock.sleep, clock=clock)
    assert not at_once and [r["name"] for r in waiting] == ["lh-server-101"] and clock.now == 0
    message = failure_message(waiting, {}, 300, True, "lh-server-201")
    assert message.startswith("the health port of lh-server-101 answered as another server, so its state is unknown")
    assert "answered as instance 201 (lh-server-201)" in message


def test_a_plain_read_reports_the_crossed_answer_without_failing():
    readings = read_servers(CROSSED, health=health_double({("127.0.0.1", 1822): "201"}))
    result, at_once, waiting = wait_servers(lambda: readings, ready=False)
    assert waiting == [] and result[0]["identity_problem"]


def test_a_server_short_of_the_gate_is_named_with_its_instance_and_where_it_was_read():
    # host h2's gate, h1's server killed: the message says which server and which host's address was dialled
    down = {"name": "lh-server-101", "instance_id": 101, "host": "10.0.0.1", "health_port": 1822, "reachable": False,
            "ready": False, "readiness": None, "status": None, "restorations": None}
    assert describe(down) == "lh-server-101 (instance 101) at 10.0.0.1:1822: its health port did not answer"
    restoring = dict(reading("lh-server-201", core="REBALANCING", restorations=2), instance_id=201, host="10.0.0.2",
                     health_port=1822, reachable=True)
    assert describe(restoring) == ("lh-server-201 (instance 201) at 10.0.0.2:1822 (readiness 200, core REBALANCING, "
                                   "2 restorations)")
    message = failure_message([down], {}, 10, True, "lh-server-201")
    assert message.splitlines()[1] == ("lh-server-101 (instance 101) at 10.0.0.1:1822: its health port did not "
                                       "answer; /status: no answer")


def test_the_timeout_message_names_the_servers_short_of_the_gate():
    stuck = [reading("lh-server-2", core="REBALANCING")]
    assert failure_message(stuck, {}, 90, True, "lh-server-1").startswith(
        "servers not caught up (ready, core RUNNING, no restorations) after 90s (before lh-server-1 goes down)")
    assert failure_message(stuck, {}, 90, False).startswith("servers not ready after 90s; the run stops here")
