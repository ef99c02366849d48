# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A module that talks to a remote engine (docker_host) waits through the published ports.

The engine is that of the first of the remote-engine tests' simulated hosts (conftest.simulated_hosts:
tests/hosts/up.sh 7-8, each its own network namespace and dockerd, no images
until lh_image_archive loads the Kafka image from the test bed's archive);
the module runs here, in the machine's namespace, where that engine's container addresses are
not reachable. The wait must go to the port the container publishes on the host's address
(wait_host), as the roles do when littlehorse_docker_host is set. The other way, the module on
the host over SSH probing the container's own address, is what every Molecule scenario does.
"""

import docker as docker_sdk
import pytest

from conftest import KAFKA_IMAGE, PREFIX, run_module

NAME = PREFIX + "-remote-kafka"


@pytest.fixture(scope="module")
def simulated_host(simulated_hosts):
    name, host = sorted(simulated_hosts["hosts"].items())[0]
    engine = docker_sdk.DockerClient(base_url=host["docker_host"])
    # The simulated host starts without images: the Kafka image comes from the test bed's archives (up.sh),
    # loaded through the same engine from here, as the preflight does with littlehorse_docker_host.
    loaded = run_module("lh_image_archive", dict(host=name, docker_host=host["docker_host"],
                                                 archives=simulated_hosts["archives"],
                                                 images=[dict(image=KAFKA_IMAGE, variable="kafka_image")]))
    assert not loaded.get("failed") and loaded["images"][0]["available"], loaded
    yield host["address"], host["docker_host"], engine
    for container in engine.containers.list(all=True, filters={"name": "^%s-" % PREFIX}):
        container.remove(force=True)
    for volume in engine.volumes.list(filters={"name": PREFIX + "-"}):
        volume.remove()


def test_wait_on_a_remote_engine_goes_through_the_published_port(simulated_host):
    address, engine_url, engine = simulated_host
    args = dict(name=NAME, image=KAFKA_IMAGE, docker_host=engine_url, node_id=1, cluster_id="cmVtb3RlZW5naW5ldGVzdA",
                listeners=[{"name": "PLAINTEXT", "port": 9092, "advertised_host": address, "advertised_port": 39092},
                           {"name": "CONTROLLER", "port": 9093}],
                controller_quorum_voters=[{"node_id": 1, "host": "localhost", "port": 9093}],
                published_ports=["%s:39092:9092" % address], offsets_topic_replication_factor=1,
                transaction_state_log_replication_factor=1, transaction_state_log_min_isr=1,
                volume=NAME + "-data", heap="256m", stop_timeout=10, wait=True, wait_timeout=90, wait_host=address)
    real = run_module("lh_kafka_node", args)
    assert real["changed"] and real["container"]["status"] == "running"
    assert engine.containers.get(NAME).attrs["State"]["Running"]
    assert run_module("lh_kafka_node", args)["changed"] is False

    not_published = run_module("lh_kafka_node", dict(args, published_ports=[]), expect_failure=True)
    assert "does not publish its port 9092" in not_published["msg"]
