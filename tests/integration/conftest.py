# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the collection's modules for real, through ansible-playbook, on the local engine.

Everything the tests make is named lhit-*; leftovers of an earlier run are removed at the
start of the session and everything is removed again at its end.
"""
import json
import os
import subprocess
import sys
import tempfile

import pytest
import yaml
from lhtest.testbed import image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The remote-engine test runs under a prefix of its own (LHIT_PREFIX) beside the others in make test.
PREFIX = os.environ.get("LHIT_PREFIX", "lhit")
KAFKA_IMAGE = image("kafka_image")
SERVER_IMAGE = image("server_image")
DASHBOARD_DOUBLE_IMAGE = image("dashboard_image")


def docker(*args, check=True):
    return subprocess.run(("docker",) + args, check=check, capture_output=True, text=True).stdout.strip()


def remove_leftovers():
    for container in docker("ps", "-aq", "--filter", "name=^%s-" % PREFIX).split():
        docker("rm", "-f", container)
    for volume in docker("volume", "ls", "-q", "--filter", "name=^%s-" % PREFIX).split():
        docker("volume", "rm", volume)
    for network in docker("network", "ls", "-q", "--filter", "name=^%s-" % PREFIX).split():
        docker("network", "rm", network, check=False)


def run_steps(module, steps):
    """Run littlehorse.cluster.<module> once per (args, check) step, in that order, as the tasks of
    one ansible-playbook run with --diff (a task in check mode where check is true); return the
    results. One run for all the steps: the playbook's start costs more than most module calls."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "results.json")
        tasks = [{"name": "step %d" % number, "littlehorse.cluster." + module: args, "register": "step%d" % number,
                  "check_mode": bool(check), "ignore_errors": True}
                 for number, (args, check) in enumerate(steps)]
        every = "[%s]" % ", ".join("step%d" % number for number in range(len(steps)))
        tasks.append({"name": "save", "ansible.builtin.copy": {"content": "{{ %s | to_json }}" % every, "dest": out},
                      "check_mode": False})
        playbook = [{"hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": tasks}]
        path = os.path.join(tmp, "play.yml")
        with open(path, "w") as handle:
            yaml.safe_dump(playbook, handle)
        command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,",
                   "-e", "ansible_python_interpreter=%s" % sys.executable, "--diff", path]
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, "build", "collections"),
                   ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_INVENTORY="localhost,")
        proc = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if not os.path.exists(out):
            raise AssertionError("ansible-playbook failed:\n%s\n%s" % (proc.stdout[-3000:], proc.stderr[-3000:]))
        with open(out) as handle:
            return json.load(handle)


def run_module(module, args, check=False, expect_failure=False):
    """Run littlehorse.cluster.<module> once with --diff; return its result."""
    result = run_steps(module, [(args, check)])[0]
    if expect_failure:
        assert result.get("failed"), "expected %s to fail, it returned %s" % (module, result)
    elif result.get("failed"):
        raise AssertionError("%s failed: %s" % (module, result.get("msg")))
    return result


def four_times(module, args, expect_change=True):
    """check, real, idempotent, idempotent-check (one playbook run); returns the check and real results."""
    checked, real, again, again_checked = run_steps(module, [(args, True), (args, False), (args, False), (args, True)])
    for name, result in (("check", checked), ("real", real), ("second", again), ("second check", again_checked)):
        assert not result.get("failed"), "%s run of %s failed: %s" % (name, module, result.get("msg"))
    assert checked["changed"] is expect_change, checked
    assert real["changed"] is expect_change, real
    assert real["actions"] == checked["actions"] or not expect_change
    assert again["changed"] is False, "second run changed: %s" % again.get("diff")
    assert again["actions"] == []
    assert again_checked["changed"] is False, again_checked
    return checked, real


# The remote-engine tests' own simulated hosts (tests/hosts/up.sh 7-8): other scenarios use other numbers and
# run beside them in tests/run-all.sh.
SIMULATED_RANGE = (7, 8)
SIMULATED_STATE = "/var/lib/lhsim"


@pytest.fixture(scope="session")
def simulated_hosts():
    """The remote-engine tests' simulated hosts: {"hosts": {name: {"address", "docker_host", "number"}}, "archives",
    "inventory"}. Brought up when they are not, and then torn down again at the session's end (only their range)."""
    first, last = SIMULATED_RANGE
    span = "%d-%d" % SIMULATED_RANGE
    were_up = all(os.path.isdir(os.path.join(SIMULATED_STATE, "host%d" % n)) for n in range(first, last + 1))
    subprocess.run([os.path.join(ROOT, "tests", "hosts", "up.sh"), span], check=True, capture_output=True)
    range_dir = os.path.join(SIMULATED_STATE, "range-" + span)
    names = ["lhsim%d" % n for n in range(first, last + 1)]
    out = subprocess.run(["bash", "-c", ". %s/env.sh && echo $LHSIM_IMAGE_ARCHIVES && echo %s" % (range_dir, " ".join(
        "$LHSIM%d_ADDRESS $LHSIM%d_DOCKER_HOST" % (n, n) for n in range(first, last + 1)))],
        check=True, capture_output=True, text=True).stdout.splitlines()
    pairs = out[1].split()
    hosts = dict((name, {"address": pairs[2 * i], "docker_host": pairs[2 * i + 1], "number": first + i})
                 for i, name in enumerate(names))
    try:
        yield {"hosts": hosts, "archives": out[0].split(), "inventory": os.path.join(range_dir, "inventory.yml")}
    finally:
        if not were_up:
            subprocess.run([os.path.join(ROOT, "tests", "hosts", "down.sh"), span], check=False, capture_output=True)


@pytest.fixture(scope="session", autouse=True)
def clean_engine():
    remove_leftovers()
    yield
    remove_leftovers()
