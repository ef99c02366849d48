# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gate a re-created Kafka node passes before a rolling change moves on: back in the quorum, nothing under-replicated."""
import pytest

from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._kafka_config import (
    in_sync_check, quorum_lag, under_replicated)
from ansible_collections.littlehorse.cluster.plugins.module_utils._container import Reconciler

from test_container import FakeClient, matching_attrs, spec

QUORUM = """SLF4J: Defaulting to no-operation (NOP) logger implementation
NodeId\tDirectoryId           \tLogEndOffset\tLag\tLastFetchTimestamp\tLastCaughtUpTimestamp\tStatus\t
1     \tAAAAAAAAAAAAAAAAAAAAAA\t993         \t0  \t1795631422822     \t1795631422822        \tLeader\t
2     \tAAAAAAAAAAAAAAAAAAAAAA\t980         \t13 \t1795631422822     \t1795631422000        \tFollower\t
"""
URP = ("Topic: lh-core-cmd\tPartition: 3\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,3\tElr: \tLastKnownElr: \n"
       "Topic: lh-core-cmd\tPartition: 7\tLeader: 3\tReplicas: 3,1,2\tIsr: 3,1\tElr: \tLastKnownElr: \n")


def test_the_lag_of_a_node_is_read_by_the_header_and_a_missing_node_is_none():
    assert quorum_lag(QUORUM, 1) == 0 and quorum_lag(QUORUM, 2) == 13 and quorum_lag(QUORUM, 3) is None
    assert quorum_lag("Error: timed out", 1) is None


def test_under_replicated_partitions_are_the_topic_lines():
    assert len(under_replicated(URP)) == 2 and under_replicated("SLF4J: noise\n") == []


def answers(*replies):
    calls = []

    def run(argv):
        calls.append(argv[argv.index("-cp") + 2])
        return replies[len(calls) - 1]
    return run, calls


def test_a_node_that_lags_is_not_caught_up_and_the_topics_are_not_asked():
    run, calls = answers((0, QUORUM))
    assert in_sync_check(2, 9092)(run) == (False, "node 2 is 13 records behind the quorum's leader")
    assert calls == ["org.apache.kafka.tools.MetadataQuorumCommand"]


def test_under_replicated_partitions_hold_the_gate_and_none_open_it():
    run, dummy = answers((0, QUORUM), (0, URP))
    ok, detail = in_sync_check(1, 9092)(run)
    assert not ok and detail.startswith("2 under-replicated partitions, e.g. Topic: lh-core-cmd Partition: 3")
    run, dummy = answers((0, QUORUM), (0, "SLF4J: noise\n"))
    assert in_sync_check(1, 9092)(run) == (True, "in the quorum, no under-replicated partitions")
    run, dummy = answers((1, "Error: timed out waiting for a node\n"))
    assert in_sync_check(1, 9092)(run) == (False, "describing the quorum failed: Error: timed out waiting for a node")


def test_an_image_without_kafka_tools_fails_at_once_naming_the_fix():
    run, dummy = answers((1, "Error: Could not find or load main class org.apache.kafka.tools.MetadataQuorumCommand\n"
                             "Caused by: java.lang.ClassNotFoundException: org.apache.kafka.tools.MetadataQuorumCommand"))
    with pytest.raises(LHClusterError, match="the node's image has no Kafka tools"):
        in_sync_check(1, 9092)(run)


class Settles(object):
    def __init__(self):
        self.calls = 0

    def __call__(self, run):
        self.calls += 1
        return True, "caught up"


def test_only_an_existing_container_that_was_changed_waits_to_settle():
    settle = Settles()
    client = FakeClient(matching_attrs(spec()))
    client.api.inspect_container = lambda name: dict(matching_attrs(spec()), State={"Running": True})
    Reconciler(client).apply(spec(settle=settle), wait=True)
    assert settle.calls == 0, "unchanged: no gate"
    Reconciler(client).apply(spec(settle=settle, env={"A": "2", "SECRET": "s"}), wait=True)
    assert settle.calls == 1, "re-created: gated"


def test_a_record_or_two_behind_between_fetches_is_caught_up():
    run, calls = answers((0, QUORUM.replace("980         \t13 ", "992         \t1  ")), (0, ""))
    assert in_sync_check(2, 9092)(run) == (True, "in the quorum, no under-replicated partitions")


def test_a_created_or_recreated_container_is_set_up_before_it_settles_and_an_unchanged_one_is_not():
    order = []

    def set_up(run):
        order.append("after_start")
        return True, "set up"

    def settle(run):
        order.append("settle")
        return True, "caught up"
    client = FakeClient(matching_attrs(spec()))
    client.api.inspect_container = lambda name: dict(matching_attrs(spec()), State={"Running": True})
    Reconciler(client).apply(spec(settle=settle, after_start=set_up), wait=True)
    assert order == [], "unchanged: nothing to set up"
    Reconciler(client).apply(spec(settle=settle, after_start=set_up, env={"A": "2", "SECRET": "s"}), wait=True)
    assert order == ["after_start", "settle"]
