# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Several containers in one module run (`instances`) and leaving existing ones for later (`change_existing`)."""
import pytest

from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._runner import (
    container_argument_spec, instances_outcome, is_within, item_params, reconcile)

from test_container import FakeClient, matching_attrs, spec

SPEC = dict(container_argument_spec(), port=dict(type="int"), mode=dict(type="str", choices=["a", "b"]))


def top(**given):
    params = dict((name, option.get("default")) for name, option in SPEC.items())
    params.update(given)
    return params


def test_without_instances_the_top_level_options_are_the_one_container():
    params = top(name="c1", port=1)
    assert item_params(SPEC, params) == [("", params)]


def test_each_item_overrides_the_top_level_options_and_is_converted_by_the_spec():
    items = item_params(SPEC, top(image="img:1", port=7, docker_host="unix:///x.sock",
                                  instances=[{"name": "c1"}, {"name": "c2", "port": "8", "mode": None}]))
    assert [label for label, dummy in items] == ["instances[0] (c1)", "instances[1] (c2)"]
    first, second = items[0][1], items[1][1]
    assert (first["name"], first["image"], first["port"]) == ("c1", "img:1", 7)
    assert (second["name"], second["port"], second["mode"]) == ("c2", 8, None)
    assert first["docker_host"] == second["docker_host"] == "unix:///x.sock"
    assert "instances" not in first and "change_existing" not in first


@pytest.mark.parametrize("instances,message", [
    ([{"name": "c1", "port": "eight"}], r"instances\[0\] \(c1\): .*port"),
    ([{"name": "c1", "mode": "z"}], r"instances\[0\] \(c1\): value of mode must be one of: a, b, got: z"),
    ([{"name": "c1", "surprise": 1}], r"instances\[0\] \(c1\): .*surprise"),
    ([{"name": "c1", "docker_host": "tcp://h:2375"}], r"instances\[0\] \(c1\): docker_host hold for the whole run"),
    ([{"name": "c1"}, {"name": "c1"}], r"instances: the container name c1 is given more than once"),
])
def test_a_bad_item_is_named_before_anything_runs(instances, message):
    with pytest.raises(LHClusterError, match=message):
        item_params(SPEC, top(image="img:1", instances=instances))


def run(client, desired, change_existing):
    return reconcile(client, top(name="c1", state="started"), desired, {}, check_mode=False,
                     change_existing=change_existing)[0]


def test_an_existing_container_that_differs_is_left_pending_and_untouched():
    client = FakeClient(matching_attrs(spec()))
    result = run(client, spec(env={"A": "2", "SECRET": "s"}), change_existing=False)
    assert result["pending"] and not result["changed"] and result["actions"] == ["recreate", "start"]
    assert client.api.calls == []


def test_an_existing_container_that_differs_changes_when_existing_ones_may_change():
    client = FakeClient(matching_attrs(spec()))
    result = run(client, spec(env={"A": "2", "SECRET": "s"}), change_existing=True)
    assert result["changed"] and not result["pending"] and "create_container" in client.api.calls


def test_a_missing_container_is_created_even_when_existing_ones_must_not_change():
    client = FakeClient(None)
    result = run(client, spec(), change_existing=False)
    assert result["changed"] and not result["pending"] and "create_container" in client.api.calls


def test_an_unchanged_container_is_neither_changed_nor_pending():
    result = run(FakeClient(matching_attrs(spec())), spec(), change_existing=False)
    assert not result["changed"] and not result["pending"]


@pytest.mark.parametrize("change_existing", [False, True])
def test_with_wait_a_matching_running_container_is_waited_for_in_both_modes(change_existing):
    # site.yml starts Kafka and the servers together: a later run of the same nodes waits for those an earlier one
    # started without waiting
    probed = []
    desired = spec(health=lambda address: probed.append(address) or (True, "ok"))
    result = reconcile(FakeClient(matching_attrs(spec())), top(name="c1", state="started", wait=True), desired, {},
                       check_mode=False, change_existing=change_existing)[0]
    assert not result["changed"] and not result["pending"] and len(probed) == 1


def test_with_wait_a_running_container_left_pending_is_not_waited_for():
    probed = []
    desired = spec(env={"A": "2", "SECRET": "s"}, health=lambda address: probed.append(address) or (True, "ok"))
    result = reconcile(FakeClient(matching_attrs(spec())), top(name="c1", state="started", wait=True), desired, {},
                       check_mode=False, change_existing=False)[0]
    assert result["pending"] and probed == []


def stopped(attrs):
    attrs["State"] = {"Running": False, "Status": "exited", "ExitCode": 137}
    return attrs


def test_a_stopped_container_is_started_at_once_even_when_existing_ones_must_not_change():
    # killed (SIGKILL) or stopped by an engine restart, settings unchanged: started now, not left to a rolling play
    client = FakeClient(stopped(matching_attrs(spec())))
    result = run(client, spec(), change_existing=False)
    assert result["changed"] and not result["pending"] and result["actions"] == ["start"]
    assert client.api.calls == ["start"]


def test_a_stopped_container_that_differs_is_re_created_and_started_at_once():
    client = FakeClient(stopped(matching_attrs(spec())))
    result = run(client, spec(env={"A": "2", "SECRET": "s"}), change_existing=False)
    assert result["changed"] and not result["pending"] and result["actions"] == ["recreate", "start"]
    assert "create_container" in client.api.calls and "start" in client.api.calls


def test_a_created_container_that_never_ran_is_started_too():
    attrs = matching_attrs(spec())
    attrs["State"] = {"Running": False, "Status": "created"}
    result = run(FakeClient(attrs), spec(), change_existing=False)
    assert result["changed"] and not result["pending"] and result["actions"] == ["start"]


def test_a_running_container_that_differs_stays_pending_while_a_stopped_one_of_the_run_starts():
    running, down = FakeClient(matching_attrs(spec())), FakeClient(stopped(matching_attrs(spec())))
    assert run(running, spec(env={"A": "2", "SECRET": "s"}), change_existing=False)["pending"]
    assert not run(down, spec(env={"A": "2", "SECRET": "s"}), change_existing=False)["pending"]
    assert running.api.calls == []


@pytest.mark.parametrize("limits", [dict(memory=768 * 1024 * 1024), dict(log_options={"max-size": "50m", "max-file": "5"})])
def test_a_running_container_from_before_the_limits_is_left_for_the_one_at_a_time_play(limits):
    # An upgrade of the collection: the running container has no memory or log limit, the new spec has them. The run
    # over every host at once leaves it pending (site.yml's serial play then re-creates it behind the gates).
    client = FakeClient(matching_attrs(spec()))
    result = run(client, spec(**limits), change_existing=False)
    assert result["pending"] and not result["changed"] and result["actions"] == ["recreate", "start"]
    assert client.api.calls == []


def test_files_hold_for_the_whole_run_not_per_item():
    with pytest.raises(LHClusterError, match=r"instances\[0\] \(c1\): files hold for the whole run"):
        item_params(SPEC, top(image="img:1", instances=[{"name": "c1", "files": []}]))


def test_a_file_is_the_containers_when_it_mounts_the_file_or_its_folder():
    assert is_within("/etc/lh/c1/tls/server.crt", "/etc/lh/c1/tls/server.crt")
    assert is_within("/etc/lh/c1/tls/server.crt", "/etc/lh/c1/tls/")
    assert not is_within("/etc/lh/c1-other/x", "/etc/lh/c1")


def test_a_run_of_several_names_those_it_left_pending_and_those_it_changed():
    results = [{"changed": False, "pending": True}, {"changed": True, "pending": False},
               {"changed": False, "pending": False}, {"changed": True, "pending": False}]
    outcome = instances_outcome(["c1", "c2", "c3", "c4"], results, [])
    assert outcome == {"changed": True, "instances": results, "pending": ["c1"], "changed_containers": ["c2", "c4"]}
    # a host file written changes the run, not a container that was left as it is
    unchanged = [{"changed": False, "pending": False}]
    assert instances_outcome(["c1"], unchanged, ["/etc/x"])["changed"]
    assert instances_outcome(["c1"], unchanged, ["/etc/x"])["changed_containers"] == []
