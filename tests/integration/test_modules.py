# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The container modules against the real engine and the real images of the test bed."""
import time

import pytest

from conftest import (DASHBOARD_DOUBLE_IMAGE, KAFKA_IMAGE, PREFIX, SERVER_IMAGE, docker, four_times,
                      run_module)
from lhtest.testbed import server_module_jvm_options
from lhtest.workflow import Worker, client_config, register, run_workflows, wf_run_status, wf_spec_exists

NETWORK = PREFIX + "-net"
KRAFT_ID = "bGhpbnRlZ3JhdGlvbnRlcw"
API_PORT, HEALTH_PORT, DASHBOARD_PORT = 42123, 41922, 43000


def kafka_args(name=PREFIX + "-kafka", **extra):
    args = dict(name=name, image=KAFKA_IMAGE, network=NETWORK, node_id=1, cluster_id=KRAFT_ID,
                listeners=[{"name": "PLAINTEXT", "port": 9092, "advertised_host": name},
                           {"name": "CONTROLLER", "port": 9093}],
                controller_quorum_voters=[{"node_id": 1, "host": name, "port": 9093}],
                offsets_topic_replication_factor=1, transaction_state_log_replication_factor=1,
                transaction_state_log_min_isr=1, volume=name + "-data", heap="384m", wait=True, wait_timeout=120)
    args.update(extra)
    return args


def server_args(**extra):
    name = PREFIX + "-server"
    args = dict(name=name, image=SERVER_IMAGE, network=NETWORK, cluster_id="lhit", instance_id=1,
                published_ports=["127.0.0.1:%d:2023" % API_PORT, "127.0.0.1:%d:1822" % HEALTH_PORT],
                listeners=[{"name": "PLAIN", "port": 2023, "advertised_host": "127.0.0.1", "advertised_port": API_PORT}],
                internal_advertised_host=name, kafka_bootstrap_servers=PREFIX + "-kafka:9092", partitions=3,
                volume=name + "-data", heap="512m", stop_timeout=30, wait=True, wait_timeout=180,
                **server_module_jvm_options())
    args.update(extra)
    return args


def container_id(name):
    return docker("inspect", "-f", "{{.Id}}", name)


def test_kafka_node_lifecycle_four_times_each():
    name = PREFIX + "-kafka-life"
    args = kafka_args(name=name, cluster_id="rkZ7HcRiUDahWST7CKS8hg")
    checked, real = four_times("lh_kafka_node", args)
    assert checked["actions"] == ["create network %s" % NETWORK, "create", "start"]
    assert checked["diff"]["after"]["env"]["KAFKA_LOG_DIRS"] == "/var/lib/kafka/data"
    assert "meta.properties" in docker("exec", name, "ls", "/var/lib/kafka/data").split()

    checked = four_times("lh_kafka_node", dict(args, heap="256m"))[0]
    assert checked["actions"] == ["recreate", "start"]
    assert checked["diff"]["before"]["env"] == {"KAFKA_HEAP_OPTS": "-Xmx384m -Xms384m"}
    assert checked["diff"]["after"]["env"] == {"KAFKA_HEAP_OPTS": "-Xmx256m -Xms256m"}

    # a memory limit (no swap beyond it) and a bounded log: re-created, then read back equal from the engine
    limited = dict(args, heap="256m", memory="640m", log_max_size="10m", log_max_files=2)
    checked = four_times("lh_kafka_node", limited)[0]
    assert checked["actions"] == ["recreate", "start"]
    assert (checked["diff"]["after"]["memory"], checked["diff"]["after"]["memory_swap"]) == (640 * 2 ** 20, 640 * 2 ** 20)
    assert checked["diff"]["after"]["log"] == {"driver": "json-file", "options": {"max-size": "10m", "max-file": "2"}}
    assert docker("inspect", "-f", "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{json .HostConfig.LogConfig}}",
                  name) == '%d %d {"Type":"json-file","Config":{"max-file":"2","max-size":"10m"}}' % (
                      640 * 2 ** 20, 640 * 2 ** 20)

    checked = four_times("lh_kafka_node", dict(args, heap="256m", state="stopped", wait=False))[0]
    assert checked["actions"] == ["stop"]
    assert docker("inspect", "-f", "{{.State.Running}}", name) == "false"
    checked = four_times("lh_kafka_node", dict(args, heap="256m"))[0]
    assert checked["actions"] == ["start"]

    checked = four_times("lh_kafka_node", dict(args, heap="256m", state="absent"))[0]
    assert checked["actions"] == ["remove"]
    assert docker("ps", "-aq", "--filter", "name=^%s$" % name) == ""
    assert docker("volume", "ls", "-q", "--filter", "name=^%s-data$" % name) == name + "-data", \
        "state absent must keep the volume"


@pytest.mark.parametrize("module,args,words", [
    ("lh_kafka_node", kafka_args(name=PREFIX + "-bad", cluster_id="not-a-kraft-id"), "cluster_id"),
    ("lh_kafka_node", kafka_args(name=PREFIX + "-bad", listeners=[{"name": "PLAINTEXT", "port": 9092,
                                                                  "advertised_host": "x"}]), "controller_listener_name"),
    ("lh_server", server_args(name=PREFIX + "-bad", listeners=[{"name": "TLS", "port": 2023, "protocol": "TLS",
                                                                "authentication": "MTLS", "advertised_host": "h"}]),
     "MTLS authentication needs protocol MTLS"),
    ("lh_server", server_args(name=PREFIX + "-bad", listeners=[{"name": "PLAIN", "port": 1822, "advertised_host": "h"}]),
     "health_port"),
    ("lh_server", server_args(name=PREFIX + "-bad", kafka_truststore_password="x",
                              kafka_truststore_password_file="/etc/hostname"), "kafka_truststore_password"),
    ("lh_server", server_args(name=PREFIX + "-bad", image="lh-testbed/no-such-image:0"), "docker load"),
])
def test_bad_input_fails_naming_the_option_and_changes_nothing(module, args, words):
    result = run_module(module, args, expect_failure=True)
    assert words in result["msg"]
    assert docker("ps", "-aq", "--filter", "name=^%s-bad$" % PREFIX) == ""


def test_wait_gives_up_with_the_last_log_lines():
    args = server_args(name=PREFIX + "-lonely", kafka_bootstrap_servers="nowhere:9092", published_ports=[],
                       volume=None, wait_timeout=20)
    result = run_module("lh_server", args, expect_failure=True)
    # The server gives up on an unknown Kafka host and exits; either way the module says why, with logs.
    assert "stopped with exit code" in result["msg"] or "not healthy after 20s" in result["msg"]
    assert "Last log lines" in result["msg"] and "\tat io.littlehorse" in result["msg"]
    run_module("lh_server", dict(args, state="absent"))


def test_the_shared_wait_names_a_server_that_reaches_no_kafka_and_leaves_it_running():
    # site.yml starts the servers beside Kafka and waits for them together (lh_server_info): a server given a
    # bootstrap address where no broker answers (its own loopback: no packet leaves the container) retries for ever
    name = PREFIX + "-unreached"
    args = server_args(name=name, kafka_bootstrap_servers="127.0.0.1:9", volume=None, wait=False,
                       published_ports=["127.0.0.1:%d:1822" % (HEALTH_PORT + 1)])
    run_module("lh_server", args)
    try:
        result = run_module("lh_server_info", {
            "servers": [{"name": name, "host": "127.0.0.1", "health_port": HEALTH_PORT + 1}], "wait_ready": True,
            "timeout": 25, "logs_from": [name]}, expect_failure=True)
        assert result["msg"].startswith("servers not ready after 25s; the run stops here and the other servers are "
                                        "left as they are:\n%s at 127.0.0.1:%d" % (name, HEALTH_PORT + 1))
        assert ("; it cannot reach Kafka at 127.0.0.1:9, the bootstrap servers it was given (check that Kafka runs "
                "and that this host reaches that address), and logs: ") in result["msg"]
        assert "Connection to node -1 (/127.0.0.1:9) could not be established" in result["msg"]
        assert docker("inspect", "-f", "{{.State.Status}}", name) == "running"
    finally:
        run_module("lh_server", dict(args, state="absent"))


def test_settings_change_on_a_running_cluster_keeps_its_data():
    four_times("lh_kafka_node", kafka_args())
    checked, real = four_times("lh_server", server_args())
    assert "JAVA_OPTS" in real["env"] and real["container"]["status"] == "running"

    config = client_config("127.0.0.1", API_PORT)
    register(config, "lhit-greet", "lhit-wf")
    with Worker(config, "lhit-greet") as worker:
        worker.wait_assigned(1)
        before = run_workflows(config, "lhit-wf", 5)

    kafka_id = container_id(PREFIX + "-kafka")
    checked = four_times("lh_kafka_node", kafka_args(heap="320m"))[0]
    assert checked["actions"] == ["recreate", "start"]
    assert container_id(PREFIX + "-kafka") != kafka_id, "the Kafka container was not re-created"

    server_id = container_id(PREFIX + "-server")
    checked = four_times("lh_server", server_args(standby_replicas=0, warmup_replicas=2))[0]
    assert checked["diff"]["after"]["env"] == {"LHS_STREAMS_NUM_STANDBY_REPLICAS": "0",
                                               "LHS_STREAMS_NUM_WARMUP_REPLICAS": "2"}
    assert container_id(PREFIX + "-server") != server_id, "the server container was not re-created"

    assert wf_spec_exists(config, "lhit-wf"), "the WfSpec is gone after the re-creates"
    deadline = time.monotonic() + 120
    statuses = {}
    while time.monotonic() < deadline:
        try:
            statuses = dict((run_id, wf_run_status(config, run_id)) for run_id in before)
        except Exception as err:  # the server may still be restoring
            statuses = {"error": repr(err)}
        if set(statuses.values()) == {"COMPLETED"}:
            break
        time.sleep(2)
    assert set(statuses.values()) == {"COMPLETED"}, statuses
    config = client_config("127.0.0.1", API_PORT)  # the client caches async channels per event loop
    with Worker(config, "lhit-greet") as worker:
        worker.wait_assigned(1)
        run_workflows(config, "lhit-wf", 3)


def test_server_info_reads_health_and_changes_nothing():
    servers = [{"name": "s", "host": "127.0.0.1", "health_port": HEALTH_PORT}]
    result = run_module("lh_server_info", {"servers": servers, "wait_ready": True, "timeout": 120})
    assert result["changed"] is False and result["all_ready"] is True
    server = result["servers"][0]
    assert server["liveness"] == 200 and server["readiness"] == 200
    assert isinstance(server["status"], dict)
    down = run_module("lh_server_info", {"servers": [{"host": "127.0.0.1", "health_port": 1}], "timeout": 3})
    assert down["all_ready"] is False and down["servers"][0]["reachable"] is False


def test_dashboard_double_four_times():
    args = dict(name=PREFIX + "-dashboard", image=DASHBOARD_DOUBLE_IMAGE, network=NETWORK,
                published_ports=["127.0.0.1:%d:3000" % DASHBOARD_PORT], api_host=PREFIX + "-server", api_port=2023,
                wait=True, wait_timeout=60)
    checked, real = four_times("lh_dashboard", args)
    assert checked["actions"][-2:] == ["create", "start"]
    checked = four_times("lh_dashboard", dict(args, api_port=2024, wait=False))[0]
    assert checked["diff"]["after"]["env"] == {"LHC_API_PORT": "2024"}
