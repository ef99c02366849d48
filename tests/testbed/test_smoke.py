# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Smoke test of the test bed on plain docker (no Ansible): one Kafka, one LittleHorse
server, health endpoints, and a real workflow run with the Python client.

Everything it makes is named lhsmoke-*; it starts by removing what an earlier run may
have left and removes it all again at the end.
"""
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from lhtest.testbed import image, server_java_opts
from lhtest.workflow import Worker, client_config, register, run_workflows

KAFKA_IMAGE = image("kafka_image")
SERVER_IMAGE = image("server_image")
PREFIX = "lhsmoke"
NETWORK = PREFIX + "-net"
API_PORT = 42023
HEALTH_PORT = 41822
KRAFT_CLUSTER_ID = "bGhzbW9rZWNsdXN0ZXIwMQ"


def docker(*args, check=True):
    return subprocess.run(("docker",) + args, check=check, capture_output=True, text=True).stdout.strip()


def remove_leftovers():
    for container in docker("ps", "-aq", "--filter", "name=^%s-" % PREFIX).split():
        docker("rm", "-f", "-v", container)
    for volume in docker("volume", "ls", "-q", "--filter", "name=^%s-" % PREFIX).split():
        docker("volume", "rm", volume)
    docker("network", "rm", NETWORK, check=False)


def http_status(url):
    try:
        with urllib.request.urlopen(url, timeout=3) as reply:
            return reply.status
    except urllib.error.HTTPError as err:
        return err.code
    except OSError:
        return None


def wait_for(url, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if http_status(url) == 200:
            return
        time.sleep(0.5)
    raise AssertionError("%s did not answer 200 within %ss" % (url, timeout))


@pytest.fixture(scope="module")
def cluster():
    remove_leftovers()
    docker("network", "create", NETWORK)
    docker("run", "-d", "--name", PREFIX + "-kafka", "--network", NETWORK,
           "-v", PREFIX + "-kafka-data:/var/lib/kafka/data",
           "-e", "CLUSTER_ID=" + KRAFT_CLUSTER_ID,
           "-e", "KAFKA_NODE_ID=1", "-e", "KAFKA_PROCESS_ROLES=broker,controller",
           "-e", "KAFKA_LISTENERS=PLAINTEXT://:9092,CONTROLLER://:9093",
           "-e", "KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://%s-kafka:9092" % PREFIX,
           "-e", "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
           "-e", "KAFKA_CONTROLLER_QUORUM_VOTERS=1@%s-kafka:9093" % PREFIX,
           "-e", "KAFKA_LOG_DIRS=/var/lib/kafka/data",
           "-e", "KAFKA_HEAP_OPTS=-Xmx384m -Xms384m",
           KAFKA_IMAGE)
    docker("run", "-d", "--name", PREFIX + "-server", "--network", NETWORK,
           "-p", "127.0.0.1:%d:2023" % API_PORT, "-p", "127.0.0.1:%d:1822" % HEALTH_PORT,
           "-v", PREFIX + "-server-data:/lh-data",
           "-e", "LHS_KAFKA_BOOTSTRAP_SERVERS=%s-kafka:9092" % PREFIX,
           "-e", "LHS_CLUSTER_ID=smoke", "-e", "LHS_INSTANCE_ID=1",
           "-e", "LHS_CLUSTER_PARTITIONS=6",
           "-e", "LHS_ADVERTISED_LISTENERS=PLAIN://127.0.0.1:%d" % API_PORT,
           "-e", "LHS_INTERNAL_ADVERTISED_HOST=%s-server" % PREFIX,
           "-e", "JAVA_OPTS=-Xmx512m -Xms512m " + server_java_opts(),
           SERVER_IMAGE)
    try:
        yield client_config("127.0.0.1", API_PORT)
    finally:
        for name in ("server", "kafka"):
            print("--- last log lines of %s-%s" % (PREFIX, name))
            print(subprocess.run(["docker", "logs", "--tail", "5", "%s-%s" % (PREFIX, name)],
                                 capture_output=True, text=True, check=False).stdout)
        remove_leftovers()


def test_health_endpoints_answer(cluster):
    wait_for("http://127.0.0.1:%d/readiness" % HEALTH_PORT)
    assert http_status("http://127.0.0.1:%d/liveness" % HEALTH_PORT) == 200


def test_kafka_keeps_its_logs_on_the_volume(cluster):
    listing = docker("exec", PREFIX + "-kafka", "ls", "/var/lib/kafka/data")
    assert "meta.properties" in listing.split()


def test_a_workflow_run_completes(cluster):
    wait_for("http://127.0.0.1:%d/readiness" % HEALTH_PORT)
    register(cluster, "smoke-greet", "smoke-wf")
    with Worker(cluster, "smoke-greet") as worker:
        assert worker.wait_assigned(1) == ["127.0.0.1:%d" % API_PORT]
        ids = run_workflows(cluster, "smoke-wf", 3)
    assert len(ids) == 3
