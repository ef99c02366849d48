# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The test bed's own settings that several tests share, read from their one place. (Importing the lhtest package
makes the collection importable.)"""
import os

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JVM_SETTINGS = os.path.join(ROOT, "tests", "testbed", "jvm.yml")
IMAGES = os.path.join(ROOT, "tests", "testbed", "images.yml")
VERSIONS = os.path.join(ROOT, "tests", "images", "versions.env")


def images():
    """The test bed's image names (tests/testbed/images.yml): kafka_image, server_image, dashboard_image (the test
    double), load_balancer_image, kafka_previous_image, server_patched_image, keycloak_image, debian_image."""
    with open(IMAGES) as handle:
        return yaml.safe_load(handle)


def image(name):
    """One of images(), by its key."""
    return images()[name]


def versions():
    """The build's versions (tests/images/versions.env), as the make command line would not override them."""
    values = {}
    with open(VERSIONS) as handle:
        for line in handle:
            name, sep, value = line.strip().partition("=")
            if sep and not name.startswith("#"):
                values[name] = value
    return values


def jvm_settings():
    """The servers' JVM settings every test of the test bed runs with (tests/testbed/jvm.yml): the role
    variables server_gc and server_java_opts."""
    with open(JVM_SETTINGS) as handle:
        settings = yaml.safe_load(handle)
    return {"server_gc": settings["server_gc"], "server_java_opts": settings["server_java_opts"]}


def server_module_jvm_options():
    """The same settings as options of littlehorse.cluster.lh_server (gc, java_opts)."""
    settings = jvm_settings()
    return {"gc": settings["server_gc"], "java_opts": settings["server_java_opts"]}


def server_collectors():
    """{server_gc choice: the JAVA_OPTS flags lh_server renders for it}."""
    # imported when called: an import at load time would take `ansible_collections` before Ansible's own
    # collection loader does, in the tests that run Ansible in-process (tests/badinput)
    from ansible_collections.littlehorse.cluster.plugins.module_utils._server_config import COLLECTORS
    return dict(COLLECTORS)


def server_java_opts_env(heap):
    """JAVA_OPTS as lh_server renders the test bed's settings with `heap`, for a server run on plain docker."""
    from ansible_collections.littlehorse.cluster.plugins.module_utils._server_config import java_options
    options = server_module_jvm_options()
    return java_options(options["gc"], options["java_opts"], heap)


def single_engine_vars(prefix, kafka_cluster_id, server_count, ports, images, build):
    """The inventory variables of a cluster on this machine's engine that a test deploys with the real site.yml:
    everything on 127.0.0.1 under `prefix`, `server_count` servers, one Kafka node. ports: (public, internal,
    health, kafka, controller) bases; images: (kafka, server); build: the test's folder for the client files."""
    public, internal, health, kafka, controller = ports
    variables = {
        "ansible_connection": "local",
        "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        "littlehorse_prefix": prefix,
        "littlehorse_cluster_id": prefix,
        "littlehorse_kafka_cluster_id": kafka_cluster_id,
        "littlehorse_partitions": 6,
        "littlehorse_single_engine": True,
        "littlehorse_advertised_host": "127.0.0.1",
        "littlehorse_bind_address": "127.0.0.1",
        "littlehorse_server_count": server_count,
        "littlehorse_server_id_base": 0,
        "littlehorse_kafka_node_id": 1,
        "littlehorse_standby_replicas": 1,
        "littlehorse_public_port_base": public,
        "littlehorse_internal_port_base": internal,
        "littlehorse_health_port_base": health,
        "littlehorse_kafka_port": kafka,
        "littlehorse_kafka_controller_port": controller,
        "littlehorse_reserved_ports": [2024],
        "kafka_image": images[0],
        "server_image": images[1],
        "client_config_path": os.path.join(build, "%s-client.properties" % prefix),
        "client_config_prometheus_targets_path": os.path.join(build, "%s-prometheus-targets.json" % prefix),
    }
    variables.update(jvm_settings())
    return variables
