# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan's settings: every littlehorse_* variable with its default (the registry), the groups, the rules of
names the plan applies, the error type, and the checks of the settings as a whole (known names, cluster-wide values
the same on every host, the role variables a group shares)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import difflib
import os
import re

import yaml

from ansible.errors import AnsibleFilterError
from ansible.module_utils.six import string_types
from ansible.module_utils.six.moves.collections_abc import Mapping
from ansible_collections.littlehorse.cluster.plugins.module_utils._limits import LOG_DEFAULTS
from ansible_collections.littlehorse.cluster.plugins.module_utils._monitoring_plan import MONITORING_GROUP

KAFKA_GROUP = "kafka"
SERVER_GROUP = "littlehorse_servers"
DASHBOARD_GROUP = "littlehorse_dashboard"
LOAD_BALANCER_GROUP = "littlehorse_load_balancer"
PREFIX = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
CLUSTER_ID = re.compile(r"^[A-Za-z0-9._-]+$")
NUMERIC = re.compile(r"^[0-9.]+$")
INTEGER = re.compile(r"^[+-]?[0-9]+$")
PORT_KEYS = ("public", "internal", "health")
OAUTH_URL = re.compile(r"^https?://[^/\s?#]+(/\S*)?$")

# Settings that describe the whole cluster: every host must agree (set them in group_vars/all).
CLUSTER_DEFAULTS = {
    "littlehorse_prefix": "lh",
    "littlehorse_cluster_id": "lh",
    "littlehorse_kafka_cluster_id": "TGl0dGxlSG9yc2VLYWZrYQ",
    "littlehorse_kafka_bootstrap_servers": None,
    "littlehorse_partitions": 12,
    "littlehorse_replication_factor": None,
    "littlehorse_standby_replicas": 1,
    "littlehorse_listener_name": "PLAIN",
    "littlehorse_listeners": None,
    "littlehorse_client_listener": None,
    "littlehorse_internal_tls": None,
    "littlehorse_pki_dir": None,
    "littlehorse_ca_cert_file": None,
    "littlehorse_ca_key_file": None,
    "littlehorse_single_engine": None,
    "littlehorse_reserved_ports": [],
    "littlehorse_kafka_allow_even_quorum": False,
    "littlehorse_kafka_security_protocol": "PLAINTEXT",
    "littlehorse_kafka_sasl_mechanism": "PLAIN",
    "littlehorse_kafka_sasl_username": "littlehorse",
    "littlehorse_kafka_sasl_password": None,
    "littlehorse_kafka_sasl_password_file": None,
    # An external Kafka's PKCS12 stores (files on the controller) and their passwords (an Ansible Vault variable or a
    # file on the controller, never both): the truststore over SSL or SASL_SSL, the keystore for mutual TLS (SSL).
    "littlehorse_kafka_truststore_file": None,
    "littlehorse_kafka_truststore_password": None,
    "littlehorse_kafka_truststore_password_file": None,
    "littlehorse_kafka_keystore_file": None,
    "littlehorse_kafka_keystore_password": None,
    "littlehorse_kafka_keystore_password_file": None,
    "littlehorse_allow_destructive_changes": False,
    # Run a server or dashboard image by a floating tag ('latest', 'master', none) anyway.
    "littlehorse_allow_floating_tags": False,
    # OAuth (an OAUTH listener): the servers' introspection at the identity provider, and the credentials of
    # the clients (workers, lhctl, verify.yml) - the secret of each as an Ansible Vault variable or a file on the
    # controller, never both.
    "littlehorse_oauth_introspect_url": None,
    "littlehorse_oauth_client_id": None,
    "littlehorse_oauth_client_secret": None,
    "littlehorse_oauth_client_secret_file": None,
    "littlehorse_oauth_access_token_url": None,
    "littlehorse_oauth_worker_client_id": None,
    "littlehorse_oauth_worker_client_secret": None,
    "littlehorse_oauth_worker_client_secret_file": None,
    # Every container's log: Docker's json-file driver, files of littlehorse_log_max_size, littlehorse_log_max_files kept.
    "littlehorse_log_max_size": LOG_DEFAULTS["littlehorse_log_max_size"],
    "littlehorse_log_max_files": LOG_DEFAULTS["littlehorse_log_max_files"],
}
# Cluster-wide settings whose values are secrets: no message ever shows them.
SECRET_SETTINGS = ("littlehorse_oauth_client_secret", "littlehorse_oauth_worker_client_secret",
                   "littlehorse_kafka_sasl_password", "littlehorse_kafka_truststore_password",
                   "littlehorse_kafka_keystore_password")
# Settings of one host (host_vars, or group_vars when every host shares them).
HOST_DEFAULTS = {
    "littlehorse_server_count": None,
    "littlehorse_server_instance_ids": None,
    "littlehorse_server_id_base": None,
    "littlehorse_public_port_base": 2023,
    "littlehorse_internal_port_base": 2011,
    "littlehorse_health_port_base": 1822,
    "littlehorse_port_step": 10,
    "littlehorse_server_ports": None,
    "littlehorse_rack_id": None,
    "littlehorse_kafka_node_id": None,
    "littlehorse_kafka_port": 9092,
    "littlehorse_kafka_controller_port": 9093,
    "littlehorse_kafka_external_port": None,
    "littlehorse_kafka_tools_port": 9094,
    "littlehorse_dashboard_port": 8080,
    # The dashboard (read on its host): the listener it uses [littlehorse_client_listener, else the first] and, on an
    # OAUTH listener, its own OAuth client at the identity provider (LHD_OAUTH_*), each secret as an Ansible Vault
    # variable or a file on the controller, never both.
    "littlehorse_dashboard_listener": None,
    "littlehorse_dashboard_oauth_client_id": None,
    "littlehorse_dashboard_oauth_client_secret": None,
    "littlehorse_dashboard_oauth_client_secret_file": None,
    "littlehorse_dashboard_oauth_issuer_uri": None,
    "littlehorse_dashboard_oauth_encrypt_secret": None,
    "littlehorse_dashboard_oauth_encrypt_secret_file": None,
    "littlehorse_dashboard_oauth_callback_url": None,
    # Without OAuth the dashboard has no login and can run workflows: it is published on loopback unless this is true.
    "littlehorse_dashboard_allow_unauthenticated": False,
    "littlehorse_load_balancer_port": 2023,
    "littlehorse_bind_address": "",
    "littlehorse_cluster_address": None,
    "littlehorse_advertised_host": None,
    "littlehorse_docker_host": None,
    # The host's own certificate for its servers (PEM files on the controller, signed by littlehorse_ca_cert_file):
    # one certificate for every server of the host, instead of one the collection issues.
    "littlehorse_server_cert_file": None,
    "littlehorse_server_key_file": None,
}
# littlehorse_* variables the plan does not read but the collection's playbooks do; any other
# littlehorse_* variable on a host of the cluster is a misspelling and is refused.
OTHER_KNOWN = (
    "littlehorse_plan",
    "littlehorse_verify_runs", "littlehorse_verify_timeout", "littlehorse_verify_workflow",
    "littlehorse_verify_tenant", "littlehorse_verify_client_settings", "littlehorse_verify_oauth_client_secret",
    "littlehorse_verify_cleanup", "littlehorse_verify_versions",
    "littlehorse_teardown_purge_volumes", "littlehorse_teardown_keep_image_archives",
    "littlehorse_diagnostics_path", "littlehorse_diagnostics_log_lines", "littlehorse_diagnostics_secret_variables",
    "littlehorse_image_archives",
)
# Role variables that every host of the role's group must share: the servers of one cluster run one
# release and one Kafka Streams assignment configuration, the Kafka nodes one release. (Heaps,
# timeouts and kafka_properties such as broker.rack may differ per host.)
ROLE_CLUSTER_WIDE = (
    ("littlehorse_servers", ("server_image", "server_should_create_topics", "server_warmup_replicas")),
    ("kafka", ("kafka_image",)),
)
# Each role's image, in the order the host look lists them: (group, role, variable, whether a floating tag is refused,
# the role's setting that allows a pull, the one that makes the image required - None: the look's own default). Unset
# on a host means the role's default (roles/<role>/defaults/main.yml, a pinned release).
ROLE_IMAGES = (
    (KAFKA_GROUP, "kafka", "kafka_image", False, None, None),
    (SERVER_GROUP, "server", "server_image", True, None, None),
    (LOAD_BALANCER_GROUP, "load_balancer", "load_balancer_image", False, "load_balancer_pull", None),
    (DASHBOARD_GROUP, "dashboard", "dashboard_image", True, "dashboard_pull", "dashboard_required"),
    (MONITORING_GROUP, "monitoring", "monitoring_image", False, "monitoring_pull", None),
)
ROLES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "roles")
KNOWN_SETTINGS = frozenset(CLUSTER_DEFAULTS) | frozenset(HOST_DEFAULTS) | frozenset(OTHER_KNOWN)


class PlanError(AnsibleFilterError):
    pass


def normalised(value):
    """A setting as the plan reads it, so that 12 and '12', true and 'true' are the same value."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, string_types):
        text = value.strip()
        if INTEGER.match(text):
            return int(text)
        if text.lower() in ("true", "yes", "on"):
            return True
        if text.lower() in ("false", "no", "off"):
            return False
        return text
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), normalised(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(normalised(v) for v in value)
    return value


def check_known_settings(inv, hosts):
    """A littlehorse_* variable the collection does not know is a misspelling: it would be silently ignored."""
    for host in hosts:
        values = inv.hostvars.get(host) or {}
        if not isinstance(values, Mapping):
            continue
        for name in sorted(str(key) for key in values.keys()):
            if name.startswith("littlehorse_") and name not in KNOWN_SETTINGS:
                # compared without the common prefix, which would make every name look close
                close = difflib.get_close_matches(name[len("littlehorse_"):],
                                                  sorted(k[len("littlehorse_"):] for k in KNOWN_SETTINGS), n=1)
                hint = ("did you mean littlehorse_%s? " % close[0]) if close else ""
                raise PlanError("host %s: %s is not a setting of littlehorse.cluster and would be ignored; %sfix its "
                                "name or remove it (docs/docsite/rst/deploying.rst lists the settings)" % (host, name, hint))


def check_cluster_wide(inv, hosts):
    """Cluster-wide settings must be the same on every host, else servers would disagree."""
    for name in sorted(CLUSTER_DEFAULTS):
        seen = {}
        for host in hosts:
            value = inv.raw(host, name)
            seen.setdefault(repr(normalised(value)), (host, value))
        if len(seen) > 1:
            if name in SECRET_SETTINGS:
                ordered = sorted(seen.values(), key=lambda pair: pair[0])
                pairs = ", ".join("%s on %s" % (("another value" if index else "a value") if value else "unset", host)
                                  for index, (host, value) in enumerate(ordered))
            else:
                pairs = ", ".join("%r on %s" % (value, host) for host, value in sorted(seen.values(), key=repr))
            raise PlanError("%s differs between hosts (%s); it describes the whole cluster: set it once in "
                            "group_vars/all" % (name, pairs))


def check_role_cluster_wide(inv):
    """Role variables the hosts of one group must share (ROLE_CLUSTER_WIDE), the same way."""
    for group, names in ROLE_CLUSTER_WIDE:
        hosts = inv.hosts(group)
        for name in names:
            seen = {}
            for host in hosts:
                values = inv.hostvars.get(host) or {}
                value = values.get(name) if isinstance(values, Mapping) else None
                seen.setdefault(repr(normalised(value)), (host, value))
            if len(seen) > 1:
                pairs = ", ".join("%s on %s" % ("the role's default" if value is None else repr(value), host)
                                  for host, value in seen.values())
                raise PlanError("%s differs between the hosts of group '%s' (%s); every host of the group must run "
                                "the same: set it once in group_vars/all (or group_vars/%s), and change it there "
                                "for all of them (site.yml rolls the change one host at a time)"
                                % (name, group, pairs, group))


_ROLE_DEFAULTS = {}


def role_default(role, name):
    if role not in _ROLE_DEFAULTS:
        with open(os.path.join(ROLES_DIR, role, "defaults", "main.yml")) as handle:
            _ROLE_DEFAULTS[role] = yaml.safe_load(handle) or {}
    return _ROLE_DEFAULTS[role].get(name)
