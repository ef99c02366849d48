# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The test bed's image names (tests/testbed/images.yml) agree with the versions its build makes
(tests/images/versions.env), and the roles' defaults are the published images, pinned."""
import os

import yaml
from lhtest.testbed import ROOT, images, versions

from ansible_collections.littlehorse.cluster.plugins.module_utils._names import image_reference_problem


def test_the_names_file_agrees_with_the_versions_the_build_makes():
    v = versions()
    assert images() == {
        "kafka_image": "lh-testbed/kafka:%s" % v["KAFKA_VERSION"],
        "kafka_previous_image": "lh-testbed/kafka:%s" % v["KAFKA_PREVIOUS_VERSION"],
        "server_image": "lh-testbed/lh-server:%s" % v["LH_VERSION"],
        "server_patched_image": "lh-testbed/lh-server:%s-p1" % v["LH_VERSION"],
        "dashboard_image": "lh-testbed/lh-dashboard-double:%s" % v["LH_VERSION"],
        "load_balancer_image": "lh-testbed/haproxy:%s" % v["HAPROXY_VERSION"],
        "keycloak_image": "lh-testbed/keycloak:%s" % v["KEYCLOAK_VERSION"],
        "debian_image": "lh-testbed/debian:%s" % v["DEBIAN_SUITE"],
        "monitoring_image": "lh-testbed/prometheus:%s" % v["PROMETHEUS_VERSION"],
        "kafka_jmx_exporter_jar": "/var/tmp/lh-testbed/cache/jmx-exporter/jmx_prometheus_javaagent-%s.jar"
                                  % v["JMX_EXPORTER_VERSION"],
    }


def role_default(role, name):
    with open(os.path.join(ROOT, "roles", role, "defaults", "main.yml")) as handle:
        return yaml.safe_load(handle)[name]


def test_the_roles_default_to_the_published_images_of_one_release_pinned():
    v = versions()
    assert role_default("server", "server_image") == "ghcr.io/littlehorse-enterprises/littlehorse/lh-server:%s" % (
        v["LH_VERSION"])
    assert role_default("dashboard", "dashboard_image") == (
        "ghcr.io/littlehorse-enterprises/littlehorse/lh-dashboard:%s" % v["LH_VERSION"])
    assert role_default("kafka", "kafka_image") == "apache/kafka:%s" % v["KAFKA_VERSION"]
    assert role_default("load_balancer", "load_balancer_image").startswith("haproxy:%s." % v["HAPROXY_VERSION"])
    for role, name in (("server", "server_image"), ("dashboard", "dashboard_image"), ("kafka", "kafka_image"),
                       ("load_balancer", "load_balancer_image")):
        assert image_reference_problem(name, role_default(role, name), True) is None


def test_no_argument_spec_disagrees_with_its_role_default():
    for role, name in (("server", "server_image"), ("dashboard", "dashboard_image")):
        with open(os.path.join(ROOT, "roles", role, "meta", "argument_specs.yml")) as handle:
            spec = yaml.safe_load(handle)["argument_specs"]["main"]["options"][name]
        assert spec["default"] == role_default(role, name)


class VaultTolerant(yaml.SafeLoader):
    """Reads Ansible Vault values (!vault) as plain strings."""


VaultTolerant.add_constructor("!vault", lambda loader, node: loader.construct_scalar(node))


def archive_names():
    """tests/hosts/lib.sh's lhsim_archive of each test bed image: lh-testbed/kafka:4.1.1 -> kafka-4.1.1.tar."""
    return set(name[len("lh-testbed/"):].replace(":", "-").replace("/", "-") + ".tar" for name in images().values())


def listed_archives(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "littlehorse_image_archives" and isinstance(value, list):
                yield from value
            else:
                yield from listed_archives(value)
    elif isinstance(node, list):
        for item in node:
            yield from listed_archives(item)


def test_the_molecule_inventories_archives_are_the_test_beds_images():
    inventories = ["molecule/seed/inventory/hosts.yml", "molecule/secure/inventory/hosts.yml",
                   "molecule/multi-host/inventory/group_vars/all.yml"]
    listed = []
    for path in inventories:
        with open(os.path.join(ROOT, path)) as handle:
            listed.extend(listed_archives(yaml.load(handle, Loader=VaultTolerant)))
    assert listed and all(path.startswith("/var/cache/lhsim/images/") for path in listed), listed
    assert set(os.path.basename(path) for path in listed) <= archive_names(), listed
