# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Healing a host that lost several containers: site.yml alone brings them back, together.

The module deploys the local layout (one Kafka node, three servers, one engine) with the real
site.yml under a prefix and ports of its own (lhheal, 44xxx on 127.0.0.1; never 2024), then, while a
task worker runs and workflow runs are being submitted, SIGKILLs containers (`docker kill`):
- two of the three servers;
- the Kafka node together with two servers.
- every container of the host, as its engine's restart leaves them (all exited);
- one server, then playbooks/restart.yml instead of site.yml: the killed one starts first,
  then the Kafka node and the two servers that ran are restarted, each server behind the gates and one at a
  time (restart.yml's proof of one server down at a time).
Each time `site.yml` alone must succeed (a run that starts one server and waits for the other, which it
has yet to start, fails after server_wait_timeout whatever it is), start the killed
containers again (the same containers: their settings did not change), leave the server that kept
running alone, and every run that the cluster accepted must COMPLETE. Everything named lhheal* is
removed at the end, pass or fail.
"""
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

import pytest
import yaml

from conftest import KAFKA_IMAGE, ROOT, SERVER_IMAGE
from lhtest.testbed import single_engine_vars
from lhtest.workflow import Worker, client_config, register, remove

import grpc
from littlehorse.model import LHStatus, RunWfRequest, VariableValue, WfRunId

PREFIX = "lhheal"
BUILD = os.path.join(ROOT, "build", "heal")
BIN = os.path.dirname(sys.executable)
PUBLIC, INTERNAL, HEALTH, KAFKA, CONTROLLER = 44023, 44011, 44822, 44092, 44093
SERVERS = ["%s-server-%d" % (PREFIX, i) for i in (1, 2, 3)]
KAFKA_NODE = PREFIX + "-kafka-1"
HEALTH_PORTS = dict((name, HEALTH + 10 * i) for i, name in enumerate(SERVERS))
# server_wait_timeout of the healing runs. A run that starts one killed server and waits for the other, which it has
# yet to start, fails after it whatever it is (90 s showed it); 180 leaves two JVMs time to start on a loaded machine.
WAIT_TIMEOUT = 180
SESSION_TIMEOUT_MS = 20000
ACCEPTED_BEFORE = 5  # runs the cluster accepted before the kill, at least


def docker(*args, check=True):
    return subprocess.run(("docker",) + args, check=check, capture_output=True, text=True).stdout.strip()


def remove_ours():
    for container in docker("ps", "-aq", "--filter", "name=^%s-" % PREFIX).split():
        docker("rm", "-f", container, check=False)
    for volume in docker("volume", "ls", "-q", "--filter", "name=^%s-" % PREFIX).split():
        docker("volume", "rm", volume, check=False)
    for network in docker("network", "ls", "-q", "--filter", "name=^%s-" % PREFIX).split():
        docker("network", "rm", network, check=False)


def inventory():
    host = single_engine_vars(PREFIX, "bGhoZWFsa2Fma2FjbHVzdA", 3, (PUBLIC, INTERNAL, HEALTH, KAFKA, CONTROLLER),
                              (KAFKA_IMAGE, SERVER_IMAGE), BUILD)
    # a test bed value, for speed: a killed server's partitions move only once its session expires, and each test
    # waits that out; the heal does not depend on it. molecule/multi-host heals with the default (60000).
    host["server_session_timeout_ms"] = SESSION_TIMEOUT_MS
    return {"all": {"hosts": {"lhheal1": host},
                    "children": {"kafka": {"hosts": {"lhheal1": None}},
                                 "littlehorse_servers": {"hosts": {"lhheal1": None}}}}}


def site(inventory_path, *extra, timeout=900, playbook="site.yml"):
    """ansible-playbook site.yml (or another playbook); (returncode, output, seconds)."""
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"),
               ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, "build", "collections"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_FORCE_COLOR="0", PATH=BIN + os.pathsep + os.environ.get("PATH", ""), PYTHONUNBUFFERED="1")
    env.pop("ANSIBLE_INVENTORY", None)
    started = time.monotonic()
    proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), "-i", inventory_path, os.path.join(ROOT, playbook)]
                          + list(extra), cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    seconds = time.monotonic() - started
    output = proc.stdout + proc.stderr
    with open(os.path.join(BUILD, "site-%d.log" % int(time.time())), "w") as handle:
        handle.write(output)
    return proc.returncode, output, seconds


def state(name):
    info = json.loads(docker("inspect", name))[0]
    return {"id": info["Id"], "running": info["State"]["Running"], "started_at": info["State"]["StartedAt"],
            "finished_at": info["State"]["FinishedAt"]}


def engine_time(stamp):
    """The engine's RFC 3339 time (UTC, nanoseconds with trailing zeros cut) as a sortable (seconds, nanoseconds)."""
    whole, dummy, fraction = stamp.rstrip("Z").partition(".")
    return whole, int((fraction + "000000000")[:9])


def status(name):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/status" % HEALTH_PORTS[name], timeout=3) as reply:
            return json.loads(reply.read().decode("utf-8"))
    except Exception as err:  # not up yet
        return {"error": str(err)}


def wait_running(names, timeout):
    """Wait until each server's own /status (its instanceId) says core RUNNING with nothing restoring."""
    deadline = time.monotonic() + timeout
    while True:
        answers = dict((name, status(name)) for name in names)
        short = dict((name, answer) for name, answer in answers.items()
                     if answer.get("coreState") != "RUNNING" or answer.get("restorations")
                     or answer.get("instanceId") != name.rsplit("-", 1)[1])
        if not short:
            return answers
        if time.monotonic() > deadline:
            raise AssertionError("not RUNNING after %ss: %s" % (timeout, json.dumps(short)[:3000]))
        time.sleep(2)


class Submitter(object):
    """Submits workflow runs, one every 0.3 s, in a thread; keeps the ids the cluster accepted."""

    def __init__(self, config, wf_name):
        self.stub = config.stub()
        self.wf_name = wf_name
        self.accepted, self.refused = [], []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        number = 0
        while not self.stop.is_set():
            run_id = "%s-%d" % (self.wf_name, number)
            number += 1
            request = RunWfRequest(wf_spec_name=self.wf_name, id=run_id, variables={"name": VariableValue(str=run_id)})
            try:
                self.stub.RunWf(request, timeout=5)
                self.accepted.append(run_id)
            except grpc.RpcError as err:
                self.refused.append("%s: %s" % (run_id, err.code().name))
            time.sleep(0.3)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=30)


def wait_completed(config, ids, timeout):
    stub = config.stub()
    deadline = time.monotonic() + timeout
    statuses = dict((run_id, "unknown") for run_id in ids)
    while time.monotonic() < deadline:
        for run_id in [r for r, s in statuses.items() if s != "COMPLETED"]:
            try:
                statuses[run_id] = LHStatus.Name(stub.GetWfRun(WfRunId(id=run_id), timeout=10).status)
            except grpc.RpcError as err:
                statuses[run_id] = err.code().name
        if all(s == "COMPLETED" for s in statuses.values()):
            return statuses
        time.sleep(1)
    return statuses


@pytest.fixture(scope="module")
def cluster():
    os.makedirs(BUILD, exist_ok=True)
    remove_ours()
    path = os.path.join(BUILD, "inventory.yml")
    with open(path, "w") as handle:
        yaml.safe_dump(inventory(), handle, default_flow_style=False)
    try:
        code, output, seconds = site(path)
        assert code == 0, "the first deploy failed (%.0fs):\n%s" % (seconds, output[-6000:])
        print("[heal] first deploy: %.0fs" % seconds)
        wait_running(SERVERS, 300)
        yield path
    finally:
        remove_ours()


def kill_under_load(cluster_path, victims, playbook="site.yml"):
    """Runs submitted while `victims` are SIGKILLed, then site.yml (or playbook) alone; returns what the test
    checks."""
    config = client_config("127.0.0.1", PUBLIC)
    wf_name = "heal-%s" % uuid.uuid4().hex[:6]
    task_name = wf_name + "-greet"
    register(config, task_name, wf_name, timeout=120, task_retries=5)
    survivors = [s for s in SERVERS if s not in victims]
    before = dict((name, state(name)) for name in SERVERS + [KAFKA_NODE])
    down = sorted(name for name, current in before.items() if not current["running"])
    assert not down, "%s already down before the kill: an earlier test left the cluster so" % ", ".join(down)
    with Worker(client_config("127.0.0.1", PUBLIC), task_name):
        with Submitter(config, wf_name) as submitter:
            deadline = time.monotonic() + 120  # a few runs in before the kill, however loaded the machine is
            while len(submitter.accepted) < ACCEPTED_BEFORE and time.monotonic() < deadline:
                time.sleep(0.3)
            docker("kill", *victims)  # SIGKILL
            time.sleep(8)
        killed = dict((name, state(name)) for name in victims)
        assert not any(s["running"] for s in killed.values()), killed
        code, output, seconds = site(cluster_path, "-e", "server_wait_timeout=%d" % WAIT_TIMEOUT, playbook=playbook)
        print("[heal] %s killed: %s %s in %.0fs; %d runs accepted, %d refused while they died"
              % (", ".join(victims), playbook, "passed" if code == 0 else "FAILED", seconds, len(submitter.accepted),
                 len(submitter.refused)))
        assert code == 0, "%s did not heal %s (%.0fs):\n%s" % (playbook, ", ".join(victims), seconds, output[-8000:])
        after = dict((name, state(name)) for name in SERVERS + [KAFKA_NODE])
        answers = wait_running(SERVERS, 240)
        # a second worker, bootstrapped now: the first one's connections may not outlive every server going down
        with Worker(client_config("127.0.0.1", PUBLIC), task_name):
            statuses = wait_completed(config, submitter.accepted, 240)
        print("[heal] every server RUNNING again; %d of %d accepted runs COMPLETED"
              % (sum(1 for s in statuses.values() if s == "COMPLETED"), len(statuses)))
    remove(config, submitter.accepted, wf_name, task_name)
    return {"before": before, "after": after, "seconds": seconds, "output": output, "answers": answers,
            "statuses": statuses, "accepted": submitter.accepted, "survivors": survivors}


def check_healed(result, victims, survivors_untouched=True):
    before, after = result["before"], result["after"]
    for name in victims:
        # started again, not re-created: its settings did not change
        assert after[name]["running"] and after[name]["id"] == before[name]["id"], (name, before[name], after[name])
        assert after[name]["started_at"] != before[name]["started_at"], (name, after[name])
    for name in result["survivors"]:
        # never re-created; and, when only servers died, not even restarted
        assert after[name]["running"] and after[name]["id"] == before[name]["id"], (name, before[name], after[name])
        if survivors_untouched:
            assert after[name] == before[name], (name, before[name], after[name])
    # no one-at-a-time play: nothing that runs had to change, so no gate ran (nor waited on a killed container)
    for play in ("Kafka nodes that must change, one host at a time",
                 "LittleHorse servers that must change, one host at a time"):
        assert re.search(r"PLAY \[%s\] \**\nskipping: no hosts matched" % re.escape(play), result["output"]), play
    assert len(result["accepted"]) >= ACCEPTED_BEFORE, "too few runs accepted to prove anything: %s" % result["accepted"]
    short = dict((r, s) for r, s in result["statuses"].items() if s != "COMPLETED")
    assert not short, "%d of %d accepted runs did not complete: %s" % (len(short), len(result["accepted"]), short)


def test_two_killed_servers_are_started_together_by_site_yml(cluster):
    victims = SERVERS[1:]
    result = kill_under_load(cluster, victims)
    check_healed(result, victims)
    assert result["after"][KAFKA_NODE] == result["before"][KAFKA_NODE]


def test_kafka_killed_with_two_servers_is_healed_too(cluster):
    victims = [KAFKA_NODE] + SERVERS[1:]
    result = kill_under_load(cluster, victims)
    # the server that was not killed may have stopped by itself without Kafka (and been started again)
    check_healed(result, victims, survivors_untouched=False)


def test_a_host_with_every_container_down_is_healed_like_after_an_engine_restart(cluster):
    victims = [KAFKA_NODE] + SERVERS
    result = kill_under_load(cluster, victims)
    check_healed(result, victims)


def test_restart_yml_starts_the_killed_server_first_and_restarts_the_running_ones_one_at_a_time(cluster):
    # restart.yml on a host that lost a server: it starts first (restart.yml's 'new' plays), then the Kafka node and
    # the two servers that ran are restarted, each server behind the gates - which then find every server up, instead
    # of a gate waiting on the killed one - and one at a time: the second goes down only after the first is back
    # (the engine's own stop and start times). This is restart.yml's proof of one server down at a time; the upgrade
    # in molecule/multi-host is the rolling proof across hosts, under load.
    victims = SERVERS[2:]
    result = kill_under_load(cluster, victims, playbook="playbooks/restart.yml")
    before, after, output = result["before"], result["after"], result["output"]
    for name in victims:
        assert after[name]["running"] and after[name]["id"] == before[name]["id"], (name, before[name], after[name])
        assert after[name]["started_at"] != before[name]["started_at"], (name, after[name])
    restarted = SERVERS[:2]
    for name in restarted + [KAFKA_NODE]:  # restarted (the same container), once
        assert after[name]["id"] == before[name]["id"] and after[name]["started_at"] != before[name]["started_at"], name
    # each restarted server went behind both gates, and they opened with every server up
    for name in restarted:
        assert re.search(r"TASK \[littlehorse.cluster.server : The other servers are caught up before this one goes down "
                         r"- %s\] \**\nok: " % name, output), output[-6000:]
        assert re.search(r"TASK \[littlehorse.cluster.server : Every server is caught up again after %s\] \**\nok: "
                         % name, output), output[-6000:]
    # one at a time, as the engine saw it: the second stopped after the first had started again
    first, second = sorted(restarted, key=lambda name: engine_time(after[name]["finished_at"]))
    assert engine_time(after[first]["started_at"]) < engine_time(after[second]["finished_at"]), dict(
        (n, after[n]) for n in restarted)
    for name in victims:  # never restarted one at a time: started together before
        assert "caught up before this one goes down - %s]" % name not in output
    short = dict((r, s) for r, s in result["statuses"].items() if s != "COMPLETED")
    assert len(result["accepted"]) >= ACCEPTED_BEFORE and not short, (result["accepted"], short)
