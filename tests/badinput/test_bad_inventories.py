# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The end-to-end tier of the bad-input cases (cases.py, the cases labelled E2E or WIRING): each one runs the real
site.yml against the running baseline (conftest.py) and must fail, say what the code says for it (host, setting,
fix), and change nothing.

These are the cases that need the host look (lh_host_info), the running cluster, the modules or a Jinja assert of a
playbook or role, and one wiring case per kind of plan-level refusal; the plan filter's and the argument specs'
other refusals are proved in-process by the plan tier (test_plan_tier.py).

A few cases talk to fake engines (conftest.FakeEngine: the preflight's reads answered, every change refused
and recorded): an engine older than the minimum, which no real engine here is, and cases whose run would go on
to the roles if the code did not refuse them (or a case still marked pending, xfail 'pending: ...'). The test
then also asserts that the fake engines saw no change.
"""
import socket

import pytest

from cases import (BASELINE_CONTAINERS, BASELINE_HOST, BUILD, IDLE_IMAGE, baseline, fake_host, fill, tier_cases,
                   write_inventory)
from conftest import run_playbook, snapshot, snapshot_difference


def _params():
    for case in tier_cases("e2e"):
        marks = [pytest.mark.xfail(reason="pending: " + case.pending, strict=False)] if case.pending else []
        yield pytest.param(case, id=case.name, marks=marks)


@pytest.mark.parametrize("case", list(_params()))
def test_bad_input_fails_naming_host_setting_and_fix_and_changes_nothing(case, baseline_cluster, engine, request,
                                                                         tmp_path):
    ctx = {"inventory": str(tmp_path / "hosts.yml"), "machine": socket.gethostname(), "build": BUILD}
    for name in case.uses:
        ctx[name] = request.getfixturevalue(name)
    inventory = case.build(ctx)
    write_inventory(inventory, ctx["inventory"])

    before = snapshot(engine)
    for name in BASELINE_CONTAINERS:
        assert before["containers"].get(name, {}).get("status") == "running", \
            "the baseline is not running, the case would prove nothing: %s" % before
    run = run_playbook("site.yml", ctx["inventory"])
    after = snapshot(engine)

    problems = []
    if run.returncode == 0:
        problems.append("(a) site.yml succeeded; it must fail")
    messages = run.messages()
    for sentence in case.expect:
        sentence = fill(sentence, ctx)
        if not any(sentence in message for message in messages):
            problems.append("(b) no failure message says: %s" % sentence)
    changes = snapshot_difference(before, after)
    if changes:
        problems.append("(c) the engine changed: %s" % "; ".join(changes))
    for fake in (ctx.get("fakes").engines if "fakes" in ctx else []):
        if fake.mutations:
            problems.append("(c) the run tried to change the engine %s: %s" % (fake.url, fake.mutations))
    assert not problems, "\n".join(problems) + "\n\ninventory:\n" + inventory.render() + "\n" + run.describe()


def test_the_fake_engine_sees_a_run_that_nothing_stops(baseline_cluster, fakes, tmp_path):
    """The harness itself: the baseline, unchanged but on a fake engine, passes the preflight and then tries to
    create its containers, which the fake engine records. So a pending check that does not stop a run shows."""
    inventory = fake_host({"fakes": fakes}, baseline(), BASELINE_HOST, "control")
    fake = fakes.engines[0]
    run = run_playbook("site.yml", write_inventory(inventory, str(tmp_path / "hosts.yml")))
    assert run.returncode != 0, run.describe()
    assert fake.mutations, "the fake engine saw no change:\n" + run.describe()
    assert not fake.unanswered(), fake.unanswered()


def test_the_snapshot_sees_a_change_on_the_engine(baseline_cluster, engine):
    """The harness itself: a volume and a container named lhbad*, created and started, show in the snapshots."""
    probe = "lhbad-harness-probe"
    before = snapshot(engine)
    try:
        engine.api.create_volume(probe)
        created = engine.api.create_container(IDLE_IMAGE, command=["sleep", "30"], name=probe)
        made = snapshot(engine)
        engine.api.start(created["Id"])
        started = snapshot(engine)
    finally:
        engine.api.remove_container(probe, force=True)
        engine.api.remove_volume(probe)
    assert snapshot_difference(before, made) == [
        "container %s was created: %s" % (probe, made["containers"][probe]), "volume created: %s" % probe]
    assert [line.split(":")[0] for line in snapshot_difference(made, started)] == ["container %s changed" % probe]
    assert snapshot(engine) == before
