# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The host look's containers by state: what the roles start together and what they restart one at a time."""
from ansible_collections.littlehorse.cluster.plugins.filter.host_look import FilterModule
from ansible_collections.littlehorse.cluster.plugins.module_utils._host_info import (
    container_states, summarise_container)


def inspected(name, running, status):
    return {"Name": "/" + name, "Id": name + "-id", "State": {"Running": running, "Status": status},
            "Config": {"Env": [], "Labels": {}}, "Mounts": []}


def test_the_filter_is_registered():
    assert FilterModule().filters()["container_states"] is container_states


def test_each_planned_container_is_missing_down_or_running_as_the_look_saw_it():
    look = {"containers": [summarise_container(inspected("lh-server-1", True, "running")),
                           summarise_container(inspected("lh-server-2", False, "exited")),
                           summarise_container(inspected("lh-server-3", False, "created"))]}
    names = ["lh-server-3", "lh-server-1", "lh-server-4", "lh-server-2"]
    assert container_states(look, names) == {"looked": True, "missing": ["lh-server-4"],
                                             "down": ["lh-server-3", "lh-server-2"], "running": ["lh-server-1"]}


def test_a_host_whose_engine_restarted_has_every_container_down():
    look = {"containers": [summarise_container(inspected(n, False, "exited")) for n in ("lh-kafka-1", "lh-server-1")]}
    assert container_states(look, ["lh-kafka-1", "lh-server-1"])["down"] == ["lh-kafka-1", "lh-server-1"]
    assert container_states(look, ["lh-kafka-1", "lh-server-1"])["running"] == []


def test_without_a_look_nothing_is_taken_for_down():
    for look in (None, {}, {"failed": True}, ""):
        assert container_states(look, ["a", "b"]) == {"looked": False, "missing": [], "down": [], "running": ["a", "b"]}
