# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan tier of the bad-input cases (cases.py, the cases labelled PLAN or WIRING), in one process: no
ansible-playbook, no Docker engine, no image, no network (`make test-bad-input-plan`).

Each case's inventory goes through site.yml's plan-level checks in-process (inprocess.refusals: Ansible's inventory
and variable managers, plan.yml's expression through Ansible's Templar to the real littlehorse.cluster.cluster_plan,
then check.yml's include_role's, each validated against the role's own meta/argument_specs.yml as Ansible's
validate_argument_spec does), and must be refused there with the very sentences the end-to-end tier asserts (host,
setting, fix). A case of this tier that the plan and the argument specs do not refuse fails: it is proved here or it
moves to the end-to-end tier. The other way round, a case of the end-to-end tier alone must pass here: were the plan
or an argument spec to refuse it, it would belong to this tier, the lowest that proves it.

Every connection (and name lookup) is refused for the session: the tier proves it needs no engine and no network.
"""
import os
import socket

import pytest

from cases import (BUILD, E2E, FOREIGN, HOME_ADDRESS, UNREACHABLE_ADDRESS, CASES, baseline, fill, multi, tier_cases,
                   write_inventory)
from inprocess import Passed, Refusal, refusals


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any connect (TCP, UDP, a unix socket such as the Docker engine's) or name lookup fails the test."""
    def refused(*args, **kwargs):
        raise AssertionError("the plan tier made a connection or a name lookup: %r %r" % (args, kwargs))
    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, refused)
    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "create_connection"):
        monkeypatch.setattr(socket, name, refused)


class _FakeEngines(object):
    """Stands in for conftest's `fakes` when an end-to-end case's inventory is only built: it names a socket, and
    starts nothing (nothing here dials it)."""

    def __init__(self, folder):
        self.folder = folder

    def start(self, name, **options):
        return type("FakeEngineName", (), {"url": "unix://%s/fake-%s.sock" % (self.folder, name)})


def context(tmp_path, uses=()):
    """The case's ctx, as the end-to-end test makes it (the machine's name is read without a lookup); the fixtures of
    `uses` by stand-ins that make nothing (only end-to-end cases use fixtures)."""
    ctx = {"inventory": str(tmp_path / "hosts.yml"), "machine": os.uname()[1], "build": BUILD}
    stand_ins = {"testnet": {"home": HOME_ADDRESS, "unreachable": UNREACHABLE_ADDRESS},
                 "fakes": _FakeEngines(str(tmp_path)), "nosdk_python": "/nonexistent/venv-nosdk/bin/python",
                 "oldsdk_python": "/nonexistent/venv-sdk-6.1.3/bin/python", "held_port": 35043,
                 "held_dashboard_port": 35080, "foreign_container": FOREIGN, "docker_root": "/var/lib/docker"}
    for name in uses:
        ctx[name] = stand_ins[name]
    return ctx


def built(case, tmp_path):
    ctx = context(tmp_path, case.uses)
    inventory = case.build(ctx)
    write_inventory(inventory, ctx["inventory"])
    return ctx, inventory


@pytest.mark.parametrize("case", tier_cases("plan"), ids=lambda case: case.name)
def test_the_plan_or_an_argument_spec_refuses_it_in_process_naming_host_setting_and_fix(case, tmp_path):
    ctx, inventory = built(case, tmp_path)
    outcome = refusals(ctx["inventory"])
    assert isinstance(outcome, Refusal), (
        "%s is a case of the plan tier, but the plan filter and the argument specs accepted it in-process (%s): "
        "prove it here or move it to the end-to-end tier\n\ninventory:\n%s" % (case.name, outcome, inventory.render()))
    missing = [fill(sentence, ctx) for sentence in case.expect
               if not any(fill(sentence, ctx) in message for message in outcome.messages)]
    assert not missing, "%s: refused by the %s, but no message says:\n%s\n\nmessages:\n%s\n\ninventory:\n%s" % (
        case.name, outcome.step, "\n".join(missing), "\n".join(outcome.messages), inventory.render())


@pytest.mark.parametrize("case", [case for case in CASES if case.tier == E2E], ids=lambda case: case.name)
def test_a_case_of_the_end_to_end_tier_alone_passes_the_plan_tier(case, tmp_path):
    """Its refusal needs the host look, the cluster, the modules or a Jinja assert: the plan and the specs accept it."""
    ctx, inventory = built(case, tmp_path)
    outcome = refusals(ctx["inventory"])
    assert isinstance(outcome, Passed), (
        "%s is a case of the end-to-end tier, but the %s refuses it in-process: label it PLAN (or WIRING), the lowest "
        "tier that proves it\nmessages:\n%s" % (case.name, outcome.step, "\n".join(outcome.messages)))


@pytest.mark.parametrize("name,inventory", [("baseline", baseline), ("three hosts", multi)])
def test_good_inventories_pass_every_step_of_the_plan_tier(name, inventory, tmp_path):
    """The control: the baseline (the running cluster's inventory) and a three-host cluster pass the plan filter and
    every argument spec that check.yml's play validates on their hosts, so a refusal above is the case's own."""
    path = write_inventory(inventory(), str(tmp_path / "hosts.yml"))
    outcome = refusals(path)
    assert isinstance(outcome, Passed), "%s: %s" % (name, outcome)
    assert outcome.plan["servers"] and outcome.plan["cluster"]["prefix"] == "lhbad", outcome.plan
    validated = [step.split(" (")[0] for step in outcome.steps[1:]]
    assert outcome.steps[0] == "plan filter" and validated == [
        "argument spec kafka:preflight", "argument spec server:preflight", "argument spec client_config:preflight"] + (
        ["argument spec pki:preflight"] if outcome.plan["tls"]["enabled"] else []) + [
        "argument spec preflight:main"], outcome.steps
    assert outcome.plan["tls"]["enabled"] is (name == "three hosts"), "internal mTLS across hosts: the pki settings"


def test_inventories_local_passes_with_the_roles_default_images():
    """The embedded default names no image: the roles' defaults (the published images, pinned) pass the plan and every
    argument spec, the dashboard's too, with no warning."""
    outcome = refusals(os.path.join(BUILD, "..", "..", "inventories", "local", "hosts.yml"))
    assert isinstance(outcome, Passed), outcome
    assert outcome.plan["warnings"] == [] and outcome.plan["dashboard"]["container"] == "lh-dashboard"
    assert "argument spec dashboard:preflight" in [step.split(" (")[0] for step in outcome.steps], outcome.steps
