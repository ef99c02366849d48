# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bounded memory and logs: the sizes, the split of a server's and a Kafka node's limit, the floors, the log
options, and the limits read back from an inspected container as the engine reports them."""
import pytest

from ansible_collections.littlehorse.cluster.plugins.module_utils._container import (
    ContainerSpec, Reconciler, desired_settings, differences, running_settings)
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._limits import (
    container_memory, kafka_memory, log_options, memory_budget_problem, server_memory, size_bytes)
from ansible_collections.littlehorse.cluster.plugins.module_utils._runner import container_log_options

MIB = 1024 * 1024


@pytest.mark.parametrize("text,expected", [("768m", 768 * MIB), ("2g", 2048 * MIB), ("512K", 512 * 1024),
                                           (" 1G ", 1024 * MIB)])
def test_sizes(text, expected):
    assert size_bytes(text, "server_memory") == expected


@pytest.mark.parametrize("text", ["1 GB", "768", "lots", "0m", "1.5g", "-1g", True, None, ""])
def test_a_size_that_is_not_a_size_names_the_setting(text):
    with pytest.raises(LHClusterError) as caught:
        size_bytes(text, "server_memory")
    assert caught.value.message.startswith("server_memory: %r is not a size" % (text,))
    assert "such as 768m or 2g" in caught.value.message


def test_the_servers_split_heap_half_block_cache_a_quarter_memtables_an_eighth():
    split = server_memory("768m")
    assert (split["memory"], split["heap"], split["block_cache"], split["memtable"]) == (
        768 * MIB, 384 * MIB, 192 * MIB, 96 * MIB)
    assert (split["memory_text"], split["heap_text"], split["block_cache_text"], split["memtable_text"]) == (
        "768m", "384m", "192m", "96m")
    assert server_memory()["memory_text"] == "768m", "unset: the default"
    odd = server_memory("1001m")
    assert (odd["heap_text"], odd["block_cache_text"], odd["memtable_text"]) == ("500m", "250m", "125m"), \
        "derived sizes are whole MiB, rounded down"


def test_each_part_of_the_split_can_be_given_and_an_explicit_heap_alone_doubles_into_the_limit():
    split = server_memory("2g", heap="1g", block_cache="256m", memtable="64m")
    assert (split["heap_text"], split["block_cache"], split["memtable"]) == ("1g", 256 * MIB, 64 * MIB)
    # an inventory of before the limits, with server_heap only: its heap is kept, the limit twice it
    only_heap = server_memory(heap="512m")
    assert (only_heap["memory"], only_heap["heap_text"], only_heap["block_cache"]) == (1024 * MIB, "512m", 256 * MIB)
    assert kafka_memory(heap="1g")["memory"] == 2048 * MIB


@pytest.mark.parametrize("given,words", [
    (dict(memory="768m", heap="768m"), "server_heap: 768 MiB is not below server_memory (768 MiB)"),
    (dict(memory="768m", heap="1g"), "server_heap: 1024 MiB is not below server_memory (768 MiB)"),
    (dict(memory="1g", heap="800m"), "server_heap (800 MiB) and server_rocksdb_block_cache (256 MiB, the memtables "
                                     "included) add up to 1056 MiB, which leaves nothing of server_memory"),
    (dict(memory="1g", heap="512m", block_cache="600m"), "add up to 1112 MiB"),
    (dict(memory="1g", block_cache="64m", memtable="128m"),
     "server_rocksdb_memtable: 128 MiB is more than server_rocksdb_block_cache (64 MiB)"),
    (dict(memory="200m"), "server_memory: 200 MiB is below 256 MiB, the least a server container needs"),
    (dict(memory="1g", heap="big"), "server_heap: 'big' is not a size"),
])
def test_a_split_that_does_not_fit_is_refused_naming_the_settings_and_the_fix(given, words):
    with pytest.raises(LHClusterError) as caught:
        server_memory(**given)
    assert words in caught.value.message
    assert any(fix in caught.value.message for fix in ("lower", "raise", "give a whole number"))


def test_kafka_heap_is_half_of_its_limit_and_must_stay_below_it():
    assert kafka_memory("768m")["heap_text"] == "384m"
    with pytest.raises(LHClusterError, match="kafka_heap: 768 MiB is not below kafka_memory"):
        kafka_memory("768m", "768m")
    with pytest.raises(LHClusterError, match="kafka_memory: 128 MiB is below 256 MiB"):
        kafka_memory("128m")


def test_the_dashboard_and_the_load_balancer_have_a_limit_and_a_floor():
    assert container_memory("dashboard")["memory_text"] == "256m"
    assert container_memory("load_balancer", "64m")["memory"] == 64 * MIB
    with pytest.raises(LHClusterError, match="dashboard_memory: 32 MiB is below 64 MiB"):
        container_memory("dashboard", "32m")


def test_log_options_as_docker_keeps_them():
    assert log_options("50M", 5) == {"max-size": "50m", "max-file": "5"}
    with pytest.raises(LHClusterError, match="littlehorse_log_max_size: 'fifty' is not a size"):
        log_options("fifty", 5, ("littlehorse_log_max_size", "littlehorse_log_max_files"))
    with pytest.raises(LHClusterError, match="log_max_files: 0 is not a number of files"):
        log_options("50m", 0)
    assert container_log_options({"log_max_size": None, "log_max_files": None}) is None
    with pytest.raises(LHClusterError, match="log_max_size, log_max_files: give both"):
        container_log_options({"log_max_size": "50m", "log_max_files": None})


def test_the_budget_of_a_host():
    assert memory_budget_problem("h1", {"a": 512 * MIB, "b": 512 * MIB}, 1024 * MIB) is None
    assert memory_budget_problem("h1", {"a": 512 * MIB}, None) is None, "an engine that does not say: no check"
    message = memory_budget_problem("h1", {"b": 768 * MIB, "a": 512 * MIB}, 1024 * MIB)
    assert message.startswith("host h1: the memory limits of the containers planned here (a 512 MiB, b 768 MiB) "
                              "add up to 1280 MiB, more than the 1024 MiB its Docker engine has")


# ---- the engine: created with the limits, read back equal

def limited(**overrides):
    values = dict(name="c1", image="img:1", memory=768 * MIB, log_options={"max-size": "50m", "max-file": "5"})
    values.update(overrides)
    return ContainerSpec(**values)


def inspected(host_config):
    labels = desired_settings(limited(), "sha256:1")["labels"]
    return {"Id": "abcdef1234567890", "Name": "/c1", "Image": "sha256:1", "State": {"Running": True},
            "Config": {"Image": "img:1", "Env": [], "Labels": labels}, "HostConfig": host_config, "Mounts": [],
            "NetworkSettings": {"Networks": {}}}


def engine_host_config(**sdk_kwargs):
    """What the engine reports under HostConfig for a container created with these arguments: the Docker SDK's own
    HostConfig (the body it sends), which the engine stores and returns as it was sent."""
    docker_types = pytest.importorskip("docker.types")
    return dict(docker_types.HostConfig(version="1.45", restart_policy={"Name": "unless-stopped"}, **sdk_kwargs))


def test_limits_are_created_and_read_back_equal():
    created = []

    class Api(object):
        def create_host_config(self, **kwargs):
            created.append(kwargs)
            return {}

        def __getattr__(self, name):
            return lambda *args, **kwargs: None

    desired = desired_settings(limited(), "sha256:1")
    Reconciler(type("Client", (object,), {"api": Api()})())._create(limited(), desired)
    limits = dict((k, v) for k, v in created[0].items() if k in ("mem_limit", "memswap_limit", "log_config"))
    assert limits == {"mem_limit": 768 * MIB, "memswap_limit": 768 * MIB,
                      "log_config": {"type": "json-file", "config": {"max-size": "50m", "max-file": "5"}}}
    attrs = inspected(engine_host_config(**limits))
    assert attrs["HostConfig"]["Memory"] == attrs["HostConfig"]["MemorySwap"] == 768 * MIB
    assert differences(desired, running_settings(attrs, desired)) == {}


def test_a_container_without_limits_or_with_other_limits_differs():
    desired = desired_settings(limited(), "sha256:1")
    changed = differences(desired, running_settings(inspected({"Memory": 0, "MemorySwap": 0,
                                                               "LogConfig": {"Type": "json-file", "Config": {}}}),
                                                    desired))
    assert changed["memory"] == {"before": None, "after": 768 * MIB}
    assert changed["log"]["before"] == {"driver": "json-file", "options": {}}
    other = inspected(engine_host_config(mem_limit=512 * MIB, memswap_limit=512 * MIB,
                                         log_config={"type": "json-file", "config": {"max-size": "10m", "max-file": "5"}}))
    assert set(differences(desired, running_settings(other, desired))) == {"memory", "memory_swap", "log"}


def test_limits_not_given_are_not_compared():
    desired = desired_settings(ContainerSpec(name="c1", image="img:1"), "sha256:1")
    assert "memory" not in desired and "log" not in desired
    assert "memory" not in running_settings(inspected({"Memory": 768 * MIB}), desired)
