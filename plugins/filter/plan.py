# -*- coding: utf-8 -*-
# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster plan: which instances run on which host, with ids, ports and advertised hosts.

One pure function of the inventory (groups + hostvars). Ids are stable: a host's ids come from
the host itself (pinned ids, a pinned base, or a base derived from its name), never from its
position in a group, so adding a host renumbers nothing that exists. The plan is validated as a
whole; every error names the host, the setting and the fix.

Each entry of the plan carries exactly what the collection's modules take, so a role hands it
over unchanged:
- kafka.nodes[]  -> littlehorse.cluster.kafka_node (listeners, controller_quorum_voters, ...)
- servers[]      -> littlehorse.cluster.lh_server (listeners, internal, health_port, ...)
- dashboard      -> littlehorse.cluster.lh_dashboard (options: api_host, api_port, TLS files, OAuth settings)
- load_balancer  -> littlehorse.cluster.lh_load_balancer (port, backends, published_ports); None without one
- probes[host]   -> littlehorse.cluster.lh_server_info (servers): every server's health port as a check that runs
                    for that host reaches it - loopback only for the host's own servers
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import difflib
import os
import re
import zlib

import yaml

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.six import string_types
from ansible.module_utils.six.moves.collections_abc import Mapping
from ansible_collections.littlehorse.cluster.plugins.module_utils._pki import STORE_PASSWORD_FILE
from ansible_collections.littlehorse.cluster.plugins.module_utils._server_config import (
    NOT_READ, SECRET, check_gc, check_java_opts, env_refusal)
from ansible_collections.littlehorse.cluster.plugins.module_utils._errors import LHClusterError
from ansible_collections.littlehorse.cluster.plugins.module_utils._host_info import KAFKA_TOOLS_LISTENER, with_mechanism
from ansible_collections.littlehorse.cluster.plugins.module_utils._names import image_reference_problem, release_of_tag
from ansible_collections.littlehorse.cluster.plugins.module_utils import _kafka_config, _monitoring_plan
from ansible_collections.littlehorse.cluster.plugins.module_utils._runner import container_argument_spec
from ansible_collections.littlehorse.cluster.plugins.module_utils._sasl import SASL_MECHANISMS, check_jaas_value
from ansible_collections.littlehorse.cluster.plugins.module_utils._limits import (
    LOG_DEFAULTS, container_memory, kafka_memory, log_options, server_memory)

KAFKA_GROUP = "kafka"
SERVER_GROUP = "littlehorse_servers"
DASHBOARD_GROUP = "littlehorse_dashboard"
LOAD_BALANCER_GROUP = "littlehorse_load_balancer"
KRAFT_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")
LISTENER_NAME = re.compile(r"^[A-Z0-9_]+$")
PREFIX = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
HOSTNAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")
NUMERIC = re.compile(r"^[0-9.]+$")
INTEGER = re.compile(r"^[+-]?[0-9]+$")
PORT_KEYS = ("public", "internal", "health")

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
# Each role's image: (group, role, variable, whether a floating tag is refused). Unset on a host means the role's
# default (roles/<role>/defaults/main.yml, a pinned release).
ROLE_IMAGES = (
    (SERVER_GROUP, "server", "server_image", True),
    (DASHBOARD_GROUP, "dashboard", "dashboard_image", True),
    (KAFKA_GROUP, "kafka", "kafka_image", False),
    (LOAD_BALANCER_GROUP, "load_balancer", "load_balancer_image", False),
    (_monitoring_plan.MONITORING_GROUP, "monitoring", "monitoring_image", False),
)
ROLES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "roles")
KNOWN_SETTINGS = frozenset(CLUSTER_DEFAULTS) | frozenset(HOST_DEFAULTS) | frozenset(OTHER_KNOWN)


class PlanError(AnsibleFilterError):
    pass


class _Inventory(object):
    """Reads settings with their defaults; every read names the host in its errors."""

    def __init__(self, groups, hostvars):
        self.groups = groups
        self.hostvars = hostvars

    def hosts(self, group):
        hosts = self.groups.get(group) or []
        if isinstance(hosts, string_types) or not all(isinstance(h, string_types) for h in hosts):
            raise PlanError("inventory: group '%s' must be a list of host names" % group)
        return list(hosts)

    def raw(self, host, name):
        values = self.hostvars.get(host) or {}
        value = values.get(name) if isinstance(values, Mapping) else None
        if value is None:
            value = CLUSTER_DEFAULTS.get(name, HOST_DEFAULTS.get(name))
        return value

    def int(self, host, name, low=0, high=65535, value=None):
        value = self.raw(host, name) if value is None else value
        given = value
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            value = None  # never truncated: 2023.5 is refused, not taken as 2023
        elif isinstance(value, string_types):
            value = value.strip() if INTEGER.match(value.strip()) else None
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise PlanError("host %s: %s must be a whole number (it is %r); give a whole number such as 2023"
                            % (host, name, given))
        if not low <= value <= high:
            raise PlanError("host %s: %s = %d is outside %d-%d; choose a value in that range" % (host, name, value, low, high))
        return value

    def bool(self, host, name):
        value = self.raw(host, name)
        if isinstance(value, string_types):
            if value.strip().lower() in ("true", "yes", "on", "1"):
                return True
            if value.strip().lower() in ("false", "no", "off", "0", ""):
                return False
            raise PlanError("host %s: %s must be true or false (it is %r)" % (host, name, value))
        return bool(value)

    def advertised_host(self, host):
        values = self.hostvars.get(host) or {}
        value = values.get("littlehorse_advertised_host") or values.get("ansible_host") or host
        value = str(value)
        setting = self.advertised_source(host)
        if "_" in value:
            raise PlanError("host %s: the advertised host '%s' (from %s) contains '_', which LittleHorse refuses in "
                            "advertised listeners; set littlehorse_advertised_host to a name without '_' or an IP "
                            "address" % (host, value, setting))
        if ":" in value or not HOSTNAME.match(value):
            raise PlanError("host %s: the advertised host '%s' (from %s) is not a host name or IPv4 address "
                            "(LittleHorse takes no IPv6 literals); set littlehorse_advertised_host" % (host, value, setting))
        _check_address(value, "host %s: the advertised host '%s' (from %s)" % (host, value, setting),
                       "set littlehorse_advertised_host (or ansible_host) to the address clients and the other hosts "
                       "reach this host at")
        return value

    def advertised_source(self, host):
        """Where advertised_host(host) comes from, as the messages name it."""
        values = self.hostvars.get(host) or {}
        values = values if isinstance(values, Mapping) else {}
        return "littlehorse_advertised_host" if values.get("littlehorse_advertised_host") else (
            "ansible_host" if values.get("ansible_host") else "the inventory name")

    def bind(self, host):
        value = str(self.raw(host, "littlehorse_bind_address") or "0.0.0.0").strip()
        if not _is_ipv4(value):
            raise PlanError("host %s: littlehorse_bind_address '%s' is not an IPv4 address (the ports are published on "
                            "it: no host names, no IPv6); set it to one of the host's IPv4 addresses, or leave it "
                            "unset to publish on all addresses (0.0.0.0)" % (host, value))
        return value

    def cluster_address(self, host):
        """The address the other hosts of the cluster reach this host at. The ports only they use (the
        servers' internal port, Kafka's broker and controller ports) are published there and nowhere
        else: littlehorse_cluster_address, else the bind address when it is one address, else
        ansible_host or the advertised host when it is an IPv4 address."""
        return self._cluster_address_and_source(host)[0]

    def cluster_address_source(self, host):
        """The setting cluster_address(host) comes from, as messages name it."""
        return self._cluster_address_and_source(host)[1]

    def _cluster_address_and_source(self, host):
        values = self.hostvars.get(host) or {}
        values = values if isinstance(values, Mapping) else {}
        explicit = values.get("littlehorse_cluster_address")
        if explicit:
            value = str(explicit).strip()
            if not _is_ipv4(value):
                raise PlanError("host %s: littlehorse_cluster_address '%s' is not an IPv4 address (the internal and "
                                "Kafka ports are published on it); set it to the host's IPv4 address that the other "
                                "hosts reach, or to 0.0.0.0 to publish them on every address" % (host, value))
            return value, "littlehorse_cluster_address"
        bind = self.bind(host)
        if bind != "0.0.0.0":
            return bind, "littlehorse_bind_address"
        for candidate, source in ((values.get("ansible_host"), "ansible_host"),
                                  (self.advertised_host(host), self.advertised_source(host))):
            if candidate and _is_ipv4(str(candidate)):
                return str(candidate), source
        raise PlanError("host %s: the servers' internal port and Kafka's ports are published only on the address the "
                        "other hosts reach this host at, and neither ansible_host (%s) nor the advertised host (%s) is "
                        "an IPv4 address; set littlehorse_cluster_address to that IPv4 address (or to 0.0.0.0 to "
                        "publish them on every address, which exposes the plaintext internal port)"
                        % (host, values.get("ansible_host") or "unset", self.advertised_host(host)))

    def cluster_reach(self, host):
        """Where the other hosts connect to this host's internal and Kafka ports (advertised to them)."""
        address = self.cluster_address(host)
        return self.advertised_host(host) if address == "0.0.0.0" else address

    def as_list(self, host, name):
        """A setting that must be a list (or unset: None); a scalar names the host, the setting and the fix."""
        value = self.raw(host, name)
        if value is not None and not isinstance(value, list):
            raise PlanError("host %s: %s must be a list (it is %r); write it as a YAML list, e.g. [%s]"
                            % (host, name, value, value))
        return value

    def probe_host(self, host):
        """Where the collection's modules reach this host's published ports: the bind address, or
        on all addresses loopback from the host itself, or the advertised address when the modules
        talk to the host's engine from elsewhere (littlehorse_docker_host)."""
        bind = self.bind(host)
        if bind != "0.0.0.0":
            return bind
        return self.advertised_host(host) if self.remote_engine(host) else "127.0.0.1"

    def probe_from_others(self, host, single):
        """Where a check that runs on another host of the cluster (or on the controller, for a host whose engine it
        reaches from there) reaches this host's published health ports: the bind address, or, published on every
        address, the address the other hosts reach this host at (cluster_reach). Never loopback, which is the
        checking host itself. One engine: there is no other host, the host's own probe address."""
        if single:
            return self.probe_host(host)
        bind = self.bind(host)
        return bind if bind != "0.0.0.0" else self.cluster_reach(host)

    def remote_engine(self, host):
        return bool(self.raw(host, "littlehorse_docker_host"))

    def wait_host(self, host):
        """The modules' wait_host: None (probe the container on the engine's host) unless remote."""
        return self.probe_host(host) if self.remote_engine(host) else None


def _derived_base(host, span, limit):
    """A base id of its own for a host that pins none: from its name, so it never depends on order."""
    return (zlib.crc32(host.encode("utf-8")) % (limit // span - 1) + 1) * span


def _is_loopback(address):
    return address == "localhost" or address.startswith("127.")


def _is_ipv4(value):
    parts = value.split(".")
    return len(parts) == 4 and all(p.isdigit() and len(p) <= 3 and int(p) <= 255 for p in parts)


def _check_address(value, what, fix):
    """An address others connect to: a host name or a valid IPv4 address, never 0.0.0.0."""
    if NUMERIC.match(value) and not _is_ipv4(value):
        raise PlanError("%s is not a valid IPv4 address (four numbers 0-255, e.g. 10.0.0.3); %s" % (what, fix))
    if value == "0.0.0.0":
        raise PlanError("%s is 0.0.0.0, which means 'all addresses' to a listener and nothing to a client; %s"
                        % (what, fix))


def _normalised(value):
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
        return tuple(sorted((str(k), _normalised(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_normalised(v) for v in value)
    return value


def _check_known_settings(inv, hosts):
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
                                "name or remove it (README.md lists the settings)" % (host, name, hint))


def _check_cluster_wide(inv, hosts):
    """Cluster-wide settings must be the same on every host, else servers would disagree."""
    for name in sorted(CLUSTER_DEFAULTS):
        seen = {}
        for host in hosts:
            value = inv.raw(host, name)
            seen.setdefault(repr(_normalised(value)), (host, value))
        if len(seen) > 1:
            if name in SECRET_SETTINGS:
                ordered = sorted(seen.values(), key=lambda pair: pair[0])
                pairs = ", ".join("%s on %s" % (("another value" if index else "a value") if value else "unset", host)
                                  for index, (host, value) in enumerate(ordered))
            else:
                pairs = ", ".join("%r on %s" % (value, host) for host, value in sorted(seen.values(), key=repr))
            raise PlanError("%s differs between hosts (%s); it describes the whole cluster: set it once in "
                            "group_vars/all" % (name, pairs))


def _check_role_cluster_wide(inv):
    """Role variables the hosts of one group must share (ROLE_CLUSTER_WIDE), the same way."""
    for group, names in ROLE_CLUSTER_WIDE:
        hosts = inv.hosts(group)
        for name in names:
            seen = {}
            for host in hosts:
                values = inv.hostvars.get(host) or {}
                value = values.get(name) if isinstance(values, Mapping) else None
                seen.setdefault(repr(_normalised(value)), (host, value))
            if len(seen) > 1:
                pairs = ", ".join("%s on %s" % ("the role's default" if value is None else repr(value), host)
                                  for host, value in seen.values())
                raise PlanError("%s differs between the hosts of group '%s' (%s); every host of the group must run "
                                "the same: set it once in group_vars/all (or group_vars/%s), and change it there "
                                "for all of them (site.yml rolls the change one host at a time)"
                                % (name, group, pairs, group))


_ROLE_DEFAULTS = {}


def _role_default(role, name):
    if role not in _ROLE_DEFAULTS:
        with open(os.path.join(ROLES_DIR, role, "defaults", "main.yml")) as handle:
            _ROLE_DEFAULTS[role] = yaml.safe_load(handle) or {}
    return _ROLE_DEFAULTS[role].get(name)


def image_plan(inv, first):
    """Every image setting on the hosts of its group is a valid reference, and the servers' and the dashboard's are
    pinned (unless littlehorse_allow_floating_tags): refused naming the host. Returns the warnings: the dashboard of
    another release than the servers."""
    allow_floating = inv.bool(first, "littlehorse_allow_floating_tags")
    releases = {}
    for group, role, name, floating_refused in ROLE_IMAGES:
        for host in inv.hosts(group):
            values = inv.hostvars.get(host) or {}
            value = values.get(name) if isinstance(values, Mapping) else None
            if value is None:
                value = _role_default(role, name)
            if name == "dashboard_image" and value == "":
                continue  # no dashboard: the role leaves it out with a message
            problem = image_reference_problem(name, value, floating_refused and not allow_floating)
            if problem:
                raise PlanError("host %s: %s" % (host, problem))
            releases.setdefault(name, (host, value, release_of_tag(value)))
    warnings = []
    server, dashboard = releases.get("server_image"), releases.get("dashboard_image")
    if server and dashboard and server[2] and dashboard[2] and server[2] != dashboard[2]:
        warnings.append("host %s: dashboard_image '%s' is of release %s, the servers' server_image '%s' of release %s; "
                        "the dashboard may not understand the servers' API: set dashboard_image to the lh-dashboard "
                        "image of release %s" % (dashboard[0], dashboard[1], dashboard[2], server[1], server[2],
                                                 server[2]))
    return warnings


def _bootstrap_servers(inv, host, value):
    """littlehorse_kafka_bootstrap_servers: 'host:port,host:port', each an address others can connect to."""
    entries = value if isinstance(value, list) else str(value).split(",")
    fix = "write littlehorse_kafka_bootstrap_servers as host:port[,host:port...] with the brokers' addresses"
    servers = []
    for entry in entries:
        entry = str(entry).strip()
        address, _sep, port = entry.rpartition(":")
        if not address or not port.isdigit() or not 1 <= int(port) <= 65535:
            raise PlanError("host %s: littlehorse_kafka_bootstrap_servers entry '%s' is not host:port; %s"
                            % (host, entry, fix))
        if not HOSTNAME.match(address):
            raise PlanError("host %s: littlehorse_kafka_bootstrap_servers entry '%s' has no host name or IPv4 address "
                            "(no IPv6 literals); %s" % (host, entry, fix))
        _check_address(address, "host %s: littlehorse_kafka_bootstrap_servers entry '%s'" % (host, entry), fix)
        servers.append(entry)
    return ",".join(servers)


def _secret_source(inv, first, setting, needed_by, what):
    """How a secret is given: {"inline": True} (the Ansible Vault variable `setting`, which the roles read; its value
    is never put in the plan) or {"file": path on the controller} (`setting`_file). At most one of the two; one of
    them when `needed_by` (what needs it, as the messages name it) is given."""
    inline, path = inv.raw(first, setting), inv.raw(first, setting + "_file")
    if inline and path:
        raise PlanError("host %s: %s and %s_file are both set; give %s one way only - the Ansible Vault variable %s or "
                        "the file on the controller %s_file - and remove the other"
                        % (first, setting, setting, what, setting, setting))
    if needed_by and not (inline or path):
        raise PlanError("host %s: %s needs %s, and neither %s nor %s_file is set; set %s (an Ansible Vault variable) "
                        "or %s_file (a file on the controller that holds it) in group_vars/all"
                        % (first, needed_by, what, setting, setting, setting, setting))
    if path and not str(path).startswith(("/", "~")):
        raise PlanError("host %s: %s_file '%s' is a relative path, which would be read relative to wherever "
                        "ansible-playbook is started; give an absolute path on the controller (~ is expanded)"
                        % (first, setting, path))
    return {"inline": bool(inline), "file": str(path) if path else None}


KAFKA_SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_SSL")
SASL_PASSWORD_FIX = ("choose a password without them for littlehorse_kafka_sasl_username (on an external Kafka, "
                     "change it there too)")


def kafka_security(inv, first):
    """littlehorse_kafka_security_protocol and its SASL settings, validated: {protocol, tls, sasl, mechanism,
    username, password_file}. The password itself stays out of the plan: the roles read the Vault variable, or the
    file password_file names."""
    protocol = str(inv.raw(first, "littlehorse_kafka_security_protocol") or "PLAINTEXT").strip().upper()
    if protocol == "SASL_PLAINTEXT":
        raise PlanError("host %s: littlehorse_kafka_security_protocol SASL_PLAINTEXT is not supported by the "
                        "LittleHorse server (it connects to Kafka with PLAINTEXT, SSL or SASL_SSL only), and it would "
                        "send the SASL password in clear text; set it to SASL_SSL" % first)
    if protocol not in KAFKA_SECURITY_PROTOCOLS:
        raise PlanError("host %s: littlehorse_kafka_security_protocol '%s' is not one of %s; set one of them"
                        % (first, inv.raw(first, "littlehorse_kafka_security_protocol"),
                           ", ".join(KAFKA_SECURITY_PROTOCOLS)))
    security = {"protocol": protocol, "tls": protocol != "PLAINTEXT", "sasl": protocol == "SASL_SSL",
                "mechanism": None, "username": None, "password_file": None}
    if not security["sasl"]:
        return security
    mechanism = str(inv.raw(first, "littlehorse_kafka_sasl_mechanism") or "").strip().upper()
    if mechanism not in SASL_MECHANISMS:
        raise PlanError("host %s: littlehorse_kafka_sasl_mechanism '%s' is not one of %s; set one of them"
                        % (first, inv.raw(first, "littlehorse_kafka_sasl_mechanism"), ", ".join(SASL_MECHANISMS)))
    username = str(inv.raw(first, "littlehorse_kafka_sasl_username") or "")
    if not re.match(r"^[A-Za-z0-9._@-]+$", username):
        raise PlanError("host %s: littlehorse_kafka_sasl_username '%s' must be set and hold only letters, digits and "
                        "'.', '_', '@', '-'; fix the user name" % (first, username))
    password = _secret_source(inv, first, "littlehorse_kafka_sasl_password",
                              "littlehorse_kafka_security_protocol SASL_SSL",
                              "the password of littlehorse_kafka_sasl_username")
    if password["inline"]:
        # The file form is read on the controller by the preflight (littlehorse.cluster.kafka_sasl_problems).
        try:
            check_jaas_value("littlehorse_kafka_sasl_password", str(inv.raw(first, "littlehorse_kafka_sasl_password")),
                             SASL_PASSWORD_FIX)
        except LHClusterError as err:
            raise PlanError("host %s: %s" % (first, err.message))
    security.update(mechanism=mechanism, username=username, password_file=password["file"])
    return security


# The PKCS12 stores of an external Kafka: (kind, what it is, as the messages name it).
KAFKA_STORES = (("truststore", "the truststore (PKCS12) of the CA that signed the Kafka brokers' certificates"),
                ("keystore", "the servers' client keystore (PKCS12: a private key with its certificate) for mutual "
                             "TLS"))


def kafka_stores(inv, first, security, own_nodes, prefix):
    """The user's PKCS12 stores for an external Kafka (littlehorse_kafka_truststore_file, littlehorse_kafka_keystore_file,
    files on the controller, with their passwords): {truststore, keystore}, each None or {file (on the controller),
    path (on every server host), password_inline, password_file}. Refused: store settings with the collection's own
    Kafka nodes (they use the cluster's CA) or with PLAINTEXT, a keystore over SASL_SSL (the LittleHorse server
    presents a client certificate over SSL only), a store without its password, a password without its store."""
    stores = {}
    for kind, what in KAFKA_STORES:
        setting = "littlehorse_kafka_%s_file" % kind
        password_setting = "littlehorse_kafka_%s_password" % kind
        path = inv.raw(first, setting)
        given = [name for name in (setting, password_setting, password_setting + "_file") if inv.raw(first, name)]
        stores[kind] = None
        if not given:
            continue
        if own_nodes:
            raise PlanError("host %s: %s is for an external Kafka (littlehorse_kafka_bootstrap_servers); the "
                            "collection's Kafka nodes (group '%s') are reached with the cluster's CA, whose stores the "
                            "collection makes itself; remove %s" % (first, given[0], KAFKA_GROUP, ", ".join(given)))
        if not security["tls"]:
            raise PlanError("host %s: %s is set but littlehorse_kafka_security_protocol is PLAINTEXT, which uses no "
                            "store (the LittleHorse server refuses store settings with PLAINTEXT); set "
                            "littlehorse_kafka_security_protocol to SSL or SASL_SSL, or remove %s"
                            % (first, given[0], ", ".join(given)))
        if kind == "keystore" and security["sasl"]:
            raise PlanError("host %s: %s is set but littlehorse_kafka_security_protocol is SASL_SSL, where the "
                            "LittleHorse server logs in with SASL and presents no client certificate (it does so over "
                            "SSL only); set littlehorse_kafka_security_protocol to SSL for mutual TLS, or remove %s"
                            % (first, given[0], ", ".join(given)))
        if not path:
            raise PlanError("host %s: %s is set but %s is not; give %s in %s (a file on the controller), or remove %s"
                            % (first, given[0], setting, what, setting, given[0]))
        if not isinstance(path, string_types) or not path.startswith(("/", "~")):
            raise PlanError("host %s: %s '%s' is not an absolute path, and it would be read relative to wherever "
                            "ansible-playbook is started; give the absolute path on the controller of %s (~ is "
                            "expanded)" % (first, setting, path, what))
        password = _secret_source(inv, first, password_setting, setting, "the password of %s" % setting)
        stores[kind] = {"file": path, "path": "/etc/littlehorse/%s/kafka/%s.p12" % (prefix, kind),
                        "password_inline": password["inline"], "password_file": password["file"]}
    return stores


def _kafka_listeners(host, security, port, controller_port, tools_port, reach):
    """The node's listeners: the broker listener (named after its protocol), the controller's (mutual TLS when
    Kafka is secured) and, when the broker listener needs credentials, a PLAINTEXT one on the container's
    loopback for the rolling gate's Kafka tools."""
    protocol = security["protocol"]
    listeners = [
        {"name": protocol, "port": port, "protocol": protocol, "advertised_host": reach, "advertised_port": port},
        {"name": "CONTROLLER", "port": controller_port, "protocol": "SSL" if security["tls"] else "PLAINTEXT"},
    ]
    if tools_port is not None:
        if tools_port in (port, controller_port):
            raise PlanError("host %s: littlehorse_kafka_tools_port %d is the broker or controller port; give it a port "
                            "of its own" % (host, tools_port))
        listeners.append({"name": KAFKA_TOOLS_LISTENER, "port": tools_port, "protocol": "PLAINTEXT", "bind_host": "127.0.0.1",
                          "advertised_host": "localhost", "advertised_port": tools_port})
    return listeners


def kafka_plan(inv, first, single, prefix):
    hosts = inv.hosts(KAFKA_GROUP)
    external = inv.raw(first, "littlehorse_kafka_bootstrap_servers")
    security = kafka_security(inv, first)
    if not hosts:
        if not external:
            raise PlanError("inventory: no host in group '%s' and no littlehorse_kafka_bootstrap_servers; add a host "
                            "to '%s' or point littlehorse_kafka_bootstrap_servers at an existing Kafka"
                            % (KAFKA_GROUP, KAFKA_GROUP))
        return {"external": True, "bootstrap": _bootstrap_servers(inv, first, external), "nodes": [],
                "security": security, "stores": kafka_stores(inv, first, security, False, prefix)}
    if external:
        raise PlanError("littlehorse_kafka_bootstrap_servers is set and group '%s' has hosts (%s); use one or the "
                        "other" % (KAFKA_GROUP, ", ".join(hosts)))
    stores = kafka_stores(inv, first, security, True, prefix)
    cluster_id = inv.raw(first, "littlehorse_kafka_cluster_id")
    if not KRAFT_ID.match(str(cluster_id)):
        raise PlanError("littlehorse_kafka_cluster_id: '%s' is not a KRaft cluster id (22 characters of base64url, "
                        "as 'kafka-storage.sh random-uuid' prints)" % cluster_id)
    count = len(hosts)
    if count % 2 == 0 and not inv.bool(first, "littlehorse_kafka_allow_even_quorum"):
        raise PlanError("inventory: group '%s' has %d hosts (%s), a KRaft quorum of an even size: it tolerates no more "
                        "failures than %d nodes (a majority of %d is %d), so the extra node adds a machine that can "
                        "fail and no safety; use %d or %d Kafka nodes, or set littlehorse_kafka_allow_even_quorum: "
                        "true in group_vars/all to accept it"
                        % (KAFKA_GROUP, count, ", ".join(hosts), count - 1, count, count // 2 + 1, count - 1,
                           count + 1))
    nodes = []
    for host in hosts:
        if inv.raw(host, "littlehorse_kafka_node_id") is not None:
            node_id = inv.int(host, "littlehorse_kafka_node_id", 0, 32767)
        else:
            node_id = _derived_base(host, 1, 1000)
        container = "%s-kafka-%d" % (prefix, node_id)
        port = inv.int(host, "littlehorse_kafka_port", 1)
        controller_port = inv.int(host, "littlehorse_kafka_controller_port", 1)
        if port == controller_port:
            raise PlanError("host %s: littlehorse_kafka_port and littlehorse_kafka_controller_port are both %d; give "
                            "them different ports" % (host, port))
        # Only the servers and the other Kafka nodes use the broker and controller ports: on many hosts they are
        # published on the host's cluster address alone, and advertised there.
        reach = container if single else inv.cluster_reach(host)
        bind = inv.bind(host)
        tools_port = inv.int(host, "littlehorse_kafka_tools_port", 1) if security["tls"] else None
        listeners = _kafka_listeners(host, security, port, controller_port, tools_port, reach)
        published = [] if single else ["%s:%d:%d" % (inv.cluster_address(host), p, p) for p in (port, controller_port)]
        external_port = inv.raw(host, "littlehorse_kafka_external_port")
        if external_port is not None:
            external_port = inv.int(host, "littlehorse_kafka_external_port", 1)
            if not single:
                raise PlanError("host %s: littlehorse_kafka_external_port is for one-engine layouts (the broker port "
                                "is published as it is on many hosts); remove it" % host)
            if external_port == tools_port:
                raise PlanError("host %s: littlehorse_kafka_external_port and littlehorse_kafka_tools_port are both "
                                "%d; give them different ports" % (host, external_port))
            listeners.append({"name": "EXTERNAL", "port": external_port, "protocol": security["protocol"],
                              "advertised_host": inv.advertised_host(host), "advertised_port": external_port})
            published.append("%s:%d:%d" % (bind, external_port, external_port))
        nodes.append({
            "host": host, "node_id": node_id, "container": container, "volume": container + "-data",
            "process_roles": ["broker", "controller"],
            "listeners": listeners,
            "controller_listener_name": "CONTROLLER",
            "inter_broker_listener_name": security["protocol"],
            "tools_listener_name": KAFKA_TOOLS_LISTENER if security["tls"] else None,
            "external_advertised_host": inv.advertised_host(host) if external_port is not None else None,
            "offsets_topic_replication_factor": min(count, 3),
            "transaction_state_log_replication_factor": min(count, 3),
            "transaction_state_log_min_isr": 2 if count >= 3 else 1,
            "min_insync_replicas": 2 if count >= 3 else 1,
            "published_ports": published,
            "port": port, "controller_port": controller_port, "external_port": external_port,
            "advertised_host": reach,
            "wait_host": (reach if not single and inv.remote_engine(host) else inv.wait_host(host)),
        })
    _unique([(n["node_id"], n["host"]) for n in nodes], "littlehorse_kafka_node_id")
    voters = [{"node_id": n["node_id"], "host": n["advertised_host"], "port": n["controller_port"]} for n in nodes]
    for node in nodes:
        node["controller_quorum_voters"] = voters
    return {"external": False, "cluster_id": str(cluster_id), "nodes": nodes, "security": security, "stores": stores,
            "bootstrap": ",".join("%s:%d" % (n["advertised_host"], n["port"]) for n in nodes)}


def _instance_ids(inv, host, count):
    pinned = inv.as_list(host, "littlehorse_server_instance_ids")
    if pinned is not None:
        if len(pinned) != count:
            raise PlanError("host %s: littlehorse_server_instance_ids must list one id per server (%d), it is %r"
                            % (host, count, pinned))
        return [inv.int(host, "littlehorse_server_instance_ids", 0, 32767, value=v) for v in pinned]
    if inv.raw(host, "littlehorse_server_id_base") is not None:
        base = inv.int(host, "littlehorse_server_id_base", 0, 32767 - count)
    else:
        base = _derived_base(host, 100, 32700)
    return [base + index + 1 for index in range(count)]


def _server_count(inv, host):
    if inv.raw(host, "littlehorse_server_count") is not None:
        return inv.int(host, "littlehorse_server_count", 1, 99)
    for name in ("littlehorse_server_instance_ids", "littlehorse_server_ports"):
        pinned = inv.as_list(host, name)
        if pinned:
            return len(pinned)
    return 1


LISTENER_KEYS = ("name", "port", "port_offset", "protocol", "authentication")
LISTENER_PROTOCOLS = ("PLAIN", "TLS", "MTLS")
LISTENER_AUTHENTICATIONS = ("NONE", "MTLS", "OAUTH")


def listener_specs(inv, first):
    """littlehorse_listeners (cluster-wide, the same names on every server, as LittleHorse requires), validated:
    [{name, protocol, authentication, port or port_offset}]. Unset: one PLAIN listener named
    littlehorse_listener_name on the public port."""
    given = inv.as_list(first, "littlehorse_listeners")
    if given is None:
        name = str(inv.raw(first, "littlehorse_listener_name"))
        if not LISTENER_NAME.match(name):
            raise PlanError("littlehorse_listener_name: '%s' may hold only A-Z, 0-9 and '_' (it becomes part of LHS_* "
                            "variable names)" % name)
        return [{"name": name, "protocol": "PLAIN", "authentication": "NONE", "port": None, "port_offset": 0}]
    if not given:
        raise PlanError("host %s: littlehorse_listeners is empty; give at least one listener, e.g. [{name: PLAIN, "
                        "protocol: PLAIN, authentication: NONE}], or remove it for that default" % first)
    specs, names, offsets, ports = [], {}, {}, {}
    for index, entry in enumerate(given):
        where = "host %s: littlehorse_listeners[%d]" % (first, index)
        if not isinstance(entry, Mapping):
            raise PlanError("%s = %r is not a dict; write each listener as {name: ..., protocol: PLAIN|TLS|MTLS, "
                            "authentication: NONE|MTLS|OAUTH, port_offset: ...}" % (where, entry))
        unknown = sorted(str(key) for key in entry if key not in LISTENER_KEYS)
        if unknown:
            raise PlanError("%s has unknown key(s) %s; a listener takes %s"
                            % (where, ", ".join(unknown), ", ".join(LISTENER_KEYS)))
        name = str(entry.get("name") or "")
        if not LISTENER_NAME.match(name):
            raise PlanError("%s: name '%s' must be set and hold only A-Z, 0-9 and '_' (it becomes part of LHS_* "
                            "variable names); fix the name" % (where, name))
        where = "%s (%s)" % (where, name)
        if name in names:
            raise PlanError("%s: the name %s is given twice (littlehorse_listeners[%d] too); give each listener a "
                            "name of its own" % (where, name, names[name]))
        names[name] = index
        protocol = str(entry.get("protocol") or "PLAIN").strip().upper()
        if protocol not in LISTENER_PROTOCOLS:
            raise PlanError("%s: protocol '%s' is not one of %s; set protocol to one of them"
                            % (where, entry.get("protocol"), ", ".join(LISTENER_PROTOCOLS)))
        authentication = str(entry.get("authentication") or "NONE").strip().upper()
        if authentication not in LISTENER_AUTHENTICATIONS:
            raise PlanError("%s: authentication '%s' is not one of %s; set authentication to one of them"
                            % (where, entry.get("authentication"), ", ".join(LISTENER_AUTHENTICATIONS)))
        if authentication == "OAUTH" and protocol == "PLAIN":
            raise PlanError("%s: authentication OAUTH on protocol PLAIN would send every bearer token in clear text; "
                            "set protocol: TLS (or MTLS) on this listener" % where)
        if authentication == "MTLS" and protocol != "MTLS":
            raise PlanError("%s: authentication MTLS needs protocol MTLS (it is %s): only an MTLS listener asks clients "
                            "for a certificate; set protocol: MTLS, or authentication: NONE" % (where, protocol))
        if "port" in entry and "port_offset" in entry:
            raise PlanError("%s: give port or port_offset, not both" % where)
        port = offset = None
        if entry.get("port") is not None:
            port = inv.int(first, "littlehorse_listeners[%d].port" % index, 1, value=entry["port"])
            if port in ports:
                raise PlanError("%s: port %d is given twice (littlehorse_listeners[%d] too); give each listener a "
                                "port of its own" % (where, port, ports[port]))
            ports[port] = index
        else:
            if entry.get("port_offset") is None and index > 0:
                raise PlanError("%s: give its port (that of each host's first server; the next servers add "
                                "littlehorse_port_step) or its port_offset (added to each server's public port, e.g. "
                                "1)" % where)
            offset = inv.int(first, "littlehorse_listeners[%d].port_offset" % index, 0, 1000,
                             value=entry.get("port_offset", 0))
            if offset in offsets:
                raise PlanError("%s: port_offset %d is given twice (littlehorse_listeners[%d] too): both would bind "
                                "one port; give each listener an offset of its own" % (where, offset, offsets[offset]))
            offsets[offset] = index
        specs.append({"name": name, "protocol": protocol, "authentication": authentication, "port": port,
                      "port_offset": offset})
    return specs


def server_plan(inv, first, single, prefix):
    hosts = inv.hosts(SERVER_GROUP)
    if not hosts:
        raise PlanError("inventory: group '%s' has no host; add the hosts that run LittleHorse servers" % SERVER_GROUP)
    specs = listener_specs(inv, first)
    servers = []
    for host in hosts:
        count = _server_count(inv, host)
        ids = _instance_ids(inv, host, count)
        step = inv.int(host, "littlehorse_port_step", 1, 1000)
        pinned_ports = inv.as_list(host, "littlehorse_server_ports")
        if pinned_ports is not None and (not isinstance(pinned_ports, list) or len(pinned_ports) != count):
            raise PlanError("host %s: littlehorse_server_ports must list one {public, internal, health} entry per "
                            "server (%d servers), it is %r" % (host, count, pinned_ports))
        advertised = inv.advertised_host(host)
        bind = inv.bind(host)
        probe = inv.probe_host(host)
        probe_other = inv.probe_from_others(host, single)
        rack = inv.raw(host, "littlehorse_rack_id")
        for index, instance_id in enumerate(ids):
            ports = {}
            for key in PORT_KEYS:
                name = "littlehorse_%s_port_base" % key
                ports[key] = inv.int(host, name, 1) + index * step
            if pinned_ports is not None:
                entry = pinned_ports[index]
                if not isinstance(entry, Mapping) or set(entry) - set(PORT_KEYS):
                    raise PlanError("host %s: littlehorse_server_ports[%d] = %r; each entry is a dict with keys among "
                                    "public, internal, health" % (host, index, entry))
                for key, value in entry.items():
                    ports[key] = inv.int(host, "littlehorse_server_ports[%d].%s" % (index, key), 1, value=value)
            for key, value in ports.items():
                if value > 65535:
                    raise PlanError("host %s: server %d's %s port would be %d (base + %d x littlehorse_port_step %d), "
                                    "above 65535; lower the port bases or the step"
                                    % (host, index + 1, key, value, index, step))
            container = "%s-server-%d" % (prefix, instance_id)
            listeners = []
            for spec in specs:
                port = ports["public"] + spec["port_offset"] if spec["port"] is None else spec["port"] + index * step
                if port > 65535:
                    raise PlanError("host %s: server %d's listener %s would be on port %d, above 65535; lower its port "
                                    "or port_offset in littlehorse_listeners, or the port bases"
                                    % (host, index + 1, spec["name"], port))
                listeners.append({"name": spec["name"], "port": port, "protocol": spec["protocol"],
                                  "authentication": spec["authentication"], "advertised_host": advertised,
                                  "advertised_port": port})
            # Clients reach the public listeners and the health port at the bind address; only the other servers
            # use the internal port: on many hosts it is published on the host's cluster address alone.
            published = ["%s:%d:%d" % (bind, l["port"], l["port"]) for l in listeners]
            published.append("%s:%d:%d" % (bind, ports["health"], ports["health"]))
            if not single:
                published.append("%s:%d:%d" % (inv.cluster_address(host), ports["internal"], ports["internal"]))
            servers.append({
                "host": host, "index": index, "instance_id": instance_id, "container": container,
                "volume": container + "-data",
                "listeners": listeners,
                "internal": {"port": ports["internal"], "advertised_host": container if single else inv.cluster_reach(host),
                             "advertised_port": ports["internal"]},
                "health_port": ports["health"],
                "health_host": probe,
                # the server's health port, for littlehorse.cluster.lh_server_info: read from its own host, and from
                # any other (plan["probes"] gives each host the one it must use for every server)
                "probe": {"name": container, "host": probe, "health_port": ports["health"], "instance_id": instance_id},
                "probe_from_others": {"name": container, "host": probe_other, "health_port": ports["health"],
                                      "instance_id": instance_id},
                "wait_host": inv.wait_host(host),
                "rack_id": None if rack is None else str(rack),
                "published_ports": published,
            })
    _unique([(s["instance_id"], s["host"]) for s in servers], "littlehorse_server_id_base or "
            "littlehorse_server_instance_ids")
    return servers


# The dashboard's OAuth settings besides its two secrets: (setting, what it is, whether it is a URL).
DASHBOARD_OAUTH_SETTINGS = (
    ("littlehorse_dashboard_oauth_client_id", "the client id the dashboard signs its users in as (LHD_OAUTH_CLIENT_ID)",
     False),
    ("littlehorse_dashboard_oauth_issuer_uri", "the identity provider's issuer URI as the dashboard reaches it "
     "(LHD_OAUTH_ISSUER_URI), e.g. https://idp.example.com/realms/lh", True),
    ("littlehorse_dashboard_oauth_callback_url", "the dashboard's URL as its users' browsers reach it, where the "
     "identity provider sends them back (LHD_OAUTH_CALLBACK_URL), e.g. http://dashboard.example.com:8080", True),
)
DASHBOARD_OAUTH_SECRETS = (
    ("littlehorse_dashboard_oauth_client_secret", "client_secret", "the secret of the dashboard's OAuth client"),
    ("littlehorse_dashboard_oauth_encrypt_secret", "encrypt_secret", "the key the dashboard encrypts its session "
     "cookies with (LHD_OAUTH_ENCRYPT_SECRET, a long random string)"),
)


def dashboard_oauth(inv, host, listener):
    """The dashboard's OAuth settings when its listener is OAUTH, else None (and then none may be set): {client_id,
    issuer_uri, callback_url, client_secret_inline, client_secret_file, encrypt_secret_inline, encrypt_secret_file};
    no secret value."""
    where = "the dashboard's listener %s (littlehorse_dashboard_listener)" % listener["name"]
    oauth = listener["authentication"] == "OAUTH"
    needed_by = ("%s: authentication OAUTH" % where) if oauth else None
    values = {}
    for setting, key, what in DASHBOARD_OAUTH_SECRETS:
        source = _secret_source(inv, host, setting, needed_by, what)
        values.update({key + "_inline": source["inline"], key + "_file": source["file"]})
    given = [name for name, _what, _url in DASHBOARD_OAUTH_SETTINGS if inv.raw(host, name) not in (None, "")] + [
        name if values[key + "_inline"] else name + "_file" for name, key, _what in DASHBOARD_OAUTH_SECRETS
        if values[key + "_inline"] or values[key + "_file"]]
    if not oauth:
        if given:
            raise PlanError("host %s: %s %s set, but %s has authentication %s, so the dashboard would not use %s; "
                            "remove %s, or set littlehorse_dashboard_listener to an OAUTH listener"
                            % (host, ", ".join(given), "are" if len(given) > 1 else "is", where,
                               listener["authentication"], "them" if len(given) > 1 else "it",
                               "them" if len(given) > 1 else "it"))
        return None
    for name, what, url in DASHBOARD_OAUTH_SETTINGS:
        value = inv.raw(host, name)
        value = "" if value is None else str(value).strip()
        if not value:
            raise PlanError("host %s: %s: authentication OAUTH needs %s, which is not set; set it to %s"
                            % (host, where, name, what))
        if url and not OAUTH_URL.match(value):
            raise PlanError("host %s: %s '%s' is not an http:// or https:// URL; set it to %s" % (host, name, value, what))
        values[name[len("littlehorse_dashboard_oauth_"):]] = value
    return values


def dashboard_plan(inv, first, servers, balancer, single, prefix):
    """The dashboard on the one host of its group, or None. It uses littlehorse_dashboard_listener (default:
    littlehorse_client_listener, else the first listener): PLAINTEXT on a PLAIN listener, TLS with the cluster's CA on
    a TLS one, and with a client certificate of its own on an MTLS one (tls_plan adds them); on an OAUTH listener its
    OAuth settings (dashboard_oauth). It reaches the cluster through the load balancer when that fronts its listener
    (dashboard_target), else through a server on its host (else the first); it is published where
    dashboard_bind says."""
    hosts = inv.hosts(DASHBOARD_GROUP)
    if not hosts:
        return None
    if len(hosts) > 1:
        raise PlanError("inventory: group '%s' has %d hosts (%s); the dashboard runs on one host"
                        % (DASHBOARD_GROUP, len(hosts), ", ".join(hosts)))
    host = hosts[0]
    server = next((s for s in servers if s["host"] == host), servers[0])
    names = [l["name"] for l in server["listeners"]]
    chosen = (_named_listener(inv, host, "littlehorse_dashboard_listener", names)
              or _named_listener(inv, first, "littlehorse_client_listener", names) or names[0])
    listener = next(l for l in server["listeners"] if l["name"] == chosen)
    port = inv.int(host, "littlehorse_dashboard_port", 1)
    bind = dashboard_bind(inv, host, listener)
    target = dashboard_target(server, listener, balancer, single)
    return {"host": host, "container": "%s-dashboard" % prefix, "port": port, "bind": bind,
            "health_host": inv.probe_host(host) if bind == "0.0.0.0" else bind, "wait_host": inv.wait_host(host),
            "published_ports": ["%s:%d:3000" % (bind, port)],
            "listener": chosen, "protocol": listener["protocol"], "authentication": listener["authentication"],
            "api_host": target["api_host"], "api_port": target["api_port"], "target": target,
            "oauth": dashboard_oauth(inv, host, listener), "tls": None}


def dashboard_bind(inv, host, listener):
    """Where the dashboard is published. Behind an OAUTH listener (its users sign in) or with
    littlehorse_dashboard_allow_unauthenticated, where the host publishes its ports (littlehorse_bind_address, every
    address by default). Otherwise it has no login and runs workflows for anyone who reaches it: on loopback -
    littlehorse_bind_address when that is a loopback address, else 127.0.0.1 - and a public littlehorse_bind_address
    is refused rather than overridden, so the host's one bind setting never means two things."""
    if listener["authentication"] == "OAUTH" or inv.bool(host, "littlehorse_dashboard_allow_unauthenticated"):
        return inv.bind(host)
    if not str(inv.raw(host, "littlehorse_bind_address") or "").strip():
        address = "127.0.0.1"
    elif _is_loopback(inv.bind(host)):
        address = inv.bind(host)
    else:
        raise PlanError("host %s: the dashboard uses listener %s (authentication %s), so it has no login and anyone "
                        "who reaches it can run workflows, and littlehorse_bind_address %s would publish it there; put "
                        "the dashboard on an OAUTH listener (littlehorse_dashboard_listener, with its "
                        "littlehorse_dashboard_oauth_* settings), or set littlehorse_dashboard_allow_unauthenticated: "
                        "true on %s to publish it on %s without a login"
                        % (host, listener["name"], listener["authentication"], inv.bind(host), host, inv.bind(host)))
    if inv.remote_engine(host):
        raise PlanError("host %s: the dashboard uses listener %s (authentication %s), so it has no login and is "
                        "published on %s only, but littlehorse_docker_host has the collection reach this host's engine "
                        "from elsewhere, where that address is not this host and the dashboard cannot be checked; put "
                        "the dashboard on an OAUTH listener (littlehorse_dashboard_listener), or set "
                        "littlehorse_dashboard_allow_unauthenticated: true on %s to publish it on %s without a login"
                        % (host, listener["name"], listener["authentication"], address, host, inv.bind(host)))
    return address


def dashboard_target(server, listener, balancer, single):
    """Where the dashboard reaches the cluster: {api_host, api_port, via, host, container} - `host` and `container`
    the machine and container that answer at api_host:api_port (the reach check dials them). Through the load
    balancer when it fronts the dashboard's listener (each server's first), so the loss of one server leaves the
    dashboard up: across hosts at the balancer's advertised address, which every server's certificate names (TCP
    passthrough: the dashboard checks the server's certificate against it), on one engine at its container name on the
    cluster network - there for a PLAIN listener only, as the servers' certificates do not name the balancer's
    container (naming it would re-issue them). Otherwise the server: by container name on one engine, else at its
    advertised address."""
    fronted = balancer and listener["name"] == server["listeners"][0]["name"]
    if fronted and not single:
        return {"via": "load_balancer", "host": balancer["host"], "container": balancer["container"],
                "api_host": balancer["advertised_host"], "api_port": balancer["port"]}
    if fronted and listener["protocol"] == "PLAIN":
        return {"via": "load_balancer", "host": balancer["host"], "container": balancer["container"],
                "api_host": balancer["container"], "api_port": balancer["port"]}
    return {"via": "server", "host": server["host"], "container": server["container"],
            "api_host": server["container"] if single else listener["advertised_host"],
            "api_port": listener["port"] if single else listener["advertised_port"]}


def dashboard_options(dashboard):
    """The options of littlehorse.cluster.lh_dashboard, as one item of its `instances` (no secret: the role adds the
    OAuth secrets)."""
    options = {"name": dashboard["container"], "api_host": dashboard["api_host"], "api_port": dashboard["api_port"],
               "api_protocol": "PLAINTEXT" if dashboard["protocol"] == "PLAIN" else "TLS",
               "published_ports": dashboard["published_ports"], "oauth_enabled": bool(dashboard["oauth"])}
    if dashboard.get("wait_host"):
        options["wait_host"] = dashboard["wait_host"]
    tls = dashboard["tls"]
    if tls:
        options["ca_cert_file"] = tls["ca"]
        if tls["cert"]:
            options.update(client_cert_file=tls["cert"], client_key_file=tls["key"])
    if dashboard["oauth"]:
        options.update(("oauth_" + key, dashboard["oauth"][key]) for key in ("client_id", "issuer_uri", "callback_url"))
    return options


def load_balancer_plan(inv, servers, single, prefix):
    """The one load balancer in front of every server's public listener, or None (no host in its group)."""
    hosts = inv.hosts(LOAD_BALANCER_GROUP)
    if not hosts:
        return None
    if len(hosts) > 1:
        raise PlanError("inventory: group '%s' has %d hosts (%s); clients take one bootstrap address, so the load "
                        "balancer runs on one host: keep one of them in the group"
                        % (LOAD_BALANCER_GROUP, len(hosts), ", ".join(hosts)))
    host = hosts[0]
    port = inv.int(host, "littlehorse_load_balancer_port", 1)
    bind = inv.bind(host)
    backends = []
    for server in servers:
        listener = server["listeners"][0]
        # One engine: the servers by container name and container port on the cluster network.
        backends.append({"name": server["container"],
                         "host": server["container"] if single else listener["advertised_host"],
                         "port": listener["port"] if single else listener["advertised_port"],
                         "health_port": server["health_port"]})
    return {"host": host, "container": "%s-lb" % prefix, "port": port, "bind": bind,
            "published_ports": ["%s:%d:%d" % (bind, port, port)],
            "health_host": inv.probe_host(host), "wait_host": inv.wait_host(host),
            "advertised_host": inv.advertised_host(host), "backends": backends}


def probe_plan(servers, hosts):
    """{host: [probe of every server, as a check that runs on that host reaches it]}: a server of that host at its
    own probe address (loopback when it publishes on every address), every other server at the address that
    reaches it from another host (probe_from_others). The rolling gates of a host hand their list to
    littlehorse.cluster.lh_server_info unchanged; each probe names its instance id, which the answer must carry."""
    return dict((host, [s["probe"] if s["host"] == host else s["probe_from_others"] for s in servers])
                for host in hosts)


def reach_plan(plan, inv):
    """{host: [{to, address, port, purpose}]}: what each host must reach on the others (Kafka's broker
    and controller ports, the servers' internal ports, the public and health ports behind the load
    balancer and the dashboard), each address and port once. Empty on one engine."""
    reach = dict((host, []) for host in plan["cluster"]["hosts"])
    if plan["cluster"]["single_engine"]:
        return reach
    nodes = plan["kafka"]["nodes"]
    servers = plan["servers"]

    def need(hosts, target_host, address, port, purpose):
        for host in hosts:
            if host == target_host or address == inv.advertised_host(host):
                continue
            if not any((p["address"], p["port"]) == (address, port) for p in reach[host]):
                reach[host].append({"to": target_host, "address": address, "port": port, "purpose": purpose})

    server_hosts = sorted(set(s["host"] for s in servers))
    kafka_hosts = sorted(set(n["host"] for n in nodes))
    for node in nodes:
        need(server_hosts + kafka_hosts, node["host"], node["advertised_host"], node["port"],
             "the Kafka broker port of %s" % node["container"])
        need(kafka_hosts, node["host"], node["advertised_host"], node["controller_port"],
             "the Kafka controller port of %s" % node["container"])
    for server in servers:
        need(server_hosts, server["host"], server["internal"]["advertised_host"], server["internal"]["advertised_port"],
             "the internal port of %s" % server["container"])
    for server in servers:
        # the rolling gates of every server host read every server's health port (plan["probes"])
        need(server_hosts, server["host"], server["probe_from_others"]["host"], server["health_port"],
             "the health port of %s, read by the rolling gates of the other hosts" % server["container"])
    balancer = plan.get("load_balancer")
    for server in servers if balancer else []:
        listener = server["listeners"][0]
        need([balancer["host"]], server["host"], listener["advertised_host"], listener["advertised_port"],
             "the public port of %s, behind the load balancer" % server["container"])
        need([balancer["host"]], server["host"], listener["advertised_host"], server["health_port"],
             "the health port of %s, checked by the load balancer" % server["container"])
    dashboard = plan.get("dashboard")
    if dashboard:
        target = dashboard["target"]
        need([dashboard["host"]], target["host"], target["api_host"], target["api_port"],
             "the %s port of %s, the dashboard's way to the cluster"
             % ("listen" if target["via"] == "load_balancer" else "public", target["container"]))
    return reach


def resolve_plan(plan, inv):
    """{host: [{name, host, source}]}: the advertised host names (not IPv4 addresses) each host must resolve - its
    own (the clients and the modules reach it there) and those of the other hosts it dials (plan["reach"]), each
    once. `host` is the host the name belongs to; `source` where it came from (littlehorse_advertised_host,
    ansible_host or the inventory name), for the message that names the fix."""
    resolve = {}
    for host in plan["cluster"]["hosts"]:
        entries = []
        for owner, name in [(host, inv.advertised_host(host))] + [(p["to"], p["address"]) for p in plan["reach"][host]]:
            if _is_ipv4(name) or any(e["name"] == name for e in entries):
                continue
            source = inv.advertised_source(owner) if name == inv.advertised_host(owner) else "the plan"
            entries.append({"name": name, "host": owner, "source": source})
        resolve[host] = entries
    return resolve


def address_plan(plan, inv):
    """{host: {address: setting}}: each address (not 0.0.0.0) that the plan publishes ports on, on each host, and
    the setting it comes from - littlehorse_bind_address, or for the ports only the other hosts use (the servers'
    internal port, Kafka's) littlehorse_cluster_address, ansible_host or littlehorse_advertised_host. The preflight
    names it when the address is not one of the host's own."""
    addresses = dict((host, {}) for host in plan["cluster"]["hosts"])
    entries = plan["servers"] + plan["kafka"]["nodes"] + [
        entry for entry in (plan.get("dashboard"), plan.get("load_balancer")) if entry]
    for entry in entries:
        host = entry["host"]
        for spec in entry.get("published_ports") or []:
            address = str(spec).rsplit(":", 2)[0] if str(spec).count(":") == 2 else ""
            # loopback (the unauthenticated dashboard's default) is an address of every host: nothing to check
            if address in ("", "0.0.0.0") or address in addresses[host] or (
                    _is_loopback(address) and address != inv.bind(host)):
                continue
            addresses[host][address] = ("littlehorse_bind_address" if address == inv.bind(host)
                                        else inv.cluster_address_source(host))
    return addresses


def _port_spaces(inv, hosts):
    """Hosts at the same address are one machine, one port space: host -> (first host there, the address)."""
    owner, spaces = {}, {}
    for host in hosts:
        values = inv.hostvars.get(host) or {}
        values = values if isinstance(values, Mapping) else {}
        keys = [inv.advertised_host(host)]
        engine = inv.raw(host, "littlehorse_docker_host")
        if engine:
            keys.append("engine " + str(engine))
        elif values.get("ansible_host"):
            keys.append(str(values.get("ansible_host")))
        shared = [key for key in keys if key in owner]
        spaces[host] = (owner[shared[0]], shared[0]) if shared else (host, None)
        for key in keys:
            owner.setdefault(key, spaces[host][0])
    return spaces


def check_ports(plan, inv, first):
    reserved = inv.as_list(first, "littlehorse_reserved_ports") or []
    reserved = set(inv.int(first, "littlehorse_reserved_ports", 1, value=p) for p in reserved)
    used = {}
    spaces = _port_spaces(inv, plan["cluster"]["hosts"])
    for server in plan["servers"]:
        host, name = server["host"], server["container"]
        for listener in server["listeners"]:
            what = " public listener port" if len(server["listeners"]) == 1 else " listener %s port" % listener["name"]
            _claim(used, spaces, host, listener["port"], name + what, reserved)
        _claim(used, spaces, host, server["health_port"], name + " health port", reserved)
        if plan["cluster"]["single_engine"]:
            # Not published: each server binds it in its own container, but it must differ from the others
            # in the container (public, health) and 2024 stays out (the documented layout publishes it).
            if server["internal"]["port"] in [l["port"] for l in server["listeners"]] + [server["health_port"]]:
                raise PlanError("host %s: %s internal port %d equals its public or health port; change "
                                "littlehorse_internal_port_base" % (host, name, server["internal"]["port"]))
        else:
            _claim(used, spaces, host, server["internal"]["port"], name + " internal port", reserved)
    for node in plan["kafka"]["nodes"]:
        metrics = (node.get("metrics") or {}).get("port")
        for spec in node["published_ports"]:
            port = int(spec.split(":")[1])
            _claim(used, spaces, node["host"], port, node["container"] + (
                " metrics port (kafka_metrics_port)" if port == metrics else " port"), reserved)
    if plan["dashboard"]:
        _claim(used, spaces, plan["dashboard"]["host"], plan["dashboard"]["port"], "dashboard port", reserved)
    if plan["load_balancer"]:
        balancer = plan["load_balancer"]
        _claim(used, spaces, balancer["host"], balancer["port"], "%s port (set littlehorse_load_balancer_port to a free "
               "port)" % balancer["container"], reserved)
    if plan.get("monitoring"):
        _claim(used, spaces, plan["monitoring"]["host"], plan["monitoring"]["port"], "%s port (set monitoring_port to a "
               "free port)" % plan["monitoring"]["container"], reserved)
    return used


def _claim(used, spaces, host, port, what, reserved):
    if port in reserved:
        raise PlanError("host %s: %s would be %d, which is reserved (littlehorse_reserved_ports); choose other port "
                        "bases (e.g. littlehorse_public_port_base) or pin littlehorse_server_ports, or remove %d from "
                        "littlehorse_reserved_ports where that port is free" % (host, what, port, port))
    space, address = spaces.get(host, (host, None))
    key = (space, port)
    if key in used:
        other, other_what = used[key]
        if other == host:
            raise PlanError("host %s: port %d is planned twice (%s and %s); change littlehorse_port_step, the port "
                            "bases or the pinned ports of that host" % (host, port, other_what, what))
        raise PlanError("hosts %s and %s are the same machine (both at %s): port %d is planned on both (%s on %s, %s "
                        "on %s); give each inventory host its own ansible_host / littlehorse_advertised_host, or "
                        "different ports on one of them (the port bases, littlehorse_server_ports, "
                        "littlehorse_kafka_port ...)"
                        % (other, host, address, port, other_what, other, what, host))
    used[key] = (host, what)


def _unique(pairs, setting):
    seen = {}
    for value, host in pairs:
        if value in seen:
            where = "host %s" % host if seen[value] == host else "hosts %s and %s" % (seen[value], host)
            raise PlanError("%s: id %d is given twice; pin %s so that every id is unique" % (where, value, setting))
        seen[value] = host


def server_options(server):
    """The per-server options of littlehorse.cluster.lh_server, as one item of its `instances`."""
    options = {"name": server["container"], "instance_id": server["instance_id"], "listeners": server["listeners"],
               "internal_port": server["internal"]["port"],
               "internal_advertised_host": server["internal"]["advertised_host"],
               "internal_advertised_port": server["internal"]["advertised_port"],
               "health_port": server["health_port"], "volume": server["volume"],
               "published_ports": server["published_ports"]}
    options.update((key, server[key]) for key in ("rack_id", "wait_host") if server.get(key))
    tls = server.get("tls")
    options.update((key, value) for key, value in (server.get("kafka_tls") or {}).items())
    if tls and any(l["protocol"] == "MTLS" for l in server["listeners"]):
        options["ca_cert_file"] = tls["ca"]
    if tls and tls.get("internal"):
        options.update(internal_ca_cert_file=tls["ca"], internal_server_cert_file=tls["cert"],
                       internal_server_key_file=tls["key"])
    return options


def kafka_node_options(node):
    """The per-node options of littlehorse.cluster.kafka_node, as one item of its `instances`."""
    options = dict((key, node[key]) for key in (
        "node_id", "process_roles", "listeners", "controller_listener_name", "inter_broker_listener_name",
        "controller_quorum_voters", "offsets_topic_replication_factor", "transaction_state_log_replication_factor",
        "transaction_state_log_min_isr", "min_insync_replicas", "volume", "published_ports"))
    options["name"] = node["container"]
    for key in ("wait_host", "tools_listener_name"):
        if node.get(key):
            options[key] = node[key]
    if node.get("tls"):
        options.update(ssl_keystore_file=node["tls"]["keystore"], ssl_truststore_file=node["tls"]["truststore"])
    if node.get("metrics"):
        options.update(metrics_port=node["metrics"]["port"], jmx_exporter_jar=node["metrics"]["jar_path"],
                       jmx_exporter_config=node["metrics"]["config_path"])
    return options


def cluster_plan(groups, hostvars):
    """groups | littlehorse.cluster.cluster_plan(hostvars) -> the plan (see the module docstring)."""
    if not isinstance(groups, Mapping) or not isinstance(hostvars, Mapping):
        raise PlanError("cluster_plan: use it as groups | littlehorse.cluster.cluster_plan(hostvars)")
    inv = _Inventory(groups, hostvars)
    all_hosts = []
    for group in (SERVER_GROUP, KAFKA_GROUP, DASHBOARD_GROUP, LOAD_BALANCER_GROUP, _monitoring_plan.MONITORING_GROUP):
        all_hosts.extend(h for h in inv.hosts(group) if h not in all_hosts)
    if not all_hosts:
        raise PlanError("inventory: group '%s' has no host; add the hosts that run LittleHorse servers" % SERVER_GROUP)
    first = all_hosts[0]
    _check_known_settings(inv, all_hosts)
    _check_cluster_wide(inv, all_hosts)
    _check_role_cluster_wide(inv)
    _planned(_monitoring_plan.check_reach, inv, (KAFKA_GROUP, SERVER_GROUP))

    prefix = str(inv.raw(first, "littlehorse_prefix"))
    if not PREFIX.match(prefix):
        raise PlanError("littlehorse_prefix: '%s' must start with a lower-case letter or digit and hold only "
                        "a-z, 0-9, '_', '.', '-' (it names containers, volumes and the network)" % prefix)
    if inv.raw(first, "littlehorse_single_engine") is None:
        single = len(all_hosts) == 1
    else:
        single = inv.bool(first, "littlehorse_single_engine")
    if single and len(all_hosts) > 1:
        raise PlanError("littlehorse_single_engine is true but the cluster spans %d hosts (%s); set it false (each "
                        "host then publishes and advertises its own address) or put everything on one host"
                        % (len(all_hosts), ", ".join(all_hosts)))

    if not single and len(all_hosts) > 1:
        for host in all_hosts:
            if _is_loopback(inv.bind(host)):
                raise PlanError("host %s: littlehorse_bind_address is %s, so its ports are published on loopback only "
                                "and the other hosts of this %d-host cluster cannot reach them; set it to an address "
                                "the other hosts reach, or leave it unset (all addresses)"
                                % (host, inv.bind(host), len(all_hosts)))
    kafka = kafka_plan(inv, first, single, prefix)
    servers = server_plan(inv, first, single, prefix)
    oauth = oauth_plan(inv, first, servers[0]["listeners"])
    if not single and len(all_hosts) > 1:
        for server in servers:
            if _is_loopback(server["listeners"][0]["advertised_host"]):
                raise PlanError("host %s: advertises %s, which the other hosts cannot reach; set ansible_host or "
                                "littlehorse_advertised_host to an address the other hosts and the clients reach"
                                % (server["host"], server["listeners"][0]["advertised_host"]))
        for node in kafka["nodes"]:
            if _is_loopback(node["advertised_host"]):
                raise PlanError("host %s: Kafka node %s advertises %s, which the other hosts cannot reach; set "
                                "ansible_host or littlehorse_advertised_host to an address the other hosts reach"
                                % (node["host"], node["container"], node["advertised_host"]))
        for entry in kafka["bootstrap"].split(",") if kafka["external"] else []:
            if _is_loopback(entry.rpartition(":")[0]):
                raise PlanError("host %s: littlehorse_kafka_bootstrap_servers entry '%s' is on loopback, which the "
                                "servers on the other hosts cannot reach; give the brokers' addresses that every host "
                                "reaches" % (first, entry))
    # The servers run in containers on the cluster's bridge network, where loopback is the container itself.
    for entry in kafka["bootstrap"].split(",") if kafka["external"] else []:
        if _is_loopback(entry.rpartition(":")[0]):
            raise PlanError("host %s: littlehorse_kafka_bootstrap_servers entry '%s' is on loopback, which inside the "
                            "servers' containers is the container itself, not this host; give the brokers at an "
                            "address the containers reach - the host's own IP address, or the gateway of its Docker "
                            "bridge (e.g. 172.17.0.1) - where Kafka listens and which it advertises" % (first, entry))
    _check_server_env(inv, servers)

    standby = inv.int(first, "littlehorse_standby_replicas", 0, 100)
    if standby > 0 and standby >= len(servers):
        raise PlanError("littlehorse_standby_replicas: %d standby replicas need at least %d servers (there are %d); "
                        "lower it or add servers" % (standby, standby + 1, len(servers)))
    if inv.raw(first, "littlehorse_replication_factor") is None:
        # every broker holds a copy, up to three: one broker can be lost and writes go on (min ISR 2)
        replication = 1 if kafka["external"] else min(len(kafka["nodes"]), 3)
    else:
        replication = inv.int(first, "littlehorse_replication_factor", 1, 100)
    if not kafka["external"] and replication > len(kafka["nodes"]):
        raise PlanError("littlehorse_replication_factor: %d but only %d Kafka broker(s) in group '%s'; lower it or "
                        "add brokers" % (replication, len(kafka["nodes"]), KAFKA_GROUP))
    cluster_id = str(inv.raw(first, "littlehorse_cluster_id"))
    if not re.match(r"^[A-Za-z0-9._-]+$", cluster_id):
        raise PlanError("littlehorse_cluster_id: '%s' may hold only letters, digits, '.', '_' and '-' (it prefixes "
                        "every Kafka topic)" % cluster_id)

    plan = {
        "cluster": {"id": cluster_id,
                    "partitions": inv.int(first, "littlehorse_partitions", 1, 10000),
                    "replication_factor": replication, "standby_replicas": standby,
                    "prefix": prefix, "network": "%s-net" % prefix, "single_engine": single,
                    "hosts": all_hosts},
        "kafka": kafka,
        "servers": servers,
        "oauth": oauth,
    }
    # What an existing container must hold for the plan to be able to keep its data (the preflight
    # compares it with the running containers' settings).
    for server in servers:
        server["identity"] = {"LHS_CLUSTER_ID": cluster_id, "LHS_CLUSTER_PARTITIONS": str(plan["cluster"]["partitions"]),
                              "LHS_INSTANCE_ID": str(server["instance_id"])}
    security = kafka["security"]
    for node in kafka["nodes"]:
        node["identity"] = {"CLUSTER_ID": kafka["cluster_id"], "KAFKA_NODE_ID": str(node["node_id"])}
        # what a running node's listeners must already run on: a protocol switch cannot roll (lh_host_info)
        node["listener_protocols"] = {
            "protocols": sorted(set(with_mechanism(l["protocol"], security["mechanism"]) for l in node["listeners"]
                                    if l["name"] != node["tools_listener_name"])),
            "setting": "littlehorse_kafka_security_protocol" + (
                " and littlehorse_kafka_sasl_mechanism" if security["sasl"] else ""),
            "value": security["protocol"] + (" with %s" % security["mechanism"] if security["sasl"] else "")}
    plan["cluster"]["allow_destructive_changes"] = inv.bool(first, "littlehorse_allow_destructive_changes")
    plan["load_balancer"] = load_balancer_plan(inv, servers, single, prefix)
    plan["dashboard"] = dashboard_plan(inv, first, servers, plan["load_balancer"], single, prefix)
    if plan["load_balancer"] and not single and len(all_hosts) > 1 and _is_loopback(
            plan["load_balancer"]["advertised_host"]):
        raise PlanError("host %s: the load balancer advertises %s, which clients on other hosts cannot reach; set "
                        "ansible_host or littlehorse_advertised_host to an address the clients reach"
                        % (plan["load_balancer"]["host"], plan["load_balancer"]["advertised_host"]))
    plan["warnings"] = image_plan(inv, first)
    plan["probes"] = probe_plan(servers, all_hosts)
    plan["reach"] = reach_plan(plan, inv)
    plan["resolve"] = resolve_plan(plan, inv)
    plan["addresses"] = address_plan(plan, inv)
    _planned(_monitoring_plan.monitoring_plan, inv, plan)
    used = check_ports(plan, inv, first)
    plan["ports"] = dict((host, sorted(port for (_space, port), (h, _what) in used.items() if h == host))
                         for host in all_hosts)
    plan["clients"] = clients_plan(inv, first, plan)
    plan["tls"] = tls_plan(inv, first, plan)
    for server in servers:
        server["options"] = server_options(server)
    for node in kafka["nodes"]:
        node["options"] = kafka_node_options(node)
    limits_plan(inv, first, plan)
    jvm_plan(inv, plan)
    _check_kafka_properties(inv, plan)
    return plan


def _check_server_env(inv, servers):
    """server_env of every server host, by lh_server's own rule (env_refusal), before any host changes."""
    for host in sorted(set(server["host"] for server in servers)):
        env = inv.raw(host, "server_env")
        if not isinstance(env, Mapping):
            continue  # not a dict: the server role's argument spec refuses it
        for key in sorted(str(name) for name in env):
            refusal = env_refusal(key)
            if refusal == NOT_READ:
                raise PlanError("host %s: server_env has '%s', which the server ignores (it reads only LHS_* "
                                "variables); JVM flags go in server_java_opts, remove it from server_env" % (host, key))
            if refusal == SECRET:
                raise PlanError("host %s: server_env has '%s', which looks like a secret and would show in docker "
                                "inspect; remove it from server_env (the collection passes the servers' secrets as "
                                "files, from the littlehorse_* settings)" % (host, key))
            if refusal:
                raise PlanError("host %s: server_env has '%s', which lh_server sets itself from its option %s (the "
                                "collection fills it in from the inventory); remove it from server_env and set it "
                                "through the littlehorse_* or server_* variable that README.md gives for it"
                                % (host, key, refusal))


def _check_kafka_properties(inv, plan):
    """kafka_properties of every Kafka host, by kafka_node's own rule (check_properties) against the environment its
    typed options render for each planned node, before any host changes."""
    spec = container_argument_spec()
    spec.update(_kafka_config.argument_spec())
    for node in plan["kafka"]["nodes"]:
        properties = inv.raw(node["host"], "kafka_properties")
        if not isinstance(properties, Mapping) or not properties:
            continue  # not a dict: the kafka role's argument spec refuses it
        # the options the kafka role adds to the plan's: those of them that render variables
        given = dict(node["options"], cluster_id=plan["kafka"]["cluster_id"],
                     sasl_mechanism=plan["kafka"]["security"]["mechanism"])
        params = ArgumentSpecValidator(spec).validate(given).validated_parameters
        try:
            _kafka_config.check_properties(
                [str(name) for name in properties], _kafka_config.typed_env(params), "kafka_properties",
                "remove it from kafka_properties (the collection sets it from the inventory's littlehorse_kafka_* "
                "settings and the kafka role's variables)")
        except LHClusterError as err:
            raise PlanError("host %s: %s" % (node["host"], err.message))


def _planned(compute, *args):
    """compute(*args) of a phase of its own (plugins/module_utils/_monitoring_plan.py), whose LHClusterError names the
    host, the setting and the fix, as the plan's error."""
    try:
        return compute(*args)
    except LHClusterError as err:
        raise PlanError(err.message)


def _host_limit(host, compute, *settings):
    """compute(*values of settings on host), its LHClusterError named after the host."""
    try:
        return compute(*settings)
    except LHClusterError as err:
        raise PlanError("host %s: %s" % (host, err.message))


def limits_plan(inv, first, plan):
    """Bounded memory and logs (plugins/module_utils/_limits.py): each container's memory limit (and the servers'
    and Kafka nodes' heap and the servers' RocksDB caps, split from it unless given) from the role variables of its
    host, in its entry (`memory`, bytes: the preflight adds them up per host) and its module options; the log
    settings of every container in cluster.log."""
    max_size, max_files = inv.raw(first, "littlehorse_log_max_size"), inv.raw(first, "littlehorse_log_max_files")
    log = _host_limit(first, log_options, max_size, max_files, ("littlehorse_log_max_size", "littlehorse_log_max_files"))
    plan["cluster"]["log"] = {"max_size": log["max-size"], "max_files": int(log["max-file"])}
    for server in plan["servers"]:
        host = server["host"]
        split = _host_limit(host, server_memory, *(inv.raw(host, name) for name in (
            "server_memory", "server_heap", "server_rocksdb_block_cache", "server_rocksdb_memtable")))
        server["memory"] = split["memory"]
        server["options"].update(memory=split["memory_text"], heap=split["heap_text"],
                                 rocksdb_block_cache=split["block_cache_text"], rocksdb_memtable=split["memtable_text"])
    for node in plan["kafka"]["nodes"]:
        split = _host_limit(node["host"], kafka_memory, inv.raw(node["host"], "kafka_memory"),
                            inv.raw(node["host"], "kafka_heap"))
        node["memory"] = split["memory"]
        node["options"].update(memory=split["memory_text"], heap=split["heap_text"])
    for role in ("dashboard", "load_balancer", "monitoring"):
        entry = plan.get(role)
        if entry:
            limit = _host_limit(entry["host"], container_memory, role, inv.raw(entry["host"], role + "_memory"))
            entry["memory"] = limit["memory"]
            entry["memory_text"] = limit["memory_text"]


def jvm_plan(inv, plan):
    """Each server's collector (server_gc) and more JVM flags (server_java_opts, added to the image's defaults)
    from the role variables of its host, in its module options; a collector flag in server_java_opts is refused:
    the image's start script already selects ZGC, and the JVM refuses two collectors."""
    names = {"gc": "server_gc", "java_opts": "server_java_opts"}
    for server in plan["servers"]:
        host = server["host"]
        gc, java_opts = str(inv.raw(host, "server_gc") or "zgc"), str(inv.raw(host, "server_java_opts") or "")
        _host_limit(host, check_gc, gc, names)
        _host_limit(host, check_java_opts, java_opts, names)
        server["options"].update(gc=gc, java_opts=java_opts or None)


def _named_listener(inv, host, setting, names):
    """The listener name `setting` gives (None when unset), which must be one of `names`."""
    value = inv.raw(host, setting)
    if value in (None, ""):
        return None
    if str(value) not in names:
        raise PlanError("host %s: %s '%s' is not a listener of littlehorse_listeners (%s); name one of them"
                        % (host, setting, value, ", ".join(names)))
    return str(value)


def clients_plan(inv, first, plan):
    """Where clients bootstrap, per listener ({name: {host, port, protocol, authentication, servers}}), and the
    one the generated client file uses (littlehorse_client_listener, the first listener by default). The load
    balancer fronts the first listener, so clients of that listener bootstrap through it."""
    servers, balancer = plan["servers"], plan["load_balancer"]
    names = [l["name"] for l in servers[0]["listeners"]]
    listeners = {}
    for position, name in enumerate(names):
        entries = [next(l for l in s["listeners"] if l["name"] == name) for s in servers]
        entry = {"name": name, "host": entries[0]["advertised_host"], "port": entries[0]["advertised_port"],
                 "protocol": entries[0]["protocol"], "authentication": entries[0]["authentication"],
                 "servers": ["%s:%d" % (l["advertised_host"], l["advertised_port"]) for l in entries],
                 # every server as a worker on this listener must be assigned it (lh_workflow_check's servers)
                 "members": [{"name": s["container"], "host": s["host"], "advertised_host": l["advertised_host"],
                              "advertised_port": l["advertised_port"]} for s, l in zip(servers, entries)]}
        if balancer and position == 0:
            entry.update(host=balancer["advertised_host"], port=balancer["port"])
        entry["bootstrap"] = "%s:%d" % (entry["host"], entry["port"])
        listeners[name] = entry
    chosen = _named_listener(inv, first, "littlehorse_client_listener", names) or names[0]
    clients = dict(listeners[chosen])
    clients["listener"] = chosen
    clients["listeners"] = listeners
    return clients


OAUTH_URL = re.compile(r"^https?://[^/\s?#]+(/\S*)?$")
# The OAuth settings an OAUTH listener needs besides the two secrets: (setting, what it is, whether it is a URL).
OAUTH_SETTINGS = (
    ("littlehorse_oauth_introspect_url", "the identity provider's token introspection endpoint (RFC 7662) that the "
     "servers call, e.g. https://idp.example.com/realms/lh/protocol/openid-connect/token/introspect", True),
    ("littlehorse_oauth_client_id", "the client id the servers introspect tokens as", False),
    ("littlehorse_oauth_access_token_url", "the identity provider's token endpoint the clients fetch their tokens "
     "from, e.g. https://idp.example.com/realms/lh/protocol/openid-connect/token", True),
    ("littlehorse_oauth_worker_client_id", "the client id the workers, lhctl and verify.yml fetch tokens as (client "
     "credentials)", False),
)


def oauth_plan(inv, first, listeners):
    """The OAuth settings when a listener is OAUTH, else None: the servers' introspection (URL, client id, how their
    client secret is given) and the clients' credentials (token URL, client id, how their secret is given). No
    secret value is in it: the roles read littlehorse_oauth_client_secret and littlehorse_oauth_worker_client_secret
    themselves. Each setting an OAUTH listener misses is refused, naming it and the fix; so is a secret given both
    inline and as a file, with or without an OAUTH listener."""
    oauth = [(index, l["name"]) for index, l in enumerate(listeners) if l["authentication"] == "OAUTH"]
    where = ("littlehorse_listeners[%d] (%s)" % oauth[0]) if oauth else None
    needed_by = ("%s: authentication OAUTH" % where) if where else None
    servers = _secret_source(inv, first, "littlehorse_oauth_client_secret", needed_by,
                             "the secret of the servers' introspection client")
    workers = _secret_source(inv, first, "littlehorse_oauth_worker_client_secret", needed_by,
                             "the secret of the clients' (workers', lhctl's) OAuth client")
    if not oauth:
        return None
    values = {}
    for name, what, url in OAUTH_SETTINGS:
        value = inv.raw(first, name)
        value = "" if value is None else str(value).strip()
        if not value:
            raise PlanError("host %s: %s: authentication OAUTH needs %s, which is not set; set it in group_vars/all to "
                            "%s" % (first, where, name, what))
        if url and not OAUTH_URL.match(value):
            raise PlanError("host %s: %s '%s' is not an http:// or https:// URL; set it to %s" % (first, name, value, what))
        values[name[len("littlehorse_oauth_"):]] = value
    values.update(listeners=[name for _index, name in oauth], client_secret_inline=servers["inline"],
                  client_secret_file=servers["file"], worker_client_secret_inline=workers["inline"],
                  worker_client_secret_file=workers["file"])
    return values


def tls_plan(inv, first, plan):
    """The certificates the cluster needs: {enabled, internal, mtls, ca (path on the hosts), client_name}; each
    server gets tls {cert, key, dns_names, ip_addresses}. One certificate per server serves its TLS and MTLS
    listeners and, as server and client certificate, the internal port (LHS_INTERNAL_*); its SANs cover every
    address it is reached by. Internal mTLS is on by default when the servers span more than one host
    (littlehorse_internal_tls: false keeps the internal port plaintext there, bound to the cluster address)."""
    servers = plan["servers"]
    server_hosts = sorted(set(s["host"] for s in servers))
    if inv.raw(first, "littlehorse_internal_tls") is None:
        internal = len(server_hosts) > 1 and not plan["cluster"]["single_engine"]
    else:
        internal = inv.bool(first, "littlehorse_internal_tls")
    protocols = set(l["protocol"] for l in servers[0]["listeners"])
    mtls = "MTLS" in protocols
    kafka = plan["kafka"]
    kafka_tls = kafka["security"]["tls"] and not kafka["external"]
    enabled = internal or kafka_tls or bool(protocols & set(("TLS", "MTLS")))
    prefix = plan["cluster"]["prefix"]
    ca_files = [inv.raw(first, name) for name in ("littlehorse_ca_cert_file", "littlehorse_ca_key_file")]
    if ca_files[1] and not ca_files[0]:
        raise PlanError("host %s: littlehorse_ca_cert_file and littlehorse_ca_key_file: give both (your CA signs the "
                        "cluster's certificates) or neither (the collection makes a CA on the controller)" % first)
    tls = {"enabled": enabled, "internal": internal, "mtls": mtls, "client_name": "%s-client" % prefix,
           "ca": "/etc/littlehorse/%s/tls/ca.crt" % prefix, "kafka": kafka_tls,
           "truststore": "/etc/littlehorse/%s/tls/truststore.p12" % prefix,
           "pki_dir": str(inv.raw(first, "littlehorse_pki_dir") or "~/.local/share/littlehorse/%s/pki" % prefix),
           "ca_cert_file": ca_files[0], "ca_key_file": ca_files[1]}
    # where lh_pki keeps the password of the PKCS12 stores (Kafka's), on the controller
    tls["store_password_file"] = "%s/%s" % (tls["pki_dir"].rstrip("/"), STORE_PASSWORD_FILE)
    balancer = plan["load_balancer"]
    for server in servers:
        if not enabled:
            server["tls"] = None
            continue
        folder = "/etc/littlehorse/%s/tls" % server["container"]
        names = [l["advertised_host"] for l in server["listeners"]] + [
            server["internal"]["advertised_host"], server["container"], "localhost", "127.0.0.1"]
        if not plan["cluster"]["single_engine"] and inv.cluster_address(server["host"]) != "0.0.0.0":
            names.append(inv.cluster_address(server["host"]))
        if balancer:
            names.append(balancer["advertised_host"])
        unique = _unique_list(names)
        server["tls"] = {"cert": folder + "/server.crt", "key": folder + "/server.key", "ca": tls["ca"],
                         "internal": internal, "kafka_keystore": folder + "/kafka-keystore.p12",
                         "dns_names": [n for n in unique if not _is_ipv4(n)],
                         "ip_addresses": [n for n in unique if _is_ipv4(n)],
                         "reached_at": _reached_at(server, internal, balancer)}
        for listener in server["listeners"]:
            if listener["protocol"] in ("TLS", "MTLS"):
                listener.update(cert_file=server["tls"]["cert"], key_file=server["tls"]["key"])
    # The servers connect to the collection's Kafka over TLS with the cluster's CA (truststore.p12); over SSL
    # alone the broker asks for their certificate (a PKCS12 keystore of it), over SASL_SSL for the user's password.
    # Both stores open with the password lh_pki keeps (stores.password). An external Kafka is reached with the
    # user's stores (kafka_stores), copied to every server host; without a truststore, with the JVM's default trust.
    own_keystore = kafka_tls and kafka["security"]["protocol"] == "SSL"
    if kafka_tls:
        kafka["stores"] = {"truststore": {"file": None, "path": tls["truststore"], "password_inline": False,
                                          "password_file": tls["store_password_file"]},
                           "keystore": None if not own_keystore else {
                               "file": None, "path": None, "password_inline": False,
                               "password_file": tls["store_password_file"]}}
    stores = kafka["stores"]
    for server in servers:
        server["kafka_tls"] = dict(
            ([("kafka_truststore_file", stores["truststore"]["path"])] if stores["truststore"] else []) +
            ([("kafka_keystore_file", server["tls"]["kafka_keystore"] if own_keystore else stores["keystore"]["path"])]
             if stores["keystore"] else [])) or None
    for node in kafka["nodes"]:
        node["tls"] = None
        if kafka_tls:
            folder = "/etc/littlehorse/%s/tls" % node["container"]
            names = [node["advertised_host"], node["container"], "localhost"]
            if not plan["cluster"]["single_engine"] and inv.cluster_address(node["host"]) != "0.0.0.0":
                names.append(inv.cluster_address(node["host"]))
            if node.get("external_advertised_host"):
                names.append(node["external_advertised_host"])
            unique = _unique_list(names)
            node["tls"] = {"folder": folder, "keystore": folder + "/keystore.p12",
                           "truststore": folder + "/truststore.p12",
                           "dns_names": [n for n in unique if not _is_ipv4(n)],
                           "ip_addresses": [n for n in unique if _is_ipv4(n)]}
    # What littlehorse.cluster.lh_pki keeps on the controller: one certificate per server (server and client
    # usage, for the internal port's mutual TLS; a PKCS12 keystore of it when Kafka asks for it), one per Kafka
    # node (with its keystore: the broker's TLS and, as client, the controllers' mutual TLS), and the client
    # certificate of the generated client file.
    tls["given"] = given_server_certs(inv, plan, tls, own_keystore)
    given = dict((container, entry) for entry in tls["given"] for container in entry["containers"])
    tls["certificates"] = [] if not enabled else [
        _server_certificate(s, given.get(s["container"]), own_keystore) for s in servers] + [
        {"name": n["container"], "common_name": n["container"], "dns_names": n["tls"]["dns_names"],
         "ip_addresses": n["tls"]["ip_addresses"], "usages": ["server", "client"], "keystore": True}
        for n in kafka["nodes"] if n["tls"]] + [
        {"name": tls["client_name"], "common_name": tls["client_name"], "dns_names": [], "ip_addresses": [],
         "usages": ["client"], "keystore": False}]
    # The dashboard on a TLS or MTLS listener: the cluster's CA on its host; on MTLS a client certificate of its own
    # (its CN is its principal on an MTLS-authenticated listener), key 0600 on its host.
    dashboard = plan["dashboard"]
    if dashboard and dashboard["protocol"] != "PLAIN":
        folder = "/etc/littlehorse/%s/tls" % dashboard["container"]
        mtls_name = dashboard["container"] if dashboard["protocol"] == "MTLS" else None
        dashboard["tls"] = {"ca": tls["ca"], "folder": folder, "name": mtls_name,
                            "cert": folder + "/client.crt" if mtls_name else None,
                            "key": folder + "/client.key" if mtls_name else None}
        if mtls_name:
            tls["certificates"].append({"name": mtls_name, "common_name": mtls_name, "dns_names": [],
                                        "ip_addresses": [], "usages": ["client"], "keystore": False})
    if dashboard:
        dashboard["options"] = dashboard_options(dashboard)
    if enabled and ca_files[0] and not ca_files[1]:
        # Only the certificates the user gives need no CA key; the client file's is needed on an MTLS listener.
        tls["certificates"] = [c for c in tls["certificates"] if c["name"] != tls["client_name"] or mtls]
        _check_ca_key_not_needed(first, tls["certificates"], plan)
    return tls


def _unique_list(values):
    """The values in their order, each once."""
    unique = []
    for value in values:
        if value not in unique:
            unique.append(value)
    return unique


def _reached_at(server, internal, balancer):
    """[{name, why}]: every host name and address a TLS client connects to this server at, and checks its
    certificate against: the advertised host of its TLS and MTLS listeners, its internal advertised host when the
    internal port is mutual TLS, the load balancer's address when the balancer fronts a TLS or MTLS first listener
    (it passes TLS through)."""
    found = []

    def add(name, why):
        for item in found:
            if item["name"] == name:
                item["why"] += "; " + why
                return
        found.append({"name": name, "why": why})
    secure = [l for l in server["listeners"] if l["protocol"] in ("TLS", "MTLS")]
    for host in _unique_list(l["advertised_host"] for l in secure):
        names = [l["name"] for l in secure if l["advertised_host"] == host]
        add(host, "the advertised host of %s's listener%s %s"
            % (server["container"], "s" if len(names) > 1 else "", ", ".join(names)))
    if internal:
        add(server["internal"]["advertised_host"], "%s's internal advertised host, for the other servers"
            % server["container"])
    if balancer and server["listeners"][0]["protocol"] in ("TLS", "MTLS"):
        add(balancer["advertised_host"], "the load balancer %s's address, in front of listener %s"
            % (balancer["container"], server["listeners"][0]["name"]))
    return found


def given_server_certs(inv, plan, tls, keystore):
    """The servers' certificates the inventory gives (littlehorse_server_cert_file and littlehorse_server_key_file,
    host variables: one certificate for every server of the host), as [{host, containers, cert_file, key_file,
    reached_at, usages}]: reached_at joins every name each of the host's servers is reached at (its SANs must cover
    them all); usages are server, and client when it is also a client certificate (internal mutual TLS, or `keystore`: the
    collection's Kafka over SSL asks for it). The preflight reads the files (littlehorse.cluster.server_cert_problems)."""
    given = []
    for host in inv.hosts(SERVER_GROUP):
        files = [inv.raw(host, name) for name in ("littlehorse_server_cert_file", "littlehorse_server_key_file")]
        if not any(files):
            continue
        if not all(files):
            raise PlanError("host %s: littlehorse_server_cert_file and littlehorse_server_key_file: give both (this "
                            "host's servers' certificate and its key, PEM files on the controller) or neither (the "
                            "collection issues their certificates)" % host)
        servers = [s for s in plan["servers"] if s["host"] == host]
        secure = any(l["protocol"] in ("TLS", "MTLS") for l in servers[0]["listeners"])
        if not (secure or tls["internal"] or keystore):
            raise PlanError("host %s: littlehorse_server_cert_file is set, but no listener of littlehorse_listeners "
                            "is TLS or MTLS and the internal port is not mutual TLS, so the servers would serve it "
                            "nowhere; unset littlehorse_server_cert_file and littlehorse_server_key_file, or add a "
                            "TLS or MTLS listener (or set littlehorse_internal_tls: true)" % host)
        if not tls["ca_cert_file"]:
            raise PlanError("host %s: littlehorse_server_cert_file needs littlehorse_ca_cert_file, the CA that signed "
                            "it (the servers and clients trust it); set littlehorse_ca_cert_file in group_vars/all "
                            "(and littlehorse_ca_key_file when the collection issues the other certificates)" % host)
        reached_at = []
        for server in servers:
            for item in server["tls"]["reached_at"]:
                known = [r for r in reached_at if r["name"] == item["name"]]
                if known:
                    known[0]["why"] += "; " + item["why"]
                else:
                    reached_at.append(dict(item))
        given.append({"host": host, "containers": [s["container"] for s in servers], "cert_file": str(files[0]),
                      "key_file": str(files[1]), "reached_at": reached_at,
                      "usages": ["server", "client"] if tls["internal"] or keystore else ["server"]})
    return given


def _server_certificate(server, given, keystore):
    """What littlehorse.cluster.lh_pki keeps for one server: a certificate it issues with the server's names, or the
    user's (cert_file, key_file) whose SANs must cover every name the server's host is reached at; with a PKCS12
    keystore of it when the collection's Kafka asks the servers for their certificate (SSL)."""
    item = {"name": server["container"], "common_name": server["container"], "dns_names": server["tls"]["dns_names"],
            "ip_addresses": server["tls"]["ip_addresses"], "usages": ["server", "client"], "keystore": keystore}
    if given:
        names = [r["name"] for r in given["reached_at"]]
        item.update(cert_file=given["cert_file"], key_file=given["key_file"], usages=given["usages"],
                    dns_names=[n for n in names if not _is_ipv4(n)], ip_addresses=[n for n in names if _is_ipv4(n)])
    return item


def _check_ca_key_not_needed(first, certificates, plan):
    """With littlehorse_ca_cert_file and no littlehorse_ca_key_file, every certificate must be given."""
    issued = [c["name"] for c in certificates if not c.get("cert_file")]
    if not issued:
        return
    kinds = dict((s["container"], "the server %s on %s (no littlehorse_server_cert_file there)"
                  % (s["container"], s["host"])) for s in plan["servers"])
    protocol = plan["kafka"]["security"]["protocol"]
    kinds.update((n["container"], "the Kafka node %s (Kafka over %s)" % (n["container"], protocol))
                 for n in plan["kafka"]["nodes"])
    what = ", ".join(kinds.get(n, "the client certificate %s (an MTLS listener)" % n) for n in issued)
    raise PlanError("host %s: littlehorse_ca_key_file is not set, but the collection must sign certificates with "
                    "your CA (littlehorse_ca_cert_file): %s; set littlehorse_ca_key_file to your CA's private key, or "
                    "give each of those servers' hosts littlehorse_server_cert_file and littlehorse_server_key_file "
                    "(the CA's key is needed anyway for the Kafka nodes' certificates and, with an MTLS listener, the "
                    "client file's)" % (first, what))


class FilterModule(object):
    def filters(self):
        return {"cluster_plan": cluster_plan}
