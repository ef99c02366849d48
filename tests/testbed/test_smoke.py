# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Smoke test of the test bed on plain docker (no Ansible): one Kafka, one LittleHorse
server, health endpoints, and a real workflow run with the Python client; and the server
image's start contract as the published image has it (JVM defaults first, then JAVA_OPTS;
EXTRA_CLASSPATH; jemalloc preloaded).

Everything it makes is named lhsmoke-*; it starts by removing what an earlier run may
have left and removes it all again at the end.
"""
import os
import re
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from lhtest.testbed import image, server_collectors, server_java_opts_env
from lhtest.workflow import Worker, client_config, register, run_workflows

KAFKA_IMAGE = image("kafka_image")
# LH_SERVER_IMAGE: another build of the server image to prove, e.g. one under a namespace of one's own
SERVER_IMAGE = os.environ.get("LH_SERVER_IMAGE") or image("server_image")
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
           "-e", "JAVA_OPTS=" + server_java_opts_env("512m"),
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


# ---- the server image's start contract (tests/images/README.md): no Kafka needed

def test_a_second_collector_in_java_opts_is_refused_as_by_the_published_image():
    """The start script gives -XX:+UseZGC before JAVA_OPTS, always: a collector there makes two, and the JVM
    refuses to start, as it does on the published image."""
    run = subprocess.run(["docker", "run", "--rm", "--name", PREFIX + "-twogc", "-e", "JAVA_OPTS=-XX:+UseSerialGC",
                          SERVER_IMAGE], capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode != 0
    assert "Multiple garbage collectors selected" in run.stdout + run.stderr


@pytest.mark.parametrize("gc", sorted(server_collectors()))
def test_every_collector_server_gc_offers_starts_the_jvm_after_the_defaults(gc):
    """What lh_server renders for each server_gc choice, through /lh/bin/server: the JVM takes it after the image's
    -XX:+UseZGC and runs that collector (-version stops it before the main class)."""
    flags = server_collectors()[gc]
    run = subprocess.run(["docker", "run", "--rm", "--name", "%s-gc-%s" % (PREFIX, gc), "-e",
                          "JAVA_OPTS=%s -Xlog:gc:stdout -version" % flags, SERVER_IMAGE],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    expected = {"zgc": "The Z Garbage Collector", "g1": "G1", "parallel": "Parallel", "serial": "Serial",
                "shenandoah": "Shenandoah"}[gc]
    assert re.search(r"\[gc\s*\] Using %s\b" % expected, run.stdout), run.stdout


def logs(container):
    return subprocess.run(["docker", "logs", container], capture_output=True, text=True, check=False)


def wait_for_log(container, pattern, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = logs(container)
        if re.search(pattern, out.stdout + out.stderr):
            return
        time.sleep(0.5)
    out = logs(container)
    raise AssertionError("%s never logged %r; its output:\n%s%s"
                         % (container, pattern, out.stdout[-2000:], out.stderr[-2000:]))


@pytest.fixture()
def lone_server():
    """A server with no Kafka (none on its network), started through the image's entrypoint and /lh/bin/server with
    another collector after the defaults (as lh_server renders server_gc: serial), GC logging, and EXTRA_CLASSPATH."""
    name = PREFIX + "-lone"
    docker("rm", "-f", name, check=False)
    docker("run", "-d", "--name", name, "--network", "none", "-e", "EXTRA_CLASSPATH=/lhsmoke-extra/a.jar",
           "-e", "JAVA_OPTS=-XX:-UseZGC -XX:+UseSerialGC -Xlog:gc:stdout -Xmx128m",
           "-e", "LHS_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9", SERVER_IMAGE)
    try:
        yield name
    finally:
        docker("rm", "-f", name, check=False)


def test_another_collector_after_the_defaults_starts_the_server(lone_server):
    wait_for_log(lone_server, r"\[gc\s*\] Using Serial")  # the later flag won: the JVM runs the serial collector
    # pid 1 is java itself (the entrypoint and the start script exec), its options in Gradle's order
    argv = docker("exec", lone_server, "cat", "/proc/1/cmdline").split("\0")
    maps = docker("exec", lone_server, "cat", "/proc/1/maps")
    assert argv[0].endswith("java")
    assert argv[1:5] == ["-XX:+UseZGC", "-Dlog4j.shutdownHookEnabled=false", "-XX:-UseZGC", "-XX:+UseSerialGC"]
    class_path = argv[argv.index("-classpath") + 1].split(":")
    assert class_path[0] == "/lhsmoke-extra/a.jar" and class_path[1].startswith("/lh/lib/littlehorse-server-")
    assert argv[argv.index("-classpath") + 2] == "io.littlehorse.App"
    assert "libjemalloc.so.2" in maps, "jemalloc is mapped into the JVM (LD_PRELOAD)"
    wait_for_log(lone_server, r"io\.littlehorse")  # the App's own output: past the JVM, in the main class


def test_the_image_s_paths_user_and_environment():
    run = subprocess.run(["docker", "run", "--rm", "--name", PREFIX + "-env", "--entrypoint", "/bin/sh", SERVER_IMAGE,
                          "-c", 'echo "$LD_PRELOAD $LHS_STATE_DIR $(pwd) $(id -u)"; ls /lh /lh/bin /lh-data'],
                         capture_output=True, text=True, timeout=60, check=True)
    lines = run.stdout.split("\n")
    assert lines[0] == "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /lh-data /lh 0"
    assert {"bin", "docker-entrypoint.sh", "lib"} <= set(lines) and "server" in lines
    config = docker("image", "inspect", "-f", "{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{json .Config.ExposedPorts}}",
                    SERVER_IMAGE)
    assert config == '["/lh/docker-entrypoint.sh"] ["server"] null'
